// Status codes returned by the core and slot layouts: generated from
// assembly/abi.ts into abi.ts, so the two sides cannot drift.
export {
  ERR_GROW, ERR_WIDEN, ERR_OVERFLOW, ERR_KEY, ERR_STEP, ERR_MEMORY, DONE_REBUILD, ERR_ARENA, ERR_DUPLICATE,
  LAYOUT_INT32, LAYOUT_INT64, LAYOUT_STR32, LAYOUT_STR64, SRC_F64, SRC_I32, SRC_U32,
} from './abi.js';

export const LAYOUT_NAMES = ['int32', 'int64', 'str32', 'str64'] as const;
