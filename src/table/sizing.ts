// The sizing policy of a table: how many groups a rebuild makes, and where a
// table of a given size lives (its pool, or an instance of its own).

import { GROUP, SLOT_BYTES_INT32, SLOT_BYTES_INT64, SLOT_BYTES_STR32, SLOT_BYTES_STR64 } from './abi.js';

/**
 * A rebuild sizes the table so that it is this full afterwards. 0.6 keeps a
 * growth step under 1.46x (7/8 / 0.6), which is what holds an int map of
 * small keys under 16 bytes per entry at any size; shrinking to it leaves
 * room to grow back without an immediate rebuild. Inside a pool a rebuild is
 * a heap block and a pass in wasm (~10 ns an entry), so small tables grow by
 * the same step: a 25-key map then holds 2 groups (288 bytes of slots).
 */
const REBUILD_LOAD = 0.6;
export const MAX_LOAD = 7 / 8;
/**
 * From 8 groups up to 4,096 (128 to 65,536 slots) a table grows 4x a step
 * (to ~22% full) instead: a map filled from empty (a word count) otherwise
 * spends a third of its time in rebuilds at 1.46x steps (measured: 300k
 * WordNet tokens into a new map, 0.86x Map at 1.46x steps, 1.19x at 4x).
 * Small tables keep the small step, so that a map of 25 or 100 keys stays
 * compact (2 groups, not 5, for 25); big ones too, so that bytes per entry
 * stay low.
 */
const FAST_GROWTH_LOAD = 0.22;
const FAST_GROWTH_MIN = 8;
const FAST_GROWTH_MAX = 4096;
const SLOT_BYTES = [SLOT_BYTES_INT32, SLOT_BYTES_INT64, SLOT_BYTES_STR32, SLOT_BYTES_STR64] as const;

/**
 * A table whose slots and keys would pass this many bytes moves out of its
 * pool into an instance of its own, and one that shrinks under a quarter of
 * it moves back (the gap keeps a map that hovers around one size from moving
 * on every operation). At 1 MiB an own instance's fixed costs (a 64 KiB page
 * of scratch and statics, ~50 µs to create, a wasm memory reservation) are
 * under 7% of what it holds, and its memory goes back to the engine as soon
 * as the map shrinks, clears or is disposed; below it, a pool's heap packs
 * tables with no per-map page and reuses freed blocks.
 */
const OWN_BYTES = 1 << 20;

/** Why a table is rebuilt; `need` in `groupsFor` is entries ('create', 'reserve') or arena bytes ('arena'). */
export type Rebuild = 'create' | 'grow' | 'widen' | 'shrink' | 'compact' | 'arena' | 'reserve';

function groupsAt(entries: number, load: number): number {
  return Math.max(1, Math.ceil(entries / load / GROUP));
}

/** Groups of the table a rebuild for `why` makes, from `oldGroups` groups holding `items` entries. */
export function groupsFor(why: Rebuild, items: number, oldGroups: number, need: number): number {
  switch (why) {
    case 'create': return groupsAt(Math.max(1, need), MAX_LOAD);
    case 'reserve': return Math.max(oldGroups, groupsAt(need, REBUILD_LOAD));
    case 'grow': {
      const fast = groupsAt(items + 1, FAST_GROWTH_LOAD);
      return Math.max(oldGroups + 1, oldGroups >= FAST_GROWTH_MIN && fast <= FAST_GROWTH_MAX ? fast : groupsAt(items + 1, REBUILD_LOAD));
    }
    case 'widen': return Math.max(oldGroups, groupsAt(items + 1, REBUILD_LOAD));
    case 'shrink': return items === 0 ? 0 : groupsAt(items, REBUILD_LOAD);
    default: return Math.max(oldGroups, 1);
  }
}

/** Bytes of the slot block of `groups` groups of `layout`. */
export function slotBlockBytes(layout: number, groups: number): number {
  return groups * GROUP * (1 + SLOT_BYTES[layout as 0 | 1 | 2 | 3]);
}

/** Whether a table of `bytes` (slots and keys) belongs in an own instance; `own`: it is in one now. */
export function belongsInOwn(bytes: number, own: boolean): boolean {
  return own ? bytes >= OWN_BYTES / 4 : bytes > OWN_BYTES;
}
