import type { CounterMapOptions } from '../table/types.js';
// Snapshots: a map as bytes that can be written to disk or posted to a
// worker, and loaded back into a map of the same kind (docs/snapshot-format.md).
//
//   0   4  magic 0x89 'T' 'H' 'S'
//   4   2  format version (u16 LE), 1
//   6   1  kind: 1 CounterMap (string keys), 2 IntCounterMap
//   7   1  flags, 0
//   8   8  entry count (u64 LE)
//   16  8  body bytes (u64 LE)
//   24  4  reserved, 0
//   28  4  CRC-32 of bytes 0..28 and of the body
//   32     body: the entries as portable records (records.ts), in no set order
//
// Checks run before anything is made: length, magic, version, the exact
// length, the checksum, then kind and flags (so a flipped bit in the kind
// byte reads as corruption, not as a snapshot of the other kind), then every
// record (record-check.ts: the checksum is no defence against forgery).

import type { Core } from '../table/core.js';
import { crc32 } from './crc32.js';
import { describe } from '../table/errors.js';
import { longRecordBytes, putVarint, readRecords } from './records.js';
import { checkRecords, CorruptRecordsError } from './record-check.js';
import { H_ITEMS } from '../table/abi.js';

export const SNAPSHOT_VERSION = 1;
export const KIND_STRING = 1;
export const KIND_INT = 2;
const KIND_NAMES: readonly string[] = ['', 'CounterMap', 'IntCounterMap'];
const MAGIC = [0x89, 0x54, 0x48, 0x53] as const;
export const SNAPSHOT_HEADER_BYTES = 32;

/** Writes the snapshot of table `t` in `src` (null: an empty map). */
export function writeSnapshot(kind: number, src: Core | null, t: number): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  let body = 0;
  if (src !== null) {
    readRecords(
      src,
      t,
      (u8, from, to) => {
        parts.push(u8.slice(from, to));
        body += to - from;
      },
      (key, count) => {
        const rec = new Uint8Array(longRecordBytes(key.length, count));
        const at = putVarint(rec, 0, key.length);
        rec.set(key, at);
        putVarint(rec, at + key.length, count);
        parts.push(rec);
        body += rec.length;
      },
    );
  }
  const count = src === null ? 0 : src.h32(t, H_ITEMS);
  const out = new Uint8Array(SNAPSHOT_HEADER_BYTES + body);
  out.set(MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint16(4, SNAPSHOT_VERSION, true);
  out[6] = kind;
  setU64(dv, 8, count);
  setU64(dv, 16, body);
  let at = SNAPSHOT_HEADER_BYTES;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  dv.setUint32(28, crc32(out, SNAPSHOT_HEADER_BYTES, out.length, crc32(out, 0, 28)), true);
  return out;
}

function setU64(dv: DataView, at: number, n: number): void {
  dv.setUint32(at, n % 2 ** 32, true);
  dv.setUint32(at + 4, Math.floor(n / 2 ** 32), true);
}

function getU64(dv: DataView, at: number): number {
  return dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 2 ** 32;
}

/** A snapshot's checked header: its entry count and body. */
export interface SnapshotBody {
  count: number;
  body: Uint8Array;
}

/**
 * Checks a snapshot of `kind` and returns its body; throws a TypeError that
 * names what is wrong (the caller has made nothing yet).
 */
export function checkSnapshot(bytes: unknown, kind: number, where: string): SnapshotBody {
  const bad = (what: string): TypeError => new TypeError(`${where}: ${what}; nothing was loaded`);
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${where} needs a Uint8Array (or Buffer) holding a snapshot, got ${describe(bytes)}`);
  const n = bytes.length;
  if (n < 8) {
    for (let i = 0; i < n; i++) if (bytes[i] !== MAGIC[i]) throw bad('not a tophash snapshot (wrong magic number)');
    throw bad(`truncated snapshot: ${n} bytes, shorter than its ${SNAPSHOT_HEADER_BYTES}-byte header`);
  }
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) throw bad('not a tophash snapshot (wrong magic number)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, n);
  const version = dv.getUint16(4, true);
  if (version !== SNAPSHOT_VERSION) throw bad(`unknown snapshot format version ${version} (this tophash reads version ${SNAPSHOT_VERSION})`);
  if (n < SNAPSHOT_HEADER_BYTES) throw bad(`truncated snapshot: ${n} bytes, shorter than its ${SNAPSHOT_HEADER_BYTES}-byte header`);
  const count = getU64(dv, 8);
  const body = getU64(dv, 16);
  if (n < SNAPSHOT_HEADER_BYTES + body) throw bad(`truncated snapshot: ${n} bytes, its header says ${SNAPSHOT_HEADER_BYTES + body}`);
  if (n > SNAPSHOT_HEADER_BYTES + body) throw bad(`${n - SNAPSHOT_HEADER_BYTES - body} bytes past the end of the snapshot (its header says ${SNAPSHOT_HEADER_BYTES + body})`);
  const want = dv.getUint32(28, true);
  const got = crc32(bytes, SNAPSHOT_HEADER_BYTES, n, crc32(bytes, 0, 28));
  if (got !== want) throw bad(`corrupt snapshot: CRC-32 is 0x${got.toString(16)}, the header says 0x${want.toString(16)}`);
  const k = bytes[6]!;
  if (k !== kind) {
    const name = KIND_NAMES[k];
    throw bad(name !== undefined && name !== '' ? `this is a ${name} snapshot, not a ${KIND_NAMES[kind]!} one` : `unknown map kind ${k} in the snapshot`);
  }
  if (bytes[7] !== 0 || dv.getUint32(24, true) !== 0) throw bad('corrupt snapshot: reserved header bytes are not 0');
  // Every record takes at least 2 bytes.
  if (count * 2 > body) throw bad(`corrupt snapshot: ${count} entries cannot fit ${body} bytes`);
  const records = bytes.subarray(SNAPSHOT_HEADER_BYTES);
  try {
    checkRecords(records, kind === KIND_STRING, count);
  } catch (e) {
    if (e instanceof CorruptRecordsError) throw bad(`corrupt snapshot: ${e.message}`);
    throw e;
  }
  return { count, body: records };
}

/**
 * @internal The options a map made from a snapshot of `count` entries gets:
 * the caller's, with its table sized for the entries unless initialCapacity
 * is given (none, or null: just that). Anything else that is not an object
 * is passed on for the constructor to refuse.
 */
export function snapshotOptions(options: CounterMapOptions | undefined, count: number): CounterMapOptions | undefined {
  if (options === undefined || options === null) return { initialCapacity: count };
  if (typeof options !== 'object') return options;
  return { initialCapacity: count, ...options };
}
