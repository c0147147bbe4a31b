// A pool in a smaller memory. A wasm memory never shrinks, and a table's
// header address is its map's identity (JS holds it), so a pool whose heap is
// mostly free is given back by copying it into a fresh instance whose memory
// ends just after its last used block: every block keeps its address, and
// only the free block at the top of the heap is cut short.
//
// JS drives it (src/table/pools.ts): `heap_top()` (table_stats STATS_HEAP: R_HEAP_TOP) in the old instance gives the
// top free block; the new instance takes `heap_adopt(pages)` (its allocator
// set up, its memory grown), JS copies the old memory below the cut, and
// `heap_cut(top, inUse)` re-sizes that block and moves the allocator's tail.
//
// This reads AssemblyScript's TLSF (std/assembly/rt/tlsf.ts, 0.28) as it
// lays out its state in memory: the root at the aligned heap base (first-
// and second-level bitmaps, then the free-list heads, then the tail block),
// and each block's size word, with FREE and LEFTFREE in its low bits.

import { align, setHeapInUse } from "./heap";

// @ts-ignore: decorator
@inline const BLOCK_OVERHEAD: usize = 4;
// @ts-ignore: decorator
@inline const FREE: usize = 1;
// @ts-ignore: decorator
@inline const LEFTFREE: usize = 2;
// @ts-ignore: decorator
@inline const TAGS: usize = 3;
// @ts-ignore: decorator
@inline const SL_BITS: usize = 4;
// @ts-ignore: decorator
@inline const SB_BITS: usize = 8;
// Offsets in the root: the second-level bitmaps, the free-list heads, the tail.
// @ts-ignore: decorator
@inline const SL_START: usize = 4;
// @ts-ignore: decorator
@inline const HL_START: usize = 96;
// @ts-ignore: decorator
@inline const HL_END: usize = 96 + 23 * 16 * 4;
// @ts-ignore: decorator
@inline const FL_BITS: usize = 23;
// @ts-ignore: decorator
@inline const ROOT_SIZE: usize = HL_END + 4;

// @ts-ignore: decorator
@inline function root(): usize {
  return align(__heap_base, 16);
}

/**
 * The block at the top of this instance's heap, when it is free: the heap
 * can be cut there. 0 when the last block is in use (nothing to cut) or the
 * allocator never ran.
 */
export function heap_top(): usize {
  const tail = load<usize>(root(), HL_END);
  if (tail == 0 || (load<usize>(tail) & LEFTFREE) == 0) return 0;
  return load<usize>(tail - sizeof<usize>());
}

/**
 * In a fresh instance: runs the allocator once (so that it has its root) and
 * grows memory to `pages`. False when the engine refuses the memory.
 */
export function heap_adopt(pages: i32): bool {
  heap.free(heap.alloc(16));
  const have = memory.size();
  return pages <= have || memory.grow(pages - have) >= 0;
}

/** TLSF's list of free blocks of `size` bytes: (first level << 8) | second level. */
function listOf(size: usize): usize {
  if (size < (<usize>1 << SB_BITS)) return size >> 4;
  const bounded = min<usize>(size, (1 << 30) - BLOCK_OVERHEAD);
  let fl: usize = 31 - clz<usize>(bounded);
  const sl = (bounded >> (fl - SL_BITS)) ^ (1 << SL_BITS);
  fl -= SB_BITS - 1;
  return (fl << 8) | sl;
}

/**
 * After JS copied the old instance's memory below `top` + 16 here: takes the
 * top free block out of its free list, makes it end where this memory ends,
 * puts the allocator's tail after it and frees it again (TLSF files it by its
 * new size). `inUse` is the old instance's count of table bytes.
 */
export function heap_cut(top: usize, inUse: usize): void {
  const r = root();
  const info = load<usize>(top);
  const list = listOf(info & ~TAGS);
  const fl = list >> 8;
  const sl = list & 0xff;
  const prev = load<usize>(top, 4);
  const next = load<usize>(top, 8);
  if (prev != 0) store<usize>(prev, next, 8);
  if (next != 0) store<usize>(next, prev, 4);
  const head = r + ((fl << SL_BITS) + sl) * sizeof<usize>() + HL_START;
  if (load<usize>(head) == top) {
    store<usize>(head, next);
    if (next == 0) {
      const slAt = r + fl * sizeof<u32>() + SL_START;
      const slMap = load<u32>(slAt) & ~(<u32>1 << <u32>sl);
      store<u32>(slAt, slMap);
      if (slMap == 0) store<u32>(r, load<u32>(r) & ~(<u32>1 << <u32>fl));
    }
  }
  const end = <usize>memory.size() << 16;
  const size = end - top - 2 * BLOCK_OVERHEAD;
  // Used, with its left neighbour's tag kept (a free block's left is never free).
  store<usize>(top, size | (info & LEFTFREE));
  const tail = top + BLOCK_OVERHEAD + size;
  store<usize>(tail, 0);
  store<usize>(r, tail, HL_END);
  heap.free(top + BLOCK_OVERHEAD);
  setHeapInUse(inUse);
}

/**
 * Whether the heap is consistent as this file reads it: the blocks from the
 * first to the tail chain up with matching FREE/LEFTFREE tags, the tail ends
 * memory, and the free lists hold exactly the free blocks. JS runs it on the
 * copy before adopting it, so a mistake here (or another TLSF layout) leaves
 * the pool as it was instead of corrupting it.
 */
export function heap_check(): bool {
  const r = root();
  const tail = load<usize>(r, HL_END);
  if (tail == 0 || tail + BLOCK_OVERHEAD != <usize>memory.size() << 16) return false;
  let b = ((r + ROOT_SIZE + BLOCK_OVERHEAD + 15) & ~15) - BLOCK_OVERHEAD;
  let leftFree = false;
  let free = 0;
  while (b < tail) {
    const info = load<usize>(b);
    if (((info & LEFTFREE) != 0) != leftFree) return false;
    leftFree = (info & FREE) != 0;
    if (leftFree) free++;
    const size = info & ~TAGS;
    if ((size & 15) != 12) return false;
    b += BLOCK_OVERHEAD + size;
  }
  if (b != tail || ((load<usize>(tail) & LEFTFREE) != 0) != leftFree) return false;
  let listed = 0;
  for (let fl: usize = 0; fl < FL_BITS; fl++) {
    for (let sl: usize = 0; sl < 16; sl++) {
      let f = load<usize>(r + ((fl << SL_BITS) + sl) * sizeof<usize>() + HL_START);
      while (f != 0) {
        if ((load<usize>(f) & FREE) == 0 || ++listed > free) return false;
        f = load<usize>(f, 8);
      }
    }
  }
  return listed == free;
}
