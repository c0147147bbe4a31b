// Who may touch the table. Operations on keys run concurrently from every
// thread; a rebuild, clear() and a consistent read of every entry need the
// table to themselves ("stop the world").
//
// Each thread has an `active` word on a line of its own. An operation
// stores active = 1, then loads the stop-the-world word; a thread that
// stops the world stores that word, then waits until every other thread's
// active word reads 0. Wasm atomics are sequentially consistent, so of two
// threads doing this at once at least one sees the other's store (Dekker's
// argument): either the operation sees the world stopping and backs off
// (active = 0, wait, retry), or the stopper sees it active and waits for it
// to finish. An operation on a key therefore costs two atomic stores and a
// load on lines no other thread writes, and nothing on a shared line.

import { HDR, H_STW, THREADS, THREAD_BYTES, T_ACTIVE, T_CAN_WAIT, T_OWNER, MAX_THREADS } from './layout';

// @ts-ignore: decorator
@inline export function threadAt(me: u32): usize {
  return THREADS + <usize>me * THREAD_BYTES;
}

/** Waits while the world is stopped by someone else: a futex wait where this thread may block, else a spin. */
function waitWhileStopped(me: u32): void {
  const rec = threadAt(me);
  while (true) {
    const v = atomic.load<i32>(HDR + H_STW);
    if (v == 0 || v == <i32>me + 1) return;
    // A browser's main thread may not block: it spins.
    if (load<i32>(rec + T_CAN_WAIT) != 0) atomic.wait<i32>(HDR + H_STW, v, 1000000);
  }
}

/** Marks `me` active in the table; returns once no one holds the world stopped. */
// @ts-ignore: decorator
@inline export function enter(me: u32): void {
  const a = threadAt(me) + T_ACTIVE;
  atomic.store<i32>(a, 1);
  if (atomic.load<i32>(HDR + H_STW) != 0) enterSlow(me);
}

function enterSlow(me: u32): void {
  const a = threadAt(me) + T_ACTIVE;
  while (true) {
    const v = atomic.load<i32>(HDR + H_STW);
    if (v == 0 || v == <i32>me + 1) return;
    atomic.store<i32>(a, 0);
    waitWhileStopped(me);
    atomic.store<i32>(a, 1);
  }
}

// @ts-ignore: decorator
@inline export function leave(me: u32): void {
  atomic.store<i32>(threadAt(me) + T_ACTIVE, 0);
}

/**
 * Stops the world for `me` (which must not be active): takes the word, then
 * waits for every operation under way to finish. Operations are short (no
 * operation waits while active), so the wait is a spin.
 */
export function stopWorld(me: u32): void {
  while (atomic.cmpxchg<i32>(HDR + H_STW, 0, <i32>me + 1) != 0) waitWhileStopped(me);
  for (let t: u32 = 0; t < MAX_THREADS; t++) {
    if (t == me) continue;
    const a = threadAt(t) + T_ACTIVE;
    while (atomic.load<i32>(a) != 0) {
      // spin: the other thread is inside one operation on a key
    }
  }
}

export function resumeWorld(): void {
  atomic.store<i32>(HDR + H_STW, 0);
  atomic.notify(HDR + H_STW);
}

/** Claims a thread record; its index, or -1 when MAX_THREADS handles are open. */
export function claimThread(canWait: bool): i32 {
  for (let t: u32 = 0; t < MAX_THREADS; t++) {
    const rec = threadAt(t);
    if (atomic.cmpxchg<i32>(rec + T_OWNER, 0, 1) == 0) {
      atomic.store<i32>(rec + T_ACTIVE, 0);
      atomic.store<i32>(rec + T_CAN_WAIT, canWait ? 1 : 0);
      return <i32>t;
    }
  }
  return -1;
}

export function releaseThread(me: u32): void {
  const rec = threadAt(me);
  atomic.store<i32>(rec + T_ACTIVE, 0);
  atomic.store<i32>(rec + T_OWNER, 0);
}
