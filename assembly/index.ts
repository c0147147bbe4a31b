// The ABI the TypeScript wrapper (src/) calls. Numbers only: keys and counts
// cross as f64 (every safe integer is exact), string keys as a byte range the
// wrapper wrote into scratch, tables as the address of their header `t`
// (header.ts). Operations return a count >= 0 or a status code < 0 (ops.ts).

import { INT32, INT64, STR32, STR64, slotBytes, strideOf } from "./layout";
import { scratch, SCRATCH_BYTES, heapInUse } from "./heap";
import { tableOf, groupsOf, seedOf, setSeed, capacityOf, itemsOf, tombstonesOf, arenaUsedOf, arenaCapOf, garbageOf, layoutOf, versionOf, rebuildsOf, countRebuild, touch, totalOf, TOTAL_UNKNOWN } from "./header";
import { measureProbes, probeSum, probeMax, countAt, slotAddr } from "./table";
import { fitsRecord, nextKeyPtr, arenaNeed } from "./arena";
import { packKey, isInlineForm } from "./keys";
import { setHashKey, nextSeed } from "./hash";
import { get, incr, incrIn, set, remove, incrAt, setAt, removeAt, isSafe, rebuildNeeded, prune, sumCounts, ERR_KEY, ERR_WIDEN, ERR_STEP, DONE_REBUILD } from "./ops";
import { longBegin, longUpdate, longFinish, longCandidates, candidateAt, longInsert } from "./longkeys";
import { importRecord, keyAddr, keyLength } from "./entries";
import { topK, readTop, topFree } from "./select";
import { writeRecords, applyRecords, recordsWritten, recordBytes, recordStop, APPLY, LOAD, MOVE } from "./records";
import { setSeparators, countTokens, flush, undoTally, tokensDone, tokenErrAt, segmentTokens } from "./tokens";
import { tallyPtr, tallyLoad, tallyReset, entries as tallyEntries, flushNext } from "./tally";
import {
  headerNew, headerFree, tableRelease, tableResize, arenaGrow, arenaCompact, heldBytes, slotBytesHeld, hasSlots,
  ownInit, ownBytesNeeded, refusedBytes,
} from "./lifecycle";

export function scratch_ptr(): usize { return scratch; }
export function scratch_bytes(): u32 { return SCRATCH_BYTES; }
/** The process's secret hash key (hash.ts): JS gives the same one to every instance. */
export function set_hash_key(a: u32, b: u32, c: u32, d: u32): void {
  setHashKey((<u64>b << 32) | <u64>a, (<u64>d << 32) | <u64>c);
}

// ---- tables: making, resizing, freeing (lifecycle.ts) -------------------------

export function header_new(layout: i32): usize { return headerNew(layout); }
export function header_free(t: usize): void { headerFree(t); }
export function table_release(t: usize): void { tableRelease(t); }
export function table_resize(t: usize, layout: i32, groups: u32, maxBytes: f64): f64 { return tableResize(t, layout, groups, maxBytes); }
export function arena_grow(t: usize, need: u32, maxBytes: f64): f64 { return arenaGrow(t, need, maxBytes); }
export function arena_compact(t: usize, room: u32, maxBytes: f64): f64 { return arenaCompact(t, room, maxBytes); }
export function arena_capacity(t: usize): u32 { return arenaCapOf(t); }
export function arena_need(): u32 { return arenaNeed; }
export function held_bytes(t: usize): f64 { return heldBytes(t); }
export function refused_bytes(): f64 { return refusedBytes; }
export function heap_in_use(): f64 { return <f64>heapInUse; }
export function own_init(layout: i32, groups: u32, seedLo: u32, seedHi: u32, arenaBytes: u32, pages: u32): usize {
  return ownInit(layout, groups, seedLo, seedHi, arenaBytes, pages);
}
export function own_bytes_needed(layout: i32, groups: u32, arenaBytes: u32): f64 { return ownBytesNeeded(layout, groups, arenaBytes); }

// ---- integer keys ---------------------------------------------------------

// @ts-ignore: decorator
@inline function fitsI32(k: i64): bool {
  return k == <i64><i32>k;
}

export function int_get(t: usize, key: f64): f64 {
  if (!isSafe(key)) return ERR_KEY;
  const k = <i64>key;
  if (layoutOf(t) == INT64) return get<i64, f64>(t, k, 0, 0);
  return fitsI32(k) ? get<i32, u32>(t, k, 0, 0) : 0;
}

export function int_incr(t: usize, key: f64, by: f64): f64 {
  if (!isSafe(key)) return ERR_KEY;
  if (!isSafe(by)) return ERR_STEP;
  const k = <i64>key;
  if (layoutOf(t) == INT64) return incr<i64, f64>(t, k, 0, 0, by);
  if (!fitsI32(k)) return by > 0 ? ERR_WIDEN : 0;
  return incr<i32, u32>(t, k, 0, 0, by);
}

export function int_set(t: usize, key: f64, n: f64): f64 {
  if (!isSafe(key)) return ERR_KEY;
  if (!isSafe(n) || n < 0) return ERR_STEP;
  const k = <i64>key;
  if (layoutOf(t) == INT64) return set<i64, f64>(t, k, 0, 0, n);
  if (!fitsI32(k)) return n > 0 ? ERR_WIDEN : 0;
  return set<i32, u32>(t, k, 0, 0, n);
}

export function int_delete(t: usize, key: f64): f64 {
  if (!isSafe(key)) return ERR_KEY;
  const k = <i64>key;
  if (layoutOf(t) == INT64) return remove<i64, f64>(t, k, 0, 0);
  return fitsI32(k) ? remove<i32, u32>(t, k, 0, 0) : 0;
}

/** Where a batch stopped: the index of the key that returned a code. */
let errIndex: u32 = 0;

// @ts-ignore: decorator
@inline const SRC_F64: i32 = 0;
// @ts-ignore: decorator
@inline const SRC_I32: i32 = 1;
// @ts-ignore: decorator
@inline const SRC_U32: i32 = 2;

function incrManyInts<T, K, C>(t: usize, n: u32, by: f64): f64 {
  // One version bump for the call, and the table's fields loaded once (incrIn).
  touch(t);
  const base = tableOf(t);
  const groups = groupsOf(t);
  for (let j: u32 = 0; j < n; j++) {
    let k: i64;
    if (sizeof<T>() == 8) {
      const x = load<f64>(scratch + (<usize>j << 3));
      if (!isSafe(x)) {
        errIndex = j;
        return ERR_KEY;
      }
      k = <i64>x;
    } else {
      k = <i64>load<T>(scratch + (<usize>j << 2));
    }
    let r: f64;
    if (sizeof<K>() == 4 && !fitsI32(k)) r = by > 0 ? ERR_WIDEN : 0;
    else r = incrIn<K, C>(t, base, groups, k, 0, 0, by, false);
    if (r < 0 && r != DONE_REBUILD) {
      errIndex = j;
      return r;
    }
  }
  return <f64>n;
}

/**
 * Adds `by` to each of the `n` keys in scratch (f64, i32 or u32 as `src`
 * says). Returns n, or a code with errIndex at the key that stopped it: keys
 * before it are counted, it and the rest are not.
 */
export function int_incr_many(t: usize, src: i32, n: u32, by: f64): f64 {
  if (!isSafe(by)) return ERR_STEP;
  if (<u64>n << (src == SRC_F64 ? 3 : 2) > <u64>SCRATCH_BYTES) {
    errIndex = 0;
    return ERR_KEY;
  }
  if (layoutOf(t) == INT64) {
    if (src == SRC_F64) return incrManyInts<f64, i64, f64>(t, n, by);
    if (src == SRC_I32) return incrManyInts<i32, i64, f64>(t, n, by);
    return incrManyInts<u32, i64, f64>(t, n, by);
  }
  if (src == SRC_F64) return incrManyInts<f64, i32, u32>(t, n, by);
  if (src == SRC_I32) return incrManyInts<i32, i32, u32>(t, n, by);
  return incrManyInts<u32, i32, u32>(t, n, by);
}

// ---- string keys ------------------------------------------------------------

// A key as bytes in scratch (`len` at `ptr`), or, for keys of up to 8 ASCII
// characters, as two i32 (lo: chars 0-3, hi: chars 4-6 and the length, or
// chars 4-7): the inline form of keys.ts, made by the JS caller, so that the
// commonest keys never go through memory on their way in.

// @ts-ignore: decorator
@inline function shortKey(lo: u32, hi: u32): u64 {
  return <u64>lo | (<u64>hi << 32);
}

// Key bytes are read only from inside the scratch: a range past it would
// take another table's bytes for a key.

// @ts-ignore: decorator
@inline function inScratch(ptr: usize, len: u32): bool {
  return ptr >= scratch && <u64>(ptr - scratch) + <u64>len <= <u64>SCRATCH_BYTES;
}

export function str_get(t: usize, ptr: usize, len: u32): f64 {
  if (!inScratch(ptr, len)) return 0;
  const k = <i64>packKey(ptr, len);
  return layoutOf(t) == STR64 ? get<u64, f64>(t, k, ptr, len) : get<u64, u32>(t, k, ptr, len);
}

export function str_incr(t: usize, ptr: usize, len: u32, by: f64): f64 {
  if (!isSafe(by)) return ERR_STEP;
  if (!inScratch(ptr, len)) return ERR_KEY;
  const k = <i64>packKey(ptr, len);
  return layoutOf(t) == STR64 ? incr<u64, f64>(t, k, ptr, len, by) : incr<u64, u32>(t, k, ptr, len, by);
}

export function str_set(t: usize, ptr: usize, len: u32, n: f64): f64 {
  if (!isSafe(n) || n < 0) return ERR_STEP;
  if (!inScratch(ptr, len)) return ERR_KEY;
  const k = <i64>packKey(ptr, len);
  return layoutOf(t) == STR64 ? set<u64, f64>(t, k, ptr, len, n) : set<u64, u32>(t, k, ptr, len, n);
}

export function str_delete(t: usize, ptr: usize, len: u32): f64 {
  if (!inScratch(ptr, len)) return 0;
  const k = <i64>packKey(ptr, len);
  return layoutOf(t) == STR64 ? remove<u64, f64>(t, k, ptr, len) : remove<u64, u32>(t, k, ptr, len);
}

// A pair that is not a form packKey makes (keys.ts: isInlineForm) is no key
// any writer has: reads and deletes find nothing, writes are ERR_KEY.

export function short_get(t: usize, lo: u32, hi: u32): f64 {
  const k = <i64>shortKey(lo, hi);
  if (!isInlineForm(<u64>k)) return 0;
  return layoutOf(t) == STR64 ? get<u64, f64>(t, k, 0, 0) : get<u64, u32>(t, k, 0, 0);
}

export function short_incr(t: usize, lo: u32, hi: u32, by: f64): f64 {
  if (!isSafe(by)) return ERR_STEP;
  const k = <i64>shortKey(lo, hi);
  if (!isInlineForm(<u64>k)) return ERR_KEY;
  return layoutOf(t) == STR64 ? incr<u64, f64>(t, k, 0, 0, by) : incr<u64, u32>(t, k, 0, 0, by);
}

export function short_set(t: usize, lo: u32, hi: u32, n: f64): f64 {
  if (!isSafe(n) || n < 0) return ERR_STEP;
  const k = <i64>shortKey(lo, hi);
  if (!isInlineForm(<u64>k)) return ERR_KEY;
  return layoutOf(t) == STR64 ? set<u64, f64>(t, k, 0, 0, n) : set<u64, u32>(t, k, 0, 0, n);
}

export function short_delete(t: usize, lo: u32, hi: u32): f64 {
  const k = <i64>shortKey(lo, hi);
  if (!isInlineForm(<u64>k)) return 0;
  return layoutOf(t) == STR64 ? remove<u64, f64>(t, k, 0, 0) : remove<u64, u32>(t, k, 0, 0);
}

/** Byte 7 of a batch word that announces a key given as bytes. */
// @ts-ignore: decorator
@inline const BYTES_WORD: u32 = 0xff000000;

/**
 * A batch in scratch is 8-byte words, one or more per key: a short ASCII key
 * is its inline form (as short_incr takes it); any other key is a word
 * [u32 byte length][u32 0xFF000000] followed by its bytes, padded to 8.
 */
function incrManyStr<C>(t: usize, n: u32, by: f64): f64 {
  touch(t);
  const base = tableOf(t);
  const groups = groupsOf(t);
  let p = scratch;
  const end = scratch + SCRATCH_BYTES;
  for (let j: u32 = 0; j < n; j++) {
    // A word or key bytes past the scratch, or a word that is no key, stop
    // the batch there (ERR_KEY): nothing outside the scratch is read.
    let r: f64 = ERR_KEY;
    if (p + 8 <= end) {
      const hi = load<u32>(p, 4);
      if (hi != BYTES_WORD) {
        const k = shortKey(load<u32>(p), hi);
        if (isInlineForm(k)) r = incrIn<u64, C>(t, base, groups, <i64>k, 0, 0, by, false);
        p += 8;
      } else {
        const len = load<u32>(p);
        if (<usize>len <= end - p - 8) r = incrIn<u64, C>(t, base, groups, <i64>packKey(p + 8, len), p + 8, len, by, false);
        p += 8 + ((<usize>len + 7) & ~7);
      }
    }
    if (r < 0 && r != DONE_REBUILD) {
      errIndex = j;
      return r;
    }
  }
  return <f64>n;
}

/** Adds `by` to each of the `n` keys of the batch in scratch (incrManyStr). */
export function str_incr_many(t: usize, n: u32, by: f64): f64 {
  if (!isSafe(by)) return ERR_STEP;
  return layoutOf(t) == STR64 ? incrManyStr<f64>(t, n, by) : incrManyStr<u32>(t, n, by);
}

// ---- keys too long for the scratch (longkeys.ts) ------------------------------

export function long_begin(t: usize, len: u32): void { longBegin(t, len); }
export function long_update(n: u32): void { longUpdate(n); }
export function long_finish(n: u32): void { longFinish(n); }
export function long_candidates(t: usize): u32 {
  return layoutOf(t) == STR64 ? longCandidates<f64>(t) : longCandidates<u32>(t);
}
export function candidate_at(j: u32): u32 { return candidateAt(j); }
export function long_insert(t: usize, n: f64): f64 {
  return layoutOf(t) == STR64 ? longInsert<f64>(t, n) : longInsert<u32>(t, n);
}

/** Whether slot i is in the table and holds an entry (a slot index from JS is checked before any write). */
function isLiveSlot(t: usize, i: u32): bool {
  const l = layoutOf(t);
  return i < capacityOf(t) && load<u8>(tableOf(t) + <usize>(i >> 4) * strideOf(l) + (i & 15)) >= 0x80;
}

/** Adds `by` to the count of the string key in slot i (a found long key). */
export function slot_incr(t: usize, i: u32, by: f64): f64 {
  if (!isSafe(by)) return ERR_STEP;
  if (!isLiveSlot(t, i)) return ERR_KEY;
  return layoutOf(t) == STR64 ? incrAt<u64, f64>(t, i, by) : incrAt<u64, u32>(t, i, by);
}
export function slot_set(t: usize, i: u32, n: f64): f64 {
  if (!isSafe(n) || n < 0) return ERR_STEP;
  if (!isLiveSlot(t, i)) return ERR_KEY;
  return layoutOf(t) == STR64 ? setAt<u64, f64>(t, i, n) : setAt<u64, u32>(t, i, n);
}
export function slot_delete(t: usize, i: u32): f64 {
  if (!isLiveSlot(t, i)) return 0;
  return layoutOf(t) == STR64 ? removeAt<u64, f64>(t, i) : removeAt<u64, u32>(t, i);
}

// ---- whole-table calls -----------------------------------------------------

export function size(t: usize): u32 { return itemsOf(t); }
/** Slots in the table (0 while it has none). */
export function capacity_slots(t: usize): u32 { return hasSlots(t) ? capacityOf(t) : 0; }
/** Slots to walk when iterating (the EMPTY_GROUP's 16 included: it holds none). */
export function walk_slots(t: usize): u32 { return capacityOf(t); }
export function tombstone_count(t: usize): u32 { return tombstonesOf(t); }
export function arena_bytes(t: usize): u32 { return arenaUsedOf(t); }
export function arena_garbage(t: usize): u32 { return garbageOf(t); }
export function table_bytes(t: usize): f64 { return <f64>slotBytesHeld(t); }
export function table_version(t: usize): u32 { return versionOf(t); }
export function table_rebuilds(t: usize): u32 { return rebuildsOf(t); }
export function bump_version(t: usize): void { touch(t); }
export function count_rebuild(t: usize): void { countRebuild(t); }
// A table moved to another instance keeps its seed: the entries then arrive in
// the new table's hash order, so its inserts walk memory sequentially.
export function seed_lo(t: usize): u32 { return <u32>seedOf(t); }
export function seed_hi(t: usize): u32 { return <u32>(seedOf(t) >> 32); }
/** Sets an empty table's seed (a table moved back into its pool). */
export function set_seed(t: usize, lo: u32, hi: u32): void { if (itemsOf(t) == 0) setSeed(t, (<u64>hi << 32) | <u64>lo); }
/** Gives an emptied table the next seed of its chain (clear: hash.ts). */
export function next_seed(t: usize): void { if (itemsOf(t) == 0) setSeed(t, nextSeed(seedOf(t))); }
export function advice(t: usize): i32 {
  const l = layoutOf(t);
  if (l == INT32) return rebuildNeeded<i32, u32>(t);
  if (l == INT64) return rebuildNeeded<i64, f64>(t);
  if (l == STR32) return rebuildNeeded<u64, u32>(t);
  return rebuildNeeded<u64, f64>(t);
}
export function layout_id(t: usize): i32 { return layoutOf(t); }

/** The sum of all counts: the running total, or a walk once it passed i64. */
export function count_total(t: usize): f64 {
  const n = totalOf(t);
  if (n != TOTAL_UNKNOWN) return <f64>n;
  const l = layoutOf(t);
  if (l == INT32) return sumCounts<i32, u32>(t);
  if (l == INT64) return sumCounts<i64, f64>(t);
  if (l == STR32) return sumCounts<u64, u32>(t);
  return sumCounts<u64, f64>(t);
}

/** Deletes every entry whose count is below `min` (a safe integer); returns how many. */
export function prune_below(t: usize, min: f64): f64 {
  if (!isSafe(min)) return ERR_STEP;
  const l = layoutOf(t);
  if (l == INT32) return prune<i32, u32>(t, min);
  if (l == INT64) return prune<i64, f64>(t, min);
  if (l == STR32) return prune<u64, u32>(t, min);
  return prune<u64, f64>(t, min);
}
export function err_index(): u32 { return errIndex; }

export function probe_stats(t: usize): void {
  const l = layoutOf(t);
  if (l == INT32) measureProbes<i32, u32>(t);
  else if (l == INT64) measureProbes<i64, f64>(t);
  else if (l == STR32) measureProbes<u64, u32>(t);
  else measureProbes<u64, f64>(t);
}
export function probe_sum(): f64 { return probeSum; }
export function probe_max(): u32 { return probeMax; }

/** Where the bytes of a new arena record of `len` bytes go (a long key, or one moved alone), or 0 when the arena must grow first. */
export function arena_reserve(t: usize, len: u32): usize {
  return fitsRecord(t, len) ? nextKeyPtr(t, len) : 0;
}

/** Loads one string entry whose key bytes JS wrote at arena_reserve(len). */
export function import_record(t: usize, len: u32, count: f64): void {
  if (layoutOf(t) == STR64) importRecord<f64>(t, len, count);
  else importRecord<u32>(t, len, count);
}

export function slot_key_ptr(t: usize, i: u32): usize {
  return keyAddr(t, slotAddr(t, i, layoutOf(t)));
}
export function slot_key_len(t: usize, i: u32): u32 {
  return keyLength(t, slotAddr(t, i, layoutOf(t)));
}
export function slot_count(t: usize, i: u32): f64 {
  return layoutOf(t) == STR64 ? countAt<u64, f64>(t, i) : countAt<u64, u32>(t, i);
}

export function top_k(t: usize, k: u32): i32 {
  const l = layoutOf(t);
  if (l == INT32) return topK<i32, u32>(t, k);
  if (l == INT64) return topK<i64, f64>(t, k);
  if (l == STR32) return topK<u64, u32>(t, k);
  return topK<u64, f64>(t, k);
}

export function read_top(t: usize, from: u32): u32 {
  const l = layoutOf(t);
  if (l == INT32) return readTop<i32, u32>(t, from);
  if (l == INT64) return readTop<i64, f64>(t, from);
  if (l == STR32) return readTop<u64, u32>(t, from);
  return readTop<u64, f64>(t, from);
}
export function top_free(): void { topFree(); }

// ---- portable records: merge and snapshots (records.ts) -----------------------

export function records_write(t: usize, cursor: u32): u32 {
  const l = layoutOf(t);
  if (l == INT32) return writeRecords<i32, u32>(t, cursor);
  if (l == INT64) return writeRecords<i64, f64>(t, cursor);
  if (l == STR32) return writeRecords<u64, u32>(t, cursor);
  return writeRecords<u64, f64>(t, cursor);
}
export function records_count(): u32 { return recordsWritten; }
export function records_bytes(): u32 { return recordBytes; }
export function records_apply(t: usize, from: u32, n: u32, by: f64): f64 {
  if (!isSafe(by)) return ERR_STEP;
  return applyIn(t, from, n, by, APPLY);
}
/**
 * records_apply with by = 1 into a new table: a repeated key is
 * ERR_DUPLICATE (a snapshot); or, with `moved`, the records of a live
 * table, whose keys are distinct, inserted with no lookup (a move between
 * instances, src/table/move.ts).
 */
export function records_load(t: usize, from: u32, n: u32, moved: bool): f64 {
  if (!moved) return applyIn(t, from, n, 1, LOAD);
  touch(t);
  return applyIn(t, from, n, 1, MOVE);
}
function applyIn(t: usize, from: u32, n: u32, by: f64, mode: i32): f64 {
  const l = layoutOf(t);
  if (l == INT32) return applyRecords<i32, u32>(t, from, n, by, mode);
  if (l == INT64) return applyRecords<i64, f64>(t, from, n, by, mode);
  if (l == STR32) return applyRecords<u64, u32>(t, from, n, by, mode);
  return applyRecords<u64, f64>(t, from, n, by, mode);
}
export function records_stop(): u32 { return recordStop; }

// ---- tokens from bytes (tokens.ts) ------------------------------------------

export function set_separators(n: u32): void {
  setSeparators(n);
}

/**
 * Counts the tokens of the `n` bytes in scratch (tokens.ts). `flags`: 1 final,
 * 2 lowercase, 4 check UTF-8, 8 count (else only validate and split).
 */
export function count_tokens(t: usize, n: u32, by: f64, flags: u32, limit: f64): f64 {
  if (!isSafe(by)) return ERR_STEP;
  // The pass lowercases in place: a piece longer than the scratch would write past it.
  if (n > SCRATCH_BYTES) return ERR_KEY;
  const final = (flags & 1) != 0;
  const lower = (flags & 2) != 0;
  const check = (flags & 4) != 0;
  const count = (flags & 8) != 0;
  return countTokens(t, n, by, final, lower, limit, check, count);
}

export function tokens_done(): f64 { return tokensDone; }
export function token_err_at(): u32 { return tokenErrAt; }
export function segment_tokens(): f64 { return segmentTokens; }

// An interrupted flush, moved to a rebuilt instance: JS copies the piece into
// scratch and the entries to tally_ptr(), then tally_load and tally_flush.
export function tally_ptr(): usize { return tallyPtr(); }
export function tally_entries(): u32 { return tallyEntries; }
export function tally_next(): u32 { return flushNext; }
export function tally_load(n: u32, next: u32): void { tallyLoad(n, next); }
export function tally_flush(t: usize, by: f64): f64 {
  return flush(t, by);
}
/** Empties the tally (a pool copied into a smaller memory, src/table/pools.ts). */
export function tally_reset(): void { tallyReset(); }
export function tally_undo(t: usize, by: f64): void {
  undoTally(t, by);
}

// ---- a pool into a smaller memory (compact.ts) --------------------------------

export { heap_top, heap_adopt, heap_cut, heap_check } from "./compact";

// ---- bounded summaries: Space-Saving (topk.ts) ---------------------------------

import { topNew, topInit, topSwap, topIncr, topFind, topEstimate, topError, topGet, topDecrAt, topPut, topSetTotals, topRead, topChunk, topCapOf, insertedOf, floorOf, deletedOf, topTableBytes, topCopy } from "./topk";

export function topk_new(layout: i32): usize { return topNew(layout); }
export function topk_init(t: usize, m: u32, maxBytes: f64): f64 { return topInit(t, m, maxBytes); }
export function topk_table_bytes(m: u32): f64 { return <f64>topTableBytes(m); }
export function topk_swap(a: usize, b: usize): void { topSwap(a, b); }
export function topk_copy(dst: usize, src: usize): void { topCopy(dst, src); }
export function topk_capacity(t: usize): u32 { return topCapOf(t); }
export function topk_inserted(t: usize): f64 { return insertedOf(t); }
export function topk_deleted(t: usize): f64 { return deletedOf(t); }
export function topk_floor(t: usize): f64 { return floorOf(t); }
export function topk_set_totals(t: usize, inserted: f64, deleted: f64, floor: f64): void { topSetTotals(t, inserted, deleted, floor); }
export function topk_int_incr(t: usize, key: f64, by: f64): f64 {
  if (!isSafe(key)) return ERR_KEY;
  return topIncr<i64>(t, <i64>key, 0, 0, by);
}
export function topk_str_incr(t: usize, ptr: usize, len: u32, by: f64): f64 { return topIncr<u64>(t, <i64>packKey(ptr, len), ptr, len, by); }
export function topk_short_incr(t: usize, lo: u32, hi: u32, by: f64): f64 { return topIncr<u64>(t, <i64>shortKey(lo, hi), 0, 0, by); }
export function topk_int_get(t: usize, key: f64): f64 { return isSafe(key) ? topGet<i64>(t, <i64>key, 0, 0) : 0; }
export function topk_str_get(t: usize, ptr: usize, len: u32): f64 { return topGet<u64>(t, <i64>packKey(ptr, len), ptr, len); }
export function topk_short_get(t: usize, lo: u32, hi: u32): f64 { return topGet<u64>(t, <i64>shortKey(lo, hi), 0, 0); }
export function topk_int_find(t: usize, key: f64): usize { return isSafe(key) ? topFind<i64>(t, <i64>key, 0, 0) : 0; }
export function topk_str_find(t: usize, ptr: usize, len: u32): usize { return topFind<u64>(t, <i64>packKey(ptr, len), ptr, len); }
export function topk_estimate(t: usize, s: usize): f64 { return topEstimate(t, s); }
export function topk_error(t: usize, s: usize): f64 { return topError(t, s); }
export function topk_decr_at(t: usize, s: usize, by: f64): f64 {
  return layoutOf(t) == INT64 ? topDecrAt<i64>(t, s, by) : topDecrAt<u64>(t, s, by);
}
export function topk_int_put(t: usize, key: f64, est: f64, err: f64): f64 { return topPut<i64>(t, <i64>key, 0, 0, est, err); }
export function topk_str_put(t: usize, ptr: usize, len: u32, est: f64, err: f64): f64 { return topPut<u64>(t, <i64>packKey(ptr, len), ptr, len, est, err); }
export function topk_read(t: usize, cursor: u32): u32 {
  return layoutOf(t) == INT64 ? topRead<i64>(t, cursor) : topRead<u64>(t, cursor);
}
export function topk_chunk(): u32 { return topChunk; }
