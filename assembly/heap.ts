// Where tables live. An instance of the module is either
//
//   a pool: many tables, each a header block, a table block and (string keys)
//   an arena block, all allocated from AssemblyScript's TLSF heap, so a small
//   map costs what its entries cost and a freed block is reused; or
//
//   own: one big table laid out by hand, so its memory can be sized exactly
//   (TLSF doubles memory as it grows, and caps one block at 1 GiB):
//
//     scratch | header | groups ... | arena → grows into the tail of memory
//
// Either way the scratch region (static data, the same address in every
// instance) is where JS writes keys and batches and reads results.

import { SCRATCH_BYTES, RESULT_BYTES } from "./abi";
/** Bytes of the scratch region (abi.ts). JS chunks batches to fit it. */
export { SCRATCH_BYTES } from "./abi";
// @ts-ignore: decorator
@inline const PAGE_SHIFT: u32 = 16;
/** The allocator's header in front of each block. */
// @ts-ignore: decorator
@inline const BLOCK_OVERHEAD: usize = 4;

export const scratch: usize = memory.data(SCRATCH_BYTES + RESULT_BYTES, 16);

/** The result block (abi.ts: R_*): f64 slots right after the scratch. */
// @ts-ignore: decorator
@inline export const result: usize = scratch + SCRATCH_BYTES;

/** Puts a value a call gives back into slot `r` of the result block. */
// @ts-ignore: decorator
@inline export function putResult(r: u32, v: f64): void {
  store<f64>(result + (<usize>r << 3), v);
}

/** Bytes of heap blocks (headers included) that tables hold in this pool. */
export let heapInUse: usize = 0;

/** A pool copied into a smaller memory takes over the count (compact.ts). */
export function setHeapInUse(n: usize): void {
  heapInUse = n;
}

// @ts-ignore: decorator
@inline export function align(p: usize, a: usize): usize {
  return (p + a - 1) & ~(a - 1);
}

/** Bytes the block at `p` takes from the heap, its header included. */
// @ts-ignore: decorator
@inline export function blockBytes(p: usize): usize {
  return (load<usize>(p - BLOCK_OVERHEAD) & ~3) + BLOCK_OVERHEAD;
}

/**
 * A heap block of at least `bytes` (16-byte aligned, contents undefined).
 * Traps when the engine refuses to grow memory: every caller allocates
 * before it changes anything, so JS can catch the trap with the table intact.
 */
export function blockAlloc(bytes: usize): usize {
  const p = heap.alloc(bytes);
  heapInUse += blockBytes(p);
  return p;
}

export function blockFree(p: usize): void {
  if (p == 0) return;
  heapInUse -= blockBytes(p);
  heap.free(p);
}

/** What a block of `bytes` would take from the heap (TLSF rounds to 16). */
export function blockCost(bytes: usize): usize {
  return bytes <= 12 ? 16 : align(bytes + BLOCK_OVERHEAD, 16);
}

/** The most pages an own instance may hold: its map's maxBytes budget. */
export let ownMaxPages: u32 = 65536;

export function setOwnMaxPages(pages: u32): void {
  ownMaxPages = pages;
}

/**
 * Makes [0, end) addressable in an own instance. `amortize` grows by at least
 * 1/8 of the current size, so an arena growing key by key does not grow
 * memory (a syscall and a detached ArrayBuffer on the JS side) key by key.
 * Fails, changing nothing, past the budget or when the engine refuses.
 */
export function ensureMemory(end: u64, amortize: bool): bool {
  const have = <u64>memory.size() << PAGE_SHIFT;
  if (end <= have) return true;
  const cur = <u32>memory.size();
  const need = <u32>((end - have + 0xffff) >> PAGE_SHIFT);
  if (<u64>cur + <u64>need > <u64>ownMaxPages) return false;
  let want = need;
  if (amortize) {
    const extra = cur >> 3;
    if (extra > want) want = extra;
    if (<u64>cur + <u64>want > <u64>ownMaxPages) want = need;
  }
  if (memory.grow(<i32>want) >= 0) return true;
  return want != need && memory.grow(<i32>need) >= 0;
}

/** The end of addressable memory. */
export function memoryEnd(): u64 {
  return <u64>memory.size() << PAGE_SHIFT;
}
