// mostCommon(n): the n largest counts, selected in wasm with a min-heap of n
// slot indexes (O(size log n)), then heap-sorted into descending order. The
// heap lives for the length of one call: a heap block in a pool (freed by
// topFree), or the free tail past an own table's arena.

import { countAt, nextFull } from "./table";
import { scratch, blockAlloc, blockFree, ensureMemory, memoryEnd, align } from "./heap";
import { writeRef, REF_BYTES, REFS_PER_CHUNK } from "./entries";
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

function siftDown<K, C>(t: usize, i: u32, n: u32): void {
  const slot = at(i);
  const c = countAt<K, C>(t, slot);
  while (true) {
    let child: u32 = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && countAt<K, C>(t, at(child + 1)) < countAt<K, C>(t, at(child))) child++;
    if (countAt<K, C>(t, at(child)) >= c) break;
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
    if (countAt<K, C>(t, i) > countAt<K, C>(t, at(0))) {
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
