// Portable entry records (assembly/records.ts) on the JS side: reading a
// table's records out chunk by chunk, and applying a stream of records to a
// Table with incr semantics. merge (merge.ts), snapshots (snapshot.ts),
// iteration (base.ts) and moves between instances (move.ts) all use this one
// format, so a key never becomes a JS string on the way between two tables.
//
//   integer keys  [zigzag LEB128 key][LEB128 count]
//   string keys   [LEB128 byte length][key bytes][LEB128 count]

import { Core } from '../table/core.js';
import { ERR_DUPLICATE, ERR_KEY } from '../table/codes.js';
import { CorruptRecordsError, recordIndexAt } from './record-check.js';
import type { BatchStop, Table } from '../table/table.js';
import { decode } from './utf8.js';
import { GROUP, H_GROUPS, H_ITEMS, RECORDS_APPLY, RECORDS_LOAD, R_CHUNK_BYTES, R_RECORDS_STOP, R_SLOT_COUNT, R_SLOT_KEY_LEN, R_SLOT_KEY_PTR } from '../table/abi.js';

export { CorruptRecordsError };

/** Where the last readVarint, readIntKey or readStringKey ended. */
export let readEnd = 0;

/** The varint at `at` of a record the core wrote (so well formed); its end in `readEnd`. */
export function readVarint(u8: Uint8Array, at: number): number {
  let v = 0;
  let scale = 1;
  for (;;) {
    const b = u8[at++]!;
    v += (b & 127) * scale;
    if (b < 128) break;
    scale *= 128;
  }
  readEnd = at;
  return v;
}

/** The key of the integer record at `at`; where it ends in `readEnd`. */
export function readIntKey(u8: Uint8Array, at: number): number {
  // Zigzagged, -(2^53 - 1) is 2^54 - 3, which a double cannot hold: the
  // sign bit is taken off the first byte before the value is summed.
  let b = u8[at++]!;
  const negative = b & 1;
  let v = (b & 127) >>> 1;
  for (let scale = 64; b >= 128; scale *= 128) {
    b = u8[at++]!;
    v += (b & 127) * scale;
  }
  readEnd = at;
  return negative ? -v - 1 : v;
}

/** The key of the string record at `at`; where it ends in `readEnd`. */
export function readStringKey(u8: Uint8Array, at: number): string {
  const len = readVarint(u8, at);
  const from = readEnd;
  readEnd = from + len;
  return decode(u8, from, len);
}

export function varintBytes(n: number): number {
  let k = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    k++;
  }
  return k;
}

/** Writes the varint `n` (a safe integer >= 0) at `at`; returns the end. */
export function putVarint(u8: Uint8Array, at: number, n: number): number {
  while (n >= 128) {
    u8[at++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  u8[at++] = n;
  return at;
}

/** The varint at `at` (at most 8 bytes, within `end`): [value, end], or null when cut or too long. */
export function getVarint(u8: Uint8Array, at: number, end: number): [number, number] | null {
  let v = 0;
  let scale = 1;
  for (let i = 0; i < 8 && at < end; i++) {
    const b = u8[at++]!;
    v += (b & 127) * scale;
    if (b < 128) return [v, at];
    scale *= 128;
  }
  return null;
}

// The walk over a table's records is the table layer's (moves use it too).
export { readRecords } from '../table/move.js';

/** A long string record [len][bytes][count] in JS: bytes of its header and count. */
export function longRecordBytes(len: number, count: number): number {
  return varintBytes(len) + len + varintBytes(count);
}

/**
 * Applies the records of table `st` in `src` to `table`, each count times
 * `by`, stopping after `limit` bytes of the record stream. Returns null when
 * done, or how many bytes of the stream were applied and the error (so that
 * the caller can take that prefix back with -by).
 *
 * Every chunk is written by src into its scratch and copied into the table's
 * scratch; when both are one instance (two maps in one pool) the copy is
 * skipped but the path is the same. Making room in the table (a rebuild, a
 * move to an instance of its own) may reuse either scratch, so after any
 * recovery the chunk is written again: src is not changed by a merge, so the
 * bytes are the same.
 */
export function applyTable(table: Table, src: Core, st: number, by: number, limit = Infinity): BatchStop | null {
  const ex = src.ex;
  const cap = src.h32(st, H_GROUPS) * GROUP;
  let cursor = 0;
  let done = 0;
  while (cursor < cap && done < limit) {
    const next = ex.records_write(st, cursor);
    const bytes = Math.min(src.result(R_CHUNK_BYTES), limit - done);
    if (bytes === 0) {
      if (next >= cap) break;
      // One key too long for a scratch: by the long-key path of the table.
      ex.slot_read(st, next);
      const ptr = src.result(R_SLOT_KEY_PTR);
      const key = src.view().slice(ptr, ptr + src.result(R_SLOT_KEY_LEN));
      const count = src.result(R_SLOT_COUNT);
      try {
        const step = count * by;
        if (!Number.isSafeInteger(step)) throw new RangeError(`a count would pass Number.MAX_SAFE_INTEGER (${count} × ${by}); the map is unchanged`);
        table._incrBytes(key, step);
      } catch (error) {
        return { done, error };
      }
      done += longRecordBytes(key.length, count);
      cursor = next + 1;
      continue;
    }
    let from = 0;
    let fresh = true;
    while (from < bytes) {
      const c = table._coreOrStop(by > 0, done + from);
      if (c === null) return null; // an empty map and a negative step: nothing to take away
      if (!(c instanceof Core)) return c;
      if (!fresh) ex.records_write(st, cursor);
      if (c !== src) c.view().set(src.view().subarray(src.scratch, src.scratch + bytes), c.scratch);
      const r = c.ex.records_apply(table._t, from, bytes, by, RECORDS_APPLY);
      if (r >= 0) {
        if (r !== bytes) return { done: done + r, error: new Error(`tophash: a record chunk stopped at ${r} of ${bytes} bytes`) };
        from = bytes;
      } else {
        from = c.result(R_RECORDS_STOP);
        const stop = table._recoverOrStop(r, done + from);
        if (stop !== null) return stop;
        fresh = false;
      }
    }
    done += bytes;
    cursor = next;
  }
  return null;
}

/**
 * Applies a stream of records held in JS (a snapshot's body, checked by
 * checkRecords) to `table`, a scratch-full at a time. `load`: the table is a
 * new table and a key listed twice is corrupt (records_apply RECORDS_LOAD). Throws
 * CorruptRecordsError for bytes that do not parse, and the table's error
 * (maxBytes, an overflow) otherwise.
 */
export function applyBytes(table: Table, body: Uint8Array, strings: boolean, load = false): void {
  let pos = 0;
  const n = body.length;
  const corrupt = (at: number, what: string): CorruptRecordsError =>
    new CorruptRecordsError(`record ${recordIndexAt(body, strings, at)} at body offset ${at}: ${what}`);
  while (pos < n) {
    const c = table._coreFor(true)!;
    const room = c.scratchBytes;
    const len = Math.min(room, n - pos);
    c.view().set(body.subarray(pos, pos + len), c.scratch);
    const r = c.ex.records_apply(table._t, 0, len, 1, load ? RECORDS_LOAD : RECORDS_APPLY);
    if (r > 0) {
      pos += r;
      continue;
    }
    if (r === 0) {
      // The record at pos does not fit a chunk: a key longer than the scratch,
      // or bytes cut short.
      pos = applyLongRecord(table, body, pos, strings, room, load, corrupt);
      continue;
    }
    const at = pos + c.result(R_RECORDS_STOP);
    if (r === ERR_KEY) throw corrupt(at, 'a key or count that is not a safe integer, or a count of 0');
    if (r === ERR_DUPLICATE) throw corrupt(at, 'its key is the key of an earlier record (a writer lists each key once)');
    // Make room and go on from the record that stopped (re-copied: the
    // recovery may have moved the table to another instance).
    pos = at;
    table._recover(r);
  }
}

function applyLongRecord(
  table: Table,
  body: Uint8Array,
  pos: number,
  strings: boolean,
  room: number,
  load: boolean,
  corrupt: (at: number, what: string) => CorruptRecordsError,
): number {
  const head = strings ? getVarint(body, pos, body.length) : null;
  if (head === null) throw corrupt(pos, 'cut short or malformed');
  const [len, keyAt] = head;
  const countAt = keyAt + len;
  const tail = countAt <= body.length ? getVarint(body, countAt, body.length) : null;
  if (tail === null || tail[0] < 1 || !Number.isSafeInteger(tail[0])) throw corrupt(pos, 'cut short or malformed');
  if (tail[1] - pos <= room) throw corrupt(pos, 'refused by the core');
  const size = (): number => table._coreFor(true)!.h32(table._t, H_ITEMS);
  const before = load ? size() : 0;
  table._incrBytes(body.subarray(keyAt, countAt), tail[0]);
  if (load && size() === before) throw corrupt(pos, 'its key is the key of an earlier record (a writer lists each key once)');
  return tail[1];
}
