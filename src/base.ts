import { Core, MAX_MEMORY_BYTES } from './core.js';
import {
  DONE_REBUILD, ERR_GROW, ERR_KEY, ERR_MEMORY, ERR_OVERFLOW, ERR_STEP, ERR_WIDEN, LAYOUT_NAMES,
} from './codes.js';
import { checkCount, checkStep, describe, disposedError, memoryError, modifiedError, overflowError } from './errors.js';
import type { CounterMapOptions, CounterMapStats } from './types.js';

/** Operations the slow path (settle) can run again after a rebuild. */
export const OP_GET = 0;
export const OP_INCR = 1;
export const OP_SET = 2;
export const OP_DELETE = 3;
export type Op = typeof OP_GET | typeof OP_INCR | typeof OP_SET | typeof OP_DELETE;

/** "Not run yet": settle validates the arguments, then runs the op. */
export const NOT_RUN = -100;

/**
 * A rebuild sizes the table so that it is this full afterwards. 0.6 keeps a
 * growth step under 1.46x (7/8 / 0.6), which is what holds an int map of
 * small keys under 16 bytes per entry at any size; shrinking to it leaves
 * room to grow back without an immediate rebuild.
 */
const REBUILD_LOAD = 0.6;
/**
 * Small tables grow 4x a step instead: each rebuild is a new instance, and
 * V8 charges instances (address-space reservations, GCs to reclaim them)
 * far more than the few KiB a roomier small table costs.
 */
const SMALL_GROWTH_LOAD = 0.22;
const SMALL_TABLE_SLOTS = 1 << 16;
const MAX_LOAD = 7 / 8;
const GROUP = 16;

function groupsFor(entries: number, load: number): number {
  return Math.max(1, Math.ceil(entries / load / GROUP));
}

function randomSeed(): Uint32Array {
  const seed = new Uint32Array(2);
  const c = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(seed);
  else for (let i = 0; i < 2; i++) seed[i] = (Math.random() * 2 ** 32) >>> 0;
  return seed;
}

/** A batch that stopped part way: `done` keys were applied, then `error`. */
export interface BatchStop {
  done: number;
  error: unknown;
}

type Rebuild = 'create' | 'grow' | 'widen' | 'shrink' | 'compact';

function* project<T extends [unknown, unknown], I extends 0 | 1>(entries: Iterator<T>, i: I): IterableIterator<T[I]> {
  for (let r = entries.next(); !r.done; r = entries.next()) yield r.value[i];
}

/**
 * What CounterMap and IntCounterMap share: the life cycle of the core
 * instance (create, rebuild, drop), the slow path behind every operation,
 * iteration, mostCommon and stats. Subclasses supply key handling.
 */
export abstract class CounterMapBase<K> {
  /** @internal null while the map holds no memory: new, cleared, emptied or disposed. */
  protected _core: Core | null = null;
  /** @internal */
  protected _disposed = false;
  /** @internal Bumped by every mutating call; live iterators compare it. */
  protected _version = 0;
  /** @internal */
  private _rebuilds = 0;
  /** @internal */
  private readonly _seed = randomSeed();
  /** @internal */
  private readonly _maxBytes: number;
  /** @internal */
  private readonly _initialCapacity: number;

  /** @internal */
  protected abstract readonly _name: string;
  /** @internal */
  protected abstract readonly _narrowLayout: number;
  /** @internal */
  protected abstract readonly _wideLayout: number;

  /** @internal Runs one op on the current core; returns the core's result or code. */
  protected abstract _run(op: Op, key: K, arg: number): number;
  /** @internal Throws the TypeError/RangeError for a bad key; returns when it is fine. */
  protected abstract _checkKey(key: K): void;
  /** @internal Copies every entry of `from` into the empty `to`. */
  protected abstract _transfer(from: Core, to: Core): void;
  /** @internal The key of the index-th 16-byte entry reference in the core's scratch. */
  protected abstract _refKey(core: Core, index: number): K;

  constructor(options: CounterMapOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`options must be an object, got ${describe(options)}`);
    }
    const { initialCapacity = 0, maxBytes = MAX_MEMORY_BYTES } = options;
    if (typeof initialCapacity !== 'number') throw new TypeError(`initialCapacity must be a number, got ${describe(initialCapacity)}`);
    if (!Number.isSafeInteger(initialCapacity) || initialCapacity < 0) {
      throw new RangeError(`initialCapacity must be a safe integer >= 0, got ${describe(initialCapacity)}`);
    }
    if (typeof maxBytes !== 'number') throw new TypeError(`maxBytes must be a number, got ${describe(maxBytes)}`);
    if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be > 0, got ${describe(maxBytes)}`);
    this._maxBytes = Math.min(maxBytes, MAX_MEMORY_BYTES);
    this._initialCapacity = initialCapacity;
  }

  // ---- life cycle ----------------------------------------------------------

  /** @internal */
  protected _alive(): void {
    if (this._disposed) throw disposedError(this._name);
  }

  /**
   * @internal
   * Moves the entries to a fresh core sized for them (or drops the core when
   * the map is empty). On any failure the old core stays in place untouched.
   */
  protected _rebuild(why: Rebuild): void {
    const old = this._core;
    const items = old === null ? 0 : old.ex.size();
    if (why === 'shrink' && items === 0) {
      this._core = null;
      this._rebuilds++;
      return;
    }
    let layout = old === null ? this._narrowLayout : old.ex.layout_id();
    let groups: number;
    if (old === null) {
      groups = groupsFor(Math.max(1, this._initialCapacity), MAX_LOAD);
    } else {
      const oldGroups = old.ex.capacity_slots() / GROUP;
      if (why === 'grow') {
        const small = groupsFor(items + 1, SMALL_GROWTH_LOAD);
        groups = Math.max(oldGroups + 1, small * GROUP <= SMALL_TABLE_SLOTS ? small : groupsFor(items + 1, REBUILD_LOAD));
      }
      else if (why === 'widen') groups = Math.max(oldGroups, groupsFor(items + 1, REBUILD_LOAD));
      else if (why === 'compact') groups = oldGroups;
      else groups = groupsFor(items, REBUILD_LOAD);
      if (why === 'widen') layout = this._wideLayout;
    }
    const arenaBytes = old === null ? 0 : old.ex.arena_bytes() - old.ex.arena_garbage();
    const fresh = Core.create(this._name, layout, groups, this._seed, arenaBytes, this._maxBytes);
    if (old !== null) {
      try {
        this._transfer(old, fresh);
      } catch (e) {
        throw e instanceof RangeError ? e : memoryError(this._name, fresh.bytes, this._maxBytes, e);
      }
    }
    this._core = fresh;
    this._rebuilds++;
  }

  /**
   * @internal
   * The slow path of every single-key operation: validates arguments, makes
   * the core on first use, rebuilds on ERR_GROW / ERR_WIDEN and retries,
   * rebuilds smaller after DONE_REBUILD, and turns other codes into errors.
   * `r` is the fast path's result, or NOT_RUN.
   */
  protected _settle(r: number, op: Op, key: K, arg: number): number {
    let compacted = false;
    for (;;) {
      if (r >= 0) return r;
      switch (r) {
        case DONE_REBUILD:
          this._shrink();
          return op === OP_DELETE ? 1 : 0;
        case NOT_RUN:
          this._alive();
          this._checkKey(key);
          if (op === OP_INCR) checkStep(arg);
          else if (op === OP_SET) checkCount(arg);
          if (this._core === null) {
            // An empty map answers reads, deletes and decrements by itself.
            if (op === OP_GET || op === OP_DELETE || arg <= 0) return 0;
            this._rebuild('create');
          }
          break;
        case ERR_GROW:
          this._rebuild('grow');
          break;
        case ERR_WIDEN:
          this._rebuild('widen');
          break;
        case ERR_OVERFLOW:
          throw overflowError(key, this._run(OP_GET, key, 0), arg);
        case ERR_KEY:
          this._checkKey(key);
          throw new RangeError(`${this._name} key ${describe(key)} was refused`);
        case ERR_STEP:
          if (op === OP_SET) checkCount(arg);
          checkStep(arg);
          throw new RangeError(`bad step ${describe(arg)}`);
        case ERR_MEMORY:
          // Erased string keys still take arena bytes: drop them and retry once.
          if (!compacted && this._garbage() > 0) {
            compacted = true;
            this._rebuild('compact');
            break;
          }
          throw memoryError(this._name, this._core === null ? 0 : this._core.bytes + 65536, this._maxBytes);
        default:
          throw new Error(`${this._name}: unexpected core status ${r}`);
      }
      r = this._run(op, key, arg);
    }
  }

  /**
   * @internal
   * Applies a validated batch in core-sized chunks (subclasses write them;
   * `flush` returns how many of them were applied, throwing `BatchStop`-style
   * errors through `stop`). Shared here is the atomicity: when the batch
   * stops part way, the applied prefix is undone with the opposite step, which
   * cannot fail (a negative step never needs memory), and the error rethrown.
   */
  protected _batch(apply: (from: number, to: number, by: number) => BatchStop | null, n: number, by: number): void {
    if (n === 0 || by === 0) return;
    this._version++;
    const stop = apply(0, n, by);
    if (stop === null) return;
    if (stop.done > 0) apply(0, stop.done, -by);
    throw stop.error;
  }

  /**
   * @internal
   * Handles a chunk's status: ERR_GROW/ERR_WIDEN rebuild (the chunk resumes
   * at the key that stopped), others stop the batch. Returns null to resume.
   */
  protected _chunkStatus(r: number, at: number): BatchStop | null {
    try {
      if (r === ERR_GROW) this._rebuild('grow');
      else if (r === ERR_WIDEN) this._rebuild('widen');
      else if (r === ERR_OVERFLOW) return { done: at, error: new RangeError(`a count would pass Number.MAX_SAFE_INTEGER (at key ${at} of the batch); the map is unchanged`) };
      else if (r === ERR_MEMORY && this._garbage() > 0) this._rebuild('compact');
      else if (r === ERR_MEMORY) return { done: at, error: memoryError(this._name, (this._core?.bytes ?? 0) + 65536, this._maxBytes) };
      else return { done: at, error: new Error(`${this._name}: unexpected core status ${r} at batch index ${at}`) };
    } catch (e) {
      return { done: at, error: e };
    }
    return null;
  }

  /** @internal Bytes of erased string keys a compaction would give back. */
  private _garbage(): number {
    return this._core === null ? 0 : this._core.ex.arena_garbage();
  }

  /**
   * @internal Rebuilds smaller (or drops the core when empty). Only ever
   * called after an operation has completed, so a failure here (the engine
   * refusing a new memory) must not turn that success into an error: the map
   * keeps its larger table and stays correct.
   */
  protected _shrink(): void {
    try {
      this._rebuild('shrink');
    } catch {
      // Keep the current table.
    }
  }

  /** @internal After a batch of decrements: rebuild smaller if the core asks. */
  protected _maybeShrink(): void {
    const c = this._core;
    if (c !== null && c.ex.advice()) this._shrink();
  }

  /** @internal The core, created if missing; null only when `create` is false. */
  protected _coreFor(create: boolean): Core | null {
    if (this._core === null && create) this._rebuild('create');
    return this._core;
  }

  /** @internal from(): counts each key, or adds each [key, count] pair. */
  protected _addAll(iterable: Iterable<K | readonly [K, number]>): this {
    for (const item of iterable) {
      if (Array.isArray(item)) this.incr(item[0] as K, item[1] as number);
      else this.incr(item as K);
    }
    return this;
  }

  // ---- the Map-like surface -------------------------------------------------

  /** Live entries. */
  get size(): number {
    this._alive();
    return this._core === null ? 0 : this._core.ex.size();
  }

  /** Removes every entry and gives the memory back. */
  clear(): void {
    this._alive();
    this._version++;
    this._core = null;
  }

  /** Frees the map's memory now; any later call throws. */
  dispose(): void {
    this._core = null;
    this._disposed = true;
    this._version++;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  abstract get(key: K): number;
  abstract incr(key: K, by?: number): number;

  /** Whether the key is present (its count is >= 1). */
  has(key: K): boolean {
    return this.get(key) > 0;
  }

  /** Same as incr(key, -by): subtracts, deleting the key at 0 or below. */
  decr(key: K, by: number = 1): number {
    // Checked here so the error names the step the caller passed, not -by.
    if (!Number.isSafeInteger(by)) checkStep(by);
    return this.incr(key, -by);
  }

  /**
   * [key, count] entries in table order. The walk reads the table in chunks;
   * a change to the map after it started makes its next step throw, rather
   * than skip or repeat entries.
   */
  entries(): IterableIterator<[K, number]> {
    this._alive();
    return this._walk(this._core, this._version);
  }

  /** @internal */
  /** @internal Checked at every step, the first and the last included. */
  private *_walk(core: Core | null, version: number): IterableIterator<[K, number]> {
    const cap = core === null ? 0 : core.ex.capacity_slots();
    let cursor = 0;
    while (cursor < cap) {
      if (this._version !== version) throw modifiedError(this._name);
      cursor = core!.ex.read_refs(cursor);
      const n = core!.ex.chunk_count();
      const chunk: [K, number][] = new Array(n);
      const f64 = core!.u8.length === 0 ? (core!.refresh(), core!.f64) : core!.f64;
      for (let j = 0; j < n; j++) chunk[j] = [this._refKey(core!, j), f64[2 * j + 1]!];
      for (let j = 0; j < n; j++) {
        if (this._version !== version) throw modifiedError(this._name);
        yield chunk[j]!;
      }
    }
    if (this._version !== version) throw modifiedError(this._name);
  }

  keys(): IterableIterator<K> {
    return project(this.entries(), 0);
  }

  values(): IterableIterator<number> {
    return project(this.entries(), 1);
  }

  [Symbol.iterator](): IterableIterator<[K, number]> {
    return this.entries();
  }

  /** Calls fn(count, key, map) for each entry, like Map#forEach. */
  forEach(fn: (count: number, key: K, map: this) => void, thisArg?: unknown): void {
    if (typeof fn !== 'function') throw new TypeError(`forEach needs a function, got ${describe(fn)}`);
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  /**
   * The n entries with the highest counts, highest first (ties in no set
   * order); every entry when n is omitted. Selected in wasm.
   */
  mostCommon(n?: number): Array<[K, number]> {
    this._alive();
    if (n !== undefined) {
      if (typeof n !== 'number') throw new TypeError(`mostCommon(n): n must be a number, got ${describe(n)}`);
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`mostCommon(n): n must be a safe integer >= 0, got ${describe(n)}`);
    }
    const core = this._core;
    if (core === null) return [];
    const k = Math.min(n ?? Infinity, core.ex.size());
    const got = core.ex.top_k(k);
    if (got < 0) {
      // No memory for the selection heap (a map at its maxBytes budget):
      // select in JS instead, which needs none in wasm.
      return [...this._walk(core, this._version)].sort((a, b) => b[1] - a[1]).slice(0, k);
    }
    core.view();
    const out: Array<[K, number]> = new Array(got);
    let at = 0;
    while (at < got) {
      const m = core.ex.read_top(at);
      for (let j = 0; j < m; j++) out[at + j] = [this._refKey(core, j), core.f64[2 * j + 1]!];
      at += m;
    }
    return out;
  }

  /** Numbers for monitoring; probe lengths cost one pass over the table. */
  stats(): CounterMapStats {
    this._alive();
    const c = this._core;
    if (c === null) {
      return {
        size: 0, capacity: 0, tombstones: 0, loadFactor: 0, bytes: 0, bytesPerEntry: 0, tableBytes: 0,
        keyBytes: 0, garbageBytes: 0, probeLengthMean: 0, probeLengthMax: 0, layout: 'none',
        rebuilds: this._rebuilds, maxBytes: this._maxBytes,
      };
    }
    const ex = c.ex;
    const size = ex.size();
    const capacity = ex.capacity_slots();
    ex.probe_stats();
    const bytes = c.bytes;
    return {
      size,
      capacity,
      tombstones: ex.tombstone_count(),
      loadFactor: size / capacity,
      bytes,
      bytesPerEntry: size === 0 ? 0 : bytes / size,
      tableBytes: ex.table_bytes() >>> 0,
      keyBytes: ex.arena_bytes() >>> 0,
      garbageBytes: ex.arena_garbage() >>> 0,
      probeLengthMean: size === 0 ? 0 : ex.probe_sum() / size,
      probeLengthMax: ex.probe_max(),
      layout: LAYOUT_NAMES[ex.layout_id()]!,
      rebuilds: this._rebuilds,
      maxBytes: this._maxBytes,
    };
  }

  /** The entries as [key, count] pairs (JSON has no Map). */
  toJSON(): Array<[K, number]> {
    return [...this.entries()];
  }

  get [Symbol.toStringTag](): string {
    return this._name;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this._disposed) return `${this._name} <disposed>`;
    const shown: string[] = [];
    for (const [k, v] of this.entries()) {
      if (shown.length === 20) {
        shown.push('…');
        break;
      }
      shown.push(`${JSON.stringify(k)} => ${v}`);
    }
    return `${this._name}(${this.size}) {${shown.length ? ' ' + shown.join(', ') + ' ' : ''}}`;
  }
}
