// Moving a table's entries into a new table in another instance (pool → own,
// own → own, own → pool), as portable records (assembly/records.ts): the
// source writes a chunk into its scratch, JS copies it into the target's
// scratch, and the target loads it. Inside one pool a rebuild needs none of
// this (assembly/lifecycle.ts moves the entries in wasm).

import type { Core } from './core.js';
import { GROUP, H_GROUPS, R_CHUNK_BYTES, R_RECORDS_STOP, R_SLOT_COUNT, R_SLOT_KEY_LEN, R_SLOT_KEY_PTR, RECORDS_MOVE } from './abi.js';

/**
 * Calls `chunk(u8, from, to)` for each run of records of table `t` in `src`
 * (the bytes lie in src's scratch until the next call into src), and
 * `long(bytes, count)` for each string key too long for a scratch.
 */
export function readRecords(
  src: Core,
  t: number,
  chunk: (u8: Uint8Array, from: number, to: number) => void,
  long: (key: Uint8Array, count: number) => void,
): void {
  const ex = src.ex;
  const cap = src.h32(t, H_GROUPS) * GROUP;
  let cursor = 0;
  while (cursor < cap) {
    const next = ex.records_write(t, cursor);
    const bytes = src.result(R_CHUNK_BYTES);
    if (bytes > 0) chunk(src.view(), src.scratch, src.scratch + bytes);
    else if (next < cap) {
      ex.slot_read(t, next);
      const ptr = src.result(R_SLOT_KEY_PTR);
      long(src.view().slice(ptr, ptr + src.result(R_SLOT_KEY_LEN)), src.result(R_SLOT_COUNT));
      cursor = next + 1;
      continue;
    }
    cursor = next;
  }
}

/**
 * Copies every entry of table `ft` in `from` into the empty table `tt` in
 * `to`, whose slots and arena were sized for them beforehand (so no record
 * is refused for room). The source keeps its seed's order, so the target's
 * inserts walk its memory sequentially when the seeds are equal.
 */
export function moveBetweenInstances(from: Core, ft: number, to: Core, tt: number): void {
  readRecords(
    from,
    ft,
    (u8, start, end) => {
      const bytes = end - start;
      to.view().set(u8.subarray(start, end), to.scratch);
      const r = to.ex.records_apply(tt, 0, bytes, 1, RECORDS_MOVE);
      if (r !== bytes) throw new Error(`tophash: moving a table stopped with status ${r} at ${r >= 0 ? r : to.result(R_RECORDS_STOP)} of ${bytes} record bytes`);
    },
    (key, count) => {
      // A key longer than the scratch goes alone, straight into the arena.
      const at = to.ex.arena_reserve(tt, key.length) >>> 0;
      if (at === 0) throw new RangeError('no memory for a long key while rebuilding');
      to.view().set(key, at);
      to.ex.import_record(tt, key.length, count);
    },
  );
}
