/** Options for `new CounterMap(options)` and `new IntCounterMap(options)`. */
export interface CounterMapOptions {
  /** Entries to make room for up front, so counting that many never rebuilds the table. */
  initialCapacity?: number;
  /**
   * The most bytes of WebAssembly memory this map may hold. Growth that would
   * pass it throws a RangeError and keeps every entry. Default: 4 GiB (the
   * wasm32 limit).
   */
  maxBytes?: number;
}

/** What `stats()` reports: plain numbers a monitoring system can scrape. */
export interface CounterMapStats {
  /** Live entries (every one has a count >= 1). */
  size: number;
  /** Slots in the table (a multiple of 16). */
  capacity: number;
  /** Slots holding a tombstone of an erased key. */
  tombstones: number;
  /** size / capacity. */
  loadFactor: number;
  /** Bytes of WebAssembly memory this map holds now: its blocks in a shared pool (header, slots, keys), or its own memory (0 before its first insertion). */
  bytes: number;
  /** bytes / size (0 when empty). */
  bytesPerEntry: number;
  /** Bytes of the control bytes and slots. */
  tableBytes: number;
  /** Bytes of string keys in the arena, live and erased (CounterMap). */
  keyBytes: number;
  /** Bytes of erased string keys still in the arena, until the next rebuild. */
  garbageBytes: number;
  /** Mean groups of 16 slots a lookup of a live key visits (1 = its home group). */
  probeLengthMean: number;
  /** Most groups a lookup of a live key visits. */
  probeLengthMax: number;
  /** Slot layout: int32 slots are 8 bytes, str32 12 (a key of up to 8 bytes inline), int64 and str64 16 (widened for big keys or counts); none before the first insertion and after clear(). */
  layout: 'int32' | 'int64' | 'str32' | 'str64' | 'none';
  /** Where the table lives: `shared` (a pool instance hosting many maps), `own` (a big map's own instance and memory), or `none` (no memory yet). */
  memory: 'shared' | 'own' | 'none';
  /** Times the table was rebuilt: grown, shrunk, widened, or moved between a pool and its own instance (compacting a pooled arena is not counted). */
  rebuilds: number;
  /** The budget from options.maxBytes. */
  maxBytes: number;
}

declare global {
  // Declared as @types/node does, so that `[Symbol.dispose]()` in these
  // declarations type-checks in projects whose lib lacks ESNext.Disposable
  // (identical to the lib's own declaration where it has it).
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
