// How a string key is stored in its slot. Real keys are short (on English
// text 86% of tokens are at most 7 bytes), so a key of up to 8 bytes lives in
// the slot itself, as one u64, and a lookup is one 8-byte compare in the cache
// line the control bytes led to, with no arena record to chase. Longer keys
// are records in the arena (arena.ts) and the slot holds their offset.
//
//   byte 7 of the u64   the key
//   0..7                inline, that many bytes long: bytes 0..len-1, the
//                       rest zero
//   0xFF                in the arena: bits 0..31 are the record's offset
//                       (UTF-8 and WTF-8 never contain 0xFF)
//   anything else       inline, 8 bytes long (byte 7 is its last byte)
//
// So an 8-byte key whose last byte is a tag (below 8, or 0xFF) goes to the
// arena; every other key of up to 8 bytes is inline. No key bytes ever
// become a tag: an 8-byte key ending in 0xFF (no writer makes one, but bytes
// from a batch or a forged record may hold it) would otherwise read as an
// arena reference whose offset is the key's low 32 bits, i.e. a read of any
// memory in the instance, other tables' included. The encoding of a key
// depends only on its bytes, so a key counted from a JS string, from a
// batch, or from countTokens' bytes is the same u64, hashed the same way.

import { hashBytes, hashInt } from "./hash";

/** The marker of an arena reference in byte 7. */
// @ts-ignore: decorator
@inline export const ARENA_TAG: u64 = 0xff00000000000000;
/** What packKey returns for a key that does not fit a slot: no slot holds it. */
// @ts-ignore: decorator
@inline export const NOT_INLINE: u64 = 0xffffffffffffffff;

/** The inline form of the `len` bytes at `p`, or NOT_INLINE. */
export function packKey(p: usize, len: u32): u64 {
  if (len >= 4) {
    if (len > 8) return NOT_INLINE;
    if (len == 8) {
      const k = load<u64>(p);
      // Last byte 0xFF or 0..7 (one compare: 0xFF + 1 wraps to 0).
      return <u8>(<u32>(k >> 56) + 1) < 9 ? NOT_INLINE : k;
    }
    // Two overlapping loads: bytes 0..3, then 4..len-1 from the top of p+len-4.
    const hi = <u64>(load<u32>(p + len - 4) >> ((8 - len) << 3));
    return <u64>load<u32>(p) | (hi << 32) | (<u64>len << 56);
  }
  let k: u64 = <u64>len << 56;
  if (len > 0) k |= <u64>load<u8>(p);
  if (len > 1) k |= <u64>load<u8>(p + 1) << 8;
  if (len > 2) k |= <u64>load<u8>(p + 2) << 16;
  return k;
}

/**
 * Whether `k` is a form packKey makes (what the short_* exports and batch
 * words take from JS): a length 0..7 with zero bytes past it, or an 8-byte
 * key whose last byte is not a tag. Anything else is refused, so that no u64
 * from outside the core is ever read as an arena reference.
 */
// @ts-ignore: decorator
@inline export function isInlineForm(k: u64): bool {
  const top = <u32>(k >> 56);
  if (top >= 8) return top != 0xff;
  return (k & ~ARENA_TAG) >> (<u64>top << 3) == 0;
}

/** Whether the slot key `k` is an arena reference. */
// @ts-ignore: decorator
@inline export function isArenaKey(k: u64): bool {
  return k >> 56 == 0xff;
}

/** The slot key of the arena record at offset `off`. */
// @ts-ignore: decorator
@inline export function arenaKey(off: u32): u64 {
  return ARENA_TAG | <u64>off;
}

/** Length of the inline key `k`. */
// @ts-ignore: decorator
@inline export function inlineLen(k: u64): u32 {
  const top = <u32>(k >> 56);
  return top < 8 ? top : 8;
}

/**
 * The hash of an inline key: fmix64 of its u64, as for int keys (hash.ts), a
 * bijection, so distinct short keys never share a full hash. Keys that differ
 * in one byte, or only in length (the length is byte 7), spread like any
 * others; longer keys use hashBytes, and a key is always one or the other.
 */
// @ts-ignore: decorator
@inline export function hashShort(k: u64, seed: u64): u64 {
  return hashInt(<i64>k, seed);
}

/** The hash of the key whose bytes are at `p`, given its packed form `k`. */
// @ts-ignore: decorator
@inline export function hashKeyBytes(k: u64, p: usize, len: u32, seed: u64): u64 {
  return k != NOT_INLINE ? hashShort(k, seed) : hashBytes(p, len, seed);
}
