// The ABI the TypeScript wrapper (src/core.ts) calls. Numbers only: keys and
// counts cross as f64 (every safe integer is exact), string keys as a byte
// range the wrapper wrote into scratch. Operations return a count >= 0 or a
// status code < 0 (ops.ts).

import { INT32, INT64, STR32, STR64, layout, setLayout, slotBytes } from "./layout";
import { scratch, layoutScratch, SCRATCH_BYTES, maxPages, align, ensureMemory } from "./memory";
import { setSeed } from "./hash";
import { resetTable, tableBytes, table, slotAddr, capacity, items, tombstones, measureProbes, probeSum, probeMax, countAt } from "./table";
import { resetArena, arenaStart, arenaEnd, garbage, reserveRecord, keyLen, keyPtr, varintSize } from "./arena";
import { get, incr, set, remove, incrAt, setAt, removeAt, isSafe, rebuildAdvised, ERR_KEY, ERR_WIDEN, ERR_STEP, ERR_MEMORY, DONE_REBUILD } from "./ops";
import { longBegin, longUpdate, longFinish, longCandidates, candidateAt, longReserve, longInsert } from "./longkeys";
import { readRefs, exportStream, importInts, importStream, importRecord, chunkCount, chunkBytes } from "./entries";
import { topK, readTop } from "./select";
import { setSeparators, countTokens, flush, undoTally, tokensDone, tokenErrAt, segmentTokens } from "./tokens";
import { tallyPtr, tallyLoad, entries as tallyEntries, flushNext } from "./tally";

/**
 * Lays out a fresh instance: `groups` groups of 16 slots of the given layout
 * and room for `arenaBytes` of string keys, within `pages` of memory at most.
 * Returns 0, or ERR_MEMORY when that does not fit.
 */
export function init(lay: i32, groups: u32, seedLo: u32, seedHi: u32, arenaBytes: u32, pages: u32): i32 {
  maxPages = pages;
  setLayout(lay);
  setSeed(seedLo, seedHi);
  layoutScratch();
  const tableAt = scratch + SCRATCH_BYTES;
  const arenaAt = <u64>tableAt + tableBytes(groups, slotBytes(lay));
  if (!ensureMemory(arenaAt + <u64>arenaBytes, false)) return <i32>ERR_MEMORY;
  resetTable(tableAt, groups, slotBytes(lay));
  resetArena(<usize>arenaAt);
  return 0;
}

/** The bytes init() needs for a table: JS checks budgets before creating one. */
export function bytes_needed(lay: i32, groups: u32, arenaBytes: u32): f64 {
  const tableAt = align(__heap_base, 16) + SCRATCH_BYTES;
  return <f64>tableAt + <f64>tableBytes(groups, slotBytes(lay)) + <f64>arenaBytes;
}

export function scratch_ptr(): usize { return scratch; }
export function scratch_bytes(): u32 { return SCRATCH_BYTES; }

// ---- integer keys ---------------------------------------------------------

// @ts-ignore: decorator
@inline function fitsI32(k: i64): bool {
  return k == <i64><i32>k;
}

function incrInt(k: i64, by: f64): f64 {
  if (layout == INT64) return incr<i64, f64>(k, 0, 0, by);
  if (!fitsI32(k)) return by > 0 ? ERR_WIDEN : 0;
  return incr<i32, u32>(k, 0, 0, by);
}

export function int_get(key: f64): f64 {
  if (!isSafe(key)) return ERR_KEY;
  const k = <i64>key;
  if (layout == INT64) return get<i64, f64>(k, 0, 0);
  return fitsI32(k) ? get<i32, u32>(k, 0, 0) : 0;
}

export function int_incr(key: f64, by: f64): f64 {
  if (!isSafe(key)) return ERR_KEY;
  if (!isSafe(by)) return ERR_STEP;
  return incrInt(<i64>key, by);
}

export function int_set(key: f64, n: f64): f64 {
  if (!isSafe(key)) return ERR_KEY;
  if (!isSafe(n) || n < 0) return ERR_STEP;
  const k = <i64>key;
  if (layout == INT64) return set<i64, f64>(k, 0, 0, n);
  if (!fitsI32(k)) return n > 0 ? ERR_WIDEN : 0;
  return set<i32, u32>(k, 0, 0, n);
}

export function int_delete(key: f64): f64 {
  if (!isSafe(key)) return ERR_KEY;
  const k = <i64>key;
  if (layout == INT64) return remove<i64, f64>(k, 0, 0);
  return fitsI32(k) ? remove<i32, u32>(k, 0, 0) : 0;
}

/** Where a batch stopped: the index of the key that returned a code. */
let errIndex: u32 = 0;

// @ts-ignore: decorator
@inline const SRC_F64: i32 = 0;
// @ts-ignore: decorator
@inline const SRC_I32: i32 = 1;
// @ts-ignore: decorator
@inline const SRC_U32: i32 = 2;

function incrManyInts<T, K, C>(n: u32, by: f64): f64 {
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
    else r = incr<K, C>(k, 0, 0, by);
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
export function int_incr_many(src: i32, n: u32, by: f64): f64 {
  if (!isSafe(by)) return ERR_STEP;
  if (layout == INT64) {
    if (src == SRC_F64) return incrManyInts<f64, i64, f64>(n, by);
    if (src == SRC_I32) return incrManyInts<i32, i64, f64>(n, by);
    return incrManyInts<u32, i64, f64>(n, by);
  }
  if (src == SRC_F64) return incrManyInts<f64, i32, u32>(n, by);
  if (src == SRC_I32) return incrManyInts<i32, i32, u32>(n, by);
  return incrManyInts<u32, i32, u32>(n, by);
}

// ---- string keys ------------------------------------------------------------

export function str_get(ptr: usize, len: u32): f64 {
  return layout == STR64 ? get<u32, f64>(0, ptr, len) : get<u32, u32>(0, ptr, len);
}

export function str_incr(ptr: usize, len: u32, by: f64): f64 {
  if (!isSafe(by)) return ERR_STEP;
  return layout == STR64 ? incr<u32, f64>(0, ptr, len, by) : incr<u32, u32>(0, ptr, len, by);
}

export function str_set(ptr: usize, len: u32, n: f64): f64 {
  if (!isSafe(n) || n < 0) return ERR_STEP;
  return layout == STR64 ? set<u32, f64>(0, ptr, len, n) : set<u32, u32>(0, ptr, len, n);
}

export function str_delete(ptr: usize, len: u32): f64 {
  return layout == STR64 ? remove<u32, f64>(0, ptr, len) : remove<u32, u32>(0, ptr, len);
}

function incrManyStr<C>(n: u32, by: f64): f64 {
  let p = scratch;
  for (let j: u32 = 0; j < n; j++) {
    const len = load<u32>(p);
    const r = incr<u32, C>(0, p + 4, len, by);
    if (r < 0 && r != DONE_REBUILD) {
      errIndex = j;
      return r;
    }
    p += 4 + len;
  }
  return <f64>n;
}

/** Adds `by` to each of `n` keys in scratch as [u32 length][bytes] records. */
export function str_incr_many(n: u32, by: f64): f64 {
  if (!isSafe(by)) return ERR_STEP;
  return layout == STR64 ? incrManyStr<f64>(n, by) : incrManyStr<u32>(n, by);
}

// ---- keys too long for the scratch (longkeys.ts) ------------------------------

export function long_begin(len: u32): void { longBegin(len); }
export function long_update(n: u32): void { longUpdate(n); }
export function long_finish(n: u32): void { longFinish(n); }
export function long_candidates(): u32 {
  return layout == STR64 ? longCandidates<f64>() : longCandidates<u32>();
}
export function candidate_at(j: u32): u32 { return candidateAt(j); }
export function long_reserve(): usize { return longReserve(); }
export function long_insert(n: f64): f64 {
  return layout == STR64 ? longInsert<f64>(n) : longInsert<u32>(n);
}

/** Adds `by` to the count of the string key in slot i (a found long key). */
export function slot_incr(i: u32, by: f64): f64 {
  return layout == STR64 ? incrAt<u32, f64>(i, by) : incrAt<u32, u32>(i, by);
}
export function slot_set(i: u32, n: f64): f64 {
  return layout == STR64 ? setAt<u32, f64>(i, n) : setAt<u32, u32>(i, n);
}
export function slot_delete(i: u32): f64 {
  return layout == STR64 ? removeAt<u32, f64>(i) : removeAt<u32, u32>(i);
}

// ---- whole-table calls -----------------------------------------------------

export function size(): u32 { return items; }
export function capacity_slots(): u32 { return capacity; }
export function tombstone_count(): u32 { return tombstones; }
export function arena_bytes(): u32 { return <u32>(arenaEnd - arenaStart); }
export function arena_garbage(): u32 { return <u32>garbage; }
export function table_bytes(): u32 { return <u32>(arenaStart - table); }
export function advice(): bool { return rebuildAdvised(); }
export function layout_id(): i32 { return layout; }
export function err_index(): u32 { return errIndex; }
export function chunk_count(): u32 { return chunkCount; }
export function chunk_bytes(): u32 { return chunkBytes; }

export function probe_stats(): void {
  if (layout == INT32) measureProbes<i32, u32>();
  else if (layout == INT64) measureProbes<i64, f64>();
  else if (layout == STR32) measureProbes<u32, u32>();
  else measureProbes<u32, f64>();
}
export function probe_sum(): f64 { return probeSum; }
export function probe_max(): u32 { return probeMax; }

export function read_refs(cursor: u32): u32 {
  if (layout == INT32) return readRefs<i32, u32>(cursor);
  if (layout == INT64) return readRefs<i64, f64>(cursor);
  if (layout == STR32) return readRefs<u32, u32>(cursor);
  return readRefs<u32, f64>(cursor);
}

export function export_stream(cursor: u32): u32 {
  return layout == STR64 ? exportStream<f64>(cursor) : exportStream<u32>(cursor);
}

export function import_ints(n: u32): void {
  if (layout == INT64) importInts<i64, f64>(n);
  else importInts<i32, u32>(n);
}

export function import_stream(n: u32): void {
  if (layout == STR64) importStream<f64>(n);
  else importStream<u32>(n);
}

/**
 * Where a rebuild writes a key too long for its scratch: just past the length
 * prefix's place at the end of the arena (sized for it), or 0.
 */
export function arena_reserve(len: u32): usize {
  return reserveRecord(len) ? arenaEnd + varintSize(len) : 0;
}

/** Loads one string entry whose key bytes JS wrote at arena_reserve(len). */
export function import_record(len: u32, count: f64): void {
  if (layout == STR64) importRecord<f64>(len, count);
  else importRecord<u32>(len, count);
}

export function slot_key_ptr(i: u32): usize {
  const rec = <usize>load<u32>(slotAddr(i, slotBytes(layout)));
  return keyPtr(rec, keyLen(rec));
}
export function slot_key_len(i: u32): u32 {
  return keyLen(<usize>load<u32>(slotAddr(i, slotBytes(layout))));
}
export function slot_count(i: u32): f64 {
  return layout == STR64 ? countAt<u32, f64>(i) : countAt<u32, u32>(i);
}

export function top_k(k: u32): i32 {
  if (layout == INT32) return topK<i32, u32>(k);
  if (layout == INT64) return topK<i64, f64>(k);
  if (layout == STR32) return topK<u32, u32>(k);
  return topK<u32, f64>(k);
}

export function read_top(from: u32): u32 {
  if (layout == INT32) return readTop<i32, u32>(from);
  if (layout == INT64) return readTop<i64, f64>(from);
  if (layout == STR32) return readTop<u32, u32>(from);
  return readTop<u32, f64>(from);
}

// ---- tokens from bytes (tokens.ts) ------------------------------------------

export function set_separators(n: u32): void {
  setSeparators(n);
}

/**
 * Counts the tokens of the `n` bytes in scratch (tokens.ts). `flags`: 1 final,
 * 2 lowercase, 4 check UTF-8, 8 count (else only validate and split).
 */
export function count_tokens(n: u32, by: f64, flags: u32, limit: f64): f64 {
  if (!isSafe(by)) return ERR_STEP;
  const final = (flags & 1) != 0;
  const lower = (flags & 2) != 0;
  const check = (flags & 4) != 0;
  const count = (flags & 8) != 0;
  return countTokens(layout == STR64, n, by, final, lower, limit, check, count);
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
export function tally_flush(by: f64): f64 {
  return flush(layout == STR64, by);
}
export function tally_undo(by: f64): void {
  undoTally(layout == STR64, by);
}
