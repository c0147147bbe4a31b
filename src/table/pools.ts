// Pools: instances of the core that host many small tables, so that a map
// costs what its entries cost whether a process holds one map or a million
// (a map of its own instance costs at least 64 KiB, ~50 µs to make, and V8
// allows only a few thousand wasm memories per process).
//
// A wasm memory never shrinks, so one pool for every map would keep the peak
// of a program that once held a million maps forever (Go's never-shrinking
// map, golang/go#20135). Instead new tables go to the current pool until its
// heap holds POOL_SOFT_BYTES, then to another pool with room, or a new one;
// and a pool whose last table is gone is dropped, its memory given back to
// the engine (the current pool is kept while it is small, so that creating
// and dropping one map in a loop does not make an instance each time).
//
// A map's table header stays in its pool for the map's whole life, even when
// the table moves into an instance of its own (a big map): the header is the
// map's identity for the FinalizationRegistry, whose held value is the
// header's address. A map dropped without dispose() is reclaimed when the
// registry reports it; dispose() frees the table at once and leaves the
// header (60 bytes, a 64-byte heap block) for the registry, so no block is freed twice and no
// header is reused while a stale reference to its map exists.
//
// Registry callbacks run only after the current job (a synchronous loop)
// ends, so pooled maps dropped inside one job hold their blocks until then.
// An own instance, though, is held by its map alone (counted here through a
// registry that does not keep it alive): a big map dropped mid-job gives its
// memory back at the engine's next garbage collection.
//
// Since headers cannot move, a pool whose heap is mostly free gives memory
// back by being copied into a smaller memory (assembly/compact.ts): same
// addresses, so maps, iterators and the registry never notice.

import { Core, PAGE } from './core.js';
import { instantiateCore, isCompileFailure, type CoreExports } from './wasm.js';
import { R_HEAP_IN_USE, R_HEAP_TOP, STATS_HEAP } from './abi.js';

/**
 * A pool takes new tables until its heap holds this much. The allocator
 * (TLSF) doubles its memory whenever it runs out, so a pool filled to just
 * under a power of two (8 MiB) stays at that size instead of doubling to
 * 16 MiB for its last few tables. Measured with 200k maps of 25 keys
 * (91 MB in use): 32 MiB pools held 168 MB of memory (1.84x), these 101 MB
 * (1.10x) in 12 pools.
 */
const POOL_SOFT_BYTES = (8 << 20) - (512 << 10);
/** Another pool is reused for new tables when its heap holds less than this. */
const POOL_REUSE_BYTES = POOL_SOFT_BYTES >> 1;
/** The current pool is kept when it empties if its memory is at most this. */
const KEEP_EMPTY_POOL_BYTES = 1 << 20;
/**
 * A pool of at least this much memory whose tables hold at most a quarter of
 * it is copied into a smaller memory, when that gives back at least half.
 * Below 1 MiB the copy (a fresh instance, ~50 µs, and the bytes below the
 * cut) is not worth what it returns.
 */
const COMPACT_MIN_BYTES = 1 << 20;

/** One shared instance and the tables it hosts. */
export class Pool extends Core {
  /** Headers allocated here and not yet freed (live maps, and disposed ones not yet collected). */
  tables = 0;
  /** Frees the header (and table) of a map that became garbage. */
  readonly registry: FinalizationRegistry<number>;
  /** A copy into a smaller memory is queued. */
  compactQueued = false;

  constructor() {
    super();
    this.registry = new FinalizationRegistry((t: number) => freeHeader(this, t));
  }

  /** Heap bytes that tables hold in this pool. */
  inUse(): number {
    this.ex.table_stats(0, STATS_HEAP);
    return this.result(R_HEAP_IN_USE);
  }
}

/** An own instance's bytes as last counted; the registry's held value (it must not hold the instance). */
interface OwnAccount {
  bytes: number;
}

/** Own instances not yet disposed, cleared, moved back or collected, and their bytes. */
let ownCount = 0;
let ownBytes = 0;
const ownRegistry = new FinalizationRegistry((a: OwnAccount) => {
  refused = false;
  ownCount--;
  ownBytes -= a.bytes;
});

/** @internal The own instances counted now, and their bytes (memoryStats). */
export function ownTotals(): { count: number; bytes: number } {
  return { count: ownCount, bytes: ownBytes };
}

/**
 * A big map's instance: its one table, and the header it keeps in its pool.
 * Only its map refers to it, so a dropped map's memory goes with the map.
 */
export class Own extends Core {
  private readonly _account: OwnAccount = { bytes: 0 };

  constructor(readonly home: Pool, readonly homeT: number) {
    super();
  }

  /** Counts this instance in memoryStats() from now on (its table moved in). */
  open(): void {
    ownCount++;
    this._account.bytes = 0;
    this.recount();
    ownRegistry.register(this, this._account, this);
  }

  /** Brings memoryStats() up to date after the memory grew. */
  recount(): void {
    const b = this.bytes;
    ownBytes += b - this._account.bytes;
    this._account.bytes = b;
  }

  /** Stops counting it: the table left (cleared, disposed, moved back). */
  close(): void {
    if (!ownRegistry.unregister(this)) return;
    refused = false;
    ownCount--;
    ownBytes -= this._account.bytes;
  }
}

/** @internal Every live pool, the current one included. */
export const pools: Pool[] = [];
let current: Pool | null = null;

/**
 * The pool a new table goes to. When the engine refuses a new pool, the one
 * with the most free heap takes the table instead, if there is one; else the
 * engine's error is thrown (the caller words it).
 */
export function poolForNewTable(): Pool {
  if (current !== null && (current.inUse() < POOL_SOFT_BYTES || refused)) return current;
  let pick: Pool | null = null;
  for (const p of pools) {
    if (p !== current && p.inUse() < POOL_REUSE_BYTES && (pick === null || p.inUse() < pick.inUse())) pick = p;
  }
  if (pick === null) {
    try {
      pick = new Pool();
      pools.push(pick);
    } catch (e) {
      // A core that cannot compile (a Content-Security-Policy) is not memory.
      if (isCompileFailure(e)) throw e;
      // A refused instance costs the engine several full collections (it
      // retries after each): no new pool is tried again until memory came back.
      refused = true;
      for (const p of pools) if (pick === null || p.bytes - p.inUse() > pick.bytes - pick.inUse()) pick = p;
      if (pick === null) throw e;
    }
  }
  current = pick;
  return pick;
}

/**
 * The engine refused the last new pool: the current pool then takes new
 * tables past POOL_SOFT_BYTES (its memory grows while the engine allows).
 * Cleared when a pool is dropped or an own instance lets go of its memory.
 */
let refused = false;

/** Frees a header (and whatever table it still has): its map is gone, or was never made. */
export function freeHeader(pool: Pool, t: number): void {
  pool.ex.header_free(t);
  pool.tables--;
  if (pool.tables === 0) maybeDrop(pool);
  else tablesFreed(pool);
}

/**
 * Called when tables in `pool` gave blocks back: a pool whose heap is now
 * mostly free is queued for a copy into a smaller memory. The copy runs as a
 * microtask, when no call into the pool is on the stack (a call may hold its
 * exports or a view of its memory).
 */
export function tablesFreed(pool: Pool): void {
  if (pool.compactQueued || pool.bytes < COMPACT_MIN_BYTES || pool.inUse() * 4 > pool.bytes) return;
  pool.compactQueued = true;
  queueMicrotask(() => compactPool(pool));
}

/**
 * @internal Copies `pool` into a fresh instance whose memory ends just past
 * its last used block (assembly/compact.ts); the old memory goes back to the
 * engine with the old instance. Returns the bytes given back (0 when the
 * pool is gone, not sparse enough, or the engine refuses the new instance:
 * the pool then stays as it is).
 */
export function compactPool(pool: Pool): number {
  pool.compactQueued = false;
  const bytes = pool.bytes;
  if (!pools.includes(pool) || bytes < COMPACT_MIN_BYTES || pool.inUse() * 4 > bytes) return 0;
  pool.ex.table_stats(0, STATS_HEAP);
  const top = pool.result(R_HEAP_TOP);
  if (top === 0) return 0;
  const end = Math.ceil((top + 64) / PAGE) * PAGE;
  if (end * 2 > bytes) return 0;
  let ex: CoreExports;
  try {
    ex = instantiateCore();
    if (!ex.heap_adopt(end / PAGE)) return 0;
    new Uint8Array(ex.memory.buffer).set(pool.view().subarray(0, top + 16));
    ex.heap_cut(top, pool.inUse());
    // The copy carries static data, not globals: the tokenizer's tally (its
    // slots may hold a flush that moved to another instance) starts empty.
    ex.tally_reset();
    // Only a copy whose allocator reads back whole is adopted; anything else
    // (a refused instance, a trap) leaves the pool as it was.
    if (!ex.heap_check()) return 0;
  } catch {
    return 0;
  }
  pool.ex = ex;
  pool.refresh();
  return bytes - pool.bytes;
}

function maybeDrop(pool: Pool): void {
  if (pool === current && pool.bytes <= KEEP_EMPTY_POOL_BYTES) return;
  const i = pools.indexOf(pool);
  if (i >= 0) pools.splice(i, 1);
  refused = false;
  if (pool === current) current = null;
}
