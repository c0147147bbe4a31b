// Counting tokens straight from UTF-8 bytes: JS puts a piece of its input in
// scratch (copied, or read from a file straight there), and this one pass
// validates it, splits it, lowercases each token if asked and counts it, with
// no JS string per token.
//
// The pass walks the piece 64 bytes at a time (four v128 blocks):
//   1. UTF-8 (utf8.ts): a window with no high bit is skipped (unless the
//      window before ended inside a sequence); otherwise the Keiser-Lemire
//      lookup checks each block against the one before. A bad window stops
//      the pass before any of its tokens is counted.
//   2. Separators (scan.ts): a nibble lookup gives one bit per byte, 64 bits
//      per window. `t = sep ^ (sep << 1 | previous bit)` has a bit wherever a
//      token starts or ends, so the tokens are walked with one ctz per edge,
//      never byte by byte.
//   3. If asked, the window's token bytes are lowercased in place (four
//      stores, separator lanes masked out: scan.ts). Each token is added to
//      a tally of the segment (tally.ts). At the end of the piece, or when
//      the tally is full, the segment is flushed: each distinct token goes
//      into the table once, with its count.
//
// If the table refuses a token while a segment is flushed (grow, widen,
// maxBytes, overflow), the pass stops: JS rebuilds the table, moves the piece
// and the tally to the new instance and finishes the flush there
// (flush), then goes on with the rest of the piece; or, when the error is
// final, takes back what the segment had put (undoTally: a negative step
// never fails). Either way the tokens counted are a prefix of the input,
// which is what the JS side's undo replays.
//
// A piece always starts at a token boundary (JS carries a token cut at the
// end of a piece over to the next one), so its tokens are counted exactly as
// incr() would count each token decoded to a string, and every counted token
// is valid UTF-8, i.e. the same bytes incr() writes for its string.
//
// Measured (WordNet glosses, 9 MB, 1.47M tokens, 113k distinct; Node 20 on
// the shared 2-core VM, medians in one process):
//   - this pass without counting (UTF-8 check + split): ~5 ms, 1.8 GB/s; the
//     byte-by-byte loop it replaced (a table lookup per byte, validation on
//     a second instance) took ~91 ms with counting;
//   - counting each token straight into the table: 57 ms into a warm map;
//     with the tally: 40 ms (profile of a new map: this function 28%, the
//     table's find 25%, rebuilds while the map grows ~17%, hashing 6%);
//   - touching each tally entry's home group 8-64 entries before its flush
//     (a software prefetch): no gain within the noise; a get() pass before
//     the flush: 56-70 ms, slower; flushing the tally in hash order (an
//     in-place radix sort on 8 bits of the hash, so the table is walked in
//     address order): 59 against 46 ms, slower (the hash computed twice);
//   - separators of the default set by two compares ((b == 0x20) |
//     (b - 9 <u 5)) instead of the nibble lookup: the pass alone 1.87
//     against 1.69 GB/s, under 1% of countTokens: one path serves every set.
//
// Reads go up to 63 bytes past the end of the piece (those lanes are masked:
// spaces to the validator, separators to the splitter). The scratch is static
// data followed by more static data (heap.ts), so they are always in memory.

import { scratch } from "./heap";
import { packKey, hashKeyBytes } from "./keys";
import { layoutOf, touch, tableOf, groupsOf, seedOf, addTotal } from "./header";
import { STR64 } from "./layout";
import { findSlot } from "./table";
import { incr, incrIn, DONE_REBUILD, ERR_KEY, MAX_SAFE } from "./ops";
import { setSeparatorSet, sepLo, sepHi, sepLanes, isSepByte, firstLanes, lowerLanes } from "./scan";
import { tallyAdd, tallyClear, entries, flushNext, tallyLoad, entryPtr, entryLen, entryCount, takeRefused } from "./tally";
import { utf8BlockError, incomplete, utf8FirstError } from "./utf8";
import { isTopK, topIncr } from "./topk";

/** The piece is not UTF-8: tokenErrAt is the offset of the first bad byte. */
export { ERR_UTF8 } from "./abi";
import { ERR_UTF8 } from "./abi";

export let tokensDone: f64 = 0;
/** Offset in scratch of the bad byte, or where to go on after an interrupted flush. */
export let tokenErrAt: u32 = 0;
/** Tokens of the segment whose flush the table interrupted. */
export let segmentTokens: f64 = 0;

/** Takes the separator set: `n` byte values written in scratch. */
export function setSeparators(n: u32): void {
  setSeparatorSet(scratch, n);
}

/** Block k (0-3) of a window with `rem` bytes left: the bytes past the end become spaces. */
// @ts-ignore: decorator
@inline function padded(v: v128, rem: u32, k: u32): v128 {
  const left = rem > k * 16 ? rem - k * 16 : 0;
  return left >= 16 ? v : v128.bitselect(v, i8x16.splat(0x20), firstLanes(left));
}

/**
 * Adds `sign * by * count` to the table for each tally entry in [from, to):
 * the one call into the table. Stops at an entry the table refuses, unless
 * taking back (a negative step never fails); returns its code with
 * flushNext at it, or 0.
 */
function applyEntries<C>(t: usize, from: u32, to: u32, by: f64): f64 {
  if (from >= to) return 0;
  // One version bump for the flush, the table's fields loaded once, and the
  // steps of entries found in the table added to its total at once (through
  // memory per entry they made a load-add-store chain from each to the
  // next). A step sum fits i64 while |by| < 2^48: a segment holds at most
  // 16,384 tokens.
  if (Math.abs(by) >= 281474976710656) return applyEach<C>(t, from, to, by);
  touch(t);
  const base = tableOf(t);
  const groups = groupsOf(t);
  let seed = seedOf(t);
  let found: i64 = 0;
  for (let j = from; j < to; j++) {
    const p = entryPtr(j);
    const len = entryLen(j);
    const key = <i64>packKey(p, len);
    const step = by * <f64>entryCount(j);
    const s = findSlot<u64, C>(t, base, groups, key, p, len, hashKeyBytes(<u64>key, p, len, seed));
    if (s != 0) {
      const at = s + 8;
      if (sizeof<C>() == 4) {
        const n = <i64>load<u32>(at) + <i64>step;
        if (n > 0 && n <= <i64>u32.MAX_VALUE) {
          store<u32>(at, <u32>n);
          found += <i64>step;
          continue;
        }
      } else {
        const n = load<f64>(at) + step;
        if (n > 0 && n <= MAX_SAFE) {
          store<f64>(at, n);
          found += <i64>step;
          continue;
        }
      }
    }
    const r = incrIn<u64, C>(t, base, groups, key, p, len, step, false);
    // An insert may have moved the table to the next seed (claimSlot).
    seed = seedOf(t);
    if (r < 0 && r != DONE_REBUILD) {
      addTotal(t, found);
      tallyLoad(entries, j);
      return r;
    }
  }
  addTotal(t, found);
  return 0;
}

/** applyEntries one incr per entry (steps too large to sum). */
function applyEach<C>(t: usize, from: u32, to: u32, by: f64): f64 {
  for (let j = from; j < to; j++) {
    const p = entryPtr(j);
    const len = entryLen(j);
    const r = incr<u64, C>(t, <i64>packKey(p, len), p, len, by * <f64>entryCount(j));
    if (r < 0 && r != DONE_REBUILD) {
      tallyLoad(entries, j);
      return r;
    }
  }
  return 0;
}

/** applyEntries for a bounded summary (topk.ts): steps are never negative there. */
function applyTopK(t: usize, from: u32, to: u32, by: f64): f64 {
  for (let j = from; j < to; j++) {
    const p = entryPtr(j);
    const len = entryLen(j);
    const r = topIncr<u64>(t, <i64>packKey(p, len), p, len, by * <f64>entryCount(j));
    if (r < 0) {
      tallyLoad(entries, j);
      return r;
    }
  }
  return 0;
}

/**
 * Puts the tallied segment (from flushNext on) into the table (u32 or f64
 * counts, as the table's layout says). Returns 0, or the table's code with flushNext at
 * the entry it refused (the entries before it are in).
 */
export function flush(t: usize, by: f64): f64 {
  if (takeRefused()) return ERR_KEY;
  const r = isTopK(t) ? applyTopK(t, flushNext, entries, by) : layoutOf(t) == STR64 ? applyEntries<f64>(t, flushNext, entries, by) : applyEntries<u32>(t, flushNext, entries, by);
  if (r == 0) tallyClear();
  return r;
}

/** Takes back the entries of an interrupted flush that went in, and empties the tally. */
export function undoTally(t: usize, by: f64): void {
  const n = flushNext;
  // A bounded summary cannot take an eviction back: JS restores its backup.
  if (!isTopK(t)) {
    if (layoutOf(t) == STR64) applyEntries<f64>(t, 0, n, -by);
    else applyEntries<u32>(t, 0, n, -by);
  }
  tallyClear();
}

/** An interrupted flush: JS finishes it and goes on at `resume`. */
function stopFlush(r: f64, resume: usize, done: f64, tallied: f64): f64 {
  tokenErrAt = <u32>(resume - scratch);
  tokensDone = done;
  segmentTokens = tallied;
  return r;
}

/** Lowercases the token bytes of the last window of a piece: the `rem` (< 64) bytes at `base`, block by block. */
function lowerTail(base: usize, rem: u32, l0: v128, l1: v128, l2: v128, l3: v128): void {
  for (let k: u32 = 0; k < 4 && k * 16 < rem; k++) {
    const sepL = k == 0 ? l0 : k == 1 ? l1 : k == 2 ? l2 : l3;
    const left = rem - k * 16;
    const keep = left >= 16 ? v128.not(sepL) : v128.andnot(firstLanes(left), sepL);
    const p = base + (<usize>k << 4);
    v128.store(p, lowerLanes(v128.load(p), keep));
  }
}

/**
 * Whether the window of `rem` bytes at `base` (after the block `prev`) breaks
 * UTF-8. A loop over its four blocks, so the check is compiled once (it runs
 * only for windows with a high bit set).
 */
function utf8WindowError(prev: v128, base: usize, rem: u32): bool {
  let e = i8x16.splat(0);
  for (let k: u32 = 0; k < 4; k++) {
    let v = v128.load(base + (<usize>k << 4));
    if (rem < 64) v = padded(v, rem, k);
    e = v128.or(e, utf8BlockError(prev, v));
    prev = v;
  }
  return v128.any_true(e);
}

function utf8Fail(from: usize, end: usize, at: usize, done: f64): f64 {
  tallyClear();
  segmentTokens = 0;
  const bad = utf8FirstError(from, <u32>(end - from));
  // The SIMD check and the scalar one agree; `at` (the window) is a fallback.
  tokenErrAt = bad >= 0 ? <u32>(from - scratch) + <u32>bad : <u32>(at - scratch);
  tokensDone = done;
  return ERR_UTF8;
}

/**
 * Adds `by` to the count of each token of the `n` bytes in scratch, at most
 * `limit` of them; with `count` false, only validates and splits (for the
 * benchmark of the tokenizer alone).
 *
 * Unless `final`, bytes after the last separator are a token that may go on
 * in the next piece: they are left (unchecked) for JS to carry over. `check`
 * is false only when undoing a pass already checked.
 *
 * Returns the offset up to which the piece was consumed, or a status code:
 * ERR_UTF8 with tokenErrAt at the bad byte (nothing of its segment counted),
 * or the table's code with the flush of a segment interrupted (see above):
 * segmentTokens tokens in the tally, tokenErrAt where the piece goes on.
 * tokensDone counts the tokens of the segments before, in the table.
 */
export function countTokens(table: usize, n: u32, by: f64, final: bool, lower: bool, limit: f64, check: bool, count: bool): f64 {
  const s = scratch;
  tallyClear();
  let done: f64 = 0;
  let tallied: f64 = 0;
  /** Tokens the segment may still take before `limit`. */
  let budget = limit;
  let end = s + n;
  if (!final) {
    while (end > s && !isSepByte(<u32>load<u8>(end - 1))) end--;
  }
  const lo = sepLo();
  const hi = sepHi();
  // The piece starts at a token boundary, after a separator (or nothing):
  // the byte before is ASCII and a separator.
  let prev = i8x16.splat(0);
  let pending = i8x16.splat(0);
  let lastSep: u64 = 1;
  let inTok = false;
  let tokStart = s;
  let base = s;
  // A final piece whose last token ends on a window edge needs one more
  // (empty, all-separator) window to close it.
  while (base < end || (inTok && base == end)) {
    const rem = <u32>(end - base);
    let v0 = v128.load(base);
    let v1 = v128.load(base, 16);
    let v2 = v128.load(base, 32);
    let v3 = v128.load(base, 48);
    if (rem < 64) {
      v0 = padded(v0, rem, 0);
      v1 = padded(v1, rem, 1);
      v2 = padded(v2, rem, 2);
      v3 = padded(v3, rem, 3);
    }
    if (check) {
      if (i8x16.bitmask(v128.or(v128.or(v0, v1), v128.or(v2, v3))) != 0) {
        if (utf8WindowError(prev, base, rem)) return utf8Fail(s, end, base, done);
        pending = incomplete(v3);
      } else if (v128.any_true(pending)) {
        return utf8Fail(s, end, base, done);
      }
      prev = v3;
    }
    const l0 = sepLanes(v0, lo, hi);
    const l1 = sepLanes(v1, lo, hi);
    const l2 = sepLanes(v2, lo, hi);
    const l3 = sepLanes(v3, lo, hi);
    if (lower && count) {
      // The window's token bytes lowercased at once (separators kept as
      // they are, and nothing past the piece's end written): no branch per
      // token on its length or its case.
      if (rem >= 64) {
        v128.store(base, lowerLanes(v0, v128.not(l0)));
        v128.store(base, lowerLanes(v1, v128.not(l1)), 16);
        v128.store(base, lowerLanes(v2, v128.not(l2)), 32);
        v128.store(base, lowerLanes(v3, v128.not(l3)), 48);
      } else {
        lowerTail(base, rem, l0, l1, l2, l3);
      }
    }
    let sep = <u64>i8x16.bitmask(l0) | (<u64>i8x16.bitmask(l1) << 16) |
      (<u64>i8x16.bitmask(l2) << 32) | (<u64>i8x16.bitmask(l3) << 48);
    if (rem < 64) sep |= <u64>-1 << <u64>rem;
    // A bit wherever a byte and the one before it differ: token starts and ends.
    let t = sep ^ ((sep << 1) | lastSep);
    lastSep = sep >> 63;
    // Edges alternate start, end, start, ...: pop them in pairs, so the
    // only branch on the state is at a window's first edge.
    while (t != 0) {
      if (!inTok) {
        tokStart = base + <usize>ctz(t);
        t &= t - 1;
        if (t == 0) {
          inTok = true;
          break;
        }
      }
      inTok = false;
      const at = base + <usize>ctz(t);
      t &= t - 1;
      if (!count) {
        done++;
        continue;
      }
      const len = <u32>(at - tokStart);
      if (!tallyAdd(tokStart, len)) {
        // The tally is full: the segment so far goes into the table.
        const r = flush(table, by);
        if (r < 0) return stopFlush(r, tokStart, done, tallied);
        done += tallied;
        budget -= tallied;
        tallied = 0;
        // The first token of a new segment: the tally is empty, it fits.
        tallyAdd(tokStart, len);
      }
      tallied++;
      if (tallied >= budget) {
        end = at;
        break;
      }
    }
    if (tallied >= budget) break;
    base += 64;
  }
  if (check && v128.any_true(pending)) return utf8Fail(s, end, end, done);
  if (count) {
    const r = flush(table, by);
    if (r < 0) return stopFlush(r, end, done, tallied);
    done += tallied;
  }
  tokensDone = done;
  return <f64>(end - s);
}
