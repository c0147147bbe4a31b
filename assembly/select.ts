// mostCommon(n): the n largest counts, selected in wasm with a min-heap of n
// slot indexes (O(size log n)), then heap-sorted into descending order. The
// heap lives for the length of one call: a heap block in a pool (freed by
// topFree), or the free tail past an own table's arena.
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
