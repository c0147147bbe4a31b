// Which slot layout this instance uses (table.ts). Fixed for the life of an
// instance: widening is a rebuild into a new one.

/** Integer keys that fit i32, counts that fit u32: 8-byte slots. */
// @ts-ignore: decorator
@inline export const INT32: i32 = 0;
/** Any safe-integer key and count: i64 key, f64 count, 16-byte slots. */
// @ts-ignore: decorator
@inline export const INT64: i32 = 1;
/** String keys (arena record address), counts that fit u32: 8-byte slots. */
// @ts-ignore: decorator
@inline export const STR32: i32 = 2;
/** String keys, any safe-integer count: 12-byte slots. */
// @ts-ignore: decorator
@inline export const STR64: i32 = 3;

export let layout: i32 = INT32;

export function setLayout(l: i32): void {
  layout = l;
}

export function slotBytes(l: i32): u32 {
  return l == INT64 ? 16 : l == STR64 ? 12 : 8;
}
