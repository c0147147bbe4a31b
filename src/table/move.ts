// Moving a table's entries into a new table in another instance (pool → own,
// own → own, own → pool), as portable records (assembly/records.ts): the
// source writes a chunk into its scratch, JS copies it into the target's
// scratch, and the target loads it. Inside one pool a rebuild needs none of
// this (assembly/lifecycle.ts moves the entries in wasm).

import type { Core } from './core.js';

/**
 * Copies every entry of table `ft` in `from` into the empty table `tt` in
 * `to`, whose slots and arena were sized for them beforehand (so no record
 * is refused for room). The source keeps its seed's order, so the target's
 * inserts walk its memory sequentially when the seeds are equal.
 */
export function moveBetweenInstances(from: Core, ft: number, to: Core, tt: number): void {
  const ex = from.ex;
  const cap = ex.walk_slots(ft);
  let cursor = 0;
  while (cursor < cap) {
    const next = ex.records_write(ft, cursor);
    const bytes = ex.records_bytes();
    if (bytes > 0) {
      to.view().set(from.view().subarray(from.scratch, from.scratch + bytes), to.scratch);
      const r = to.ex.records_load(tt, 0, bytes, 1);
      if (r !== bytes) throw new Error(`tophash: moving a table stopped with status ${r} at ${r >= 0 ? r : to.ex.records_stop()} of ${bytes} record bytes`);
      cursor = next;
    } else if (next < cap) {
      // A key longer than the scratch goes alone, straight into the arena.
      const ptr = ex.slot_key_ptr(ft, next) >>> 0;
      const len = ex.slot_key_len(ft, next) >>> 0;
      const at = to.ex.arena_reserve(tt, len) >>> 0;
      if (at === 0) throw new RangeError('no memory for a long key while rebuilding');
      to.view().set(from.view().subarray(ptr, ptr + len), at);
      to.ex.import_record(tt, len, ex.slot_count(ft, next));
      cursor = next + 1;
    } else {
      cursor = next;
    }
  }
}
