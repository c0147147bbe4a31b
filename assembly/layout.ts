// Slot layouts. A table's layout is in its header (header.ts) and changes
// only by a rebuild (widening), which moves every entry into new slots.

/** Integer keys that fit i32, counts that fit u32: 8-byte slots. */
// @ts-ignore: decorator
@inline export const INT32: i32 = 0;
/** Any safe-integer key and count: i64 key, f64 count, 16-byte slots. */
// @ts-ignore: decorator
@inline export const INT64: i32 = 1;
/** String keys (inline up to 8 bytes, else an arena reference: keys.ts), counts that fit u32: 12-byte slots. */
// @ts-ignore: decorator
@inline export const STR32: i32 = 2;
/** String keys, any safe-integer count: 16-byte slots. */
// @ts-ignore: decorator
@inline export const STR64: i32 = 3;

export function slotBytes(l: i32): u32 {
  return l == INT32 ? 8 : l == STR32 ? 12 : 16;
}

/** Bytes per group of a layout: 16 control bytes and 16 slots. */
export function strideOf(l: i32): usize {
  return 16 + 16 * <usize>slotBytes(l);
}
