// The open-addressing table: capacity slots in groups of 16, probed a group at
// a time by control byte (control.ts). Modelled on Abseil's raw_hash_set and
// Rust's hashbrown, with aligned groups as in Go's swiss maps.
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
//   K = u32        a string key: the address of its arena record
//   C = u32 | f64  the count (u32 while every count fits; f64 holds any safe
//                  integer exactly)
// Narrow slots are 8 bytes, so an int map of small keys and counts costs 9
// bytes per slot; the table widens (a rebuild) on the first key or count that
// does not fit.

import { EMPTY, DELETED, GROUP_SHIFT, tagOf, matchTag, matchEmpty, matchFree, matchFull, markFullAsDeleted } from "./control";
import { hashInt, hashBytes } from "./hash";
import { recordEquals, keyLen, keyPtr, dropRecord } from "./arena";

/** Address of group 0. */
export let table: usize = 0;
/** Bytes per group: 16 control bytes + 16 slots. */
export let stride: usize = 0;
/** Slots in the table: groups * 16. */
export let capacity: u32 = 0;
export let groups: u32 = 0;
/** Live entries. */
export let items: u32 = 0;
/** DELETED control bytes. */
export let tombstones: u32 = 0;
/** EMPTY slots that may still be filled before the table is over 7/8 full. */
export let growthLeft: u32 = 0;

/**
 * Live entries plus tombstones may fill 7/8 of the slots: past that, probe
 * sequences lengthen fast; below it, 16-wide groups keep the expected probe
 * length near one group (hashbrown and Abseil use the same bound).
 */
// @ts-ignore: decorator
@inline export function maxLoad(cap: u32): u32 {
  return cap - (cap >> 3);
}

/** Bytes of a table of `nGroups` groups of slots of `slotBytes`. */
export function tableBytes(nGroups: u32, slotBytes: u32): u64 {
  return <u64>nGroups * (16 + 16 * <u64>slotBytes);
}

export function resetTable(at: usize, nGroups: u32, slotBytes: u32): void {
  table = at;
  stride = 16 + 16 * <usize>slotBytes;
  groups = nGroups;
  capacity = nGroups << GROUP_SHIFT;
  items = 0;
  tombstones = 0;
  growthLeft = maxLoad(capacity);
}

/** Forgets every entry in place: control bytes back to EMPTY. */
export function clearTable(): void {
  for (let g: u32 = 0; g < groups; g++) v128.store(groupAt(g), i8x16.splat(<i8>EMPTY));
  items = 0;
  tombstones = 0;
  growthLeft = maxLoad(capacity);
}

// @ts-ignore: decorator
@inline export function slotSize<K, C>(): usize {
  return sizeof<K>() + sizeof<C>();
}

/** Address of slot i in a table of `size`-byte slots. */
// @ts-ignore: decorator
@inline export function slotAddr(i: u32, size: usize): usize {
  return groupAt(i >> GROUP_SHIFT) + 16 + <usize>(i & 15) * size;
}

// @ts-ignore: decorator
@inline export function slotAt<K, C>(i: u32): usize {
  return slotAddr(i, slotSize<K, C>());
}

/** Address of slot i's control byte. */
// @ts-ignore: decorator
@inline export function ctrlAt(i: u32): usize {
  return groupAt(i >> GROUP_SHIFT) + (i & 15);
}

// @ts-ignore: decorator
@inline export function isStr<K>(): bool {
  return !isSigned<K>();
}

// @ts-ignore: decorator
@inline function homeGroup(h: u64): u32 {
  return <u32>(((h >> 32) * <u64>groups) >> 32);
}

// @ts-ignore: decorator
@inline function nextGroup(g: u32): u32 {
  g++;
  return g == groups ? 0 : g;
}

// @ts-ignore: decorator
@inline function groupAt(g: u32): usize {
  return table + <usize>g * stride;
}

// @ts-ignore: decorator
@inline export function countAt<K, C>(i: u32): f64 {
  return <f64>load<C>(slotAt<K, C>(i) + sizeof<K>());
}

// @ts-ignore: decorator
@inline export function setCountAt<K, C>(i: u32, n: f64): void {
  store<C>(slotAt<K, C>(i) + sizeof<K>(), <C>n);
}

/** The full hash of the key in slot i (for rehashing). */
// @ts-ignore: decorator
@inline function hashAt<K, C>(i: u32): u64 {
  const s = slotAt<K, C>(i);
  if (isStr<K>()) {
    const rec = <usize>load<u32>(s);
    const len = keyLen(rec);
    return hashBytes(keyPtr(rec, len), len);
  }
  return hashInt(<i64>load<K>(s));
}

/**
 * Index of the slot holding the key, or -1. Integer keys come in `key`;
 * string keys as `len` bytes at `ptr`.
 */
export function find<K, C>(key: i64, ptr: usize, len: u32, h: u64): i32 {
  const tag = tagOf(h);
  let g = homeGroup(h);
  while (true) {
    const group = groupAt(g);
    let m = matchTag(group, tag);
    while (m != 0) {
      const i = (g << GROUP_SHIFT) + ctz(m);
      const s = slotAt<K, C>(i);
      if (isStr<K>()) {
        if (recordEquals(<usize>load<u32>(s), ptr, len)) return i;
      } else {
        if (<i64>load<K>(s) == key) return i;
      }
      m &= m - 1;
    }
    if (matchEmpty(group) != 0) return -1;
    g = nextGroup(g);
  }
}

/**
 * Writes to `out` (at most `max` of them) the slots on the probe sequence of
 * `h` whose tag matches and whose string key is `len` bytes long: the
 * candidates JS compares a long key with (longkeys.ts). Returns their count.
 */
export function listCandidates<C>(h: u64, len: u32, out: usize, max: u32): u32 {
  const tag = tagOf(h);
  let n: u32 = 0;
  let g = homeGroup(h);
  while (true) {
    const group = groupAt(g);
    let m = matchTag(group, tag);
    while (m != 0 && n < max) {
      const i = (g << GROUP_SHIFT) + ctz(m);
      if (keyLen(<usize>load<u32>(slotAt<u32, C>(i))) == len) store<u32>(out + (<usize>(n++) << 2), i);
      m &= m - 1;
    }
    if (matchEmpty(group) != 0) return n;
    g = nextGroup(g);
  }
}

/** First EMPTY or DELETED slot on the probe sequence of `h`. */
function findFree(h: u64): u32 {
  let g = homeGroup(h);
  while (true) {
    const m = matchFree(groupAt(g));
    if (m != 0) return (g << GROUP_SHIFT) + ctz(m);
    g = nextGroup(g);
  }
}

/**
 * Claims a slot for a new key with hash `h` and writes its control byte.
 * Returns -1, changing nothing, when the table must grow first. When the
 * table is out of EMPTY slots but at most half of the 7/8 is live, the rest
 * is tombstones: they are cleaned in place instead of growing.
 */
export function claimSlot<K, C>(h: u64): i32 {
  let i = findFree(h);
  if (load<u8>(ctrlAt(i)) == DELETED) {
    tombstones--;
  } else {
    if (growthLeft == 0) {
      if (items > maxLoad(capacity) >> 1) return -1;
      rehashInPlace<K, C>();
      i = findFree(h);
    }
    growthLeft--;
  }
  store<u8>(ctrlAt(i), tagOf(h));
  items++;
  return i;
}

/**
 * Removes the entry in slot i. The slot becomes EMPTY when its group has an
 * EMPTY byte: no probe ever went past such a group, so no key relies on this
 * slot being non-empty. Otherwise a probe may have passed through it and it
 * must stay a tombstone (DELETED).
 */
export function erase<K, C>(i: u32): void {
  if (isStr<K>()) dropRecord(<usize>load<u32>(slotAt<K, C>(i)));
  if (matchEmpty(groupAt(i >> GROUP_SHIFT)) != 0) {
    store<u8>(ctrlAt(i), EMPTY);
    growthLeft++;
  } else {
    store<u8>(ctrlAt(i), DELETED);
    tombstones++;
  }
  items--;
}

/** Inserts a key known to be absent into a table with no tombstones. */
export function insertUnique<K, C>(h: u64): u32 {
  const i = findFree(h);
  store<u8>(ctrlAt(i), tagOf(h));
  growthLeft--;
  items++;
  return i;
}

// @ts-ignore: decorator
@inline function moveSlot<K, C>(from: u32, to: u32): void {
  memory.copy(slotAt<K, C>(to), slotAt<K, C>(from), slotSize<K, C>());
}

// @ts-ignore: decorator
@inline function swapSlots<K, C>(a: u32, b: u32): void {
  const pa = slotAt<K, C>(a);
  const pb = slotAt<K, C>(b);
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
function rehashInPlace<K, C>(): void {
  for (let g: u32 = 0; g < groups; g++) markFullAsDeleted(groupAt(g));
  for (let i: u32 = 0; i < capacity; i++) {
    if (load<u8>(ctrlAt(i)) != DELETED) continue;
    while (true) {
      const h = hashAt<K, C>(i);
      const j = findFree(h);
      if ((j >> GROUP_SHIFT) == (i >> GROUP_SHIFT)) {
        // Already in the first group with room: it stays.
        store<u8>(ctrlAt(i), tagOf(h));
        break;
      }
      const prev = load<u8>(ctrlAt(j));
      store<u8>(ctrlAt(j), tagOf(h));
      if (prev == EMPTY) {
        store<u8>(ctrlAt(i), EMPTY);
        moveSlot<K, C>(i, j);
        break;
      }
      // j held an entry still to place: swap it into i and place it next.
      swapSlots<K, C>(i, j);
    }
  }
  tombstones = 0;
  growthLeft = maxLoad(capacity) - items;
}

/** The next full slot at or after `from`, or capacity. */
export function nextFull(from: u32): u32 {
  let i = from;
  // Finish the group `from` is in, then skip whole groups.
  while (i < capacity && (i & 15) != 0) {
    if (load<u8>(ctrlAt(i)) >= 0x80) return i;
    i++;
  }
  while (i < capacity) {
    const m = matchFull(groupAt(i >> GROUP_SHIFT));
    if (m != 0) return i + ctz(m);
    i += 16;
  }
  return capacity;
}

export let probeSum: f64 = 0;
export let probeMax: u32 = 0;

/**
 * Probe length of every live key, in groups visited to find it (1 = found in
 * its home group): the sum and the maximum, for stats().
 */
export function measureProbes<K, C>(): void {
  let sum: f64 = 0;
  let max: u32 = 0;
  for (let i = nextFull(0); i < capacity; i = nextFull(i + 1)) {
    const home = homeGroup(hashAt<K, C>(i));
    const g = i >> GROUP_SHIFT;
    const len = (g >= home ? g - home : g + groups - home) + 1;
    sum += <f64>len;
    if (len > max) max = len;
  }
  probeSum = sum;
  probeMax = max;
}
