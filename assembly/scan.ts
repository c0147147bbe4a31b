// Byte classification for the tokenizer, 16 bytes at a time: which bytes of a
// block are separators, and ASCII lowercasing of a block's token bytes. Pure
// functions over bytes in memory; no table state.
//
// Separators use the nibble lookup of simdjson and simdutf: a byte b is a
// separator when LO[b & 15] & HI[b >> 4] != 0, two i8x16.swizzle lookups and
// an and per block, for any set. Separators are ASCII (JS checks), so the high
// nibble is 0..7 and can own one bit each: HI[h] = 1 << h (0 for h >= 8, so no
// byte >= 0x80 is ever a separator) and LO[l] has bit h set when the byte
// (h << 4) | l is a separator. That represents every subset of 0..127 exactly,
// with no false positives to weed out.

/** LO (16 bytes) then HI (16 bytes) of the current separator set. */
const NIBBLES: usize = memory.data(32, 16);
/** 1 at each separator byte value: for the scalar backward scan. */
const SEP_BYTE: usize = memory.data(256);

/** Takes the separator set: `n` ASCII byte values at `at`. */
export function setSeparatorSet(at: usize, n: u32): void {
  memory.fill(NIBBLES, 0, 32);
  memory.fill(SEP_BYTE, 0, 256);
  for (let i: u32 = 0; i < 8; i++) store<u8>(NIBBLES + 16 + i, <u8>(<u32>1 << i));
  for (let i: u32 = 0; i < n; i++) {
    const b = <u32>load<u8>(at + i);
    if (b >= 0x80) continue;
    store<u8>(SEP_BYTE + b, 1);
    const lo = NIBBLES + (b & 15);
    store<u8>(lo, <u8>(<u32>load<u8>(lo) | (<u32>1 << (b >> 4))));
  }
}

// @ts-ignore: decorator
@inline export function sepLo(): v128 {
  return v128.load(NIBBLES);
}

// @ts-ignore: decorator
@inline export function sepHi(): v128 {
  return v128.load(NIBBLES, 16);
}

/** Whether the byte value `b` is a separator (scalar). */
// @ts-ignore: decorator
@inline export function isSepByte(b: u32): bool {
  return load<u8>(SEP_BYTE + b) != 0;
}

/** 0xff in each lane of `v` that holds a separator, else 0. */
// @ts-ignore: decorator
@inline export function sepLanes(v: v128, lo: v128, hi: v128): v128 {
  const a = i8x16.swizzle(lo, v128.and(v, i8x16.splat(0x0f)));
  const b = i8x16.swizzle(hi, i8x16.shr_u(v, 4));
  return i8x16.ne(v128.and(a, b), i8x16.splat(0));
}

/** Bit i set when byte i of the 16 at `p` is a separator. */
// @ts-ignore: decorator
@inline export function sepMask16(v: v128, lo: v128, hi: v128): u32 {
  return <u32>i8x16.bitmask(sepLanes(v, lo, hi));
}

/** `v` with ASCII A-Z lowercased in the lanes where `keep` is 0xff. */
// @ts-ignore: decorator
@inline export function lowerLanes(v: v128, keep: v128): v128 {
  const upper = i8x16.lt_u(i8x16.sub(v, i8x16.splat(0x41)), i8x16.splat(26));
  return v128.or(v, v128.and(v128.and(upper, keep), i8x16.splat(0x20)));
}

/** 0xff in lanes 0..n-1 (n <= 16), 0 in the rest. */
// @ts-ignore: decorator
@inline export function firstLanes(n: u32): v128 {
  return i8x16.lt_u(i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), i8x16.splat(<i8>n));
}
