// Making, resizing and freeing tables. A pooled table (heap.ts) is three heap
// blocks: its header, its groups, and (string keys) its arena. A rebuild
// inside a pool (grow, shrink, widen, compact) allocates the new block, moves
// the entries across in wasm, and frees the old one; nothing crosses into JS.
//
// Each export allocates at most one block, before it changes anything, so
// when the engine refuses memory (the allocator traps) the table is intact
// and JS reports the error. The maxBytes budget is checked here, up front.

import {
  HEADER_BYTES, MODE_POOLED, MODE_OWN, tableOf, groupsOf, itemsOf, layoutOf, setLayout, setMode, modeOf, setSeed,
  arenaOf, setArena, arenaUsedOf, setArenaUsed, arenaCapOf, setArenaCap, garbageOf, setGarbage, touch, countRebuild,
  setItems, setTombstones, setTable, setGroups, setTotal,
} from "./header";
import { INT32, INT64, STR32, STR64, slotBytes, groupBytes } from "./layout";
import { resetTable, moveEntries, nextFull, slotAddr, EMPTY_GROUP } from "./table";
import { blockAlloc, blockFree, blockBytes, blockCost, ensureMemory, memoryEnd, align, setOwnMaxPages, putResult } from "./heap";
import { MAX_ARENA_BYTES, R_REFUSED_BYTES } from "./abi";
import { recordSize, copyKey } from "./arena";
import { isArenaKey, arenaKey } from "./keys";
import { ERR_MEMORY } from "./ops";
import { firstSeed } from "./hash";

/** ERR_MEMORY, noting in R_REFUSED_BYTES the bytes the table would have held. */
function refuse(bytes: f64): f64 {
  putResult(R_REFUSED_BYTES, bytes);
  return ERR_MEMORY;
}

/** Points `t` at EMPTY_GROUP. */
function noSlots(t: usize): void {
  setTable(t, EMPTY_GROUP);
  setGroups(t, 1);
  setItems(t, 0);
  setTombstones(t, 0);
}

// @ts-ignore: decorator
@inline export function hasSlots(t: usize): bool {
  return tableOf(t) != EMPTY_GROUP;
}

/** Bytes of the table's slot block (0 while it has none). */
export function slotBytesHeld(t: usize): u64 {
  return hasSlots(t) ? <u64>groupsOf(t) * groupBytes(slotBytes(layoutOf(t))) : 0;
}

/** The heap bytes a pooled table holds: its header, groups and arena blocks. */
export function heldBytes(t: usize): f64 {
  let n = <f64>blockBytes(t);
  if (hasSlots(t)) n += <f64>blockBytes(tableOf(t));
  if (arenaOf(t) != 0) n += <f64>blockBytes(arenaOf(t));
  return n;
}

/** A new, empty pooled table: only its header. Traps if the engine refuses memory. */
export function headerNew(layout: i32): usize {
  const t = blockAlloc(HEADER_BYTES);
  memory.fill(t, 0, HEADER_BYTES);
  setLayout(t, layout);
  setMode(t, MODE_POOLED);
  setSeed(t, firstSeed());
  noSlots(t);
  return t;
}

/** Frees the groups and the arena of a pooled table (clear, dispose); the header stays. */
export function tableRelease(t: usize): void {
  if (modeOf(t) == MODE_POOLED) {
    if (hasSlots(t)) blockFree(tableOf(t));
    blockFree(arenaOf(t));
  }
  noSlots(t);
  // An empty table starts narrow again (its keys and counts are gone).
  const layout = layoutOf(t);
  setLayout(t, layout == INT64 ? INT32 : layout == STR64 ? STR32 : layout);
  setArena(t, 0);
  setArenaUsed(t, 0);
  setArenaCap(t, 0);
  setGarbage(t, 0);
  setTotal(t, 0);
  touch(t);
}

/** Frees a pooled table whole: the map it belonged to is gone. */
export function headerFree(t: usize): void {
  tableRelease(t);
  blockFree(t);
}

/**
 * Rebuilds a pooled table with `groups` groups of `layout` slots (grow,
 * shrink, or widen to INT64/STR64). Returns 0, or ERR_MEMORY having changed
 * nothing when the result would hold more than `maxBytes`.
 */
export function tableResize(t: usize, layout: i32, groups: u32, maxBytes: f64): f64 {
  const bytes = <usize>groups * groupBytes(slotBytes(layout));
  const oldTable = tableOf(t);
  const hadSlots = hasSlots(t);
  const after = heldBytes(t) - (hadSlots ? <f64>blockBytes(oldTable) : 0) + <f64>blockCost(bytes);
  if (after > maxBytes) return refuse(after);
  const at = blockAlloc(bytes);
  // EMPTY is 0: a zeroed block is an empty table.
  for (let g: usize = 0; g < groups; g++) v128.store(at + g * groupBytes(slotBytes(layout)), i8x16.splat(0));
  const oldLayout = layoutOf(t);
  const oldGroups = groupsOf(t);
  const items = itemsOf(t);
  resetTable(t, at, groups);
  setLayout(t, layout);
  if (hadSlots && items != 0) {
    if (oldLayout == INT32) {
      if (layout == INT32) moveEntries<i32, u32, i32, u32>(t, oldTable, oldGroups);
      else moveEntries<i32, u32, i64, f64>(t, oldTable, oldGroups);
    } else if (oldLayout == INT64) {
      moveEntries<i64, f64, i64, f64>(t, oldTable, oldGroups);
    } else if (oldLayout == STR32) {
      if (layout == STR32) moveEntries<u64, u32, u64, u32>(t, oldTable, oldGroups);
      else moveEntries<u64, u32, u64, f64>(t, oldTable, oldGroups);
    } else {
      moveEntries<u64, f64, u64, f64>(t, oldTable, oldGroups);
    }
  }
  if (hadSlots) blockFree(oldTable);
  countRebuild(t);
  touch(t);
  return 0;
}

/**
 * Makes room in the arena for `need` more bytes. A pooled arena grows by half
 * (at least 64 bytes) so that appending key by key is amortized; an own
 * table's arena is the tail of its memory, grown by at least 1/8. Returns 0,
 * or ERR_MEMORY having changed nothing.
 */
export function arenaGrow(t: usize, need: u32, maxBytes: f64): f64 {
  const used = arenaUsedOf(t);
  const want = <u64>used + <u64>need;
  if (want > MAX_ARENA_BYTES) return refuse(<f64>want);
  if (modeOf(t) == MODE_OWN) {
    if (!ensureMemory(<u64>arenaOf(t) + want, true)) return refuse(<f64>(<u64>arenaOf(t) + want));
    setArenaCap(t, <u32>(memoryEnd() - <u64>arenaOf(t)));
    return 0;
  }
  const old = arenaOf(t);
  const oldCost = old == 0 ? <f64>0 : <f64>blockBytes(old);
  const cap = <u64>arenaCapOf(t);
  let size = max<u64>(want, max<u64>(cap + (cap >> 1), 64));
  if (size > MAX_ARENA_BYTES) size = want;
  const base = heldBytes(t) - oldCost;
  if (base + <f64>blockCost(<usize>size) > maxBytes) {
    size = want;
    if (base + <f64>blockCost(<usize>size) > maxBytes) return refuse(base + <f64>blockCost(<usize>size));
  }
  const at = old == 0 ? blockAlloc(<usize>size) : reallocBlock(old, <usize>size);
  setArena(t, at);
  setArenaCap(t, <u32>(blockBytes(at) - 4));
  return 0;
}

/** heap.realloc with the pool's in-use count kept (blockAlloc/blockFree keep it otherwise). */
function reallocBlock(p: usize, size: usize): usize {
  const before = blockBytes(p);
  const q = blockAlloc(size);
  copyKey(q, p, <u32>min<usize>(before - 4, size));
  blockFree(p);
  return q;
}

/**
 * Drops the erased keys' records from a pooled table's arena: a new arena of
 * the live records and `room` bytes more, each slot pointed at its record's
 * new offset. Returns 0, or ERR_MEMORY having changed nothing.
 */
export function arenaCompact(t: usize, room: u32, maxBytes: f64): f64 {
  const live = arenaUsedOf(t) - garbageOf(t);
  const old = arenaOf(t);
  if (old == 0) return 0;
  const base = heldBytes(t) - <f64>blockBytes(old);
  if (<u64>live + <u64>room > MAX_ARENA_BYTES) return refuse(<f64>live + <f64>room);
  const size = max<u32>(live + room, 16);
  if (base + <f64>blockCost(size) > maxBytes) return refuse(base + <f64>blockCost(size));
  const at = blockAlloc(size);
  const layout = layoutOf(t);
  const cap = groupsOf(t) << 4;
  let off: u32 = 0;
  for (let i = nextFull(t, 0); i < cap; i = nextFull(t, i + 1)) {
    const s = slotAddr(t, i, layout);
    const k = load<u64>(s);
    if (!isArenaKey(k)) continue;
    const rec = old + <usize><u32>k;
    const n = recordSize(rec);
    copyKey(at + off, rec, n);
    store<u64>(s, arenaKey(off));
    off += n;
  }
  blockFree(old);
  setArena(t, at);
  setArenaUsed(t, off);
  setArenaCap(t, <u32>(blockBytes(at) - 4));
  setGarbage(t, 0);
  // Not a rebuild of the table: the slots stay where they are.
  touch(t);
  return 0;
}

/** Where an own instance puts its header: just past the static data. */
function ownHeader(): usize {
  return align(__heap_base, 16);
}

/** Bytes an own instance needs for `groups` groups of `layout` and `arenaBytes` of keys. */
export function ownBytesNeeded(layout: i32, groups: u32, arenaBytes: u32): f64 {
  return <f64>(ownHeader() + 64) + <f64>groups * <f64>groupBytes(slotBytes(layout)) + <f64>arenaBytes;
}

/**
 * Lays out this (fresh) instance for one big table of `groups` groups and
 * room for `arenaBytes` of keys, within `pages` of memory at most. Returns
 * the table's header, or 0 when that does not fit.
 */
export function ownInit(layout: i32, groups: u32, seedLo: u32, seedHi: u32, arenaBytes: u32, pages: u32): usize {
  setOwnMaxPages(pages);
  const t = ownHeader();
  const tableAt = t + 64;
  const arenaAt = <u64>tableAt + <u64>groups * <u64>groupBytes(slotBytes(layout));
  if (arenaAt > MAX_ARENA_BYTES || !ensureMemory(arenaAt + <u64>arenaBytes, false)) return 0;
  memory.fill(t, 0, HEADER_BYTES);
  setLayout(t, layout);
  setMode(t, MODE_OWN);
  setSeed(t, (<u64>seedHi << 32) | <u64>seedLo);
  resetTable(t, tableAt, groups);
  setArena(t, <usize>arenaAt);
  setArenaCap(t, <u32>(memoryEnd() - arenaAt));
  return t;
}

