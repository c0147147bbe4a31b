// Moving a table's entries into a new table in another instance (pool → own,
// own → own, own → pool), as portable records (assembly/records.ts): the
// source writes a chunk into its scratch, JS copies it into the target's
// scratch, and the target loads it. Inside one pool a rebuild needs none of
// this (assembly/lifecycle.ts moves the entries in wasm).

import type { Core } from './core.js';
import { GROUP, H_GROUPS, R_CHUNK_BYTES, R_RECORDS_STOP, R_SLOT_COUNT, R_SLOT_KEY_LEN, R_SLOT_KEY_PTR, RECORDS_MOVE } from './abi.js';

/**
 * Copies every entry of table `ft` in `from` into the empty table `tt` in
 * `to`, whose slots and arena were sized for them beforehand (so no record
 * is refused for room). The source keeps its seed's order, so the target's
 * inserts walk its memory sequentially when the seeds are equal.
 */
export function moveBetweenInstances(from: Core, ft: number, to: Core, tt: number): void {
  const ex = from.ex;
  const cap = from.h32(ft, H_GROUPS) * GROUP;
  let cursor = 0;
  while (cursor < cap) {
    const next = ex.records_write(ft, cursor);
    const bytes = from.result(R_CHUNK_BYTES);
    if (bytes > 0) {
      to.view().set(from.view().subarray(from.scratch, from.scratch + bytes), to.scratch);
      const r = to.ex.records_apply(tt, 0, bytes, 1, RECORDS_MOVE);
      if (r !== bytes) throw new Error(`tophash: moving a table stopped with status ${r} at ${r >= 0 ? r : to.result(R_RECORDS_STOP)} of ${bytes} record bytes`);
      cursor = next;
    } else if (next < cap) {
      // A key longer than the scratch goes alone, straight into the arena.
      const ptr = (from.ex.slot_read(ft, next), from.result(R_SLOT_KEY_PTR)) >>> 0;
      const len = (from.ex.slot_read(ft, next), from.result(R_SLOT_KEY_LEN)) >>> 0;
      const at = to.ex.arena_reserve(tt, len) >>> 0;
      if (at === 0) throw new RangeError('no memory for a long key while rebuilding');
      to.view().set(from.view().subarray(ptr, ptr + len), at);
      to.ex.import_record(tt, len, (from.ex.slot_read(ft, next), from.result(R_SLOT_COUNT)));
      cursor = next + 1;
    } else {
      cursor = next;
    }
  }
}
