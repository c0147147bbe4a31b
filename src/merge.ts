// merge: every entry of one table added into another, wasm to wasm
// (records.ts), atomically. A merge that stops part way (an overflow, the
// maxBytes budget) takes back the prefix of the source's record stream it
// applied, with the opposite step: the source has not changed, so its
// stream is the same bytes again, and a negative step never needs memory,
// so the undo cannot fail (merge() checks a negative `by` up front, so that
// one never stops part way).

import type { Core } from './core.js';
import { applyTable, type RecordSink } from './records.js';

/** Adds each count of table `st` in `src`, times `by`, to `sink`; throws with the sink unchanged. */
export function mergeTable(sink: RecordSink, src: Core, st: number, by: number): void {
  const stop = applyTable(sink, src, st, by);
  if (stop === null) return;
  if (stop.done > 0) applyTable(sink, src, st, -by, stop.done);
  throw stop.error;
}
