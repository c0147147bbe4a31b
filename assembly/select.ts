// mostCommon(n): the n largest counts, selected in wasm with a min-heap of n
// slot indexes (O(size log n)), then heap-sorted into descending order. The
// heap lives in the free tail past the arena for the length of the call.

import { countAt, nextFull, capacity, items } from "./table";
import { reserveTail } from "./arena";
import { scratch } from "./memory";
import { writeRef, REF_BYTES, REFS_PER_CHUNK } from "./entries";

let heap: usize = 0;
export let heapSize: u32 = 0;

// @ts-ignore: decorator
@inline function at(i: u32): u32 {
  return load<u32>(heap + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function put(i: u32, slot: u32): void {
  store<u32>(heap + (<usize>i << 2), slot);
}

function siftDown<K, C>(i: u32, n: u32): void {
  const slot = at(i);
  const c = countAt<K, C>(slot);
  while (true) {
    let child: u32 = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && countAt<K, C>(at(child + 1)) < countAt<K, C>(at(child))) child++;
    if (countAt<K, C>(at(child)) >= c) break;
    put(i, at(child));
    i = child;
  }
  put(i, slot);
}

/** Selects the top min(k, items) entries; returns how many, or -1 (no memory). */
export function topK<K, C>(k: u32): i32 {
  if (k > items) k = items;
  heapSize = 0;
  if (k == 0) return 0;
  heap = reserveTail(k << 2);
  if (heap == 0) return -1;
  let n: u32 = 0;
  let i = nextFull(0);
  for (; i < capacity && n < k; i = nextFull(i + 1)) put(n++, i);
  for (let j = (n >> 1) - 1; <i32>j >= 0; j--) siftDown<K, C>(j, n);
  for (; i < capacity; i = nextFull(i + 1)) {
    if (countAt<K, C>(i) > countAt<K, C>(at(0))) {
      put(0, i);
      siftDown<K, C>(0, n);
    }
  }
  // Heap sort: moving the minimum to the end leaves the largest first.
  for (let end = n - 1; end > 0; end--) {
    const top = at(0);
    put(0, at(end));
    put(end, top);
    siftDown<K, C>(0, end);
  }
  heapSize = n;
  return <i32>n;
}

/** References of the selected entries from position `from` on, into scratch. */
export function readTop<K, C>(from: u32): u32 {
  let n: u32 = 0;
  while (from + n < heapSize && n < REFS_PER_CHUNK) {
    writeRef<K, C>(scratch + n * REF_BYTES, at(from + n));
    n++;
  }
  return n;
}
