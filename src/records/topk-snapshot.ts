// Snapshots of bounded summaries (TopK, IntTopK). The 32-byte header is the
// maps' (snapshot.ts: magic, version 1, kind, flags, entry count, body
// bytes, reserved, CRC-32); the kinds are 3 (TopK) and 4 (IntTopK). Body:
//
//   [LEB128 capacity][LEB128 I][LEB128 D][LEB128 floor]
//   then per entry   string keys  [LEB128 byte length][WTF-8 bytes][LEB128 estimate][LEB128 error]
//                    integer keys [sign byte 0|1][LEB128 |key|][LEB128 estimate][LEB128 error]
//
// Every field is checked before a summary is made: a key's bytes must be the
// WTF-8 of a string (decoding and encoding again gives the same bytes), at
// most a scratch long; 1 <= estimate <= I + D; error <= estimate; at most
// `capacity` entries; the body read to its last byte. Duplicate keys are
// caught when the entries are inserted. Nothing in the bytes is an address.

import { readBytes } from '../table/input.js';
import { crc32 } from './crc32.js';
import { getVarint, putVarint, varintBytes } from './records.js';
import { decode, encodeInto, maxEncodedBytes } from './utf8.js';

const MAGIC = [0x89, 0x54, 0x48, 0x53] as const;
const VERSION = 1;
const HEADER = 32;
const MAX_KEY_BYTES = 32768;
const MAX_CAPACITY = 1 << 22;
const KIND_NAMES: Record<number, string> = { 1: 'CounterMap', 2: 'IntCounterMap', 3: 'TopK', 4: 'IntTopK' };

export type TopKEntry = readonly [string | number, number, number];

export interface TopKSnapshot {
  capacity: number;
  inserted: number;
  deleted: number;
  floor: number;
  entries: TopKEntry[];
}

function setU64(dv: DataView, at: number, n: number): void {
  dv.setUint32(at, n % 2 ** 32, true);
  dv.setUint32(at + 4, Math.floor(n / 2 ** 32), true);
}

function getU64(dv: DataView, at: number): number {
  return dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 2 ** 32;
}

export function writeTopKSnapshot(kind: number, capacity: number, inserted: number, deleted: number, floor: number, entries: readonly TopKEntry[]): Uint8Array<ArrayBuffer> {
  const strings = kind === 3;
  const keys: Uint8Array[] = [];
  let body = varintBytes(capacity) + varintBytes(inserted) + varintBytes(deleted) + varintBytes(floor);
  for (const [k, est, err] of entries) {
    if (strings) {
      const buf = new Uint8Array(maxEncodedBytes((k as string).length));
      const key = buf.subarray(0, encodeInto(k as string, buf, 0));
      keys.push(key);
      body += varintBytes(key.length) + key.length;
    } else {
      body += 1 + varintBytes(Math.abs(k as number));
    }
    body += varintBytes(est) + varintBytes(err);
  }
  const out = new Uint8Array(HEADER + body);
  out.set(MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint16(4, VERSION, true);
  out[6] = kind;
  setU64(dv, 8, entries.length);
  setU64(dv, 16, body);
  let at = HEADER;
  at = putVarint(out, at, capacity);
  at = putVarint(out, at, inserted);
  at = putVarint(out, at, deleted);
  at = putVarint(out, at, floor);
  entries.forEach(([k, est, err], i) => {
    if (strings) {
      const key = keys[i]!;
      at = putVarint(out, at, key.length);
      out.set(key, at);
      at += key.length;
    } else {
      out[at++] = (k as number) < 0 ? 1 : 0;
      at = putVarint(out, at, Math.abs(k as number));
    }
    at = putVarint(out, at, est);
    at = putVarint(out, at, err);
  });
  dv.setUint32(28, crc32(out, HEADER, out.length, crc32(out, 0, 28)), true);
  return out;
}

/** Checks every byte of a summary snapshot of `kind`; throws a TypeError naming what is wrong. */
export function readTopKSnapshot(input: unknown, kind: number, where: string): TopKSnapshot {
  const bad = (what: string): TypeError => new TypeError(`${where}: ${what}; nothing was loaded`);
  // Through the intrinsic getters, copied if shared (input.ts): a subclass's
  // length or buffer is never called, and no other thread changes the bytes.
  const bytes = readBytes(input, where, 'holding a snapshot');
  const n = bytes.length;
  for (let i = 0; i < 4 && i < n; i++) if (bytes[i] !== MAGIC[i]) throw bad('not a tophash snapshot (wrong magic number)');
  if (n < HEADER) throw bad(`truncated snapshot: ${n} bytes, shorter than its ${HEADER}-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, n);
  const version = dv.getUint16(4, true);
  if (version !== VERSION) throw bad(`unknown snapshot format version ${version} (this tophash reads version ${VERSION})`);
  const count = getU64(dv, 8);
  const body = getU64(dv, 16);
  if (n !== HEADER + body) throw bad(`the snapshot is ${n} bytes, its header says ${HEADER + body}`);
  const want = dv.getUint32(28, true);
  const got = crc32(bytes, HEADER, n, crc32(bytes, 0, 28));
  if (got !== want) throw bad(`corrupt snapshot: CRC-32 is 0x${got.toString(16)}, the header says 0x${want.toString(16)}`);
  if (bytes[6] !== kind) {
    const name = KIND_NAMES[bytes[6]!];
    throw bad(name !== undefined ? `this is a ${name} snapshot, not a ${KIND_NAMES[kind]!} one` : `unknown kind ${bytes[6]!} in the snapshot`);
  }
  if (bytes[7] !== 0 || dv.getUint32(24, true) !== 0) throw bad('corrupt snapshot: reserved header bytes are not 0');
  let at = HEADER;
  const num = (what: string): number => {
    const v = getVarint(bytes, at, n);
    if (v === null) throw bad(`corrupt snapshot: ${what} at byte ${at} is cut off or too long`);
    if (!Number.isSafeInteger(v[0])) throw bad(`corrupt snapshot: ${what} ${v[0]} is not a safe integer`);
    at = v[1];
    return v[0];
  };
  const capacity = num('capacity');
  if (capacity < 1 || capacity > MAX_CAPACITY) throw bad(`corrupt snapshot: capacity ${capacity} is not from 1 to ${MAX_CAPACITY}`);
  if (count > capacity) throw bad(`corrupt snapshot: ${count} entries, more than the capacity ${capacity}`);
  const inserted = num('I');
  const deleted = num('D');
  if (inserted + deleted > Number.MAX_SAFE_INTEGER) throw bad('corrupt snapshot: I + D passes Number.MAX_SAFE_INTEGER');
  const bound = inserted + deleted;
  const floor = num('floor');
  if (floor > bound) throw bad(`corrupt snapshot: floor ${floor} is above I + D = ${bound}`);
  const strings = kind === 3;
  const entries: TopKEntry[] = [];
  const scratch = new Uint8Array(maxEncodedBytes(MAX_KEY_BYTES));
  for (let i = 0; i < count; i++) {
    let key: string | number;
    if (strings) {
      const len = num(`entry ${i}'s key length`);
      if (len > MAX_KEY_BYTES) throw bad(`corrupt snapshot: entry ${i}'s key is ${len} bytes, more than ${MAX_KEY_BYTES}`);
      if (at + len > n) throw bad(`corrupt snapshot: entry ${i}'s key is cut off`);
      key = decode(bytes, at, len);
      const back = encodeInto(key, scratch, 0);
      let same = back === len;
      for (let j = 0; same && j < len; j++) same = scratch[j] === bytes[at + j];
      if (!same) throw bad(`corrupt snapshot: entry ${i}'s key is not valid UTF-8 (WTF-8)`);
      at += len;
    } else {
      const sign = at < n ? bytes[at++]! : -1;
      if (sign !== 0 && sign !== 1) throw bad(`corrupt snapshot: entry ${i}'s key sign byte is ${sign === -1 ? 'cut off' : sign}, not 0 or 1`);
      const magnitude = num(`entry ${i}'s key`);
      if (sign === 1 && magnitude === 0) throw bad(`corrupt snapshot: entry ${i}'s key is -0`);
      key = sign === 1 ? -magnitude : magnitude;
    }
    const est = num(`entry ${i}'s estimate`);
    const err = num(`entry ${i}'s error`);
    if (est < 1 || est > bound) throw bad(`corrupt snapshot: entry ${i}'s estimate ${est} is not from 1 to I + D = ${bound}`);
    if (err > est) throw bad(`corrupt snapshot: entry ${i}'s error ${err} is above its estimate ${est}`);
    entries.push([key, est, err]);
  }
  if (at !== n) throw bad(`corrupt snapshot: ${n - at} bytes after the last entry`);
  return { capacity, inserted, deleted, floor, entries };
}
