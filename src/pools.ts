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
// header (56 bytes) for the registry, so no block is freed twice and no
// header is reused while a stale reference to its map exists.

import { Core } from './core.js';

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

/** One shared instance and the tables it hosts. */
export class Pool extends Core {
  /** Headers allocated here and not yet freed (live maps, and disposed ones not yet collected). */
  tables = 0;
  /** Own instances of the big maps whose headers live here, by header. */
  readonly owners = new Map<number, Core>();
  /** Frees the header (and table) of a map that became garbage. */
  readonly registry: FinalizationRegistry<number>;

  constructor() {
    super();
    this.registry = new FinalizationRegistry((t: number) => freeHeader(this, t));
  }

  /** Heap bytes that tables hold in this pool. */
  inUse(): number {
    return this.ex.heap_in_use();
  }
}

/** A big map's instance: its one table, and the header it keeps in its pool. */
export class Own extends Core {
  constructor(readonly home: Pool, readonly homeT: number) {
    super();
  }
}

/** @internal Every live pool, the current one included. */
export const pools: Pool[] = [];
let current: Pool | null = null;

/** The pool a new table goes to. */
export function poolForNewTable(): Pool {
  if (current !== null && current.inUse() < POOL_SOFT_BYTES) return current;
  let pick: Pool | null = null;
  for (const p of pools) {
    if (p !== current && p.inUse() < POOL_REUSE_BYTES && (pick === null || p.inUse() < pick.inUse())) pick = p;
  }
  if (pick === null) {
    pick = new Pool();
    pools.push(pick);
  }
  current = pick;
  return pick;
}

/** Frees a header (and whatever table it still has): its map is gone, or was never made. */
export function freeHeader(pool: Pool, t: number): void {
  pool.owners.delete(t);
  pool.ex.header_free(t);
  pool.tables--;
  if (pool.tables === 0) maybeDrop(pool);
}

function maybeDrop(pool: Pool): void {
  if (pool === current && pool.bytes <= KEEP_EMPTY_POOL_BYTES) return;
  const i = pools.indexOf(pool);
  if (i >= 0) pools.splice(i, 1);
  if (pool === current) current = null;
}
