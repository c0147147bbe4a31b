// The ranges of a file that countFile's threads share: the calling thread
// and the workers each take the next range from one atomic counter, so a
// thread that runs slower (a worker still starting, or given less of a busy
// CPU) simply takes fewer ranges, and no thread waits on a fixed share
// another was given.

import type { Claim } from './file-range.js';

/** @internal The file cut into ranges, and the counter that hands them out. */
export interface SharedRanges {
  /** Range k is [cuts[k], cuts[k + 1]); each cut is just after a separator byte. */
  cuts: number[];
  /**
   * Over a SharedArrayBuffer: [0] the next range to hand out; [1 + slot] is
   * 1 once the thread in that slot has asked for a range.
   */
  state: Int32Array;
}

/** @internal */
export function shareRanges(cuts: number[], slots: number): SharedRanges {
  return { cuts, state: new Int32Array(new SharedArrayBuffer(4 * (1 + slots))) };
}

/**
 * @internal Claims for the thread in `slot`. It marks itself as asking
 * before it takes a number, so that once the ranges are all handed out, a
 * slot still at 0 can never get one (see `hasAsked`).
 */
export function claimer(r: SharedRanges, slot: number): Claim {
  const n = r.cuts.length - 1;
  return () => {
    Atomics.store(r.state, 1 + slot, 1);
    const k = Atomics.add(r.state, 0, 1);
    return k < n ? [r.cuts[k]!, r.cuts[k + 1]!] : null;
  };
}

/** @internal Whether the thread in `slot` has asked for a range yet. */
export function hasAsked(r: SharedRanges, slot: number): boolean {
  return Atomics.load(r.state, 1 + slot) === 1;
}

/** @internal Hands out no more ranges (a failure or an abort). */
export function closeRanges(r: SharedRanges): void {
  Atomics.store(r.state, 0, r.cuts.length);
}
