// UTF-8 validation: the lookup-table algorithm of Keiser and Lemire,
// "Validating UTF-8 In Less Than One Instruction Per Byte" (Software: Practice
// and Experience, 2021), as simdjson and simdutf implement it, on wasm SIMD.
// Pure functions over bytes in memory; no table state.
//
// Each byte is checked against the one before it by three 16-entry lookups
// (high nibble of the previous byte, its low nibble, high nibble of this
// byte) whose and is non-zero exactly for the invalid 2-byte patterns:
// a lead byte not followed by a continuation (TOO_SHORT), a continuation
// after ASCII (TOO_LONG), overlongs, surrogates, code points past U+10FFFF,
// and two continuations in a row. Two continuations in a row are an error
// unless the byte 2 or 3 back is a 3- or 4-byte lead, which a fourth
// comparison cancels. The previous block's bytes come in through a shuffle
// so a sequence cut by a block edge is checked like any other.
//
// The caller skips blocks of pure ASCII (no high bit), which need no check as
// long as the block before did not end in an incomplete sequence (incomplete()).
// The lookup finds *that* a block is bad; utf8FirstError (scalar) then names
// the first bad byte, which only error paths pay for.

// @ts-ignore: decorator
@inline const TOO_SHORT: i8 = 1 << 0;
// @ts-ignore: decorator
@inline const TOO_LONG: i8 = 1 << 1;
// @ts-ignore: decorator
@inline const OVERLONG_3: i8 = 1 << 2;
// @ts-ignore: decorator
@inline const TOO_LARGE: i8 = 1 << 3;
// @ts-ignore: decorator
@inline const SURROGATE: i8 = 1 << 4;
// @ts-ignore: decorator
@inline const OVERLONG_2: i8 = 1 << 5;
// @ts-ignore: decorator
@inline const TOO_LARGE_1000: i8 = 1 << 6;
// @ts-ignore: decorator
@inline const OVERLONG_4: i8 = 1 << 6;
// @ts-ignore: decorator
@inline const TWO_CONTS: i8 = -128; // 1 << 7
/** The errors whose verdict does not depend on the low nibble of byte 1. */
// @ts-ignore: decorator
@inline const CARRY: i8 = TOO_SHORT | TOO_LONG | TWO_CONTS;

/** Bytes 1 and 2 back from each lane of `cur`, `prev` being the block before. */
// @ts-ignore: decorator
@inline function prev1(prev: v128, cur: v128): v128 {
  return i8x16.shuffle(prev, cur, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30);
}
// @ts-ignore: decorator
@inline function prev2(prev: v128, cur: v128): v128 {
  return i8x16.shuffle(prev, cur, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29);
}
// @ts-ignore: decorator
@inline function prev3(prev: v128, cur: v128): v128 {
  return i8x16.shuffle(prev, cur, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28);
}

/**
 * Non-zero lanes where the block `cur` (after the block `prev`) breaks UTF-8.
 * A sequence still open at the end of `cur` is not an error here: see
 * incomplete().
 */
// @ts-ignore: decorator
@inline export function utf8BlockError(prev: v128, cur: v128): v128 {
  const p1 = prev1(prev, cur);
  const nib = i8x16.splat(0x0f);
  const byte1High = i8x16.swizzle(
    i8x16(
      // 0_______ : ASCII in byte 1
      TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
      // 10______ : continuation in byte 1
      TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
      // 1100____, 1101____ : 2-byte lead
      TOO_SHORT | OVERLONG_2, TOO_SHORT,
      // 1110____ : 3-byte lead
      TOO_SHORT | OVERLONG_3 | SURROGATE,
      // 1111____ : 4-byte lead
      TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4,
    ),
    i8x16.shr_u(p1, 4),
  );
  const byte1Low = i8x16.swizzle(
    i8x16(
      CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, // ____0000
      CARRY | OVERLONG_2, // ____0001
      CARRY, CARRY, // ____001_
      CARRY | TOO_LARGE, // ____0100
      CARRY | TOO_LARGE | TOO_LARGE_1000, // ____0101
      CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000, // ____011_
      CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000, // ____100_
      CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000, // ____101_
      CARRY | TOO_LARGE | TOO_LARGE_1000, // ____1100
      CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE, // ____1101
      CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000, // ____111_
    ),
    v128.and(p1, nib),
  );
  const byte2High = i8x16.swizzle(
    i8x16(
      // ________ 0_______ : ASCII in byte 2
      TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
      // ________ 1000____
      TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
      // ________ 1001____
      TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
      // ________ 101_____
      TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
      TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
      // ________ 11______
      TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
    ),
    i8x16.shr_u(cur, 4),
  );
  const special = v128.and(v128.and(byte1High, byte1Low), byte2High);
  // Byte 2 or 3 back is a 3- or 4-byte lead: this byte must be a continuation
  // (TWO_CONTS is then expected, and cancelled; its absence is the error).
  const must23 = v128.or(
    i8x16.ge_u(prev2(prev, cur), i8x16.splat(<i8>0xe0)),
    i8x16.ge_u(prev3(prev, cur), i8x16.splat(<i8>0xf0)),
  );
  return v128.xor(special, v128.and(must23, i8x16.splat(<i8>0x80)));
}

/**
 * Non-zero lanes when the block ends inside a sequence: a lead byte in the
 * last 3 lanes whose sequence needs more bytes than the block has left.
 * The block after it must then start with continuations; if it is pure ASCII
 * (skipped by the caller), this is the error.
 */
// @ts-ignore: decorator
@inline export function incomplete(cur: v128): v128 {
  return i8x16.sub_sat_u(
    cur,
    i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, <i8>(0xf0 - 1), <i8>(0xe0 - 1), <i8>(0xc0 - 1)),
  );
}

/**
 * Offset of the first byte in [p, p + n) that does not start (or continue) a
 * valid UTF-8 sequence, or -1 when all are valid. A sequence cut by the end
 * is an error at its lead byte. Scalar: used only to name the byte after the
 * SIMD check found a bad block.
 */
export function utf8FirstError(p: usize, n: u32): i32 {
  let i: u32 = 0;
  while (i < n) {
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
      if (i + k >= n) return <i32>i;
      const c = <u32>load<u8>(p + i + k);
      if (k == 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return <i32>i;
    }
    i += len;
  }
  return -1;
}
