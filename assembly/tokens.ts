// Counting tokens straight from UTF-8 bytes: JS copies a piece of its input
// into scratch, and the split, the optional ASCII lowercasing, the hash and
// the count all happen here, with no JS string per token.
//
// A piece always starts at a token boundary (JS carries a token cut at the
// end of a piece over to the next one), so a piece's tokens are counted
// exactly as incr() would count each token decoded to a string. Invalid UTF-8
// is refused before anything is counted (utf8Validate), so every counted
// token is valid UTF-8, which is the same bytes incr() writes for its string.

import { scratch } from "./heap";
import { packKey } from "./keys";
import { incr, DONE_REBUILD } from "./ops";

/** 1 for each separator byte value. */
const SEPARATORS: usize = memory.data(256);

export let tokensDone: f64 = 0;
/** Byte offset in scratch of the token a count stopped at (with a code). */
export let tokenErrAt: u32 = 0;
/** Trailing bytes of an incomplete (but so far valid) UTF-8 sequence. */
export let utf8Pending: u32 = 0;

/** Takes the separator set: `n` byte values written in scratch. */
export function setSeparators(n: u32): void {
  memory.fill(SEPARATORS, 0, 256);
  for (let i: u32 = 0; i < n; i++) store<u8>(SEPARATORS + load<u8>(scratch + i), 1);
}

// @ts-ignore: decorator
@inline function isSep(b: u32): bool {
  return load<u8>(SEPARATORS + b) != 0;
}

/**
 * Counts (adds `by` to) the tokens of the `n` bytes in scratch, at most
 * `limit` of them. Unless `final`, bytes after the last separator are a token
 * that may go on in the next piece: they are left for JS to carry over.
 * Returns the offset up to which the piece was consumed, or a status code
 * with tokenErrAt at the token that stopped it (that token not counted).
 */
export function countTokens<C>(t: usize, n: u32, by: f64, final: bool, lower: bool, limit: f64): f64 {
  let end = scratch + n;
  if (!final) {
    while (end > scratch && !isSep(load<u8>(end - 1))) end--;
  }
  let p = scratch;
  let done: f64 = 0;
  while (true) {
    while (p < end && isSep(load<u8>(p))) p++;
    if (p >= end || done >= limit) break;
    const start = p;
    if (lower) {
      while (p < end) {
        const b = <u32>load<u8>(p);
        if (isSep(b)) break;
        if (b - 65 < 26) store<u8>(p, <u8>(b | 0x20));
        p++;
      }
    } else {
      while (p < end && !isSep(load<u8>(p))) p++;
    }
    const len = <u32>(p - start);
    const r = incr<u64, C>(t, <i64>packKey(start, len), start, len, by);
    if (r < 0 && r != DONE_REBUILD) {
      tokenErrAt = <u32>(start - scratch);
      tokensDone = done;
      return r;
    }
    done++;
  }
  tokensDone = done;
  return <f64>(p - scratch);
}

/**
 * Checks that the `n` bytes in scratch are UTF-8 (no overlongs, no encoded
 * surrogates, nothing past U+10FFFF). Returns -1 when they are, else the
 * offset of the first bad byte. Unless `final`, a sequence cut by the end of
 * the piece is fine: utf8Pending says how many bytes it has so far.
 */
export function utf8Validate(n: u32, final: bool): i32 {
  const p = scratch;
  let i: u32 = 0;
  utf8Pending = 0;
  while (i < n) {
    if (i + 8 <= n && (load<u64>(p + i) & 0x8080808080808080) == 0) {
      i += 8;
      continue;
    }
    const b = <u32>load<u8>(p + i);
    if (b < 0x80) {
      i++;
      continue;
    }
    let len: u32;
    let lo: u32 = 0x80;
    let hi: u32 = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b == 0xe0) { len = 3; lo = 0xa0; }
    else if (b == 0xed) { len = 3; hi = 0x9f; }
    else if (b >= 0xe1 && b <= 0xef) len = 3;
    else if (b == 0xf0) { len = 4; lo = 0x90; }
    else if (b >= 0xf1 && b <= 0xf3) len = 4;
    else if (b == 0xf4) { len = 4; hi = 0x8f; }
    else return <i32>i;
    for (let k: u32 = 1; k < len; k++) {
      if (i + k >= n) {
        if (final) return <i32>i;
        utf8Pending = k;
        return -1;
      }
      const c = <u32>load<u8>(p + i + k);
      if (k == 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return <i32>i;
    }
    i += len;
  }
  return -1;
}
