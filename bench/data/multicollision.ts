// Keys built against the structure of a hash rather than at random: what a
// client who sends keys to a counter (URLs, tokens, user names) can do to
// make every key land on one probe sequence.
//
// `laneMulticollision` targets the xxHash64-style lane step tophash used for
// string keys longer than 8 bytes up to 0.1 (before SipHash):
//
//   k = rotl(m * P2, 31) * P1;  h ^= k;  h = rotl(h, 27) * P1 + P4
//
// A difference of bit 36 in one lane's k is bit 63 after the rotate, stays
// bit 63 through the multiply (P1 is odd) and the add, and a bit-63
// difference in the next lane's k cancels it. So each 16-byte block has two
// forms, (a, b) and (a', b') with k(a') = k(a) ^ 2^36, k(b') = k(b) ^ 2^63,
// that leave the state the same whatever it was: whatever the seed. L blocks
// give 2^L keys of one 64-bit hash. Each 8-byte lane is valid UTF-8 on its
// own (ASCII, 2- and 3-byte characters) with no ASCII whitespace or control
// byte, so every key is one token for countTokens. (A partner lane differs
// from its lane by one of a few constants, which no printable-ASCII pair
// allows for the bit-36 lane; about 1 in 3,300 UTF-8 lanes has a valid one.)

import { Rng } from './generators.js';

const M64 = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;

function inverse(a: bigint): bigint {
  // Newton's iteration for the inverse of an odd number mod 2^64.
  let x = a;
  for (let i = 0; i < 6; i++) x = (x * (2n - a * x)) & M64;
  return x;
}

const P1_INV = inverse(P1);
const P2_INV = inverse(P2);

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M64;

/** The lane's mixed value: k = rotl(m * P2, 31) * P1. */
function mix(m: bigint): bigint {
  return (rotl((m * P2) & M64, 31n) * P1) & M64;
}

/** The lane m whose mixed value is k. */
function unmix(k: bigint): bigint {
  return (rotl((k * P1_INV) & M64, 33n) * P2_INV) & M64;
}

/** Whether the lane's 8 bytes are valid UTF-8 with no ASCII whitespace or control byte. */
function validLane(m: bigint): boolean {
  const b = laneBytes(m);
  const cont = (i: number): boolean => i < 8 && (b[i]! & 0xc0) === 0x80;
  for (let i = 0; i < 8; ) {
    const c = b[i]!;
    if (c < 0x80) {
      if (c <= 0x20 || c === 0x7f) return false;
      i++;
    } else if (c >= 0xc2 && c <= 0xdf) {
      if (!cont(i + 1)) return false;
      i += 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      if (!cont(i + 1) || !cont(i + 2)) return false;
      if (c === 0xe0 && b[i + 1]! < 0xa0) return false; // overlong
      if (c === 0xed && b[i + 1]! >= 0xa0) return false; // a surrogate
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

function laneBytes(m: bigint): number[] {
  const out: number[] = [];
  for (let i = 0n; i < 64n; i += 8n) out.push(Number((m >> i) & 0xffn));
  return out;
}

function laneText(m: bigint): string {
  return new TextDecoder().decode(new Uint8Array(laneBytes(m)));
}

/** A random lane of valid UTF-8: printable ASCII, 2- and 3-byte characters. */
function randomLane(rng: Rng): bigint {
  const out: number[] = [];
  while (out.length < 8) {
    const room = 8 - out.length;
    const r = rng.below(3);
    if (r === 0 || room < 2) {
      out.push(0x21 + rng.below(94));
    } else if (r === 1 || room < 3) {
      const cp = 0x80 + rng.below(0x780);
      out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    } else {
      let cp: number;
      do cp = 0x800 + rng.below(0xf800);
      while (cp >= 0xd800 && cp < 0xe000);
      out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    }
  }
  let m = 0n;
  for (let i = 0; i < 8; i++) m |= BigInt(out[i]!) << BigInt(8 * i);
  return m;
}

/** A lane m whose partner unmix(mix(m) ^ flip) is a valid lane too. */
function lanePair(rng: Rng, flip: bigint): [string, string] {
  for (;;) {
    const m = randomLane(rng);
    const partner = unmix(mix(m) ^ flip);
    if (validLane(partner)) return [laneText(m), laneText(partner)];
  }
}

/** The two forms of `blocks` 16-byte blocks. */
export function collidingBlocks(blocks: number, seed = 1): Array<[string, string]> {
  const rng = new Rng(seed);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < blocks; i++) {
    const [a, a2] = lanePair(rng, 1n << 36n);
    const [b, b2] = lanePair(rng, 1n << 63n);
    out.push([a + b, a2 + b2]);
  }
  return out;
}

/**
 * 2^blocks distinct keys of 16 * blocks bytes that all shared one 64-bit
 * hash under the former lane hash, for every seed.
 */
export function laneMulticollision(blocks: number, seed = 1): string[] {
  const pairs = collidingBlocks(blocks, seed);
  let keys = [''];
  for (const [x, y] of pairs) {
    const next: string[] = [];
    for (const k of keys) next.push(k + x, k + y);
    keys = next;
  }
  return keys;
}

/** `n` random printable ASCII keys of `len` bytes (the yardstick for the above). */
export function randomKeys(n: number, len: number, seed = 2): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  const codes = new Array<number>(len);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < len; j++) codes[j] = 0x21 + rng.below(94);
    out.push(String.fromCharCode(...codes));
  }
  return out;
}
