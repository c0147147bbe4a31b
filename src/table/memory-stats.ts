// memoryStats(): the process-wide view of the WebAssembly memory tophash
// holds. Kept apart from pools.ts so that its declarations name no internals.
import { ownTotals, pools } from './pools.js';

/** What `memoryStats()` reports: the WebAssembly memory of every map in this process (or page). */
export interface MemoryStats {
  /** Shared instances (pools) hosting small maps. */
  pools: number;
  /** Bytes of the pools' memories. */
  poolBytes: number;
  /** Bytes of those that tables hold now (the rest is free heap, reused by the next tables). */
  poolBytesInUse: number;
  /** Maps whose table lives in a pool (disposed ones count until they are garbage collected). */
  pooledMaps: number;
  /** Big maps whose table owns an instance and memory of its own. */
  ownMaps: number;
  /** Bytes of those own memories. */
  ownBytes: number;
}

/**
 * The WebAssembly memory that tophash holds in this process (or page): the
 * shared pools and the big maps' own memories. `stats().bytes` of each map
 * adds up to `poolBytesInUse + ownBytes`, give or take maps not yet collected.
 */
export function memoryStats(): MemoryStats {
  let poolBytes = 0;
  let inUse = 0;
  let tables = 0;
  for (const p of pools) {
    poolBytes += p.bytes;
    inUse += p.inUse();
    tables += p.tables;
  }
  const own = ownTotals();
  return { pools: pools.length, poolBytes, poolBytesInUse: inUse, pooledMaps: Math.max(0, tables - own.count), ownMaps: own.count, ownBytes: own.bytes };
}
