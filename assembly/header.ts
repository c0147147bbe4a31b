// A table is a value: its state lives in a header in linear memory, and every
// table function takes the header's address `t` first (as hashbrown's
// RawTable is a struct the map owns). One instance of the module can then host
// any number of tables (a pool, heap.ts), or one big table in a memory of its
// own.
//
//   offset  field        what it holds (the offsets are declared in abi.ts)
//   0       table        address of group 0 (EMPTY_GROUP when the table holds no slots)
//   4       groups       groups of 16 slots; capacity is groups * 16
//   8       items        live entries
//   12      tombstones   DELETED control bytes
//   16      rebuilds     times the table was moved (grow, shrink, widen, compact)
//   20      arena        address of the key arena's first byte (string keys)
//   24      arenaUsed    bytes of the arena in use: records are appended here
//   28      arenaCap     bytes the arena may use before it must grow (JS asks)
//   32      garbage      bytes of arena records whose key was erased
//   36      version      bumped by every change: iterators compare it
//   40      seed         64-bit hash seed, derived from the group count (hash.ts)
//   48      layout       slot layout (layout.ts)
//   49      mode         POOLED: table and arena are heap blocks
//                        OWN: the only table of its instance, laid out by hand
//   50      kind         1 in a summary's header (topk.ts), else 0
//   52      total        i64 sum of all counts, kept by every write of a count
//                        (TOTAL_UNKNOWN once it would pass i64: total() walks)
//
// 60 bytes: with the allocator's 4-byte block header it fits a 64-byte block.
// hashbrown keeps `growth_left` in its table struct; here it is derived
// (growthLeftOf): items + tombstones + growth left is the 7/8 budget at all
// times, and the 4 bytes it would take are what the running total needed to
// keep a map's header in 64 bytes of heap.
// Slots of string keys hold a record's offset from `arena`, not its address,
// so the arena can be reallocated (moved) without touching the table.

import { H_TABLE, H_GROUPS, H_ITEMS, H_TOMBSTONES, H_REBUILDS, H_ARENA, H_ARENA_USED, H_ARENA_CAP, H_GARBAGE, H_VERSION, H_SEED, H_LAYOUT, H_MODE, H_TOTAL } from "./abi";
export { HEADER_BYTES } from "./abi";

// @ts-ignore: decorator
@inline export const MODE_POOLED: u8 = 0;
// @ts-ignore: decorator
@inline export const MODE_OWN: u8 = 1;

// @ts-ignore: decorator
@inline export function tableOf(t: usize): usize { return <usize>load<u32>(t, H_TABLE); }
// @ts-ignore: decorator
@inline export function setTable(t: usize, v: usize): void { store<u32>(t, <u32>v, H_TABLE); }
// @ts-ignore: decorator
@inline export function groupsOf(t: usize): u32 { return load<u32>(t, H_GROUPS); }
// @ts-ignore: decorator
@inline export function setGroups(t: usize, v: u32): void { store<u32>(t, v, H_GROUPS); }
// @ts-ignore: decorator
@inline export function capacityOf(t: usize): u32 { return load<u32>(t, H_GROUPS) << 4; }
// @ts-ignore: decorator
@inline export function itemsOf(t: usize): u32 { return load<u32>(t, H_ITEMS); }
// @ts-ignore: decorator
@inline export function setItems(t: usize, v: u32): void { store<u32>(t, v, H_ITEMS); }
// @ts-ignore: decorator
@inline export function tombstonesOf(t: usize): u32 { return load<u32>(t, H_TOMBSTONES); }
// @ts-ignore: decorator
@inline export function setTombstones(t: usize, v: u32): void { store<u32>(t, v, H_TOMBSTONES); }
// @ts-ignore: decorator
@inline export function arenaOf(t: usize): usize { return <usize>load<u32>(t, H_ARENA); }
// @ts-ignore: decorator
@inline export function setArena(t: usize, v: usize): void { store<u32>(t, <u32>v, H_ARENA); }
// @ts-ignore: decorator
@inline export function arenaUsedOf(t: usize): u32 { return load<u32>(t, H_ARENA_USED); }
// @ts-ignore: decorator
@inline export function setArenaUsed(t: usize, v: u32): void { store<u32>(t, v, H_ARENA_USED); }
// @ts-ignore: decorator
@inline export function arenaCapOf(t: usize): u32 { return load<u32>(t, H_ARENA_CAP); }
// @ts-ignore: decorator
@inline export function setArenaCap(t: usize, v: u32): void { store<u32>(t, v, H_ARENA_CAP); }
// @ts-ignore: decorator
@inline export function garbageOf(t: usize): u32 { return load<u32>(t, H_GARBAGE); }
// @ts-ignore: decorator
@inline export function setGarbage(t: usize, v: u32): void { store<u32>(t, v, H_GARBAGE); }
// @ts-ignore: decorator
@inline export function versionOf(t: usize): u32 { return load<u32>(t, H_VERSION); }
// @ts-ignore: decorator
@inline export function touch(t: usize): void { store<u32>(t, load<u32>(t, H_VERSION) + 1, H_VERSION); }
// @ts-ignore: decorator
@inline export function seedOf(t: usize): u64 { return load<u64>(t, H_SEED); }
// @ts-ignore: decorator
@inline export function setSeed(t: usize, v: u64): void { store<u64>(t, v, H_SEED); }
// @ts-ignore: decorator
@inline export function layoutOf(t: usize): i32 { return <i32>load<u8>(t, H_LAYOUT); }
// @ts-ignore: decorator
@inline export function setLayout(t: usize, v: i32): void { store<u8>(t, <u8>v, H_LAYOUT); }
// @ts-ignore: decorator
@inline export function modeOf(t: usize): u8 { return load<u8>(t, H_MODE); }
// @ts-ignore: decorator
@inline export function setMode(t: usize, v: u8): void { store<u8>(t, v, H_MODE); }
// @ts-ignore: decorator
@inline export function rebuildsOf(t: usize): u32 { return load<u32>(t, H_REBUILDS); }
// @ts-ignore: decorator
@inline export function countRebuild(t: usize): void { store<u32>(t, load<u32>(t, H_REBUILDS) + 1, H_REBUILDS); }

/**
 * The running total's "unknown" mark: a sum that would pass i64 (more than
 * 1,024 keys at Number.MAX_SAFE_INTEGER) stops being kept, and total() sums
 * the slots instead. Emptying the table makes it exact again (0).
 */
// @ts-ignore: decorator
@inline export const TOTAL_UNKNOWN: i64 = -1;
// @ts-ignore: decorator
@inline export function totalOf(t: usize): i64 { return load<i64>(t, H_TOTAL); }
// @ts-ignore: decorator
@inline export function setTotal(t: usize, v: i64): void { store<i64>(t, v, H_TOTAL); }
/**
 * Adds `d` (|d| <= 2^53) to the running total. A real total is never
 * negative, so a sum that wraps past i64 shows as negative and is marked
 * unknown; an unknown total stays unknown.
 */
// @ts-ignore: decorator
@inline export function addTotal(t: usize, d: i64): void {
  const cur = load<i64>(t, H_TOTAL);
  const sum = cur + d;
  store<i64>(t, cur < 0 || sum < 0 ? TOTAL_UNKNOWN : sum, H_TOTAL);
}
