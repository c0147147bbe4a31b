// The layout of a map's linear memory. Every map owns one WebAssembly instance
// and so one memory; nothing else lives in it:
//
//   0            static data of the module (a few bytes)
//   scratch      SCRATCH_BYTES: where JS writes keys and batches and reads
//                results; its address never changes
//   table        groups of [16 control bytes][16 slots of key|count]
//                (control.ts, table.ts)
//   arenaStart   string keys, appended as [LEB128 length][bytes] (arena.ts)
//   arenaEnd     ... free tail up to the end of memory: the arena grows into
//                it, and mostCommon's selection heap borrows it for the
//                length of one call (long keys never do: longkeys.ts)
//
// The table never changes size inside an instance: growing, shrinking and
// compacting the arena move the live entries to a fresh instance (src/), so
// the old memory, which WebAssembly can never shrink, is dropped whole.

/** Bytes of the scratch region. JS chunks batches to fit it. */
// @ts-ignore: decorator
@inline export const SCRATCH_BYTES: u32 = 32768;
// @ts-ignore: decorator
@inline const PAGE_SHIFT: u32 = 16;

export let scratch: usize = 0;
/** The most pages this map may hold: its maxBytes budget. */
export let maxPages: u32 = 65536;

// @ts-ignore: decorator
@inline export function align(p: usize, a: usize): usize {
  return (p + a - 1) & ~(a - 1);
}

export function layoutScratch(): void {
  scratch = align(__heap_base, 16);
}

/**
 * Makes [0, end) addressable. `amortize` grows by at least 1/8 of the current
 * size so that an arena growing key by key does not grow memory (a syscall and
 * a detached ArrayBuffer on the JS side) key by key. Fails, changing nothing,
 * past the budget or when the engine refuses.
 */
export function ensureMemory(end: u64, amortize: bool): bool {
  const have = <u64>memory.size() << PAGE_SHIFT;
  if (end <= have) return true;
  const cur = <u32>memory.size();
  const need = <u32>((end - have + 0xffff) >> PAGE_SHIFT);
  if (<u64>cur + <u64>need > <u64>maxPages) return false;
  let want = need;
  if (amortize) {
    const extra = cur >> 3;
    if (extra > want) want = extra;
    if (<u64>cur + <u64>want > <u64>maxPages) want = need;
  }
  if (memory.grow(<i32>want) >= 0) return true;
  return want != need && memory.grow(<i32>need) >= 0;
}
