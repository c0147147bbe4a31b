// mostCommon(n): the n largest counts, selected in wasm with a min-heap of n
// slot indexes (O(size log n)), then heap-sorted into descending order. The
// heap lives for the length of one call: a heap block in a pool (freed by
// topFree), or the free tail past an own table's arena.
//
// When n is a large share of the entries (mostCommon() of all of them), the
// entries are sorted instead (sortAll): a stable LSD radix sort of 8-byte
// records [u32 sort key][u32 slot] by count, then each run of equal counts
// by the first 8 bytes of its keys, then the few runs whose first 8 bytes
// are equal too by a comparison sort. Every pass walks a compact array; the
// heap compares entries in the table (a cache miss each) ~log2 n times per
// entry: 49,815 words took 32 ms by the heap in a fresh process, ~3 ms
// sorted.
//
// Equal counts are ranked by key, smaller first (integers by value, strings
// by their UTF-8 bytes, which is code point order), so the result depends on
// the entries alone: never on the table's seed, layout or history.

import { countAt, nextFull, slotAt, isStr } from "./table";
import { scratch, blockAlloc, blockFree, ensureMemory, memoryEnd, align } from "./heap";
import { writeRef, keyAddr, keyLength, REF_BYTES, REFS_PER_CHUNK } from "./entries";
import { itemsOf, capacityOf, modeOf, MODE_OWN, arenaOf, arenaUsedOf, setArenaCap } from "./header";

let heap: usize = 0;
/** The heap block to free after the call, in a pool. */
let heapBlock: usize = 0;
export let heapSize: u32 = 0;

// @ts-ignore: decorator
@inline function at(i: u32): u32 {
  return load<u32>(heap + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function put(i: u32, slot: u32): void {
  store<u32>(heap + (<usize>i << 2), slot);
}

/** Whether the key in slot a comes after the key in slot b (a tie goes to the smaller key). */
function keyAfter<K, C>(t: usize, a: u32, b: u32): bool {
  const sa = slotAt<K, C>(t, a);
  const sb = slotAt<K, C>(t, b);
  if (!isStr<K>()) return load<K>(sa) > load<K>(sb);
  const pa = keyAddr(t, sa);
  const pb = keyAddr(t, sb);
  const la = keyLength(t, sa);
  const lb = keyLength(t, sb);
  const n = min<u32>(la, lb);
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u8>(pa + i);
    const y = load<u8>(pb + i);
    if (x != y) return x > y;
  }
  return la > lb;
}

/** Whether the entry in slot a ranks below the one in slot b: a smaller count, or a tie and a larger key. */
// @ts-ignore: decorator
@inline function below<K, C>(t: usize, a: u32, b: u32): bool {
  const ca = countAt<K, C>(t, a);
  const cb = countAt<K, C>(t, b);
  return ca < cb || (ca == cb && keyAfter<K, C>(t, a, b));
}

function siftDown<K, C>(t: usize, i: u32, n: u32): void {
  const slot = at(i);
  while (true) {
    let child: u32 = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && below<K, C>(t, at(child + 1), at(child))) child++;
    if (!below<K, C>(t, at(child), slot)) break;
    put(i, at(child));
    i = child;
  }
  put(i, slot);
}

/** Room for the heap: 0 when an own table's budget has none (pool blocks trap instead). */
function reserveHeap(t: usize, bytes: usize): usize {
  if (modeOf(t) != MODE_OWN) {
    heapBlock = blockAlloc(bytes);
    return heapBlock;
  }
  const p = align(arenaOf(t) + arenaUsedOf(t), 8) + 8;
  if (!ensureMemory(<u64>p + bytes, false)) return 0;
  setArenaCap(t, <u32>(memoryEnd() - <u64>arenaOf(t)));
  return p;
}

/** Selects the top min(k, items) entries; returns how many, or -1 (no memory). */
export function topK<K, C>(t: usize, k: u32): i32 {
  const items = itemsOf(t);
  const cap = capacityOf(t);
  if (k > items) k = items;
  heapSize = 0;
  if (k == 0) return 0;
  if (items >= SORT_MIN && <u64>k * 4 >= <u64>items) {
    const r = sortAll<K, C>(t, k, items);
    if (r >= 0) return r;
  }
  heap = reserveHeap(t, <usize>k << 2);
  if (heap == 0) return -1;
  let n: u32 = 0;
  let i = nextFull(t, 0);
  for (; i < cap && n < k; i = nextFull(t, i + 1)) put(n++, i);
  for (let j = (n >> 1) - 1; <i32>j >= 0; j--) siftDown<K, C>(t, j, n);
  for (; i < cap; i = nextFull(t, i + 1)) {
    if (below<K, C>(t, at(0), i)) {
      put(0, i);
      siftDown<K, C>(t, 0, n);
    }
  }
  // Heap sort: moving the minimum to the end leaves the largest first.
  for (let end = n - 1; end > 0; end--) {
    const top = at(0);
    put(0, at(end));
    put(end, top);
    siftDown<K, C>(t, 0, end);
  }
  heapSize = n;
  return <i32>n;
}

// ---- sorting every entry -------------------------------------------------------

/** Least entries for sortAll (its 8 KiB of digit counts outweigh a heap below). */
// @ts-ignore: decorator
@inline const SORT_MIN: u32 = 256;
/** Runs shorter than this are insertion-sorted. */
// @ts-ignore: decorator
@inline const SMALL_RUN: u32 = 24;
/** Counts of each byte value at each of the 4 digit positions of a u32 key. */
// @ts-ignore: decorator
@inline const HIST_BYTES: usize = 4 * 256 * 4;

/** Records [u32 key][u32 slot], and as many again to scatter into. */
let recs: usize = 0;
let tmp: usize = 0;
let hist: usize = 0;

// @ts-ignore: decorator
@inline function keyOf(j: u32): u32 {
  return load<u32>(recs + (<usize>j << 3));
}

// @ts-ignore: decorator
@inline function slotOf(j: u32): u32 {
  return load<u32>(recs + (<usize>j << 3), 4);
}

/**
 * Stable sort of records [lo, hi) by their u32 key: 8-bit digits, least
 * significant first, a digit skipped when every record has the same one.
 */
function radixSort(lo: u32, hi: u32): void {
  const n = hi - lo;
  if (n < SMALL_RUN) {
    insertionSort(lo, hi);
    return;
  }
  memory.fill(hist, 0, HIST_BYTES);
  for (let j = lo; j < hi; j++) {
    const k = keyOf(j);
    for (let d: u32 = 0; d < 4; d++) {
      const h = hist + (<usize>d << 10) + (<usize>((k >> (d << 3)) & 0xff) << 2);
      store<u32>(h, load<u32>(h) + 1);
    }
  }
  for (let d: u32 = 0; d < 4; d++) {
    const h = hist + (<usize>d << 10);
    // One bucket holding everything: this digit orders nothing.
    if (load<u32>(h + (<usize>((keyOf(lo) >> (d << 3)) & 0xff) << 2)) == n) continue;
    let sum: u32 = lo;
    for (let b: u32 = 0; b < 256; b++) {
      const c = load<u32>(h + (<usize>b << 2));
      store<u32>(h + (<usize>b << 2), sum);
      sum += c;
    }
    for (let j = lo; j < hi; j++) {
      const r = load<u64>(recs + (<usize>j << 3));
      const at = h + (<usize>((<u32>r >> (d << 3)) & 0xff) << 2);
      const to = load<u32>(at);
      store<u32>(at, to + 1);
      store<u64>(tmp + (<usize>to << 3), r);
    }
    memory.copy(recs + (<usize>lo << 3), tmp + (<usize>lo << 3), <usize>n << 3);
  }
}

/** Stable insertion sort of records [lo, hi) by their u32 key. */
function insertionSort(lo: u32, hi: u32): void {
  for (let j = lo + 1; j < hi; j++) {
    const r = load<u64>(recs + (<usize>j << 3));
    const k = <u32>r;
    let i = j;
    while (i > lo && keyOf(i - 1) > k) {
      store<u64>(recs + (<usize>i << 3), load<u64>(recs + (<usize>(i - 1) << 3)));
      i--;
    }
    store<u64>(recs + (<usize>i << 3), r);
  }
}

/** The first 8 bytes of the key in slot i as a big-endian u64 (integers: their order as u64). */
function keyPrefix<K, C>(t: usize, i: u32): u64 {
  const s = slotAt<K, C>(t, i);
  if (!isStr<K>()) return <u64>(<i64>load<K>(s)) ^ 0x8000000000000000;
  // An inline key is zero past its bytes and keeps its length in byte 7
  // when shorter than 8; an arena key is longer than 7 (one u64 load is in
  // its record). Zero past the end ranks a key before any longer key it
  // starts, except when the longer one goes on with zero bytes: that tie is
  // settled by the full compare.
  const len = keyLength(t, s);
  let k = load<u64>(keyAddr(t, s));
  if (len < 8) k &= 0x00ffffffffffffff;
  return bswap<u64>(k);
}

/** Comparison heap sort of records [lo, hi) by key, smaller first (slots of one count, one prefix). */
function sortByKey<K, C>(t: usize, lo: u32, hi: u32): void {
  const n = hi - lo;
  for (let j = (n >> 1) - 1; <i32>j >= 0; j--) siftKey<K, C>(t, lo, j, n);
  for (let end = n - 1; end > 0; end--) {
    const top = load<u64>(recs + (<usize>lo << 3));
    store<u64>(recs + (<usize>lo << 3), load<u64>(recs + (<usize>(lo + end) << 3)));
    store<u64>(recs + (<usize>(lo + end) << 3), top);
    siftKey<K, C>(t, lo, 0, end);
  }
}

/** Max-heap sift by key over records lo + [0, n). */
function siftKey<K, C>(t: usize, lo: u32, i: u32, n: u32): void {
  const r = load<u64>(recs + (<usize>(lo + i) << 3));
  const slot = <u32>(r >> 32);
  while (true) {
    let child: u32 = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && keyAfter<K, C>(t, slotOf(lo + child + 1), slotOf(lo + child))) child++;
    if (!keyAfter<K, C>(t, slotOf(lo + child), slot)) break;
    store<u64>(recs + (<usize>(lo + i) << 3), load<u64>(recs + (<usize>(lo + child) << 3)));
    i = child;
  }
  store<u64>(recs + (<usize>(lo + i) << 3), r);
}

/** Sorts records [lo, hi) (one count) by key: prefix low half, then high half, then full keys. */
function sortRun<K, C>(t: usize, lo: u32, hi: u32): void {
  // Stable LSD over the 64-bit prefix: its low 32 bits, then its high 32.
  for (let j = lo; j < hi; j++) store<u32>(recs + (<usize>j << 3), <u32>keyPrefix<K, C>(t, slotOf(j)));
  radixSort(lo, hi);
  for (let j = lo; j < hi; j++) store<u32>(recs + (<usize>j << 3), <u32>(keyPrefix<K, C>(t, slotOf(j)) >> 32));
  radixSort(lo, hi);
  // Integer keys are distinct, and so are their prefixes.
  if (!isStr<K>()) return;
  let a = lo;
  while (a < hi) {
    const p = keyPrefix<K, C>(t, slotOf(a));
    let b = a + 1;
    while (b < hi && keyPrefix<K, C>(t, slotOf(b)) == p) b++;
    if (b - a > 1) sortByKey<K, C>(t, a, b);
    a = b;
  }
}

/**
 * Every entry sorted by count (highest first), equal counts by key; the
 * first k become the selection. Returns k, or -1 when there is no room
 * (the caller falls back to the heap, which needs less).
 */
function sortAll<K, C>(t: usize, k: u32, items: u32): i32 {
  const cap = capacityOf(t);
  const recBytes = <usize>items << 3;
  let base: usize;
  if (modeOf(t) != MODE_OWN) {
    base = blockAlloc(HIST_BYTES + 2 * recBytes);
    heapBlock = base;
  } else {
    base = align(arenaOf(t) + arenaUsedOf(t), 8) + 8;
    if (!ensureMemory(<u64>base + HIST_BYTES + 2 * recBytes, false)) return -1;
    setArenaCap(t, <u32>(memoryEnd() - <u64>arenaOf(t)));
  }
  hist = base;
  recs = base + HIST_BYTES;
  tmp = recs + recBytes;
  // Counts descending: sort ~count. A count past 2^32 - 1 (only in the wide
  // layouts) needs both halves: low first, then high (stable).
  let wide = false;
  let n: u32 = 0;
  for (let i = nextFull(t, 0); i < cap; i = nextFull(t, i + 1)) {
    const c = <u64>countAt<K, C>(t, i);
    if (c > 0xffffffff) wide = true;
    store<u64>(recs + (<usize>n << 3), <u64>(~<u32>c) | (<u64>i << 32));
    n++;
  }
  radixSort(0, n);
  if (wide) {
    for (let j: u32 = 0; j < n; j++) store<u32>(recs + (<usize>j << 3), ~<u32>(<u64>countAt<K, C>(t, slotOf(j)) >> 32));
    radixSort(0, n);
  }
  // Runs of one count: by key. Only runs that reach into the first k matter.
  let a: u32 = 0;
  while (a < k) {
    const c = countAt<K, C>(t, slotOf(a));
    let b = a + 1;
    while (b < n && countAt<K, C>(t, slotOf(b)) == c) b++;
    if (b - a > 1) sortRun<K, C>(t, a, b);
    a = b;
  }
  // The selection as the heap's slot array (each slot written at or before
  // the record it is read from).
  heap = recs;
  for (let j: u32 = 0; j < k; j++) store<u32>(heap + (<usize>j << 2), slotOf(j));
  heapSize = k;
  return <i32>k;
}

/** References of the selected entries from position `from` on, into scratch. */
export function readTop<K, C>(t: usize, from: u32): u32 {
  let n: u32 = 0;
  while (from + n < heapSize && n < REFS_PER_CHUNK) {
    writeRef<K, C>(t, scratch + n * REF_BYTES, at(from + n));
    n++;
  }
  return n;
}

/** Ends a selection: gives a pool's heap block back. */
export function topFree(): void {
  blockFree(heapBlock);
  heapBlock = 0;
  heapSize = 0;
}
