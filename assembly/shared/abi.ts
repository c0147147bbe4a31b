// The constants of the shared counter map's interface with JS, declared once:
// the module imports them from here, and scripts/gen-abi.mjs copies them
// (with the signatures of index.ts's exports) into src/shared/abi.ts at build
// time, as assembly/abi.ts is for the core. Each is
// `@inline export const NAME: type = literal;` on one line.

// ---- results below 0 that cross into JS -------------------------------------

/** The count would pass MAX_COUNT; nothing changed. */
// @ts-ignore: decorator
@inline export const E_OVERFLOW: f64 = -2;
/** The memory cannot grow (its maximum, or the engine refused); nothing changed. */
// @ts-ignore: decorator
@inline export const E_MEMORY: f64 = -3;
/** Internal: the table is at its load limit; the caller rebuilds it and retries. */
// @ts-ignore: decorator
@inline export const E_FULL: f64 = -4;

// ---- operations on one key (int_op, short_op, str_op) -----------------------

/** Read the count. */
// @ts-ignore: decorator
@inline export const OP_GET: i32 = 0;
/** Add to the count (a count reaching 0 or below deletes the key). */
// @ts-ignore: decorator
@inline export const OP_INCR: i32 = 1;
/** Set the count (0 deletes). */
// @ts-ignore: decorator
@inline export const OP_SET: i32 = 2;
/** Delete the key; returns the count it had. */
// @ts-ignore: decorator
@inline export const OP_DELETE: i32 = 3;

// ---- what a map holds (init, kind) --------------------------------------------

/** String keys (SharedCounterMap). */
// @ts-ignore: decorator
@inline export const KIND_STRING: i32 = 1;
/** Integer keys (SharedIntCounterMap). */
// @ts-ignore: decorator
@inline export const KIND_INT: i32 = 2;

/** Bytes below the first table and the first table (min_bytes(): header, thread records and scratch, layout.ts DATA, and MIN_CAP slots). A new memory starts with them, so every thread's scratch is inside every view of the memory. */
// @ts-ignore: decorator
@inline export const FIRST_BYTES: u32 = 271872;
