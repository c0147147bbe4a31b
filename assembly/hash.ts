// Keyed hashing. Every instance holds the process's secret 128-bit key (JS
// draws it once from crypto.getRandomValues and gives it to each instance).
//
// Seeds. A table's 64-bit seed is a link of a chain derived from the key:
// a new table starts at firstSeed, and a table only ever moves on to
// nextSeed(seed) (clear(), and the rare insert that finds keys piled up on
// one run of groups: table.ts, MAX_PROBE_GROUPS). A rebuild keeps the seed,
// so the entries reach the new table in its hash order and its inserts walk
// memory sequentially. So
//   - two maps that received the same operations have the same seeds, hold
//     their entries in the same slots and iterate in the same order (in one
//     process: another process has another key);
//   - entries read out of one table in its order and inserted into a smaller
//     table with the same seed (a map copied into a new one, merged into a
//     smaller one, re-filled after clear) would all map to its first groups:
//     quadratic, as rust-lang/rust#36481 was. The first insert that walks
//     128 groups moves the table to its next seed and rehashes it in place,
//     and from then on those keys spread like any others;
//   - nobody who does not know the key can make keys that collide.
//
// Integers, and string keys of up to 8 bytes in their u64 slot form
// (keys.ts): murmur3's fmix64 of `key ^ seed`. A bijection, so distinct keys
// never share a full hash, and a flood needs keys whose top bits (the home
// group) agree under a seed the attacker cannot see. One multiply and a shift
// measured 3.9 groups of mean probe at 1M keys i * 2^16 + c (random keys:
// 1.0); fmix64 gives every family tested (strides 2^0..2^40, timestamps,
// IPv4, test/hash-quality.test.ts) the mean probe of random keys.
//
// Byte strings longer than 8 bytes: SipHash-1-3 (Aumasson and Bernstein; the
// variant Rust's std and CPython use for their tables), keyed with the secret
// and the table's seed. An unkeyed 8-bytes-at-a-time mix (xxHash64's lane
// step, used before) has differentials that hold for every seed: a
// difference in bit 36 of one lane's mixed value is bit 63 after the rotate
// and multiply, and a bit-63 difference in the next lane cancels it, so 2^L
// keys of L 16-byte blocks shared one hash whatever the seed. SipHash is a
// keyed PRF: without the key no structure of the input predicts a collision.

/** The process's secret key (set_hash_key in index.ts, once per instance). */
let key0: u64 = 0;
let key1: u64 = 0;

export function setHashKey(k0: u64, k1: u64): void {
  key0 = k0;
  key1 = k1;
  first = nextSeed(0);
}

// @ts-ignore: decorator
@inline export function hashInt(key: i64, seed: u64): u64 {
  let h = <u64>key ^ seed;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccd;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53;
  return h ^ (h >> 33);
}

// SipHash state between the pieces of a key streamed from JS (longkeys.ts).
// Each call works on locals and stores them back once.
let s0: u64 = 0;
let s1: u64 = 0;
let s2: u64 = 0;
let s3: u64 = 0;

/** The last 0-7 bytes at `p` as SipHash's final word, with the length in its top byte. */
// @ts-ignore: decorator
@inline function lastWord(p: usize, n: u32, len: u32): u64 {
  let b = <u64>len << 56;
  if (n >= 4) {
    // Two overlapping u32 loads: bytes 0-3, and n-4 .. n-1 shifted down to 4 .. n-1.
    b |= <u64>load<u32>(p) | ((<u64>load<u32>(p + n - 4) >> ((8 - <u64>n) << 3)) << 32);
  } else if (n != 0) {
    b |= <u64>load<u8>(p);
    if (n > 1) b |= <u64>load<u8>(p + 1) << 8;
    if (n > 2) b |= <u64>load<u8>(p + 2) << 16;
  }
  return b;
}

/** Starts the SipHash of a key for a table seeded `seed`. */
export function sipBegin(seed: u64): void {
  const k0 = key0 ^ seed;
  s0 = k0 ^ 0x736f6d6570736575;
  s1 = key1 ^ 0x646f72616e646f6d;
  s2 = k0 ^ 0x6c7967656e657261;
  s3 = key1 ^ 0x7465646279746573;
}

/**
 * Folds the floor(n / 8) 8-byte words at `p`, one SipRound each; with
 * `finish`, also the last n & 7 bytes and the length `len`, then the three
 * final rounds, and returns the hash.
 */
export function sipRun(p: usize, n: u32, len: u32, finish: bool): u64 {
  let v0 = s0, v1 = s1, v2 = s2, v3 = s3;
  const end = p + (<usize>n & ~7);
  while (p < end) {
    const m = load<u64>(p);
    v3 ^= m;
    v0 += v1; v1 = rotl<u64>(v1, 13); v1 ^= v0; v0 = rotl<u64>(v0, 32);
    v2 += v3; v3 = rotl<u64>(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl<u64>(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl<u64>(v1, 17); v1 ^= v2; v2 = rotl<u64>(v2, 32);
    v0 ^= m;
    p += 8;
  }
  if (!finish) {
    s0 = v0; s1 = v1; s2 = v2; s3 = v3;
    return 0;
  }
  const b = lastWord(p, n & 7, len);
  v3 ^= b;
  for (let r = 0; r < 4; r++) {
    v0 += v1; v1 = rotl<u64>(v1, 13); v1 ^= v0; v0 = rotl<u64>(v0, 32);
    v2 += v3; v3 = rotl<u64>(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl<u64>(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl<u64>(v1, 17); v1 ^= v2; v2 = rotl<u64>(v2, 32);
    if (r == 0) {
      v0 ^= b;
      v2 ^= 0xff;
    }
  }
  return v0 ^ v1 ^ v2 ^ v3;
}

/**
 * The hash of `len` bytes at `ptr` (keys longer than 8 bytes). A key
 * streamed in pieces (longkeys.ts) gets the same hash from sipBegin, then
 * sipRun per piece (a multiple of 8 bytes), the last with `finish`.
 */
export function hashBytes(ptr: usize, len: u32, seed: u64): u64 {
  sipBegin(seed);
  return sipRun(ptr, len, len, true);
}

const seedWord: usize = memory.data(8);

/** The link after `seed` in a table's chain of seeds: SipHash of the seed under the key. */
export function nextSeed(seed: u64): u64 {
  store<u64>(seedWord, seed);
  return hashBytes(seedWord, 8, 0);
}

let first: u64 = 0;

/** The seed every new table starts from. */
// @ts-ignore: decorator
@inline export function firstSeed(): u64 {
  return first;
}
