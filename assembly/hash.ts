// Seeded hashing. Each table draws its own 64-bit seed at random (in JS) and
// keeps it in its header, so keys crafted to collide in one map do not
// collide in another, and no two maps share clusters.
//
// Integers: the seed is xored in and the result goes through murmur3's
// fmix64 (two multiplies, three xor-shifts), a bijection on u64, so distinct
// keys never share a full hash. One multiply and a shift measured 3.9 groups
// of mean probe at 1M keys i * 2^16 + c (random keys: 1.0): multiplicative
// hashing keeps the structure of strided ids; fmix64 gives every family
// tested (strides 2^0..2^40, timestamps, IPv4, test/hash-quality.test.ts)
// the mean probe of random keys at the same load.
// Byte strings longer than 8 bytes: xxHash64-style 8-byte lanes, the tail
// folded in one round, seeded, with the length mixed in first. Shorter keys
// are hashed as their u64 slot form with fmix64 (keys.ts).

// @ts-ignore: decorator
@inline const P1: u64 = 0x9e3779b185ebca87;
// @ts-ignore: decorator
@inline const P2: u64 = 0xc2b2ae3d27d4eb4f;
// @ts-ignore: decorator
@inline const P3: u64 = 0x165667b19e3779f9;
// @ts-ignore: decorator
@inline const P4: u64 = 0x85ebca77c2b2ae63;
// @ts-ignore: decorator
@inline const P5: u64 = 0x27d4eb2f165667c5;

// @ts-ignore: decorator
@inline export function hashInt(key: i64, seed: u64): u64 {
  let h = <u64>key ^ seed;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccd;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53;
  return h ^ (h >> 33);
}

/** The state a string hash starts from: the seed and the length. */
// @ts-ignore: decorator
@inline export function hashStart(len: u32, seed: u64): u64 {
  return seed + P5 + <u64>len;
}

/** Folds the floor(n / 8) 8-byte lanes at `p` into `h`. */
export function hashLanes(h: u64, p: usize, n: u32): u64 {
  while (n >= 8) {
    let k = load<u64>(p) * P2;
    k = rotl<u64>(k, 31) * P1;
    h ^= k;
    h = rotl<u64>(h, 27) * P1 + P4;
    p += 8;
    n -= 8;
  }
  return h;
}

/**
 * Folds the last 0-7 bytes in one round and finishes: two overlapping u32
 * loads for 4-7 bytes, first/middle/last byte for 1-3 (as wyhash does),
 * instead of a multiply per byte.
 */
export function hashTail(h: u64, p: usize, n: u32): u64 {
  if (n >= 4) {
    const t = (<u64>load<u32>(p) << 32) | <u64>load<u32>(p + n - 4);
    h ^= t * P1;
    h = rotl<u64>(h, 23) * P2 + P3;
  } else if (n != 0) {
    const t = (<u64>load<u8>(p) << 16) | (<u64>load<u8>(p + (n >> 1)) << 8) | <u64>load<u8>(p + n - 1);
    h ^= t * P5;
    h = rotl<u64>(h, 11) * P1;
  }
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

/**
 * The hash of `len` bytes at `ptr`. A key streamed in pieces (longkeys.ts)
 * gets the same hash from hashStart, hashLanes per piece, then hashTail.
 */
export function hashBytes(ptr: usize, len: u32, seed: u64): u64 {
  // Most keys are words: shorter than one lane.
  if (len < 8) return hashTail(hashStart(len, seed), ptr, len);
  const body = len & ~7;
  return hashTail(hashLanes(hashStart(len, seed), ptr, body), ptr + body, len & 7);
}
