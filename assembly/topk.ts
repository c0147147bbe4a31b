// Space-Saving (Metwally, Agrawal and El Abbadi, 2005): the heavy hitters of
// an unbounded key stream in the memory of `m` keys, over the same table as
// the counter maps.
//
//   header block   the table header (header.ts, 60 bytes; its spare byte 50
//                  is 1: the tokenizer's flush then counts into the summary), then
//                  60 m         u32  keys tracked at most
//                  64 heap      u32  address of heap entry 0
//                  68 inserted  f64  I: the sum of every increment
//                  76 floor     f64  no untracked key was counted more than this
//                  84 deleted   f64  D: the sum of every decrement (N = I - D)
//                  (92 bytes: with the allocator's 4, a 96-byte block)
//   table block    groups [16 control bytes][16 slots of K key | u32 heap index | pad]
//                  then the heap: m entries [f64 estimate][f64 error][u32 slot address][pad]
//
// The table is sized once, for m keys at 60% load, and never grows: an
// eviction erases a key and inserts another, so tombstones pile up and are
// cleaned in place (rehashInPlace) whenever the growth budget runs out,
// which at 60% load is at most once every 0.275 * slots evictions.
//
// The minimum is found with an indexed binary min-heap of estimates rather
// than Stream-Summary's bucket lists: Stream-Summary is O(1) only for steps
// of 1; a weighted step walks the buckets, and a decrement or a merge needs
// arbitrary moves. In the heap an increment moves a key toward the leaves,
// where a hot key already is, so the common update touches one entry; an
// eviction is one sift from the root (log2 m levels).
//
// A tracked key's estimate is an upper bound of its true count and
// estimate - error a lower bound. Invariants: the estimates sum to at most N
// (exactly N for a stream of increments), so the minimum estimate of a full
// summary is at most N/m; every error is at most the minimum at the time the
// key was inserted, hence at most N/m; and every untracked key's true count
// is at most `floor`, which is at most the minimum estimate while the summary
// is full. Decrements (SpaceSaving±) are applied to tracked keys only.

import { scratch, blockAlloc, blockCost } from "./heap";
import { MODE_POOLED, tableOf, groupsOf, itemsOf, setItems, tombstonesOf, setTombstones, seedOf, touch, setLayout, setMode, setSeed, setTable, setGroups, capacityOf, layoutOf, arenaOf, arenaUsedOf, setArenaUsed, garbageOf, setGarbage } from "./header";
import { STR64, slotBytes, groupBytes } from "./layout";
import { findSlot, claimSlot, RESEEDED, erase, slotAt, slotIndex, rehashInPlace, resetTable, nextFull, slotAddr, isStr, EMPTY_GROUP, growthLeftOf } from "./table";
import { fitsRecord, appendRecord } from "./arena";
import { hashKeyBytes, NOT_INLINE, arenaKey } from "./keys";
import { hashInt, firstSeed } from "./hash";
import { keyAddr, keyLength } from "./entries";
import { ERR_ARENA, ERR_OVERFLOW, ERR_MEMORY, MAX_SAFE } from "./ops";

import { TOPK_HEADER_BYTES, TOPK_H_CAPACITY, TOPK_H_HEAP, TOPK_H_INSERTED, TOPK_H_FLOOR, TOPK_H_DELETED, H_KIND, H_VERSION, ERR_DUPLICATE, ERR_BELOW, SCRATCH_BYTES } from "./abi";
export { TOPK_HEADER_BYTES, ERR_DUPLICATE, ERR_BELOW } from "./abi";
// @ts-ignore: decorator
@inline const HEAP_ENTRY: usize = 24;

// @ts-ignore: decorator
@inline export function topCapOf(t: usize): u32 { return load<u32>(t, TOPK_H_CAPACITY); }
// @ts-ignore: decorator
@inline function heapOf(t: usize): usize { return <usize>load<u32>(t, TOPK_H_HEAP); }
// @ts-ignore: decorator
@inline export function insertedOf(t: usize): f64 { return load<f64>(t, TOPK_H_INSERTED); }
// @ts-ignore: decorator
@inline export function setInserted(t: usize, v: f64): void { store<f64>(t, v, TOPK_H_INSERTED); }
// @ts-ignore: decorator
@inline export function floorOf(t: usize): f64 { return load<f64>(t, TOPK_H_FLOOR); }
// @ts-ignore: decorator
@inline export function setFloor(t: usize, v: f64): void { store<f64>(t, v, TOPK_H_FLOOR); }
// @ts-ignore: decorator
@inline export function deletedOf(t: usize): f64 { return load<f64>(t, TOPK_H_DELETED); }
// @ts-ignore: decorator
@inline export function setDeleted(t: usize, v: f64): void { store<f64>(t, v, TOPK_H_DELETED); }

// @ts-ignore: decorator
@inline function entryAt(t: usize, i: u32): usize { return heapOf(t) + <usize>i * HEAP_ENTRY; }
// @ts-ignore: decorator
@inline function posOf(s: usize): u32 { return load<u32>(s, 8); }
// @ts-ignore: decorator
@inline function setPos(s: usize, i: u32): void { store<u32>(s, i, 8); }

/** Groups for m keys at 60% load: room to spare for tombstones between in-place cleanups. */
export function topGroups(m: u32): u32 {
  return <u32>((<u64>m * 5 + 2) / 3 + 15) >> 4;
}

/** Bytes of the table block of a summary of m keys: the groups, then the heap. */
export function topTableBytes(m: u32): usize {
  return <usize>topGroups(m) * groupBytes(slotBytes(STR64)) + <usize>m * HEAP_ENTRY;
}

/** A new summary's header, with no table yet (topInit makes it). Traps when the engine refuses memory. */
export function topNew(layout: i32): usize {
  const t = blockAlloc(TOPK_HEADER_BYTES);
  memory.fill(t, 0, TOPK_HEADER_BYTES);
  setLayout(t, layout);
  setMode(t, MODE_POOLED);
  setSeed(t, firstSeed());
  setTable(t, EMPTY_GROUP);
  setGroups(t, 1);
  store<u8>(t, 1, H_KIND);
  return t;
}

/** Whether the header at `t` is a summary's (tokens.ts flushes into it with topIncr). */
// @ts-ignore: decorator
@inline export function isTopK(t: usize): bool {
  return load<u8>(t, H_KIND) == 1;
}

/**
 * Copies the summary `src` into `dst`, a new one of the same capacity in the
 * same instance whose arena JS has made room for src's (a backup taken
 * before a call that cannot be undone step by step, swapped back on failure).
 */
export function topCopy(dst: usize, src: usize): void {
  const from = tableOf(src);
  const to = tableOf(dst);
  memory.copy(to, from, topTableBytes(topCapOf(src)));
  // Heap entries name their slots by address.
  const n = itemsOf(src);
  for (let i: u32 = 0; i < n; i++) {
    const e = entryAt(dst, i);
    store<u32>(e, load<u32>(e, 16) - <u32>from + <u32>to, 16);
  }
  const used = arenaUsedOf(src);
  if (used != 0) memory.copy(arenaOf(dst), arenaOf(src), used);
  setItems(dst, n);
  setTombstones(dst, tombstonesOf(src));
  setArenaUsed(dst, used);
  setGarbage(dst, garbageOf(src));
  setSeed(dst, seedOf(src));
  setInserted(dst, insertedOf(src));
  setFloor(dst, floorOf(src));
  setDeleted(dst, deletedOf(src));
  touch(dst);
}

/**
 * Gives the header of a new summary its table and heap for m keys: one
 * block, allocated before anything changes (a refusal traps, and JS frees
 * the header). Returns 0, or ERR_MEMORY past `maxBytes`.
 */
export function topInit(t: usize, m: u32, maxBytes: f64): f64 {
  const bytes = topTableBytes(m);
  if (<f64>blockCost(TOPK_HEADER_BYTES) + <f64>blockCost(bytes) > maxBytes) return ERR_MEMORY;
  const at = blockAlloc(bytes);
  const groups = topGroups(m);
  const stride = groupBytes(slotBytes(STR64));
  for (let g: usize = 0; g < <usize>groups; g++) v128.store(at + g * stride, i8x16.splat(0));
  resetTable(t, at, groups);
  store<u32>(t, m, TOPK_H_CAPACITY);
  store<u32>(t, <u32>(at + <usize>groups * stride), TOPK_H_HEAP);
  setInserted(t, 0);
  setFloor(t, 0);
  setDeleted(t, 0);
  touch(t);
  return 0;
}

/** Swaps everything but the version of two summaries' headers (an atomic merge builds into a new one). */
export function topSwap(a: usize, b: usize): void {
  for (let off: usize = 0; off < TOPK_HEADER_BYTES; off += 4) {
    if (off == H_VERSION) continue;
    const x = load<u32>(a + off);
    store<u32>(a + off, load<u32>(b + off));
    store<u32>(b + off, x);
  }
  touch(a);
  touch(b);
}

/** Moves the entry to heap index i, keeping its slot pointing at it. */
// @ts-ignore: decorator
@inline function place(t: usize, i: u32, est: f64, err: f64, s: usize): void {
  const e = entryAt(t, i);
  store<f64>(e, est);
  store<f64>(e, err, 8);
  store<u32>(e, <u32>s, 16);
  setPos(s, i);
}

function siftDown(t: usize, i: u32): void {
  const n = itemsOf(t);
  const e = entryAt(t, i);
  const est = load<f64>(e);
  const err = load<f64>(e, 8);
  const s = <usize>load<u32>(e, 16);
  while (true) {
    let c: u32 = 2 * i + 1;
    if (c >= n) break;
    let ce = entryAt(t, c);
    if (c + 1 < n && load<f64>(ce + HEAP_ENTRY) < load<f64>(ce)) {
      c++;
      ce += HEAP_ENTRY;
    }
    const cest = load<f64>(ce);
    if (cest >= est) break;
    place(t, i, cest, load<f64>(ce, 8), <usize>load<u32>(ce, 16));
    i = c;
  }
  place(t, i, est, err, s);
}

function siftUp(t: usize, i: u32): void {
  const e = entryAt(t, i);
  const est = load<f64>(e);
  const err = load<f64>(e, 8);
  const s = <usize>load<u32>(e, 16);
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pe = entryAt(t, p);
    const pest = load<f64>(pe);
    if (pest <= est) break;
    place(t, i, pest, load<f64>(pe, 8), <usize>load<u32>(pe, 16));
    i = p;
  }
  place(t, i, est, err, s);
}

/**
 * A slot for a new key. When the growth budget is spent the tombstones are
 * cleaned in place first, here rather than inside claimSlot, because the
 * cleanup moves entries and the heap must follow them.
 */
function claim<K>(t: usize, key: i64, ptr: usize, len: u32, h: u64): usize {
  if (growthLeftOf(t) == 0) {
    rehashInPlace<K, u64>(t);
    followSlots<K>(t);
  }
  let i = claimSlot<K, u64>(t, h);
  while (i == RESEEDED) {
    // A probe walked MAX_PROBE_GROUPS: the table moved to its next seed and
    // was rehashed in place, so the heap follows its entries and the key is
    // hashed anew.
    followSlots<K>(t);
    i = claimSlot<K, u64>(t, hashOf<K>(t, key, ptr, len));
  }
  return slotAt<K, u64>(t, <u32>i);
}

/** After a rehash in place: each heap entry names its key's new slot. */
function followSlots<K>(t: usize): void {
  const cap = capacityOf(t);
  for (let i = nextFull(t, 0); i < cap; i = nextFull(t, i + 1)) {
    const s = slotAt<K, u64>(t, i);
    store<u32>(entryAt(t, posOf(s)), <u32>s, 16);
  }
}

// @ts-ignore: decorator
@inline function hashOf<K>(t: usize, key: i64, ptr: usize, len: u32): u64 {
  return isStr<K>() ? hashKeyBytes(<u64>key, ptr, len, seedOf(t)) : hashInt(key, seedOf(t));
}

// @ts-ignore: decorator
@inline function storeKey<K>(t: usize, s: usize, key: i64, ptr: usize, len: u32): void {
  if (isStr<K>() && <u64>key == NOT_INLINE) store<u64>(s, arenaKey(appendRecord(t, ptr, len)));
  else store<K>(s, <K>key);
}

/**
 * Counts `by` (a safe integer >= 1) more of the key; returns its estimate,
 * or a code having changed nothing (ERR_ARENA: make arena room and retry;
 * ERR_OVERFLOW: N would pass 2^53 - 1).
 */
export function topIncr<K>(t: usize, key: i64, ptr: usize, len: u32, by: f64): f64 {
  // Every estimate is at most I + D, so checking that keeps them all safe integers.
  const total = insertedOf(t) + by;
  if (total + deletedOf(t) > MAX_SAFE) return ERR_OVERFLOW;
  const h = hashOf<K>(t, key, ptr, len);
  const s = findSlot<K, u64>(t, tableOf(t), groupsOf(t), key, ptr, len, h);
  let est: f64;
  if (s != 0) {
    const i = posOf(s);
    const e = entryAt(t, i);
    est = load<f64>(e) + by;
    store<f64>(e, est);
    siftDown(t, i);
  } else {
    if (isStr<K>() && <u64>key == NOT_INLINE && !fitsRecord(t, len)) return ERR_ARENA;
    const n = itemsOf(t);
    if (n < topCapOf(t)) {
      const floor = floorOf(t);
      est = floor + by;
      const d = claim<K>(t, key, ptr, len, h);
      storeKey<K>(t, d, key, ptr, len);
      place(t, n, est, floor, d);
      siftUp(t, n);
    } else {
      // Evict the minimum: its key leaves, the new key takes over its
      // estimate as its error (its true count was at most the minimum, and
      // at most the floor: after decrements the minimum can be below it).
      const root = entryAt(t, 0);
      let min = load<f64>(root);
      erase<K, u64>(t, slotIndex<K, u64>(t, <usize>load<u32>(root, 16)));
      if (min > floorOf(t)) setFloor(t, min);
      else min = floorOf(t);
      est = min + by;
      const d = claim<K>(t, key, ptr, len, h);
      storeKey<K>(t, d, key, ptr, len);
      place(t, 0, est, min, d);
      siftDown(t, 0);
    }
  }
  setInserted(t, total);
  touch(t);
  return est;
}

/** The slot address of the key, or 0 when it is not tracked. */
export function topFind<K>(t: usize, key: i64, ptr: usize, len: u32): usize {
  return findSlot<K, u64>(t, tableOf(t), groupsOf(t), key, ptr, len, hashOf<K>(t, key, ptr, len));
}

export function topEstimate(t: usize, s: usize): f64 { return load<f64>(entryAt(t, posOf(s))); }
export function topError(t: usize, s: usize): f64 { return load<f64>(entryAt(t, posOf(s)), 8); }

/** The estimate of the key; 0 when it is not tracked. */
export function topGet<K>(t: usize, key: i64, ptr: usize, len: u32): f64 {
  const s = topFind<K>(t, key, ptr, len);
  return s == 0 ? 0 : load<f64>(entryAt(t, posOf(s)));
}

/**
 * Takes `by` (a safe integer >= 1) off the tracked key in slot `s`
 * (SpaceSaving±): its estimate and lower bound drop by `by`, D grows by it.
 * ERR_BELOW, changing nothing, when `by` is more than its estimate: more
 * than the key can have been counted. A key whose estimate reaches 0 is
 * erased and its heap entry replaced by the last one.
 */
export function topDecrAt<K>(t: usize, s: usize, by: f64): f64 {
  const i = posOf(s);
  const e = entryAt(t, i);
  const est = load<f64>(e) - by;
  if (est < 0) return ERR_BELOW;
  let err = load<f64>(e, 8);
  // A lower bound below 0 says nothing: the error is what is left above 0.
  if (err > est) err = est;
  setDeleted(t, deletedOf(t) + by);
  touch(t);
  if (est > 0) {
    store<f64>(e, est);
    store<f64>(e, err, 8);
    siftUp(t, i);
    return est;
  }
  erase<K, u64>(t, slotIndex<K, u64>(t, s));
  const last = itemsOf(t);
  if (i != last) {
    const le = entryAt(t, last);
    place(t, i, load<f64>(le), load<f64>(le, 8), <usize>load<u32>(le, 16));
    // Either way from i: up past a larger parent, or down past smaller children.
    siftUp(t, i);
    siftDown(t, i);
  }
  return 0;
}

/**
 * Inserts an entry known to be new with its estimate and error (a snapshot,
 * a merge), into a summary that is not full. ERR_DUPLICATE when the key is
 * already there, ERR_ARENA when its record does not fit; nothing changed.
 */
export function topPut<K>(t: usize, key: i64, ptr: usize, len: u32, est: f64, err: f64): f64 {
  const h = hashOf<K>(t, key, ptr, len);
  if (findSlot<K, u64>(t, tableOf(t), groupsOf(t), key, ptr, len, h) != 0) return ERR_DUPLICATE;
  if (isStr<K>() && <u64>key == NOT_INLINE && !fitsRecord(t, len)) return ERR_ARENA;
  const n = itemsOf(t);
  const d = claim<K>(t, key, ptr, len, h);
  storeKey<K>(t, d, key, ptr, len);
  place(t, n, est, err, d);
  siftUp(t, n);
  touch(t);
  return est;
}

/** Sets I, D and the floor (after topPut of every entry of a snapshot or merge). */
export function topSetTotals(t: usize, inserted: f64, deleted: f64, floor: f64): void {
  setInserted(t, inserted);
  setDeleted(t, deleted);
  setFloor(t, floor);
}

// ---- reading entries out: [key ref][f64 estimate][f64 error], 24 bytes --------
//   integer keys  [f64 key]; string keys [u32 key address][u32 key length]

// @ts-ignore: decorator
@inline const TOP_REF_BYTES: u32 = 24;
export let topChunk: u32 = 0;

/** References of the entries from slot `cursor` on, as many as fit the scratch; the next cursor. */
export function topRead<K>(t: usize, cursor: u32): u32 {
  const cap = capacityOf(t);
  const per = <u32>(SCRATCH_BYTES / TOP_REF_BYTES);
  const layout = layoutOf(t);
  let n: u32 = 0;
  let i = tableOf(t) == EMPTY_GROUP ? cap : nextFull(t, cursor);
  while (i < cap && n < per) {
    const s = slotAddr(t, i, layout);
    const out = scratch + <usize>n * TOP_REF_BYTES;
    if (isStr<K>()) {
      store<u32>(out, <u32>keyAddr(t, s));
      store<u32>(out, keyLength(t, s), 4);
    } else {
      store<f64>(out, <f64>load<i64>(s));
    }
    const e = entryAt(t, posOf(s));
    store<f64>(out, load<f64>(e), 8);
    store<f64>(out, load<f64>(e, 8), 16);
    n++;
    i = nextFull(t, i + 1);
  }
  topChunk = n;
  return i;
}
