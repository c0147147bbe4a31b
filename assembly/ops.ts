// The counting operations, generic over the slot layout (table.ts), and the
// status codes they return to JS. Every operation either completes or returns
// a negative code having changed nothing, so the JS side can grow the table
// or its arena and retry, or throw with the map exactly as it was.

import { hashInt } from "./hash";
import { scratch } from "./heap";
import { find, findSlot, slotIndex, claimSlot, RESEEDED, erase, slotAt, countAt, setCountAt, isStr, clearTable, slotSize, nextFull, insertUnique, growthLeftOf } from "./table";
import { groupBytes } from "./layout";
import { fitsRecord, appendRecord } from "./arena";
import { hashKeyBytes, arenaKey, NOT_INLINE } from "./keys";
import {
  itemsOf, capacityOf, groupsOf, garbageOf, arenaUsedOf, setArenaUsed, setGarbage, seedOf, touch, modeOf, MODE_OWN, tableOf, addTotal,
} from "./header";

import { ERR_GROW, ERR_WIDEN, ERR_OVERFLOW, ERR_KEY, ERR_STEP, ERR_MEMORY, DONE_REBUILD, ERR_ARENA, ERR_DUPLICATE, KEEP_TABLE_BYTES, REBUILD_NONE, REBUILD_SLOTS, REBUILD_ARENA } from "./abi";
export { ERR_GROW, ERR_WIDEN, ERR_OVERFLOW, ERR_KEY, ERR_STEP, ERR_MEMORY, DONE_REBUILD, ERR_ARENA, ERR_DUPLICATE, KEEP_TABLE_BYTES } from "./abi";

// @ts-ignore: decorator
@inline export const MAX_SAFE: f64 = 9007199254740991;
// @ts-ignore: decorator
@inline const U32_MAX: f64 = 4294967295;


// @ts-ignore: decorator
@inline export function isSafe(x: f64): bool {
  return x == Math.trunc(x) && Math.abs(x) <= MAX_SAFE;
}

/**
 * Whether the table holds far more memory than its entries need, and how JS
 * should rebuild it smaller (abi.ts REBUILD_*) (src/table/table.ts: release or shrink the slots,
 * REBUILD_SLOTS, or only compact the arena, REBUILD_ARENA):
 *   - it is empty and holds more than one group: its slots go back (a
 *     one-group table is kept, so a counter toggling between 0 and 1 does
 *     not allocate on every toggle);
 *   - it is under 1/16 full and past KEEP_TABLE_BYTES (shrinking to ~60%
 *     full leaves room to grow back a long way before the next rebuild);
 *   - its arena is mostly erased keys (past 4 KiB in a pool, 64 KiB in an
 *     own instance, where compaction means a new instance).
 */
export function rebuildNeeded<K, C>(t: usize): i32 {
  const items = itemsOf(t);
  if (items == 0) {
    if (groupsOf(t) > 1 || modeOf(t) == MODE_OWN) return REBUILD_SLOTS;
  } else if (<u64>groupsOf(t) * groupBytes(slotSize<K, C>()) > KEEP_TABLE_BYTES && (<u64>items << 4) < <u64>capacityOf(t)) {
    return REBUILD_SLOTS;
  }
  const garbage = garbageOf(t);
  if (garbage > (modeOf(t) == MODE_OWN ? <u32>65536 : <u32>4096) && garbage > arenaUsedOf(t) - garbage) return REBUILD_ARENA;
  return REBUILD_NONE;
}

function afterErase<K, C>(t: usize): f64 {
  if (rebuildNeeded<K, C>(t) != REBUILD_NONE) return DONE_REBUILD;
  if (itemsOf(t) == 0) {
    clearTable(t);
    setArenaUsed(t, 0);
    setGarbage(t, 0);
  }
  return 0;
}

// @ts-ignore: decorator
@inline function hashKey<K>(t: usize, key: i64, ptr: usize, len: u32): u64 {
  return isStr<K>() ? hashKeyBytes(<u64>key, ptr, len, seedOf(t)) : hashInt(key, seedOf(t));
}

function insert<K, C>(t: usize, key: i64, ptr: usize, len: u32, h: u64, n: f64): f64 {
  if (sizeof<C>() == 4 && n > U32_MAX) return ERR_WIDEN;
  const inArena = isStr<K>() && <u64>key == NOT_INLINE;
  if (inArena && !fitsRecord(t, len)) return ERR_ARENA;
  let i = claimSlot<K, C>(t, h);
  while (i == RESEEDED) i = claimSlot<K, C>(t, hashKey<K>(t, key, ptr, len));
  if (i < 0) return ERR_GROW;
  const s = slotAt<K, C>(t, <u32>i);
  if (inArena) store<u64>(s, arenaKey(appendRecord(t, ptr, len)));
  else store<K>(s, <K>key);
  store<C>(s + sizeof<K>(), <C>n);
  addTotal(t, <i64>n);
  touch(t);
  return n;
}

export function get<K, C>(t: usize, key: i64, ptr: usize, len: u32): f64 {
  const s = findSlot<K, C>(t, tableOf(t), groupsOf(t), key, ptr, len, hashKey<K>(t, key, ptr, len));
  return s == 0 ? 0 : <f64>load<C>(s + sizeof<K>());
}

/** Adds `by` (a safe integer) to the count in slot i; a result <= 0 deletes it. */
export function incrAt<K, C>(t: usize, i: u32, by: f64): f64 {
  if (sizeof<C>() == 4) {
    // Narrow counts in integer arithmetic: no float round trip on the hot
    // path. A u32 count plus a safe-integer step cannot overflow i64.
    const at = slotAt<K, C>(t, i) + sizeof<K>();
    const m = <i64>load<u32>(at) + <i64>by;
    if (m > 0 && m <= <i64>u32.MAX_VALUE) {
      store<u32>(at, <u32>m);
      addTotal(t, <i64>by);
      touch(t);
      return <f64>m;
    }
    return m <= 0 ? eraseAt<K, C>(t, i, 0) : ERR_WIDEN;
  }
  const n = countAt<K, C>(t, i) + by;
  if (n > MAX_SAFE) return ERR_OVERFLOW;
  if (n <= 0) return eraseAt<K, C>(t, i, 0);
  setCountAt<K, C>(t, i, n);
  addTotal(t, <i64>by);
  touch(t);
  return n;
}

/** Erases slot i and returns `done`, or DONE_REBUILD. */
function eraseAt<K, C>(t: usize, i: u32, done: f64): f64 {
  addTotal(t, -<i64>countAt<K, C>(t, i));
  erase<K, C>(t, i);
  touch(t);
  const r = afterErase<K, C>(t);
  return r < 0 ? r : done;
}

/** Sets the count in slot i to `n` (a safe integer >= 0); 0 deletes. */
export function setAt<K, C>(t: usize, i: u32, n: f64): f64 {
  if (n == 0) return eraseAt<K, C>(t, i, 0);
  if (sizeof<C>() == 4 && n > U32_MAX) return ERR_WIDEN;
  addTotal(t, <i64>n - <i64>countAt<K, C>(t, i));
  setCountAt<K, C>(t, i, n);
  touch(t);
  return n;
}

/** Deletes the entry in slot i: 1, or DONE_REBUILD. */
export function removeAt<K, C>(t: usize, i: u32): f64 {
  return eraseAt<K, C>(t, i, 1);
}

/**
 * Adds `by` (a safe integer) to the key's count; a result <= 0 deletes it.
 * The hot path of every counter: the probe is find's, and when the new count
 * stays in its slot (positive, fitting C) it is stored right where the probe
 * found the key, with no second address computation. Anything else (absent
 * key, count <= 0, widening, overflow) goes the general way.
 */
// @ts-ignore: decorator
@inline export function incr<K, C>(t: usize, key: i64, ptr: usize, len: u32, by: f64): f64 {
  return incrIn<K, C>(t, tableOf(t), groupsOf(t), key, ptr, len, by, true);
}

/**
 * incr with the table's address and group count given: a batch loads them
 * once (nothing in a batch moves the table: a rebuild ends the call with
 * ERR_GROW), and bumps the version once (`bump` false: the batch did it).
 * The seed is read for each key: an insert may change it (claimSlot).
 */
// @ts-ignore: decorator
@inline export function incrIn<K, C>(t: usize, base: usize, groups: u32, key: i64, ptr: usize, len: u32, by: f64, bump: bool): f64 {
  const h = hashKey<K>(t, key, ptr, len);
  const s = findSlot<K, C>(t, base, groups, key, ptr, len, h);
  if (s != 0) {
    const at = s + sizeof<K>();
    if (sizeof<C>() == 4) {
      // Narrow counts in integer arithmetic: a u32 count plus a safe-integer
      // step cannot overflow i64.
      const n = <i64>load<u32>(at) + <i64>by;
      if (n > 0 && n <= <i64>u32.MAX_VALUE) {
        store<u32>(at, <u32>n);
        addTotal(t, <i64>by);
        if (bump) touch(t);
        return <f64>n;
      }
    } else {
      const n = load<f64>(at) + by;
      if (n > 0 && n <= MAX_SAFE) {
        store<f64>(at, n);
        addTotal(t, <i64>by);
        if (bump) touch(t);
        return n;
      }
    }
    return incrAt<K, C>(t, slotIndex<K, C>(t, s), by);
  }
  if (by <= 0) return 0;
  return insert<K, C>(t, key, ptr, len, h, by);
}

/**
 * Inserts the key with count `n` (>= 1), or returns ERR_DUPLICATE when it is
 * there already: loading a snapshot, whose writer lists every key once.
 */
export function insertNew<K, C>(t: usize, key: i64, ptr: usize, len: u32, n: f64): f64 {
  const h = hashKey<K>(t, key, ptr, len);
  if (find<K, C>(t, key, ptr, len, h) >= 0) return ERR_DUPLICATE;
  return insert<K, C>(t, key, ptr, len, h, n);
}

/**
 * Inserts a key that cannot be in the table, into a table sized for it: it
 * comes from another table, moved here (records_load with `moved`). No
 * lookup, and no probe bound or tombstone to handle: the table is new
 * (records_load bumps its version once a chunk).
 */
export function insertMoved<K, C>(t: usize, key: i64, ptr: usize, len: u32, n: f64): f64 {
  if (sizeof<C>() == 4 && n > U32_MAX) return ERR_WIDEN;
  const inArena = isStr<K>() && <u64>key == NOT_INLINE;
  if (inArena && !fitsRecord(t, len)) return ERR_ARENA;
  if (growthLeftOf(t) == 0) return ERR_GROW;
  const s = slotAt<K, C>(t, insertUnique<K, C>(t, hashKey<K>(t, key, ptr, len)));
  if (inArena) store<u64>(s, arenaKey(appendRecord(t, ptr, len)));
  else store<K>(s, <K>key);
  store<C>(s + sizeof<K>(), <C>n);
  addTotal(t, <i64>n);
  return n;
}

/** Sets the key's count to `n` (a safe integer >= 0); 0 deletes. */
export function set<K, C>(t: usize, key: i64, ptr: usize, len: u32, n: f64): f64 {
  const h = hashKey<K>(t, key, ptr, len);
  const i = find<K, C>(t, key, ptr, len, h);
  if (i >= 0) return setAt<K, C>(t, <u32>i, n);
  if (n == 0) return 0;
  return insert<K, C>(t, key, ptr, len, h, n);
}

/** 1 when the key was there and is gone, 0 when absent (or DONE_REBUILD). */
export function remove<K, C>(t: usize, key: i64, ptr: usize, len: u32): f64 {
  const i = find<K, C>(t, key, ptr, len, hashKey<K>(t, key, ptr, len));
  return i < 0 ? 0 : removeAt<K, C>(t, <u32>i);
}

/**
 * Deletes every entry whose count is below `min`, in one pass over the
 * slots; returns how many went. JS then asks advice() whether to shrink.
 */
export function prune<K, C>(t: usize, min: f64): f64 {
  const cap = capacityOf(t);
  let removed: u32 = 0;
  for (let i = nextFull(t, 0); i < cap; i = nextFull(t, i + 1)) {
    const n = countAt<K, C>(t, i);
    if (n >= min) continue;
    addTotal(t, -<i64>n);
    erase<K, C>(t, i);
    removed++;
  }
  if (removed == 0) return 0;
  touch(t);
  if (itemsOf(t) == 0) {
    clearTable(t);
    setArenaUsed(t, 0);
    setGarbage(t, 0);
  }
  return <f64>removed;
}

/** The sum of all counts by a walk (the running total is unknown past i64). */
export function sumCounts<K, C>(t: usize): f64 {
  const cap = capacityOf(t);
  let sum: f64 = 0;
  for (let i = nextFull(t, 0); i < cap; i = nextFull(t, i + 1)) sum += countAt<K, C>(t, i);
  return sum;
}

/** Keys of a batch incrBatch counted before the key it stopped at. */
export let batchDone: u32 = 0;

/** `hits` times the step, added to the table's total at once (one add per hit when the product could pass i64). */
function addHits(t: usize, by: f64, hits: u32): void {
  if (hits == 0) return;
  // hits <= 8,192 (a scratch of i32 keys): below 2^50 the product fits.
  if (Math.abs(by) < 1125899906842624) {
    addTotal(t, <i64>by * <i64>hits);
    return;
  }
  for (let j: u32 = 0; j < hits; j++) addTotal(t, <i64>by);
}

/**
 * Adds `by` to each of the `n` integer keys in scratch (f64, i32 or u32 as
 * T), as incrIn would one by one. A key found in the table whose count stays
 * in range (nearly every key of a hot table) is counted here, and the total
 * gets all such steps in one add: through memory per key it was a
 * load-add-store chain from each key to the next, and every key's hash
 * waited on the seed's load. Anything else (an insert, a delete, a widening)
 * goes through incrIn. Returns n, or a code with batchDone at the key that
 * stopped it: keys before it are counted, it and the rest are not.
 */
export function incrBatch<T, K, C>(t: usize, n: u32, by: f64): f64 {
  // One version bump for the call, and the table's fields loaded once (incrIn).
  touch(t);
  const base = tableOf(t);
  const groups = groupsOf(t);
  let seed = seedOf(t);
  let hits: u32 = 0;
  const step = <i64>by;
  for (let j: u32 = 0; j < n; j++) {
    let k: i64;
    if (sizeof<T>() == 8) {
      const x = load<f64>(scratch + (<usize>j << 3));
      if (!isSafe(x)) {
        addHits(t, by, hits);
        batchDone = j;
        return ERR_KEY;
      }
      k = <i64>x;
    } else {
      k = <i64>load<T>(scratch + (<usize>j << 2));
    }
    // (i32 keys always fit a narrow table.)
    if (sizeof<K>() == 4 && !(sizeof<T>() == 4 && isSigned<T>()) && <i64><i32>k != k) {
      if (by > 0) {
        addHits(t, by, hits);
        batchDone = j;
        return ERR_WIDEN;
      }
      continue;
    }
    const h = hashInt(k, seed);
    const s = findSlot<K, C>(t, base, groups, k, 0, 0, h);
    if (s != 0) {
      const at = s + sizeof<K>();
      if (sizeof<C>() == 4) {
        const c = <i64>load<u32>(at) + step;
        if (c > 0 && c <= <i64>u32.MAX_VALUE) {
          store<u32>(at, <u32>c);
          hits++;
          continue;
        }
      } else {
        const c = load<f64>(at) + by;
        if (c > 0 && c <= MAX_SAFE) {
          store<f64>(at, c);
          hits++;
          continue;
        }
      }
    }
    // What incrIn would do past its probe, without probing again: the
    // general update of a found key, or the insert of a missing one.
    let r: f64 = 0;
    if (s != 0) r = incrAt<K, C>(t, slotIndex<K, C>(t, s), by);
    else if (by > 0) r = insert<K, C>(t, k, 0, 0, h, by);
    // An insert may have moved the table to the next seed (claimSlot).
    seed = seedOf(t);
    if (r < 0 && r != DONE_REBUILD) {
      addHits(t, by, hits);
      batchDone = j;
      return r;
    }
  }
  addHits(t, by, hits);
  return <f64>n;
}
