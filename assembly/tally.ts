// A small scratch-side tally of a run of tokens (a "segment" of a piece),
// so that the table sees each distinct token of the segment once, with its
// count, instead of once per occurrence. Text repeats itself: a 32 KiB piece
// of English has ~5,300 tokens but only ~1,850 distinct ones (WordNet
// glosses), so a segment costs the table about a third of the lookups, and a
// tally lookup (L1-resident, keys compared 8 bytes at a time in the piece
// itself) is far cheaper than a table lookup that misses the cache.
//
// Entries live only for one segment and refer to token bytes in scratch by
// offset; nothing here knows the table. tokens.ts flushes a segment into the
// table (in order of first occurrence) and clears the tally.
//
//   SLOTS  4096 x u16: 0 = empty, else 1 + the entry's index (linear probing)
//   ENTRY  MAX_ENTRIES x [u16 offset][u16 length][u32 count]
//
// 24 KiB in all, so the module's static data, the scratch and a first table
// still fit a map's first 64 KiB page.

import { scratch, SCRATCH_BYTES } from "./heap";

// @ts-ignore: decorator
@inline const SLOT_BITS: u32 = 12;
// @ts-ignore: decorator
@inline const SLOT_MASK: u32 = (1 << SLOT_BITS) - 1;
/** Distinct tokens a segment may hold: half the slots, so probes stay short. */
// @ts-ignore: decorator
@inline export const MAX_ENTRIES: u32 = 2048;

/**
 * Longest probe a lookup may take before the tally counts as full (and is
 * flushed). The hash is not seeded (the table's is), so tokens crafted to
 * collide could otherwise make each lookup walk thousands of slots; at half
 * load a natural probe is 1-3 slots, so this never triggers on real text.
 */
// @ts-ignore: decorator
@inline const MAX_PROBE: u32 = 32;

const SLOTS: usize = memory.data(2 << SLOT_BITS, 16);
const ENTRIES: usize = memory.data(<i32>MAX_ENTRIES * 8, 16);

/** Distinct tokens in the tally. */
export let entries: u32 = 0;
/** Entries before this one are in the table already (a flush the table interrupted). */
export let flushNext: u32 = 0;

/** Where the entries are, for JS to move an interrupted flush to a rebuilt instance. */
export function tallyPtr(): usize {
  return ENTRIES;
}

/** A tally JS gave back (tallyLoad) that no tally holds: the next flush refuses it. */
let tallyRefused = false;

/** Whether the last tallyLoad was refused (once: the flag is cleared). */
export function takeRefused(): bool {
  const r = tallyRefused;
  tallyRefused = false;
  return r;
}

/**
 * Takes `n` entries JS wrote at tallyPtr(), the first `next` of them flushed
 * already. Entries are offsets into the scratch: one that reaches past it
 * would count bytes of other static data or tables, so such a tally is
 * dropped and the next flush says so.
 */
export function tallyLoad(n: u32, next: u32): void {
  let ok = n <= MAX_ENTRIES && next <= n;
  for (let j: u32 = 0; ok && j < n; j++) ok = <u32>load<u16>(ENTRIES + (<usize>j << 3)) + <u32>load<u16>(ENTRIES + (<usize>j << 3), 2) <= SCRATCH_BYTES;
  tallyRefused = !ok;
  entries = ok ? n : 0;
  flushNext = ok ? next : 0;
}

/** The first 8 bytes of a `len`-byte token at `p`, zero past its end. */
// @ts-ignore: decorator
@inline function head8(p: usize, len: u32): u64 {
  const shift = <u64>(len < 8 ? (8 - len) << 3 : 0);
  return (load<u64>(p) << shift) >> shift;
}

/** Whether `n` bytes at `a` and `b` are equal (n > 8; the first 8 already are). */
function restEqual(a: usize, b: usize, n: u32): bool {
  let i: u32 = 8;
  while (i + 16 <= n) {
    if (i8x16.bitmask(i8x16.eq(v128.load(a + i), v128.load(b + i))) != 0xffff) return false;
    i += 16;
  }
  // The last 8 bytes (overlapping what was compared) settle the rest.
  while (i + 8 < n) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
    i += 8;
  }
  return load<u64>(a + n - 8) == load<u64>(b + n - 8);
}

/**
 * Adds one occurrence of the `len`-byte token at `p` (in scratch). Returns
 * false, adding nothing, when the tally is full (or the probe too long):
 * flush it and retry.
 */
// @ts-ignore: decorator
@inline export function tallyAdd(p: usize, len: u32): bool {
  const k0 = head8(p, len);
  const k1 = len > 8 ? load<u64>(p + len - 8) : 0;
  let h = (k0 ^ rotl<u64>(k1, 29) ^ <u64>len) * 0x9e3779b97f4a7c15;
  let i = <u32>(h >> (64 - SLOT_BITS));
  for (let probe: u32 = 0; probe < MAX_PROBE; probe++) {
    const at = SLOTS + (<usize>i << 1);
    const ref = <u32>load<u16>(at);
    if (ref == 0) {
      if (entries == MAX_ENTRIES) return false;
      const e = ENTRIES + (<usize>entries << 3);
      store<u16>(e, <u16>(p - scratch));
      store<u16>(e, <u16>len, 2);
      store<u32>(e, 1, 4);
      entries++;
      store<u16>(at, <u16>entries);
      return true;
    }
    const e = ENTRIES + (<usize>(ref - 1) << 3);
    if (<u32>load<u16>(e, 2) == len) {
      const q = scratch + <usize>load<u16>(e);
      if (head8(q, len) == k0 && (len <= 8 || restEqual(q, p, len))) {
        store<u32>(e, load<u32>(e, 4) + 1, 4);
        return true;
      }
    }
    i = (i + 1) & SLOT_MASK;
  }
  return false;
}

/** Entry j: the token's address in scratch. */
// @ts-ignore: decorator
@inline export function entryPtr(j: u32): usize {
  return scratch + <usize>load<u16>(ENTRIES + (<usize>j << 3));
}

// @ts-ignore: decorator
@inline export function entryLen(j: u32): u32 {
  return <u32>load<u16>(ENTRIES + (<usize>j << 3), 2);
}

// @ts-ignore: decorator
@inline export function entryCount(j: u32): u32 {
  return load<u32>(ENTRIES + (<usize>j << 3), 4);
}

/**
 * Empties the tally whatever `entries` says. A pool copied into a smaller
 * memory (compact.ts) carries this static data but not the globals: the
 * copy starts with entries = 0, and slots left behind by a flush that moved
 * its table to another instance would read as live entries.
 */
export function tallyReset(): void {
  memory.fill(SLOTS, 0, 2 << SLOT_BITS);
  entries = 0;
  flushNext = 0;
  tallyRefused = false;
}

/** Empties the tally. */
export function tallyClear(): void {
  flushNext = 0;
  tallyRefused = false;
  if (entries == 0) return;
  memory.fill(SLOTS, 0, 2 << SLOT_BITS);
  entries = 0;
}
