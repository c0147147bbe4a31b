// The ABI the TypeScript wrapper (src/) calls. Numbers only: keys and counts
// cross as f64 (every safe integer is exact), string keys as a byte range the
// wrapper wrote into scratch, tables as the address of their header `t`
// (header.ts). Operations return a count >= 0 or a status code < 0 (ops.ts).

import { INT32, INT64, STR32, STR64 } from "./layout";
import { scratch, SCRATCH_BYTES, heapInUse, putResult } from "./heap";
import {
  SRC_F64, SRC_I32, BYTES_WORD, TOKENS_FINAL, TOKENS_LOWER, TOKENS_CHECK, TOKENS_COUNT, WRITE_SET, WRITE_DELETE, WRITE_INCR,
  STATS_SIZES, STATS_PROBES, STATS_TOTAL, STATS_ADVICE, MARK_VERSION, MARK_REBUILD, MARK_SEED, MARK_NEXT_SEED, TOPK_INCR, TOPK_FIND,
  R_ERR_INDEX, R_CHUNK_COUNT, R_CHUNK_BYTES, R_RECORDS_STOP, R_TOKENS_DONE, R_TOKEN_ERR_AT, R_SEGMENT_TOKENS, R_TALLY_ENTRIES, R_TALLY_NEXT,
  R_TALLY_PTR, R_PROBE_SUM, R_PROBE_MAX, R_CAPACITY_SLOTS, R_TABLE_BYTES, R_HELD_BYTES, R_HEAP_IN_USE, R_HEAP_TOP, R_SLOT_KEY_PTR,
  R_SLOT_KEY_LEN, R_SLOT_COUNT, R_TOPK_ESTIMATE, R_TOPK_ERROR, STATS_HEAP, RECORDS_APPLY, RECORDS_LOAD, RECORDS_MOVE,
} from "./abi";
import { tableOf, groupsOf, seedOf, setSeed, capacityOf, itemsOf, layoutOf, countRebuild, touch, totalOf, TOTAL_UNKNOWN } from "./header";
import { measureProbes, probeSum, probeMax, countAt, slotAddr } from "./table";
import { slotBytes, groupBytes } from "./layout";
import { fitsRecord, nextKeyPtr } from "./arena";
import { packKey, isInlineForm } from "./keys";
import { setHashKey, nextSeed } from "./hash";
import { get, incr, incrIn, set, remove, incrAt, setAt, removeAt, isSafe, rebuildNeeded, prune, sumCounts, ERR_KEY, ERR_WIDEN, ERR_STEP, DONE_REBUILD, incrBatch, batchDone } from "./ops";
import { longBegin, longUpdate, longFinish, longCandidates, longInsert } from "./longkeys";
import { importRecord, keyAddr, keyLength } from "./entries";
import { topK, readTop, topFree } from "./select";
import { writeRecords, applyRecords, recordBytes, recordStop } from "./records";
import { setSeparators, countTokens, flush, undoTally, tokensDone, tokenErrAt, segmentTokens } from "./tokens";
import { tallyPtr, tallyLoad, tallyReset, entries as tallyEntries, flushNext } from "./tally";
import { heap_top as heapTop } from "./compact";
import {
  headerNew, headerFree, tableRelease, tableResize, arenaGrow, arenaCompact, heldBytes, slotBytesHeld, hasSlots,
  ownInit, ownBytesNeeded,
} from "./lifecycle";

/**
 * The scratch's address; the result block (abi.ts: R_*) follows it. Notes the
 * tally's address there too (R_TALLY_PTR): static data, the same in every instance.
 */
export function scratch_ptr(): usize {
  putResult(R_TALLY_PTR, <f64>tallyPtr());
  return scratch;
}
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

/** Sets the key's count (WRITE_SET, n) or deletes it (WRITE_DELETE); abi.ts. */
export function int_write(t: usize, key: f64, n: f64, op: i32): f64 {
  if (op == WRITE_DELETE) return intDelete(t, key);
  if (!isSafe(key)) return ERR_KEY;
  if (!isSafe(n) || n < 0) return ERR_STEP;
  const k = <i64>key;
  if (layoutOf(t) == INT64) return set<i64, f64>(t, k, 0, 0, n);
  if (!fitsI32(k)) return n > 0 ? ERR_WIDEN : 0;
  return set<i32, u32>(t, k, 0, 0, n);
}

function intDelete(t: usize, key: f64): f64 {
  if (!isSafe(key)) return ERR_KEY;
  const k = <i64>key;
  if (layoutOf(t) == INT64) return remove<i64, f64>(t, k, 0, 0);
  return fitsI32(k) ? remove<i32, u32>(t, k, 0, 0) : 0;
}

/** Where a batch stopped: the index of the key that returned a code (R_ERR_INDEX). */
// @ts-ignore: decorator
@inline function stopAt(j: u32, code: f64): f64 {
  putResult(R_ERR_INDEX, <f64>j);
  return code;
}

function incrManyInts<T, K, C>(t: usize, n: u32, by: f64): f64 {
  const r = incrBatch<T, K, C>(t, n, by);
  if (r < 0) putResult(R_ERR_INDEX, <f64>batchDone);
  return r;
}

/**
 * Adds `by` to each of the `n` keys in scratch (f64, i32 or u32 as `src`
 * says). Returns n, or a code with R_ERR_INDEX at the key that stopped it: keys
 * before it are counted, it and the rest are not.
 */
export function int_incr_many(t: usize, src: i32, n: u32, by: f64): f64 {
  if (!isSafe(by)) return ERR_STEP;
  if (<u64>n << (src == SRC_F64 ? 3 : 2) > <u64>SCRATCH_BYTES) return stopAt(0, ERR_KEY);
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

/** Sets the key's count (WRITE_SET, n) or deletes it (WRITE_DELETE). */
export function str_write(t: usize, ptr: usize, len: u32, n: f64, op: i32): f64 {
  if (op == WRITE_DELETE) return strDelete(t, ptr, len);
  if (!isSafe(n) || n < 0) return ERR_STEP;
  if (!inScratch(ptr, len)) return ERR_KEY;
  const k = <i64>packKey(ptr, len);
  return layoutOf(t) == STR64 ? set<u64, f64>(t, k, ptr, len, n) : set<u64, u32>(t, k, ptr, len, n);
}

function strDelete(t: usize, ptr: usize, len: u32): f64 {
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

/** Sets the key's count (WRITE_SET, n) or deletes it (WRITE_DELETE). */
export function short_write(t: usize, lo: u32, hi: u32, n: f64, op: i32): f64 {
  if (op == WRITE_DELETE) return shortDelete(t, lo, hi);
  if (!isSafe(n) || n < 0) return ERR_STEP;
  const k = <i64>shortKey(lo, hi);
  if (!isInlineForm(<u64>k)) return ERR_KEY;
  return layoutOf(t) == STR64 ? set<u64, f64>(t, k, 0, 0, n) : set<u64, u32>(t, k, 0, 0, n);
}

function shortDelete(t: usize, lo: u32, hi: u32): f64 {
  const k = <i64>shortKey(lo, hi);
  if (!isInlineForm(<u64>k)) return 0;
  return layoutOf(t) == STR64 ? remove<u64, f64>(t, k, 0, 0) : remove<u64, u32>(t, k, 0, 0);
}

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
    if (r < 0 && r != DONE_REBUILD) return stopAt(j, r);
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
/** Folds the next `n` bytes of the key from scratch; `last`: they end it, and the hash is finished. */
export function long_update(n: u32, last: bool): void {
  if (last) longFinish(n);
  else longUpdate(n);
}
/** Lists the slots that may hold the streamed key (u32s at R_CANDIDATES_AT of the result block); their count. */
export function long_candidates(t: usize): u32 {
  return layoutOf(t) == STR64 ? longCandidates<f64>(t) : longCandidates<u32>(t);
}
export function long_insert(t: usize, n: f64): f64 {
  return layoutOf(t) == STR64 ? longInsert<f64>(t, n) : longInsert<u32>(t, n);
}

/** Whether slot i is in the table and holds an entry (a slot index from JS is checked before any write). */
function isLiveSlot(t: usize, i: u32): bool {
  const l = layoutOf(t);
  return i < capacityOf(t) && load<u8>(tableOf(t) + <usize>(i >> 4) * groupBytes(slotBytes(l)) + (i & 15)) >= 0x80;
}

/**
 * Writes the count of the string key in slot i (a found long key): adds `n`
 * (WRITE_INCR), sets it (WRITE_SET) or deletes the key (WRITE_DELETE).
 */
export function slot_write(t: usize, i: u32, n: f64, op: i32): f64 {
  if (op == WRITE_DELETE) {
    if (!isLiveSlot(t, i)) return 0;
    return layoutOf(t) == STR64 ? removeAt<u64, f64>(t, i) : removeAt<u64, u32>(t, i);
  }
  if (!isSafe(n) || (op == WRITE_SET && n < 0)) return ERR_STEP;
  if (!isLiveSlot(t, i)) return ERR_KEY;
  if (op == WRITE_INCR) return layoutOf(t) == STR64 ? incrAt<u64, f64>(t, i, n) : incrAt<u64, u32>(t, i, n);
  return layoutOf(t) == STR64 ? setAt<u64, f64>(t, i, n) : setAt<u64, u32>(t, i, n);
}

// ---- whole-table calls -----------------------------------------------------

/**
 * What the header does not say, by `what` (abi.ts STATS_*): sizes and memory
 * (into the result block), probe lengths (too), the sum of all counts (the
 * running total, or a walk once it passed i64; returned), whether a rebuild
 * would give memory back (returned), the instance's heap (t unused).
 */
export function table_stats(t: usize, what: i32): f64 {
  if (what == STATS_HEAP) {
    putResult(R_HEAP_IN_USE, <f64>heapInUse);
    putResult(R_HEAP_TOP, <f64>heapTop());
    return 0;
  }
  if (what == STATS_SIZES) {
    // Slots in the table: 0 while it has none (the EMPTY_GROUP's 16 are no table).
    putResult(R_CAPACITY_SLOTS, hasSlots(t) ? <f64>capacityOf(t) : 0);
    putResult(R_TABLE_BYTES, <f64>slotBytesHeld(t));
    putResult(R_HELD_BYTES, heldBytes(t));
    return 0;
  }
  const l = layoutOf(t);
  if (what == STATS_PROBES) {
    if (l == INT32) measureProbes<i32, u32>(t);
    else if (l == INT64) measureProbes<i64, f64>(t);
    else if (l == STR32) measureProbes<u64, u32>(t);
    else measureProbes<u64, f64>(t);
    putResult(R_PROBE_SUM, probeSum);
    putResult(R_PROBE_MAX, <f64>probeMax);
    return 0;
  }
  if (what == STATS_TOTAL) {
    const n = totalOf(t);
    if (n != TOTAL_UNKNOWN) return <f64>n;
    if (l == INT32) return sumCounts<i32, u32>(t);
    if (l == INT64) return sumCounts<i64, f64>(t);
    if (l == STR32) return sumCounts<u64, u32>(t);
    return sumCounts<u64, f64>(t);
  }
  if (what == STATS_ADVICE) {
    if (l == INT32) return rebuildNeeded<i32, u32>(t);
    if (l == INT64) return rebuildNeeded<i64, f64>(t);
    if (l == STR32) return rebuildNeeded<u64, u32>(t);
    return rebuildNeeded<u64, f64>(t);
  }
  return ERR_KEY;
}

/**
 * Notes a change JS made (abi.ts MARK_*): a version bump, a rebuild; or
 * gives an empty table a seed: (lo, hi), for a table moved back into its
 * pool (it keeps its seed: the entries then arrive in the new table's hash
 * order, so its inserts walk memory sequentially), or the next of its chain
 * (clear: hash.ts).
 */
export function table_mark(t: usize, what: i32, lo: u32, hi: u32): void {
  if (what == MARK_VERSION) touch(t);
  else if (what == MARK_REBUILD) countRebuild(t);
  else if (what == MARK_SEED) { if (itemsOf(t) == 0) setSeed(t, (<u64>hi << 32) | <u64>lo); }
  else if (what == MARK_NEXT_SEED) { if (itemsOf(t) == 0) setSeed(t, nextSeed(seedOf(t))); }
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

/** Where the bytes of a new arena record of `len` bytes go (a long key, or one moved alone), or 0 when the arena must grow first. */
export function arena_reserve(t: usize, len: u32): usize {
  return fitsRecord(t, len) ? nextKeyPtr(t, len) : 0;
}

/** Loads one string entry whose key bytes JS wrote at arena_reserve(len). */
export function import_record(t: usize, len: u32, count: f64): void {
  if (layoutOf(t) == STR64) importRecord<f64>(t, len, count);
  else importRecord<u32>(t, len, count);
}

/** The string entry in slot i: its key's address and length and its count, into the result block. */
export function slot_read(t: usize, i: u32): void {
  const s = slotAddr(t, i, layoutOf(t));
  putResult(R_SLOT_KEY_PTR, <f64>keyAddr(t, s));
  putResult(R_SLOT_KEY_LEN, <f64>keyLength(t, s));
  putResult(R_SLOT_COUNT, layoutOf(t) == STR64 ? countAt<u64, f64>(t, i) : countAt<u64, u32>(t, i));
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

/** Records of the live entries from slot `cursor` on (R_CHUNK_BYTES of them); the next cursor. */
export function records_write(t: usize, cursor: u32): u32 {
  const l = layoutOf(t);
  let next: u32;
  if (l == INT32) next = writeRecords<i32, u32>(t, cursor);
  else if (l == INT64) next = writeRecords<i64, f64>(t, cursor);
  else if (l == STR32) next = writeRecords<u64, u32>(t, cursor);
  else next = writeRecords<u64, f64>(t, cursor);
  putResult(R_CHUNK_BYTES, <f64>recordBytes);
  return next;
}
/**
 * Applies the records in scratch[from, n), R_RECORDS_STOP at the one that
 * stopped it. `mode` (abi.ts RECORDS_*): add each count times `by` (merge);
 * load a snapshot into a new table (by = 1, a repeated key is
 * ERR_DUPLICATE); or move a live table's records, whose keys are distinct,
 * into a new table in another instance with no lookup (src/table/move.ts).
 */
export function records_apply(t: usize, from: u32, n: u32, by: f64, mode: i32): f64 {
  if (mode == RECORDS_APPLY) {
    if (!isSafe(by)) return ERR_STEP;
  } else {
    by = 1;
    if (mode == RECORDS_MOVE) touch(t);
    else mode = RECORDS_LOAD;
  }
  const l = layoutOf(t);
  let r: f64;
  if (l == INT32) r = applyRecords<i32, u32>(t, from, n, by, mode);
  else if (l == INT64) r = applyRecords<i64, f64>(t, from, n, by, mode);
  else if (l == STR32) r = applyRecords<u64, u32>(t, from, n, by, mode);
  else r = applyRecords<u64, f64>(t, from, n, by, mode);
  putResult(R_RECORDS_STOP, <f64>recordStop);
  return r;
}

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
  const final = (flags & TOKENS_FINAL) != 0;
  const lower = (flags & TOKENS_LOWER) != 0;
  const check = (flags & TOKENS_CHECK) != 0;
  const count = (flags & TOKENS_COUNT) != 0;
  const r = countTokens(t, n, by, final, lower, limit, check, count);
  putResult(R_TOKENS_DONE, tokensDone);
  putResult(R_TOKEN_ERR_AT, <f64>tokenErrAt);
  putResult(R_SEGMENT_TOKENS, segmentTokens);
  putTally();
  return r;
}

/** Where the tally stands (R_TALLY_ENTRIES, R_TALLY_NEXT): an interrupted flush moves. */
function putTally(): void {
  putResult(R_TALLY_ENTRIES, <f64>tallyEntries);
  putResult(R_TALLY_NEXT, <f64>flushNext);
}

// An interrupted flush, moved to a rebuilt instance: JS copies the piece into
// scratch and the entries to R_TALLY_PTR, then tally_load and tally_flush.
export function tally_load(n: u32, next: u32): void {
  tallyLoad(n, next);
  putTally();
}
export function tally_flush(t: usize, by: f64): f64 {
  const r = flush(t, by);
  putTally();
  return r;
}
/** Empties the tally (a pool copied into a smaller memory, src/table/pools.ts). */
export function tally_reset(): void { tallyReset(); }
export function tally_undo(t: usize, by: f64): void {
  undoTally(t, by);
}

// ---- a pool into a smaller memory (compact.ts) --------------------------------

export { heap_adopt, heap_cut, heap_check } from "./compact";

// ---- bounded summaries: Space-Saving (topk.ts) ---------------------------------

import { topNew, topInit, topSwap, topCopy, topIncr, topFind, topEstimate, topError, topDecrAt, topPut, topSetTotals, topRead, topChunk, topTableBytes } from "./topk";

export function topk_new(layout: i32): usize { return topNew(layout); }
export function topk_init(t: usize, m: u32, maxBytes: f64): f64 { return topInit(t, m, maxBytes); }
export function topk_table_bytes(m: u32): f64 { return <f64>topTableBytes(m); }
/** Swaps two summaries' headers (`swap`), or copies `src` into `dst`. */
export function topk_move(dst: usize, src: usize, swap: bool): void {
  if (swap) topSwap(dst, src);
  else topCopy(dst, src);
}
export function topk_set_totals(t: usize, inserted: f64, deleted: f64, floor: f64): void { topSetTotals(t, inserted, deleted, floor); }

/** TOPK_FIND: the key's slot address (0: not tracked), its estimate and error into the result block. */
// @ts-ignore: decorator
@inline function topFound(t: usize, s: usize): f64 {
  if (s != 0) {
    putResult(R_TOPK_ESTIMATE, topEstimate(t, s));
    putResult(R_TOPK_ERROR, topError(t, s));
  }
  return <f64>s;
}

/** An integer key: `op` TOPK_INCR (by `a`), TOPK_FIND, or TOPK_PUT (estimate `a`, error `b`). */
export function topk_int(t: usize, op: i32, key: f64, a: f64, b: f64): f64 {
  if (op == TOPK_INCR) {
    if (!isSafe(key)) return ERR_KEY;
    return topIncr<i64>(t, <i64>key, 0, 0, a);
  }
  if (op == TOPK_FIND) return isSafe(key) ? topFound(t, topFind<i64>(t, <i64>key, 0, 0)) : 0;
  return topPut<i64>(t, <i64>key, 0, 0, a, b);
}
/** A string key as bytes in scratch: the ops of topk_int. */
export function topk_str(t: usize, op: i32, ptr: usize, len: u32, a: f64, b: f64): f64 {
  const k = <i64>packKey(ptr, len);
  if (op == TOPK_INCR) return topIncr<u64>(t, k, ptr, len, a);
  if (op == TOPK_FIND) return topFound(t, topFind<u64>(t, k, ptr, len));
  return topPut<u64>(t, k, ptr, len, a, b);
}
/** A string key in its inline form: TOPK_INCR or TOPK_FIND. */
export function topk_short(t: usize, op: i32, lo: u32, hi: u32, a: f64): f64 {
  const k = <i64>shortKey(lo, hi);
  if (op == TOPK_INCR) return topIncr<u64>(t, k, 0, 0, a);
  return topFound(t, topFind<u64>(t, k, 0, 0));
}
export function topk_decr_at(t: usize, s: usize, by: f64): f64 {
  return layoutOf(t) == INT64 ? topDecrAt<i64>(t, s, by) : topDecrAt<u64>(t, s, by);
}
/** Refs of the entries from slot `cursor` on (R_CHUNK_COUNT of them); the next cursor. */
export function topk_read(t: usize, cursor: u32): u32 {
  const next = layoutOf(t) == INT64 ? topRead<i64>(t, cursor) : topRead<u64>(t, cursor);
  putResult(R_CHUNK_COUNT, <f64>topChunk);
  return next;
}
