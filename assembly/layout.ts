// Slot layouts. A table's layout is in its header (header.ts) and changes
// only by a rebuild (widening), which moves every entry into new slots.

import { LAYOUT_INT32, LAYOUT_INT64, LAYOUT_STR32, LAYOUT_STR64, SLOT_BYTES_INT32, SLOT_BYTES_STR32, SLOT_BYTES_STR64, GROUP } from "./abi";

// The layouts are declared in abi.ts (JS names them too).
// @ts-ignore: decorator
@inline export const INT32: i32 = LAYOUT_INT32;
// @ts-ignore: decorator
@inline export const INT64: i32 = LAYOUT_INT64;
// @ts-ignore: decorator
@inline export const STR32: i32 = LAYOUT_STR32;
// @ts-ignore: decorator
@inline export const STR64: i32 = LAYOUT_STR64;

// @ts-ignore: decorator
@inline export function slotBytes(l: i32): u32 {
  return l == INT32 ? SLOT_BYTES_INT32 : l == STR32 ? SLOT_BYTES_STR32 : SLOT_BYTES_STR64;
}

/**
 * Bytes per group: 16 control bytes and 16 slots of `slot` bytes. The one
 * place a group's size is computed: generic code passes slotSize<K, C>() (a
 * constant once inlined), the rest slotBytes(layout).
 */
// @ts-ignore: decorator
@inline export function groupBytes(slot: usize): usize {
  return <usize>GROUP + <usize>GROUP * slot;
}
