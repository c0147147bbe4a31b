// The counting operations, generic over the slot layout (table.ts), and the
// status codes they return to JS. Every operation either completes or returns
// a negative code having changed nothing, so the JS side can rebuild the table
// (grow, widen) and retry, or throw with the map exactly as it was.

import { hashInt, hashBytes } from "./hash";
import { find, claimSlot, erase, slotAt, countAt, setCountAt, isStr, items, capacity, clearTable } from "./table";
import { reserveRecord, appendRecord, arenaStart, arenaEnd, garbage, resetArena } from "./arena";

/** The table is full: rebuild it larger and retry. */
// @ts-ignore: decorator
@inline export const ERR_GROW: f64 = -1;
/** A key or count does not fit a narrow slot: rebuild wide and retry. */
// @ts-ignore: decorator
@inline export const ERR_WIDEN: f64 = -2;
/** The count would pass Number.MAX_SAFE_INTEGER. */
// @ts-ignore: decorator
@inline export const ERR_OVERFLOW: f64 = -3;
/** An integer key that is not a safe integer. */
// @ts-ignore: decorator
@inline export const ERR_KEY: f64 = -4;
/** A step or count that is not a safe integer (or a negative count). */
// @ts-ignore: decorator
@inline export const ERR_STEP: f64 = -5;
/** The arena could not grow: the maxBytes budget, or the engine refused. */
// @ts-ignore: decorator
@inline export const ERR_MEMORY: f64 = -6;
/** Not an error: the key was deleted, and the table asks to be rebuilt smaller. */
// @ts-ignore: decorator
@inline export const DONE_REBUILD: f64 = -7;

// @ts-ignore: decorator
@inline export const MAX_SAFE: f64 = 9007199254740991;
// @ts-ignore: decorator
@inline const U32_MAX: f64 = 4294967295;

/**
 * A map whose memory is at most this many pages (2 MiB) never asks to be
 * rebuilt smaller: when it empties it is cleared in place. A rebuild is a new
 * instance, which costs ~50 us plus V8's reclaiming of the old one (see
 * src/base.ts), far more than 2 MiB is worth; and a counter that empties is
 * usually about to fill again (rounds of counting up and back to zero).
 */
// @ts-ignore: decorator
@inline export const KEEP_PAGES: i32 = 32;

// @ts-ignore: decorator
@inline export function isSafe(x: f64): bool {
  return x == Math.trunc(x) && Math.abs(x) <= MAX_SAFE;
}

/**
 * Whether the table holds far more memory than its entries need: past
 * KEEP_PAGES and empty, under 1/16 full, or an arena that is mostly erased
 * keys. Shrinking at 1/16 (to a table ~60% full) leaves room
 * for the map to grow back a long way before the next rebuild.
 */
export function rebuildAdvised(): bool {
  if (memory.size() <= KEEP_PAGES) return false;
  if (items == 0 || (<u64>items << 4) < <u64>capacity) return true;
  return garbage > 65536 && garbage > arenaEnd - arenaStart - garbage;
}

function afterErase(): f64 {
  if (rebuildAdvised()) return DONE_REBUILD;
  if (items == 0) {
    clearTable();
    resetArena(arenaStart);
  }
  return 0;
}

// @ts-ignore: decorator
@inline function hashKey<K>(key: i64, ptr: usize, len: u32): u64 {
  return isStr<K>() ? hashBytes(ptr, len) : hashInt(key);
}

function insert<K, C>(key: i64, ptr: usize, len: u32, h: u64, n: f64): f64 {
  if (sizeof<C>() == 4 && n > U32_MAX) return ERR_WIDEN;
  if (isStr<K>() && !reserveRecord(len)) return ERR_MEMORY;
  const i = claimSlot<K, C>(h);
  if (i < 0) return ERR_GROW;
  const s = slotAt<K, C>(<u32>i);
  if (isStr<K>()) store<u32>(s, <u32>appendRecord(ptr, len));
  else store<K>(s, <K>key);
  store<C>(s + sizeof<K>(), <C>n);
  return n;
}

export function get<K, C>(key: i64, ptr: usize, len: u32): f64 {
  const i = find<K, C>(key, ptr, len, hashKey<K>(key, ptr, len));
  return i < 0 ? 0 : countAt<K, C>(<u32>i);
}

/** Adds `by` (a safe integer) to the count in slot i; a result <= 0 deletes it. */
export function incrAt<K, C>(i: u32, by: f64): f64 {
  if (sizeof<C>() == 4) {
    // Narrow counts in integer arithmetic: no float round trip on the hot
    // path. A u32 count plus a safe-integer step cannot overflow i64.
    const at = slotAt<K, C>(i) + sizeof<K>();
    const m = <i64>load<u32>(at) + <i64>by;
    if (m <= 0) {
      erase<K, C>(i);
      return afterErase();
    }
    if (m > <i64>u32.MAX_VALUE) return ERR_WIDEN;
    store<u32>(at, <u32>m);
    return <f64>m;
  }
  const n = countAt<K, C>(i) + by;
  if (n > MAX_SAFE) return ERR_OVERFLOW;
  if (n <= 0) {
    erase<K, C>(i);
    return afterErase();
  }
  if (sizeof<C>() == 4 && n > U32_MAX) return ERR_WIDEN;
  setCountAt<K, C>(i, n);
  return n;
}

/** Sets the count in slot i to `n` (a safe integer >= 0); 0 deletes. */
export function setAt<K, C>(i: u32, n: f64): f64 {
  if (n == 0) {
    erase<K, C>(i);
    return afterErase();
  }
  if (sizeof<C>() == 4 && n > U32_MAX) return ERR_WIDEN;
  setCountAt<K, C>(i, n);
  return n;
}

/** Deletes the entry in slot i: 1, or DONE_REBUILD. */
export function removeAt<K, C>(i: u32): f64 {
  erase<K, C>(i);
  const r = afterErase();
  return r < 0 ? r : 1;
}

/** Adds `by` (a safe integer) to the key's count; a result <= 0 deletes it. */
export function incr<K, C>(key: i64, ptr: usize, len: u32, by: f64): f64 {
  const h = hashKey<K>(key, ptr, len);
  const i = find<K, C>(key, ptr, len, h);
  if (i >= 0) return incrAt<K, C>(<u32>i, by);
  if (by <= 0) return 0;
  return insert<K, C>(key, ptr, len, h, by);
}

/** Sets the key's count to `n` (a safe integer >= 0); 0 deletes. */
export function set<K, C>(key: i64, ptr: usize, len: u32, n: f64): f64 {
  const h = hashKey<K>(key, ptr, len);
  const i = find<K, C>(key, ptr, len, h);
  if (i >= 0) return setAt<K, C>(<u32>i, n);
  if (n == 0) return 0;
  return insert<K, C>(key, ptr, len, h, n);
}

/** 1 when the key was there and is gone, 0 when absent (or DONE_REBUILD). */
export function remove<K, C>(key: i64, ptr: usize, len: u32): f64 {
  const i = find<K, C>(key, ptr, len, hashKey<K>(key, ptr, len));
  return i < 0 ? 0 : removeAt<K, C>(<u32>i);
}
