// Status codes returned by the core (assembly/ops.ts) and slot layouts
// (assembly/layout.ts). Kept in one place so the two sides cannot drift.
export const ERR_GROW = -1;
export const ERR_WIDEN = -2;
export const ERR_OVERFLOW = -3;
export const ERR_KEY = -4;
export const ERR_STEP = -5;
export const ERR_MEMORY = -6;
export const DONE_REBUILD = -7;
export const ERR_ARENA = -8;
export const ERR_DUPLICATE = -9;

export const LAYOUT_INT32 = 0;
export const LAYOUT_INT64 = 1;
export const LAYOUT_STR32 = 2;
export const LAYOUT_STR64 = 3;
export const LAYOUT_NAMES = ['int32', 'int64', 'str32', 'str64'] as const;

/** Batch key element types for int_incr_many. */
export const SRC_F64 = 0;
export const SRC_I32 = 1;
export const SRC_U32 = 2;

/** What advice() finds a table needs (assembly/ops.ts rebuildNeeded): nothing, fewer slots, or its arena's erased keys dropped. */
export const REBUILD_NONE = 0;
export const REBUILD_SLOTS = 1;
export const REBUILD_ARENA = 2;
