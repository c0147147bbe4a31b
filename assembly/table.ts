// The open-addressing table: capacity slots in groups of 16, probed a group at
// a time by control byte (control.ts). Modelled on Abseil's raw_hash_set and
// Rust's hashbrown, with aligned groups as in Go's swiss maps. Every function
// takes the table's header `t` (header.ts).
//
//   hash h (64 bits) ─┬─ H1 = top 32 bits → home group = (H1 * groups) >> 32
//                     └─ H2 = low 7 bits  → tag stored in the control byte
//
//   group g: [16 control bytes][slot 0][slot 1] ... [slot 15]
//   table:   [group 0][group 1] ... [group n-1]
//
// Each group keeps its control bytes next to its slots (as F14 does, rather
// than Abseil's separate control array): a lookup's control bytes and the
// slot it then reads share a page and usually adjacent cache lines, so the
// slot is not a second cold miss. On this project's machines a dependent
// miss into a large table costs ~100 ns, and a lookup is a chain of them.
//
// A probe starts at the home group and walks groups linearly, wrapping. The
// group count need not be a power of two (H1 is mapped by multiply-shift), so
// capacity can follow the live entries closely: that is what keeps bytes per
// entry low. Lookups stop at the first group with an EMPTY byte; since load
// (live + tombstones) stays at or below 7/8, such a group always exists.
//
// Slots are generic over the key type K and the count type C:
//   K = i32 | i64  an integer key (i32 while every key fits, see ops.ts)
//   K = u64        a string key: up to 8 bytes inline, or a reference to its
//                  arena record (keys.ts)
//   C = u32 | f64  the count (u32 while every count fits; f64 holds any safe
//                  integer exactly)
// Narrow int slots are 8 bytes, so an int map of small keys and counts costs
// 9 bytes per slot (string slots: 12); the table widens (a rebuild) on the
// first key or count that does not fit.

import { EMPTY, DELETED, GROUP_SHIFT, tagOf, matchTag, matchEmpty, matchFree, matchFull, markFullAsDeleted } from "./control";
import { hashInt, hashBytes, nextSeed } from "./hash";
import { recordEquals, keyLen, keyPtr, dropRecord } from "./arena";
import { isArenaKey, hashShort, NOT_INLINE } from "./keys";
import {
  tableOf, groupsOf, capacityOf, itemsOf, setItems, tombstonesOf, setTombstones,
  seedOf, setSeed, arenaOf, layoutOf, setTable, setGroups, setTotal,
} from "./header";
import { slotBytes, groupBytes } from "./layout";

/**
 * The table of a header that holds no slots: one group of EMPTY control
 * bytes (Abseil's kEmptyGroup). Lookups in it find nothing and stop at once,
 * and since its growth budget is 0 the first insert asks JS to grow the
 * table (claimSlot); so the hot path needs no "has a table" check. Nothing
 * ever writes to it.
 */
export const EMPTY_GROUP: usize = memory.data(16, 16);

/**
 * Live entries plus tombstones may fill 7/8 of the slots: past that, probe
 * sequences lengthen fast; below it, 16-wide groups keep the expected probe
 * length near one group (hashbrown and Abseil use the same bound).
 */
// @ts-ignore: decorator
@inline export function maxLoad(cap: u32): u32 {
  return cap - (cap >> 3);
}

/**
 * EMPTY slots that may still be filled before the 7/8 bound (hashbrown's
 * `growth_left`), derived rather than stored: every insert into an EMPTY
 * slot and every erase to EMPTY moves `items` by one, and a tombstone
 * counts against the budget until it is reused or cleaned, so
 * items + tombstones + growth left = maxLoad(capacity) at all times. The
 * static EMPTY_GROUP has a budget of 0.
 */
// @ts-ignore: decorator
@inline export function growthLeftOf(t: usize): u32 {
  return tableOf(t) == EMPTY_GROUP ? 0 : maxLoad(capacityOf(t)) - itemsOf(t) - tombstonesOf(t);
}

/** Points `t` at an empty table of `nGroups` groups at `at` (zeroed by the caller). */
export function resetTable(t: usize, at: usize, nGroups: u32): void {
  setTable(t, at);
  setGroups(t, nGroups);
  setItems(t, 0);
  setTombstones(t, 0);
}

/** Forgets every entry in place: control bytes back to EMPTY. */
export function clearTable(t: usize): void {
  const stride = groupBytes(slotBytes(layoutOf(t)));
  const n = groupsOf(t);
  let g = tableOf(t);
  for (let i: u32 = 0; i < n; i++, g += stride) v128.store(g, i8x16.splat(<i8>EMPTY));
  setItems(t, 0);
  setTombstones(t, 0);
  setTotal(t, 0);
}

// @ts-ignore: decorator
@inline export function slotSize<K, C>(): usize {
  return sizeof<K>() + sizeof<C>();
}

// @ts-ignore: decorator
@inline function groupAt<K, C>(t: usize, g: u32): usize {
  return tableOf(t) + <usize>g * groupBytes(slotSize<K, C>());
}

/** Address of slot i. */
// @ts-ignore: decorator
@inline export function slotAt<K, C>(t: usize, i: u32): usize {
  return groupAt<K, C>(t, i >> GROUP_SHIFT) + 16 + <usize>(i & 15) * slotSize<K, C>();
}

/** Address of slot i in a table of `layout` (for callers that are not generic). */
export function slotAddr(t: usize, i: u32, layout: i32): usize {
  const size = <usize>slotBytes(layout);
  return tableOf(t) + <usize>(i >> GROUP_SHIFT) * groupBytes(size) + 16 + <usize>(i & 15) * size;
}

/** Address of slot i's control byte. */
// @ts-ignore: decorator
@inline export function ctrlAt<K, C>(t: usize, i: u32): usize {
  return groupAt<K, C>(t, i >> GROUP_SHIFT) + (i & 15);
}

// @ts-ignore: decorator
@inline export function isStr<K>(): bool {
  return !isSigned<K>();
}

// @ts-ignore: decorator
@inline export function homeGroup(h: u64, groups: u32): u32 {
  return <u32>(((h >> 32) * <u64>groups) >> 32);
}

/**
 * The group after `g` on a probe sequence (hashbrown's ProbeSeq::move_next,
 * linear here): the next one, wrapping to group 0 at the end. Every probe
 * loop (findSlot, listCandidates, findFree) starts at homeGroup and moves
 * with this; it ends at a group with an EMPTY byte, which the 7/8 bound
 * guarantees exists.
 */
// @ts-ignore: decorator
@inline function nextGroup(g: u32, groups: u32): u32 {
  return g + 1 == groups ? 0 : g + 1;
}

// @ts-ignore: decorator
@inline export function countAt<K, C>(t: usize, i: u32): f64 {
  return <f64>load<C>(slotAt<K, C>(t, i) + sizeof<K>());
}

// @ts-ignore: decorator
@inline export function setCountAt<K, C>(t: usize, i: u32, n: f64): void {
  store<C>(slotAt<K, C>(t, i) + sizeof<K>(), <C>n);
}

/** The full hash of the key in the slot at `s` (for rehashing). */
// @ts-ignore: decorator
@inline export function hashOfSlot<K>(t: usize, s: usize): u64 {
  if (isStr<K>()) {
    const k = load<u64>(s);
    if (!isArenaKey(k)) return hashShort(k, seedOf(t));
    const rec = arenaOf(t) + <usize><u32>k;
    const len = keyLen(rec);
    return hashBytes(keyPtr(rec, len), len, seedOf(t));
  }
  return hashInt(<i64>load<K>(s), seedOf(t));
}

/**
 * Whether the slot at `s` holds the key: an integer `key`; or a string key
 * given as its inline form `key` (keys.ts), or, when that is NOT_INLINE, as
 * `len` bytes at `ptr` to compare with the slot's arena record.
 */
// @ts-ignore: decorator
@inline export function keyMatches<K>(t: usize, s: usize, key: i64, ptr: usize, len: u32): bool {
  if (isStr<K>()) {
    const k = load<u64>(s);
    return k == <u64>key || (<u64>key == NOT_INLINE && isArenaKey(k) && recordEquals(arenaOf(t) + <usize><u32>k, ptr, len));
  }
  return <i64>load<K>(s) == key;
}

/**
 * Address of the slot holding the key (as keyMatches takes it), or 0. `base`
 * and `groups` are the table's (a batch loads them once).
 */
// @ts-ignore: decorator
@inline export function findSlot<K, C>(t: usize, base: usize, groups: u32, key: i64, ptr: usize, len: u32, h: u64): usize {
  const tag = tagOf(h);
  let g = homeGroup(h, groups);
  while (true) {
    const group = base + <usize>g * groupBytes(slotSize<K, C>());
    let m = matchTag(group, tag);
    while (m != 0) {
      const s = group + 16 + <usize>ctz(m) * slotSize<K, C>();
      if (keyMatches<K>(t, s, key, ptr, len)) return s;
      m &= m - 1;
    }
    if (matchEmpty(group) != 0) return 0;
    g = nextGroup(g, groups);
  }
}

/** The index of the slot at address `s` (the inverse of slotAt). */
// @ts-ignore: decorator
@inline export function slotIndex<K, C>(t: usize, s: usize): u32 {
  const off = s - tableOf(t);
  const g = <u32>(off / groupBytes(slotSize<K, C>()));
  return (g << GROUP_SHIFT) + <u32>((off - <usize>g * groupBytes(slotSize<K, C>()) - 16) / slotSize<K, C>());
}

/** Index of the slot holding the key (as keyMatches takes it), or -1. */
// @ts-ignore: decorator
@inline export function find<K, C>(t: usize, key: i64, ptr: usize, len: u32, h: u64): i32 {
  const s = findSlot<K, C>(t, tableOf(t), groupsOf(t), key, ptr, len, h);
  return s == 0 ? -1 : <i32>slotIndex<K, C>(t, s);
}

/**
 * Writes to `out` (at most `max` of them) the slots on the probe sequence of
 * `h` whose tag matches and whose string key is `len` bytes long: the
 * candidates JS compares a long key with (longkeys.ts). Returns their count.
 */
export function listCandidates<C>(t: usize, h: u64, len: u32, out: usize, max: u32): u32 {
  const tag = tagOf(h);
  const groups = groupsOf(t);
  let n: u32 = 0;
  let g = homeGroup(h, groups);
  while (true) {
    const group = groupAt<u64, C>(t, g);
    let m = matchTag(group, tag);
    while (m != 0 && n < max) {
      const i = (g << GROUP_SHIFT) + ctz(m);
      const k = load<u64>(slotAt<u64, C>(t, i));
      if (isArenaKey(k) && keyLen(arenaOf(t) + <usize><u32>k) == len) store<u32>(out + (<usize>(n++) << 2), i);
      m &= m - 1;
    }
    if (matchEmpty(group) != 0) return n;
    g = nextGroup(g, groups);
  }
}

/** First EMPTY or DELETED slot on the probe sequence of `h`. */
function findFree<K, C>(t: usize, h: u64): u32 {
  const groups = groupsOf(t);
  let g = homeGroup(h, groups);
  while (true) {
    const m = matchFree(groupAt<K, C>(t, g));
    if (m != 0) return (g << GROUP_SHIFT) + ctz(m);
    g = nextGroup(g, groups);
  }
}

/**
 * An insert that walks this many groups to a free slot finds keys piled up
 * on one run of groups, which a sound hash makes all but impossible: at 7/8
 * load, 2M random inserts into tables of 1M groups walked 56 groups at most,
 * and runs half as long again were ~30 times rarer (simulated). 32 groups
 * was too few: near 7/8 load it rehashed big tables for nothing (1M int keys
 * filled 3x slower). A walk of 128 means the keys came in an order that
 * follows this table's own hash: read out of a table with the same seed and
 * more groups (a map copied into a new one, merged into a smaller one, or
 * re-filled after clear), whose first keys all map to the first groups of
 * this one. Each such insert would walk the whole pile: quadratic. The table
 * then takes the next seed of its chain and rehashes in place (claimSlot).
 */
// @ts-ignore: decorator
@inline const MAX_PROBE_GROUPS: u32 = 128;

/** claimSlot's answer when it changed the seed: the caller hashes the key again. */
// @ts-ignore: decorator
@inline export const RESEEDED: i32 = -2;

/**
 * Claims a slot for a new key with hash `h` and writes its control byte.
 * Returns -1, changing nothing, when the table must grow first. When the
 * table is out of EMPTY slots but at most half of the 7/8 is live, the rest
 * is tombstones: they are cleaned in place instead of growing. Returns
 * RESEEDED, having claimed nothing, when the probe was too long
 * (MAX_PROBE_GROUPS): the table was rehashed under its next seed.
 */
export function claimSlot<K, C>(t: usize, h: u64): i32 {
  let i = findFree<K, C>(t, h);
  const groups = groupsOf(t);
  const home = homeGroup(h, groups);
  const g = i >> GROUP_SHIFT;
  if ((g >= home ? g - home : g + groups - home) >= MAX_PROBE_GROUPS) {
    setSeed(t, nextSeed(seedOf(t)));
    rehashInPlace<K, C>(t);
    return RESEEDED;
  }
  if (load<u8>(ctrlAt<K, C>(t, i)) == DELETED) {
    setTombstones(t, tombstonesOf(t) - 1);
  } else if (growthLeftOf(t) == 0) {
    if (tableOf(t) == EMPTY_GROUP || itemsOf(t) > maxLoad(capacityOf(t)) >> 1) return -1;
    rehashInPlace<K, C>(t);
    i = findFree<K, C>(t, h);
  }
  store<u8>(ctrlAt<K, C>(t, i), tagOf(h));
  setItems(t, itemsOf(t) + 1);
  return <i32>i;
}

/**
 * Removes the entry in slot i. The slot becomes EMPTY when its group has an
 * EMPTY byte: no probe ever went past such a group, so no key relies on this
 * slot being non-empty. Otherwise a probe may have passed through it and it
 * must stay a tombstone (DELETED).
 */
export function erase<K, C>(t: usize, i: u32): void {
  if (isStr<K>()) {
    const k = load<u64>(slotAt<K, C>(t, i));
    if (isArenaKey(k)) dropRecord(t, arenaOf(t) + <usize><u32>k);
  }
  if (matchEmpty(groupAt<K, C>(t, i >> GROUP_SHIFT)) != 0) {
    store<u8>(ctrlAt<K, C>(t, i), EMPTY);
  } else {
    store<u8>(ctrlAt<K, C>(t, i), DELETED);
    setTombstones(t, tombstonesOf(t) + 1);
  }
  setItems(t, itemsOf(t) - 1);
}

/** Inserts a key known to be absent into a table with no tombstones. */
export function insertUnique<K, C>(t: usize, h: u64): u32 {
  const i = findFree<K, C>(t, h);
  store<u8>(ctrlAt<K, C>(t, i), tagOf(h));
  setItems(t, itemsOf(t) + 1);
  return i;
}

// @ts-ignore: decorator
@inline function swapSlots<K, C>(pa: usize, pb: usize): void {
  const n = slotSize<K, C>();
  const x = load<u64>(pa);
  store<u64>(pa, load<u64>(pb));
  store<u64>(pb, x);
  if (n == 12) {
    const y = load<u32>(pa, 8);
    store<u32>(pa, load<u32>(pb, 8), 8);
    store<u32>(pb, y, 8);
  } else if (n == 16) {
    const y = load<u64>(pa, 8);
    store<u64>(pa, load<u64>(pb, 8), 8);
    store<u64>(pb, y, 8);
  }
}

/**
 * Drops every tombstone without growing (hashbrown's rehash_in_place): mark
 * live slots DELETED ("to place") and tombstones EMPTY, then put each marked
 * entry at the first free slot of its probe sequence, swapping with a marked
 * entry when that is where it lands and placing the displaced one next.
 */
export function rehashInPlace<K, C>(t: usize): void {
  const groups = groupsOf(t);
  const cap = capacityOf(t);
  for (let g: u32 = 0; g < groups; g++) markFullAsDeleted(groupAt<K, C>(t, g));
  for (let i: u32 = 0; i < cap; i++) {
    if (load<u8>(ctrlAt<K, C>(t, i)) != DELETED) continue;
    while (true) {
      const h = hashOfSlot<K>(t, slotAt<K, C>(t, i));
      const j = findFree<K, C>(t, h);
      if ((j >> GROUP_SHIFT) == (i >> GROUP_SHIFT)) {
        // Already in the first group with room: it stays.
        store<u8>(ctrlAt<K, C>(t, i), tagOf(h));
        break;
      }
      const prev = load<u8>(ctrlAt<K, C>(t, j));
      store<u8>(ctrlAt<K, C>(t, j), tagOf(h));
      if (prev == EMPTY) {
        store<u8>(ctrlAt<K, C>(t, i), EMPTY);
        memory.copy(slotAt<K, C>(t, j), slotAt<K, C>(t, i), slotSize<K, C>());
        break;
      }
      // j held an entry still to place: swap it into i and place it next.
      swapSlots<K, C>(slotAt<K, C>(t, i), slotAt<K, C>(t, j));
    }
  }
  setTombstones(t, 0);
}

/** The next full slot at or after `from`, or capacity. */
export function nextFull(t: usize, from: u32): u32 {
  const cap = capacityOf(t);
  const base = tableOf(t);
  const stride = groupBytes(slotBytes(layoutOf(t)));
  let i = from;
  // Finish the group `from` is in, then skip whole groups.
  while (i < cap && (i & 15) != 0) {
    if (load<u8>(base + <usize>(i >> GROUP_SHIFT) * stride + (i & 15)) >= 0x80) return i;
    i++;
  }
  while (i < cap) {
    const m = matchFull(base + <usize>(i >> GROUP_SHIFT) * stride);
    if (m != 0) return i + ctz(m);
    i += 16;
  }
  return cap;
}

export let probeSum: f64 = 0;
export let probeMax: u32 = 0;

/**
 * Probe length of every live key, in groups visited to find it (1 = found in
 * its home group): the sum and the maximum, for stats().
 */
export function measureProbes<K, C>(t: usize): void {
  let sum: f64 = 0;
  let max: u32 = 0;
  const groups = groupsOf(t);
  const cap = capacityOf(t);
  for (let i = nextFull(t, 0); i < cap; i = nextFull(t, i + 1)) {
    const home = homeGroup(hashOfSlot<K>(t, slotAt<K, C>(t, i)), groups);
    const g = i >> GROUP_SHIFT;
    const len = (g >= home ? g - home : g + groups - home) + 1;
    sum += <f64>len;
    if (len > max) max = len;
  }
  probeSum = sum;
  probeMax = max;
}

/**
 * Moves every entry of the table at `from` (`fromGroups` groups of slots
 * K1|C1) into the empty table of `t` (slots K2|C2): a rebuild inside one
 * instance (grow, shrink, widen). Keys keep their arena records.
 */
export function moveEntries<K1, C1, K2, C2>(t: usize, from: usize, fromGroups: u32): void {
  // hashOfSlot reads through `t` only for the seed and the arena, which stay.
  const stride = groupBytes(slotSize<K1, C1>());
  let group = from;
  for (let g: u32 = 0; g < fromGroups; g++, group += stride) {
    let m = matchFull(group);
    while (m != 0) {
      const s = group + 16 + <usize>ctz(m) * slotSize<K1, C1>();
      const h = hashOfSlot<K1>(t, s);
      const d = slotAt<K2, C2>(t, insertUnique<K2, C2>(t, h));
      if (isStr<K1>()) store<u64>(d, load<u64>(s));
      else store<K2>(d, <K2>load<K1>(s));
      store<C2>(d + sizeof<K2>(), <C2>load<C1>(s + sizeof<K1>()));
      m &= m - 1;
    }
  }
}
