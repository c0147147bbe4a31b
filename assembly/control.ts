// Control bytes ("tophash" bytes) and group matching.
//
// Every slot of the table has one control byte; a group's 16 control bytes
// sit together at the head of the group (table.ts), so that all 16 can be
// tested with one SIMD compare:
//
//   EMPTY     0b0000_0000   never used since the last rebuild (or freed safely)
//   DELETED   0b0000_0001   a tombstone: the slot held a key that was erased
//   FULL      0b1hhh_hhhh   the slot holds a key; h = 7 bits of its hash (H2)
//
// Why these values: EMPTY is 0 so a fresh WebAssembly memory, which is zero
// filled, is already an empty table (no memset when a map is created or
// rebuilt). FULL has its high bit set so "which slots are free" (EMPTY or
// DELETED) is just the inverse of i8x16.bitmask, with no compare at all.
//
// Groups are aligned: a probe visits
// whole groups (see table.ts), so a group that still has an EMPTY byte has
// never been passed over by any probe; that is what lets erase() write EMPTY
// instead of a tombstone there.

// @ts-ignore: decorator
@inline export const EMPTY: u8 = 0x00;
// @ts-ignore: decorator
@inline export const DELETED: u8 = 0x01;
/** Slots per group (abi.ts GROUP: the width of one v128 compare), as a shift. */
// @ts-ignore: decorator
@inline export const GROUP_SHIFT: u32 = 4;

/** The control byte of a full slot whose key hashes to `h`: H2 with the FULL bit. */
// @ts-ignore: decorator
@inline export function tagOf(h: u64): u8 {
  return <u8>(h & 0x7f) | 0x80;
}

/** Bit i set when slot i of the group at `group` holds `tag`. */
// @ts-ignore: decorator
@inline export function matchTag(group: usize, tag: u8): u32 {
  return <u32>i8x16.bitmask(i8x16.eq(v128.load(group), i8x16.splat(<i8>tag)));
}

/** Bit i set when slot i of the group is EMPTY. */
// @ts-ignore: decorator
@inline export function matchEmpty(group: usize): u32 {
  return <u32>i8x16.bitmask(i8x16.eq(v128.load(group), i8x16.splat(0)));
}

/** Bit i set when slot i of the group is EMPTY or DELETED (a place to insert). */
// @ts-ignore: decorator
@inline export function matchFree(group: usize): u32 {
  return ~<u32>i8x16.bitmask(v128.load(group)) & 0xffff;
}

/** Bit i set when slot i of the group is FULL. */
// @ts-ignore: decorator
@inline export function matchFull(group: usize): u32 {
  return <u32>i8x16.bitmask(v128.load(group));
}

/**
 * First step of an in-place rehash over one group: FULL becomes DELETED
 * ("still to be placed") and DELETED becomes EMPTY.
 */
// @ts-ignore: decorator
@inline export function markFullAsDeleted(group: usize): void {
  const full = i8x16.lt_s(v128.load(group), i8x16.splat(0));
  v128.store(group, v128.and(full, i8x16.splat(<i8>DELETED)));
}
