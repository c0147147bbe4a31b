// The constants of the interface between the core and the TypeScript wrapper,
// declared once: the core imports them from here, and scripts/gen-abi.mjs
// copies them (with the signatures of index.ts's exports) into src/abi.ts at
// build time. Each is `@inline export const NAME: type = literal;` (one
// line, a number literal) so the generator can read it.

// ---- status codes: a call returns a count >= 0 or one of these (ops.ts) -----

/** The table is full: rebuild it larger and retry. */
// @ts-ignore: decorator
@inline export const ERR_GROW: f64 = -1;
/** A key or count does not fit a narrow slot: rebuild wide and retry. */
// @ts-ignore: decorator
@inline export const ERR_WIDEN: f64 = -2;
/** The count would pass Number.MAX_SAFE_INTEGER. */
// @ts-ignore: decorator
@inline export const ERR_OVERFLOW: f64 = -3;
/** Not a key: an unsafe integer, bytes outside the scratch, a malformed inline form. */
// @ts-ignore: decorator
@inline export const ERR_KEY: f64 = -4;
/** Not a step or count: not a safe integer (or negative where a count is set). */
// @ts-ignore: decorator
@inline export const ERR_STEP: f64 = -5;
/** No memory: the maxBytes budget, or the engine refused. */
// @ts-ignore: decorator
@inline export const ERR_MEMORY: f64 = -6;
/** Not an error: the key was deleted, and the table asks to be rebuilt smaller. */
// @ts-ignore: decorator
@inline export const DONE_REBUILD: f64 = -7;
/** The key's record does not fit the arena: grow it (arena_grow by R_ARENA_NEED) and retry. */
// @ts-ignore: decorator
@inline export const ERR_ARENA: f64 = -8;
/** A record loaded into a new table repeats a key an earlier record put (records_apply, load). */
// @ts-ignore: decorator
@inline export const ERR_DUPLICATE: f64 = -9;
/** A decrement beyond what a summary's estimate allows (topk.ts). */
// @ts-ignore: decorator
@inline export const ERR_BELOW: f64 = -10;
/** The token pass found bytes that are not UTF-8 (R_TOKEN_ERR_AT: where). */
// @ts-ignore: decorator
@inline export const ERR_UTF8: f64 = -16;

// ---- slot layouts (layout.ts) ------------------------------------------------

/** Integer keys that fit i32, counts that fit u32: 8-byte slots. */
// @ts-ignore: decorator
@inline export const LAYOUT_INT32: i32 = 0;
/** Any safe-integer key and count: i64 key, f64 count, 16-byte slots. */
// @ts-ignore: decorator
@inline export const LAYOUT_INT64: i32 = 1;
/** String keys (inline up to 8 bytes, else an arena reference: keys.ts), counts that fit u32: 12-byte slots. */
// @ts-ignore: decorator
@inline export const LAYOUT_STR32: i32 = 2;
/** String keys, any safe-integer count: 16-byte slots. */
// @ts-ignore: decorator
@inline export const LAYOUT_STR64: i32 = 3;
// @ts-ignore: decorator
@inline export const SLOT_BYTES_INT32: u32 = 8;
// @ts-ignore: decorator
@inline export const SLOT_BYTES_INT64: u32 = 16;
// @ts-ignore: decorator
@inline export const SLOT_BYTES_STR32: u32 = 12;
// @ts-ignore: decorator
@inline export const SLOT_BYTES_STR64: u32 = 16;
/** Slots (and control bytes) per group. */
// @ts-ignore: decorator
@inline export const GROUP: u32 = 16;

// ---- memory -------------------------------------------------------------------

/** Bytes of the scratch region, where JS writes keys and batches. */
// @ts-ignore: decorator
@inline export const SCRATCH_BYTES: u32 = 32768;
/**
 * A table of at most this many bytes of slots is not shrunk while it holds
 * entries: shrinking saves little, and the next insertions would grow it back.
 * 16 KiB is ~1,800 int entries' worth of slots.
 */
// @ts-ignore: decorator
@inline export const KEEP_TABLE_BYTES: u32 = 16384;
/** The largest key arena: its offsets are u32, and the rest of the 4 GiB holds the table. */
// @ts-ignore: decorator
@inline export const MAX_ARENA_BYTES: u32 = 0xffff0000;

// ---- the table header (header.ts): byte offsets from `t` ---------------------

// @ts-ignore: decorator
@inline export const HEADER_BYTES: u32 = 60;
/** u32: address of group 0 (the EMPTY_GROUP while the table holds no slots). */
// @ts-ignore: decorator
@inline export const H_TABLE: u32 = 0;
/** u32: groups of 16 slots. */
// @ts-ignore: decorator
@inline export const H_GROUPS: u32 = 4;
/** u32: live entries. */
// @ts-ignore: decorator
@inline export const H_ITEMS: u32 = 8;
/** u32: DELETED control bytes. */
// @ts-ignore: decorator
@inline export const H_TOMBSTONES: u32 = 12;
/** u32: times the table was moved (grow, shrink, widen, compact). */
// @ts-ignore: decorator
@inline export const H_REBUILDS: u32 = 16;
/** u32: address of the key arena's first byte (string keys). */
// @ts-ignore: decorator
@inline export const H_ARENA: u32 = 20;
/** u32: bytes of the arena in use. */
// @ts-ignore: decorator
@inline export const H_ARENA_USED: u32 = 24;
/** u32: bytes the arena may use before it must grow. */
// @ts-ignore: decorator
@inline export const H_ARENA_CAP: u32 = 28;
/** u32: bytes of arena records whose key was erased. */
// @ts-ignore: decorator
@inline export const H_GARBAGE: u32 = 32;
/** u32: bumped by every change: iterators compare it. */
// @ts-ignore: decorator
@inline export const H_VERSION: u32 = 36;
/** u64: hash seed (u32 low word, then the high word). */
// @ts-ignore: decorator
@inline export const H_SEED: u32 = 40;
/** u8: slot layout. */
// @ts-ignore: decorator
@inline export const H_LAYOUT: u32 = 48;
/** u8: MODE_POOLED or MODE_OWN. */
// @ts-ignore: decorator
@inline export const H_MODE: u32 = 49;
/** u8: 1 in a summary's header (topk.ts). */
// @ts-ignore: decorator
@inline export const H_KIND: u32 = 50;
/** i64: sum of all counts (-1: unknown, table_stats STATS_TOTAL walks). */
// @ts-ignore: decorator
@inline export const H_TOTAL: u32 = 52;

// A summary's header (topk.ts) is a table header followed by these.
// @ts-ignore: decorator
@inline export const TOPK_HEADER_BYTES: u32 = 92;
/** u32: keys tracked at most. */
// @ts-ignore: decorator
@inline export const TOPK_H_CAPACITY: u32 = 60;
/** u32: address of heap entry 0. */
// @ts-ignore: decorator
@inline export const TOPK_H_HEAP: u32 = 64;
/** f64: the sum of every increment. */
// @ts-ignore: decorator
@inline export const TOPK_H_INSERTED: u32 = 68;
/** f64: no untracked key was counted more than this. */
// @ts-ignore: decorator
@inline export const TOPK_H_FLOOR: u32 = 76;
/** f64: the sum of every decrement. */
// @ts-ignore: decorator
@inline export const TOPK_H_DELETED: u32 = 84;

// ---- call arguments -------------------------------------------------------------

/** int_incr_many's batch element types. */
// @ts-ignore: decorator
@inline export const SRC_F64: i32 = 0;
// @ts-ignore: decorator
@inline export const SRC_I32: i32 = 1;
// @ts-ignore: decorator
@inline export const SRC_U32: i32 = 2;

/** Byte 7 of a str_incr_many batch word that announces a key given as bytes. */
// @ts-ignore: decorator
@inline export const BYTES_WORD: u32 = 0xff000000;

/** count_tokens flags: the last piece of the input. */
// @ts-ignore: decorator
@inline export const TOKENS_FINAL: u32 = 1;
/** count_tokens flags: lowercase ASCII letters. */
// @ts-ignore: decorator
@inline export const TOKENS_LOWER: u32 = 2;
/** count_tokens flags: check that the bytes are UTF-8. */
// @ts-ignore: decorator
@inline export const TOKENS_CHECK: u32 = 4;
/** count_tokens flags: count (else only validate and split). */
// @ts-ignore: decorator
@inline export const TOKENS_COUNT: u32 = 8;

/** *_write ops: set the count (0 deletes). */
// @ts-ignore: decorator
@inline export const WRITE_SET: i32 = 0;
/** *_write ops: delete the key; returns the count it had. */
// @ts-ignore: decorator
@inline export const WRITE_DELETE: i32 = 1;
/** slot_write: add to the count. */
// @ts-ignore: decorator
@inline export const WRITE_INCR: i32 = 2;

/** table_stats: sizes and memory into the result block (R_CAPACITY_SLOTS …). */
// @ts-ignore: decorator
@inline export const STATS_SIZES: i32 = 0;
/** table_stats: probe lengths (R_PROBE_SUM, R_PROBE_MAX). */
// @ts-ignore: decorator
@inline export const STATS_PROBES: i32 = 1;
/** table_stats: returns the sum of all counts (a walk once it passed i64). */
// @ts-ignore: decorator
@inline export const STATS_TOTAL: i32 = 2;
/** table_stats: returns what a rebuild would give back (REBUILD_*; ops.ts rebuildNeeded). */
// @ts-ignore: decorator
@inline export const STATS_ADVICE: i32 = 3;
/** table_stats: the instance's heap (R_HEAP_IN_USE, R_HEAP_TOP); `t` is unused. */
// @ts-ignore: decorator
@inline export const STATS_HEAP: i32 = 4;

/** table_stats STATS_ADVICE: no rebuild gives memory back. */
// @ts-ignore: decorator
@inline export const REBUILD_NONE: i32 = 0;
/** table_stats STATS_ADVICE: release or shrink the slots (which also drops the arena's erased keys). */
// @ts-ignore: decorator
@inline export const REBUILD_SLOTS: i32 = 1;
/** table_stats STATS_ADVICE: only compact the arena (its erased keys). */
// @ts-ignore: decorator
@inline export const REBUILD_ARENA: i32 = 2;

/** records_apply modes: add each record's count times `by` (merge). */
// @ts-ignore: decorator
@inline export const RECORDS_APPLY: i32 = 0;
/** records_apply modes: into a new table, by = 1; a repeated key is ERR_DUPLICATE (a snapshot). */
// @ts-ignore: decorator
@inline export const RECORDS_LOAD: i32 = 1;
/** records_apply modes: a live table's records, whose keys are distinct, into a new table in another instance: no lookup. */
// @ts-ignore: decorator
@inline export const RECORDS_MOVE: i32 = 2;

/** table_mark: bump the version (iterators see a change). */
// @ts-ignore: decorator
@inline export const MARK_VERSION: i32 = 0;
/** table_mark: count a rebuild. */
// @ts-ignore: decorator
@inline export const MARK_REBUILD: i32 = 1;
/** table_mark: an empty table takes the seed (lo, hi). */
// @ts-ignore: decorator
@inline export const MARK_SEED: i32 = 2;
/** table_mark: an empty table takes the next seed of its chain. */
// @ts-ignore: decorator
@inline export const MARK_NEXT_SEED: i32 = 3;

/** topk_int/topk_str/topk_short ops: add `a` (returns the estimate or a code). */
// @ts-ignore: decorator
@inline export const TOPK_INCR: i32 = 0;
/** topk ops: the key's slot address or 0; R_TOPK_ESTIMATE and R_TOPK_ERROR when found. */
// @ts-ignore: decorator
@inline export const TOPK_FIND: i32 = 1;
/** topk ops: insert an untracked key with estimate `a` and error `b` (a snapshot). */
// @ts-ignore: decorator
@inline export const TOPK_PUT: i32 = 2;

// ---- the result block: f64 slots right after the scratch ------------------------
// Calls that give back more than one value write them here; JS reads them
// through its view of the block (src/core.ts) right after the call.

// @ts-ignore: decorator
@inline export const RESULT_BYTES: u32 = 512;
/** arena bytes a record needs (after ERR_ARENA). */
// @ts-ignore: decorator
@inline export const R_ARENA_NEED: u32 = 0;
/** the index of the key that stopped a batch. */
// @ts-ignore: decorator
@inline export const R_ERR_INDEX: u32 = 1;
/** entries in the chunk read_top/topk_read/records_write wrote. */
// @ts-ignore: decorator
@inline export const R_CHUNK_COUNT: u32 = 2;
/** bytes of that chunk. */
// @ts-ignore: decorator
@inline export const R_CHUNK_BYTES: u32 = 3;
/** offset of the record that stopped records_apply. */
// @ts-ignore: decorator
@inline export const R_RECORDS_STOP: u32 = 4;
/** tokens count_tokens counted before it returned. */
// @ts-ignore: decorator
@inline export const R_TOKENS_DONE: u32 = 5;
/** the first bad byte (ERR_UTF8). */
// @ts-ignore: decorator
@inline export const R_TOKEN_ERR_AT: u32 = 6;
/** tokens of the segment being flushed. */
// @ts-ignore: decorator
@inline export const R_SEGMENT_TOKENS: u32 = 7;
/** distinct tokens in the tally. */
// @ts-ignore: decorator
@inline export const R_TALLY_ENTRIES: u32 = 8;
/** tally entries before this one are in the table (an interrupted flush). */
// @ts-ignore: decorator
@inline export const R_TALLY_NEXT: u32 = 9;
/** address of the tally's entries. */
// @ts-ignore: decorator
@inline export const R_TALLY_PTR: u32 = 10;
/** bytes a refused resize asked for (ERR_MEMORY). */
// @ts-ignore: decorator
@inline export const R_REFUSED_BYTES: u32 = 11;
/** sum of probe lengths (STATS_PROBES). */
// @ts-ignore: decorator
@inline export const R_PROBE_SUM: u32 = 12;
/** longest probe (STATS_PROBES). */
// @ts-ignore: decorator
@inline export const R_PROBE_MAX: u32 = 13;
/** slots in the table, 0 while it has none (STATS_SIZES). */
// @ts-ignore: decorator
@inline export const R_CAPACITY_SLOTS: u32 = 14;
/** slot bytes the table holds (STATS_SIZES). */
// @ts-ignore: decorator
@inline export const R_TABLE_BYTES: u32 = 15;
/** bytes the table holds, arena included (STATS_SIZES). */
// @ts-ignore: decorator
@inline export const R_HELD_BYTES: u32 = 16;
/** bytes of heap blocks tables hold in this instance (STATS_HEAP). */
// @ts-ignore: decorator
@inline export const R_HEAP_IN_USE: u32 = 17;
/** end of the heap's last block (STATS_HEAP). */
// @ts-ignore: decorator
@inline export const R_HEAP_TOP: u32 = 18;
/** slot_read: the key's address. */
// @ts-ignore: decorator
@inline export const R_SLOT_KEY_PTR: u32 = 19;
/** slot_read: the key's length. */
// @ts-ignore: decorator
@inline export const R_SLOT_KEY_LEN: u32 = 20;
/** slot_read: the count. */
// @ts-ignore: decorator
@inline export const R_SLOT_COUNT: u32 = 21;
/** TOPK_FIND: the estimate of the key found. */
// @ts-ignore: decorator
@inline export const R_TOPK_ESTIMATE: u32 = 22;
/** TOPK_FIND: the error of the key found. */
// @ts-ignore: decorator
@inline export const R_TOPK_ERROR: u32 = 23;
/** long_candidates: byte offset in the block of its u32 slot indexes. */
// @ts-ignore: decorator
@inline export const R_CANDIDATES_AT: u32 = 256;
/** long_candidates lists at most this many slots. */
// @ts-ignore: decorator
@inline export const MAX_CANDIDATES: u32 = 64;
