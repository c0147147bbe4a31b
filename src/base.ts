import { Core, MAX_MEMORY_BYTES, PAGE } from './core.js';
import { isCompileFailure } from './wasm.js';
import { Own, Pool, poolForNewTable, freeHeader, tablesFreed } from './pools.js';
import {
  DONE_REBUILD, ERR_ARENA, ERR_GROW, ERR_KEY, ERR_MEMORY, ERR_OVERFLOW, ERR_STEP, ERR_WIDEN, LAYOUT_NAMES,
} from './codes.js';
import { checkCount, checkStep, describe, disposedError, memoryError, modifiedError, overflowError, reentrantError } from './errors.js';
import type { CounterMapOptions, CounterMapStats } from './types.js';
import { applyBytes, CorruptRecordsError, type RecordSink } from './records.js';
import { mergeTable } from './merge.js';
import { writeSnapshot } from './snapshot.js';
import { compareKeys } from './key-order.js';
import { GROUP, H_ARENA_CAP, H_ARENA_USED, H_GARBAGE, H_GROUPS, H_ITEMS, H_LAYOUT, H_REBUILDS, H_SEED, H_TOMBSTONES, H_VERSION, KEEP_TABLE_BYTES, MARK_NEXT_SEED, MARK_REBUILD, MARK_SEED, MARK_VERSION, MAX_ARENA_BYTES, R_ARENA_NEED, R_CAPACITY_SLOTS, R_CHUNK_COUNT, R_HELD_BYTES, R_PROBE_MAX, R_PROBE_SUM, R_REFUSED_BYTES, R_TABLE_BYTES, SLOT_BYTES_INT32, SLOT_BYTES_INT64, SLOT_BYTES_STR32, SLOT_BYTES_STR64, STATS_ADVICE, STATS_PROBES, STATS_TOTAL } from './abi.js';

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
 * room to grow back without an immediate rebuild. Inside a pool a rebuild is
 * a heap block and a pass in wasm (~10 ns an entry), so small tables grow by
 * the same step: a 25-key map then holds 2 groups (288 bytes of slots).
 */
const REBUILD_LOAD = 0.6;
const MAX_LOAD = 7 / 8;
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

function groupsFor(entries: number, load: number): number {
  return Math.max(1, Math.ceil(entries / load / GROUP));
}

function tableBytesFor(layout: number, groups: number): number {
  return groups * GROUP * (1 + SLOT_BYTES[layout as 0 | 1 | 2 | 3]);
}

/**
 * The calls that read input which may run the caller's code. While one of
 * them reads, its map's `_t` is -2 - (the call's index here) and `_c` is
 * null: code that reading runs (a getter, an iterator, a Proxy trap, a
 * subclass method) and that calls back into the map finds it busy on the
 * slow path every call already takes for a map with no table, so the fast
 * paths check nothing. (-1 is a disposed map.)
 */
const READING_CALLS = ['incrMany', 'merge', 'countTokens', 'tokenCounter'] as const;
export type ReadingCall = (typeof READING_CALLS)[number];

/** `_t` of a map busy reading the input of `call`. */
function busyMark(call: ReadingCall): number {
  return -2 - READING_CALLS.indexOf(call);
}

/** A batch that stopped part way: `done` keys were applied, then `error`. */
export interface BatchStop {
  done: number;
  error: unknown;
}

type Rebuild = 'create' | 'grow' | 'widen' | 'shrink' | 'compact' | 'arena' | 'reserve';

interface Options {
  readonly maxBytes: number;
  readonly initialCapacity: number;
  /**
   * Not an option: structuredClone and postMessage would copy a map's fields
   * (a pointer into wasm memory) as a plain object, or fail on the core with
   * a message about a native function. A Symbol cannot be cloned, and the
   * engine names it in the DataCloneError, so this value is the message.
   */
  readonly noClone: symbol;
}

// Short: newer V8s cut a long description out of the middle of the message.
const NO_CLONE = Symbol('tophash map: send map.snapshot() and rebuild it with fromSnapshot(bytes)');

const DEFAULT_OPTIONS: Options = Object.freeze({ maxBytes: MAX_MEMORY_BYTES, initialCapacity: 0, noClone: NO_CLONE });

function* project<T extends [unknown, unknown], I extends 0 | 1>(entries: Iterator<T>, i: I): IterableIterator<T[I]> {
  for (let r = entries.next(); !r.done; r = entries.next()) yield r.value[i];
}

/** The engine refused memory inside the core: the allocator traps (a RuntimeError). */
function isTrap(e: unknown): boolean {
  return e instanceof WebAssembly.RuntimeError;
}

/** The highest count in table `t` of `c`: selected in wasm, or found by a walk of the slots when there is no memory for that. */
function maxCount(c: Core, t: number): number {
  let got: number;
  try {
    got = c.ex.top_k(t, 1);
  } catch (e) {
    if (!isTrap(e)) throw e;
    got = -1;
  }
  if (got >= 0) {
    try {
      if (got === 0) return 0;
      c.ex.read_top(t, 0);
      return (c.u8.length === 0 ? (c.refresh(), c.f64) : c.f64)[1]!;
    } finally {
      c.ex.top_free();
    }
  }
  const cap = c.h32(t, H_GROUPS) * GROUP;
  let top = 0;
  for (let cursor = 0; cursor < cap;) {
    cursor = c.ex.read_refs(t, cursor);
    const n = c.result(R_CHUNK_COUNT);
    const f64 = c.u8.length === 0 ? (c.refresh(), c.f64) : c.f64;
    for (let j = 0; j < n; j++) top = Math.max(top, f64[2 * j + 1]!);
  }
  return top;
}


/**
 * What CounterMap and IntCounterMap share: where the table lives (a pool, or
 * an instance of its own), the slow path behind every operation, rebuilds,
 * iteration, mostCommon and stats. Subclasses supply key handling.
 *
 * A map is three fields, so that a million of them cost little on the JS
 * heap; everything else (size, version, seed, rebuild count) is in the
 * table's header in wasm memory.
 */
export abstract class CounterMapBase<K> {
  /** @internal First, so that structuredClone meets its NO_CLONE before the core. */
  private readonly _o: Options;
  /** @internal The instance the table lives in; null before the first insertion and after dispose(). */
  protected _c: Core | null = null;
  /** @internal The table's header in `_c`; 0 before the first insertion, -1 after dispose(). */
  protected _t = 0;

  /** @internal */
  protected abstract get _name(): string;
  /** @internal */
  protected abstract get _narrowLayout(): number;
  /** @internal */
  protected abstract get _wideLayout(): number;

  /** @internal Runs one op on the current table; returns the core's result or code. */
  protected abstract _run(op: Op, key: K, arg: number): number;
  /** @internal Throws the TypeError/RangeError for a bad key; returns when it is fine. */
  protected abstract _checkKey(key: K): void;
  /** @internal Copies every entry of table `ft` in `from` into the empty, presized table `tt` in `to`. */
  protected abstract _transfer(from: Core, ft: number, to: Core, tt: number): void;
  /** @internal The key of the index-th 16-byte entry reference in the core's scratch. */
  protected abstract _refKey(core: Core, index: number): K;
  /** @internal The kind byte of this map's snapshots (snapshot.ts). */
  protected abstract get _kind(): number;

  constructor(options?: CounterMapOptions) {
    if (options === undefined) {
      this._o = DEFAULT_OPTIONS;
      return;
    }
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
    this._o = { maxBytes: Math.min(maxBytes, MAX_MEMORY_BYTES), initialCapacity, noClone: NO_CLONE };
  }

  // ---- where the table lives --------------------------------------------------

  /** @internal Throws for a disposed map, and for a call into a map that is reading a call's input. */
  protected _alive(): void {
    if (this._t < 0) throw this._t === -1 ? disposedError(this._name) : this._reentrant();
  }

  /** @internal The error for a call refused because the map is busy. */
  private _reentrant(): TypeError {
    return reentrantError(this._name, READING_CALLS[-2 - this._t]!);
  }

  /**
   * @internal Runs `read`, which reads the input of `call` and may run the
   * caller's code, while the map refuses every call (and holds no table, as
   * far as that code can tell). Nothing of the map may be touched inside it.
   */
  protected _reading<T>(call: ReadingCall, read: () => T): T {
    this._alive();
    const c = this._c;
    const t = this._t;
    this._c = null;
    this._t = busyMark(call);
    try {
      return read();
    } finally {
      this._c = c;
      this._t = t;
    }
  }

  /** @internal The pool holding this map's header, and the header. */
  private _home(): [Pool, number] {
    const c = this._c!;
    return c instanceof Own ? [c.home, c.homeT] : [c as Pool, this._t];
  }

  /**
   * @internal The map's first insertion: a header in a pool, and its table.
   * The header is registered for reclaiming only once the table exists; if
   * making the table fails, the header is freed and the map holds nothing,
   * exactly as before the call.
   */
  private _create(revocable = false, capacity = this._o.initialCapacity): void {
    let pool: Pool;
    try {
      pool = poolForNewTable();
    } catch (e) {
      if (isCompileFailure(e)) throw e;
      throw memoryError(this._name, PAGE, this._o.maxBytes, e);
    }
    let t: number;
    try {
      t = pool.ex.header_new(this._narrowLayout) >>> 0;
    } catch (e) {
      throw memoryError(this._name, 64, this._o.maxBytes, e);
    }
    pool.tables++;
    this._c = pool;
    this._t = t;
    try {
      this._rebuild('create', capacity);
    } catch (e) {
      freeHeader(pool, t);
      this._c = null;
      this._t = 0;
      throw e;
    }
    // A revocable registration (the map as its token: ~40 bytes more) lets
    // _abandon() take the header back; plain insertions never need that.
    if (revocable) pool.registry.register(this, t, this);
    else pool.registry.register(this, t);
  }

  /**
   * @internal After a call that made this map's table (it held none before)
   * and left it empty (nothing counted, or everything taken back): gives the
   * header back too, so the map holds no memory, exactly as before the call.
   * Only a table made by `_coreFor(true, true)` can be given back.
   */
  protected _abandon(): void {
    const c = this._c;
    if (c === null || c.h32(this._t, H_ITEMS) !== 0) return;
    this.clear();
    const pool = this._c as Pool;
    const t = this._t;
    if (!pool.registry.unregister(this)) return;
    freeHeader(pool, t);
    this._c = null;
    this._t = 0;
  }

  /**
   * @internal
   * Resizes, widens, compacts or grows the arena of the table, in place in its
   * pool or by moving it to (or between, or back from) an instance of its
   * own. `need` is the arena bytes an insert is waiting for ('arena'), or
   * the entries to make room for ('create', 'reserve'). On any failure
   * the table stays as it was and a RangeError is thrown.
   */
  protected _rebuild(why: Rebuild, need = 0): void {
    if (this._c === null) return this._create();
    const c = this._c;
    const t = this._t;
    const ex = c.ex;
    const items = c.h32(t, H_ITEMS);
    const oldGroups = c.stat(t, R_CAPACITY_SLOTS) / GROUP;
    let layout = c.view()[t + H_LAYOUT]!;
    let groups: number;
    switch (why) {
      case 'create': groups = groupsFor(Math.max(1, need), MAX_LOAD); break;
      case 'reserve': groups = Math.max(oldGroups, groupsFor(need, REBUILD_LOAD)); break;
      case 'grow': {
        const fast = groupsFor(items + 1, FAST_GROWTH_LOAD);
        groups = Math.max(oldGroups + 1, oldGroups >= FAST_GROWTH_MIN && fast <= FAST_GROWTH_MAX ? fast : groupsFor(items + 1, REBUILD_LOAD));
        break;
      }
      case 'widen':
        layout = this._wideLayout;
        groups = Math.max(oldGroups, groupsFor(items + 1, REBUILD_LOAD));
        break;
      case 'shrink': groups = items === 0 ? 0 : groupsFor(items, REBUILD_LOAD); break;
      default: groups = Math.max(oldGroups, 1);
    }
    const live = c.h32(t, H_ARENA_USED) - c.h32(t, H_GARBAGE);
    const arenaBytes = why === 'arena' ? live + need : live;
    const bytes = tableBytesFor(layout, groups) + arenaBytes;
    const own = c instanceof Own;
    const max = this._o.maxBytes;
    if (own ? bytes >= OWN_BYTES / 4 : bytes > OWN_BYTES) {
      if (own && why === 'arena') {
        // Arena room for an own table is the tail of its memory: it grows in
        // place, unless the budget stops it and erased keys can make room.
        const r = ex.arena_grow(t, need, max);
        c.recount();
        if (r !== ERR_MEMORY || c.h32(t, H_GARBAGE) === 0) return this._check(r, c);
      }
      // After a move for arena room, more room to append (amortized growth).
      this._moveToOwn(layout, groups, arenaBytes, why === 'arena' ? arenaBytes >> 3 : 0);
      return;
    }
    if (own) {
      this._moveToPool(layout, groups, arenaBytes);
      return;
    }
    try {
      let r = this._resizeInPool(why, layout, groups, oldGroups, need);
      if (r === ERR_MEMORY && why !== 'compact' && c.h32(t, H_GARBAGE) > 0) {
        // At the budget, erased keys' records are what can make room.
        this._check(ex.arena_compact(t, why === 'arena' ? need : 0, max), c);
        r = this._resizeInPool(why, layout, groups, oldGroups, need);
      }
      this._check(r, c);
      if (why === 'shrink' || why === 'compact') tablesFreed(c as Pool);
    } catch (e) {
      if (isTrap(e)) throw memoryError(this._name, c.stat(t, R_HELD_BYTES) + bytes, max, e);
      throw e;
    }
  }

  /** @internal One rebuild step of a pooled table; 0 or ERR_MEMORY. */
  private _resizeInPool(why: Rebuild, layout: number, groups: number, oldGroups: number, need: number): number {
    const ex = this._c!.ex;
    const t = this._t;
    const max = this._o.maxBytes;
    if (why === 'arena') return this._c!.h32(t, H_ARENA_USED) + need <= this._c!.h32(t, H_ARENA_CAP) ? 0 : ex.arena_grow(t, need, max);
    if (why === 'compact') return ex.arena_compact(t, 0, max);
    if (groups === 0) {
      ex.table_release(t);
      return 0;
    }
    if (groups !== oldGroups || layout !== this._c!.view()[t + H_LAYOUT]!) {
      const r = ex.table_resize(t, layout, groups, max);
      if (r < 0) return r;
    }
    const garbage = this._c!.h32(t, H_GARBAGE);
    if (why === 'shrink' && garbage > this._c!.h32(t, H_ARENA_USED) - garbage) return ex.arena_compact(t, 0, max);
    return 0;
  }

  /** @internal Throws the memory error for an ERR_MEMORY from a resize. */
  private _check(r: number, c: Core, t = this._t): void {
    if (r === ERR_MEMORY) throw memoryError(this._name, Math.max(c.result(R_REFUSED_BYTES), this._held(c, t) + 1), this._o.maxBytes);
  }

  /** @internal Bytes the map holds now: its heap blocks in a pool, or its own memory. */
  private _held(c: Core | null = this._c, t = this._t): number {
    if (c === null) return 0;
    return c instanceof Own ? c.bytes : c.stat(t, R_HELD_BYTES);
  }

  /** @internal Moves the table into a fresh instance of its own. */
  private _moveToOwn(layout: number, groups: number, arenaBytes: number, slack: number): void {
    const [home, homeT] = this._home();
    const max = this._o.maxBytes;
    let own: Own;
    try {
      own = new Own(home, homeT);
    } catch (e) {
      throw memoryError(this._name, PAGE, max, e);
    }
    const pages = (bytes: number): number => Math.ceil(own.ex.own_bytes_needed(layout, groups, bytes) / PAGE) * PAGE;
    if (slack > 0 && pages(arenaBytes + slack) <= max) arenaBytes += slack;
    const need = pages(arenaBytes);
    if (need > max || need > MAX_MEMORY_BYTES || arenaBytes > MAX_ARENA_BYTES) throw memoryError(this._name, need, max);
    // The same seed: the entries then arrive in the new table's hash order and
    // its inserts walk memory sequentially (a new seed made every insert a
    // cache miss: 70 against 22 ns an entry at 2M int keys).
    const c0 = this._c!;
    const ot = own.ex.own_init(layout, groups, c0.h32(this._t, H_SEED), c0.h32(this._t, H_SEED + 4), arenaBytes, Math.floor(max / PAGE)) >>> 0;
    if (ot === 0) throw memoryError(this._name, need, max, 'memory.grow failed');
    own.refresh();
    const c = this._c!;
    try {
      this._transfer(c, this._t, own, ot);
    } catch (e) {
      throw e instanceof RangeError ? e : memoryError(this._name, own.bytes, max, e);
    }
    if (c instanceof Own) c.close();
    else {
      c.ex.table_release(this._t);
      tablesFreed(c as Pool);
    }
    own.open();
    home.ex.table_mark(homeT, MARK_REBUILD, 0, 0);
    this._c = own;
    this._t = ot;
  }

  /** @internal Moves an own table back into the pool that holds its header. */
  private _moveToPool(layout: number, groups: number, arenaBytes: number): void {
    const c = this._c as Own;
    const { home, homeT } = c;
    const ex = home.ex;
    const max = this._o.maxBytes;
    try {
      if (groups > 0) {
        ex.table_mark(homeT, MARK_SEED, c.h32(this._t, H_SEED), c.h32(this._t, H_SEED + 4));
        this._check(ex.table_resize(homeT, layout, groups, max), home, homeT);
        if (arenaBytes > 0) this._check(ex.arena_grow(homeT, arenaBytes, max), home, homeT);
        home.refresh();
        this._transfer(c, this._t, home, homeT);
      }
    } catch (e) {
      ex.table_release(homeT);
      throw e instanceof RangeError ? e : memoryError(this._name, home.stat(homeT, R_HELD_BYTES), max, e);
    }
    c.close();
    this._c = home;
    this._t = homeT;
  }

  /**
   * @internal
   * The slow path of every single-key operation: validates arguments, makes
   * the table on first use, grows or widens it or its arena and retries,
   * shrinks after DONE_REBUILD, and turns other codes into errors. `r` is
   * the fast path's result, or NOT_RUN.
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
          if (this._c === null) {
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
        case ERR_ARENA:
          this._rebuild('arena', this._c!.result(R_ARENA_NEED));
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
          throw memoryError(this._name, this._held() + PAGE, this._o.maxBytes);
        default:
          throw new Error(`${this._name}: unexpected core status ${r}`);
      }
      r = this._run(op, key, arg);
    }
  }

  /**
   * @internal
   * Applies a validated batch in core-sized chunks (subclasses write them;
   * `apply` returns null, or how far it got and the error). Shared here is
   * the atomicity: when the batch stops part way, the applied prefix is
   * undone with the opposite step, which cannot fail (a negative step never
   * needs memory), and the error rethrown.
   */
  protected _batch(apply: (from: number, to: number, by: number) => BatchStop | null, n: number, by: number): void {
    if (n === 0 || by === 0) return;
    const stop = apply(0, n, by);
    if (stop === null) return;
    if (stop.done > 0) apply(0, stop.done, -by);
    throw stop.error;
  }

  /**
   * @internal
   * Handles a chunk's status: grows, widens or makes arena room (the chunk
   * resumes at the key that stopped), or stops the batch. Returns null to resume.
   */
  protected _chunkStatus(r: number, at: number): BatchStop | null {
    try {
      if (r === ERR_GROW) this._rebuild('grow');
      else if (r === ERR_WIDEN) this._rebuild('widen');
      else if (r === ERR_ARENA) this._rebuild('arena', this._c!.result(R_ARENA_NEED));
      else if (r === ERR_OVERFLOW) return { done: at, error: new RangeError(`a count would pass Number.MAX_SAFE_INTEGER (at key ${at} of the batch); the map is unchanged`) };
      else if (r === ERR_MEMORY && this._garbage() > 0) this._rebuild('compact');
      else if (r === ERR_MEMORY) return { done: at, error: memoryError(this._name, this._held() + PAGE, this._o.maxBytes) };
      else return { done: at, error: new Error(`${this._name}: unexpected core status ${r} at batch index ${at}`) };
    } catch (e) {
      return { done: at, error: e };
    }
    return null;
  }

  /** @internal The map as the target of a stream of records (records.ts). */
  protected _sink(): RecordSink {
    return {
      coreFor: (create) => this._coreFor(create),
      table: () => this._t,
      recover: (code, at) => this._chunkStatus(code, at),
      incrBytes: (bytes, by) => this._incrKeyBytes(bytes, by),
    };
  }

  /** @internal Adds `by` to a string key given as UTF-8 bytes (CounterMap: keys longer than a scratch). */
  protected _incrKeyBytes(_bytes: Uint8Array, _by: number): void {
    throw new TypeError(`${this._name} has no string keys`);
  }

  /**
   * @internal Loads a checked snapshot body into this new map; on any
   * failure the map is disposed (fromSnapshot then returns nothing).
   */
  protected _load(body: Uint8Array, count: number, where: string): this {
    try {
      if (body.length > 0) applyBytes(this._sink(), body, this._kind === 1, true);
      const size = this.size;
      if (size !== count) throw new CorruptRecordsError(`the header says ${count} entries, the body holds ${size} distinct keys`);
    } catch (e) {
      this.dispose();
      if (e instanceof CorruptRecordsError) throw new TypeError(`${where}: corrupt snapshot: ${e.message}; nothing was loaded`, { cause: e });
      throw e;
    }
    return this;
  }

  /**
   * @internal Adds a checked snapshot body to this map (countFile's merge
   * of worker results): not atomic, for maps no caller sees yet.
   */
  _addRecords(body: Uint8Array): void {
    this._alive();
    applyBytes(this._sink(), body, this._kind === 1);
  }

  /** @internal Bytes of erased string keys a compaction would give back. */
  private _garbage(): number {
    return this._c === null ? 0 : this._c.h32(this._t, H_GARBAGE);
  }

  /**
   * @internal Rebuilds smaller (or releases the slots when empty). Only ever
   * called after an operation has completed, so a failure here (no memory
   * for the smaller table) must not turn that success into an error: the map
   * keeps its larger table and stays correct.
   */
  protected _shrink(): void {
    const c = this._c!;
    const t = this._t;
    const items = c.h32(t, H_ITEMS);
    // The arena alone may be what is oversized: then only it is compacted
    // (the same rules as rebuildAdvised in assembly/ops.ts).
    const slots = c.stat(t, R_CAPACITY_SLOTS);
    const oversized = items === 0 ? slots > GROUP || c instanceof Own : c.stat(t, R_TABLE_BYTES) > KEEP_TABLE_BYTES && items * 16 < slots;
    const garbage = c.h32(t, H_GARBAGE);
    try {
      this._rebuild(!oversized && garbage > c.h32(t, H_ARENA_USED) - garbage ? 'compact' : 'shrink');
    } catch {
      // Keep the current table.
    }
  }

  /** @internal After a batch of decrements: rebuild smaller if the core asks. */
  protected _maybeShrink(): void {
    const c = this._c;
    if (c !== null && c.ex.table_stats(this._t, STATS_ADVICE)) this._shrink();
  }

  /**
   * @internal The instance, with the table made if missing; null only when
   * `create` is false. `revocable`: the table may be given back by _abandon().
   */
  protected _coreFor(create: boolean, revocable = false): Core | null {
    if (this._c === null && create) this._create(revocable);
    return this._c;
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
    return this._c === null ? 0 : this._c.h32(this._t, H_ITEMS);
  }

  /**
   * The sum of all counts (Python's `Counter.total()`), kept as a running
   * figure in the table's header: O(1), no walk. Exact while the sum is a
   * safe integer, as every number JS can hold exactly.
   */
  total(): number {
    this._alive();
    return this._c === null ? 0 : this._c.ex.table_stats(this._t, STATS_TOTAL);
  }

  /**
   * Deletes every key whose count is below `minCount` (a safe integer), in
   * one pass in wasm, and returns how many keys went: vocabulary pruning,
   * or dropping the long tail before a snapshot. The table shrinks after
   * it when it is left mostly empty.
   */
  prune(minCount: number): number {
    this._alive();
    if (typeof minCount !== 'number') throw new TypeError(`prune(minCount): minCount must be a number, got ${describe(minCount)}`);
    if (!Number.isSafeInteger(minCount)) throw new RangeError(`prune(minCount): minCount must be a safe integer, got ${describe(minCount)}`);
    const c = this._c;
    if (c === null || minCount <= 1) return 0;
    const removed = c.ex.prune_below(this._t, minCount);
    if (removed > 0) this._maybeShrink();
    return removed;
  }

  /**
   * An independent copy: same entries, same options (maxBytes,
   * initialCapacity). Entries go from table to table in wasm, as merge
   * moves them.
   */
  clone(): this {
    this._alive();
    const { maxBytes, initialCapacity } = this._o;
    const copy = new (this.constructor as new (options?: CounterMapOptions) => this)(this._o === DEFAULT_OPTIONS ? undefined : { maxBytes, initialCapacity });
    if (this._c !== null && this._c.h32(this._t, H_ITEMS) > 0) copy.merge(this);
    return copy;
  }

  /**
   * Removes every entry and gives the memory back (a map keeps only its
   * 64-byte header in its pool). The table moves on to its next seed, so
   * keys put back in their old order spread like any others.
   */
  clear(): void {
    this._alive();
    const c = this._c;
    if (c === null) return;
    if (c instanceof Own) {
      c.close();
      c.home.ex.table_mark(c.homeT, MARK_VERSION, 0, 0);
      c.home.ex.table_mark(c.homeT, MARK_SEED, c.h32(this._t, H_SEED), c.h32(this._t, H_SEED + 4));
      this._c = c.home;
      this._t = c.homeT;
    } else {
      c.ex.table_release(this._t);
      tablesFreed(c as Pool);
    }
    this._c!.ex.table_mark(this._t, MARK_NEXT_SEED, 0, 0);
  }

  /** Frees the map's memory now; any later call throws. */
  dispose(): void {
    if (this._t < -1) this._alive();
    const c = this._c;
    if (c instanceof Own) c.close();
    else if (c !== null) {
      c.ex.table_release(this._t);
      tablesFreed(c as Pool);
    }
    this._c = null;
    this._t = -1;
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
  entries(): MapIterator<[K, number]> {
    this._alive();
    const c = this._c;
    return this._walk(c, this._t, c === null ? 0 : c.h32(this._t, H_VERSION)) as MapIterator<[K, number]>;
  }

  /** @internal Whether the map changed since (c, t, version) was read. */
  private _changed(c: Core | null, t: number, version: number): boolean {
    return this._c !== c || this._t !== t || (c !== null && c.h32(t, H_VERSION) !== version);
  }

  /** @internal Checked at every step, the first and the last included. */
  private *_walk(c: Core | null, t: number, version: number): IterableIterator<[K, number]> {
    const cap = c === null ? 0 : c.h32(t, H_GROUPS) * GROUP;
    let cursor = 0;
    while (cursor < cap) {
      if (this._changed(c, t, version)) throw this._modified();
      cursor = c!.ex.read_refs(t, cursor);
      const n = c!.result(R_CHUNK_COUNT);
      const chunk = new Array<[K, number]>(n);
      const f64 = c!.u8.length === 0 ? (c!.refresh(), c!.f64) : c!.f64;
      for (let j = 0; j < n; j++) chunk[j] = [this._refKey(c!, j), f64[2 * j + 1]!];
      for (let j = 0; j < n; j++) {
        if (this._changed(c, t, version)) throw this._modified();
        yield chunk[j]!;
      }
    }
    if (this._changed(c, t, version)) throw this._modified();
  }

  /** @internal An iterator's step after a change, or inside a call that reads its input. */
  private _modified(): Error {
    return this._t < -1 ? this._reentrant() : modifiedError(this._name);
  }

  keys(): MapIterator<K> {
    return project(this.entries(), 0) as MapIterator<K>;
  }

  values(): MapIterator<number> {
    return project(this.entries(), 1) as MapIterator<number>;
  }

  [Symbol.iterator](): MapIterator<[K, number]> {
    return this.entries();
  }

  /** Calls fn(count, key, map) for each entry, like Map#forEach. */
  forEach(fn: (count: number, key: K, map: this) => void, thisArg?: unknown): void {
    if (typeof fn !== 'function') throw new TypeError(`forEach needs a function, got ${describe(fn)}`);
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  /**
   * The n entries with the highest counts, highest first; equal counts by
   * key, smaller first (integers by value, strings by code point, i.e. by
   * their UTF-8 bytes). Every entry when n is omitted. Selected in wasm.
   */
  mostCommon(n?: number): Array<[K, number]> {
    this._alive();
    if (n !== undefined) {
      if (typeof n !== 'number') throw new TypeError(`mostCommon(n): n must be a number, got ${describe(n)}`);
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`mostCommon(n): n must be a safe integer >= 0, got ${describe(n)}`);
    }
    const c = this._c;
    if (c === null) return [];
    const t = this._t;
    const k = Math.min(n ?? Infinity, c.h32(t, H_ITEMS));
    let got: number;
    try {
      got = c.ex.top_k(t, k);
      // An own table selects in the tail of its memory, which may have grown.
      if (c instanceof Own) c.recount();
    } catch (e) {
      if (!isTrap(e)) throw e;
      got = -1;
    }
    if (got < 0) {
      // No memory for the selection heap (a map at its maxBytes budget, or
      // a pool the engine will not grow): select in JS instead.
      return [...this._walk(c, t, c.h32(t, H_VERSION))].sort((a, b) => b[1] - a[1] || compareKeys(a[0] as string | number, b[0] as string | number)).slice(0, k);
    }
    try {
      c.view();
      const out = new Array<[K, number]>(got);
      let at = 0;
      while (at < got) {
        const m = c.ex.read_top(t, at);
        for (let j = 0; j < m; j++) out[at + j] = [this._refKey(c, j), c.f64[2 * j + 1]!];
        at += m;
      }
      return out;
    } finally {
      c.ex.top_free();
    }
  }

  /** Numbers for monitoring; probe lengths cost one pass over the table. */
  stats(): CounterMapStats {
    this._alive();
    const c = this._c;
    const max = this._o.maxBytes;
    if (c === null) {
      return {
        size: 0, capacity: 0, tombstones: 0, loadFactor: 0, bytes: 0, bytesPerEntry: 0, tableBytes: 0,
        keyBytes: 0, garbageBytes: 0, probeLengthMean: 0, probeLengthMax: 0, layout: 'none',
        memory: 'none', rebuilds: 0, maxBytes: max,
      };
    }
    const t = this._t;
    const ex = c.ex;
    const own = c instanceof Own;
    const size = c.h32(t, H_ITEMS);
    const capacity = c.stat(t, R_CAPACITY_SLOTS);
    ex.table_stats(t, STATS_PROBES);
    const bytes = this._held(c);
    const [home, homeT] = this._home();
    return {
      size,
      capacity,
      tombstones: c.h32(t, H_TOMBSTONES),
      loadFactor: capacity === 0 ? 0 : size / capacity,
      bytes,
      bytesPerEntry: size === 0 ? 0 : bytes / size,
      tableBytes: c.stat(t, R_TABLE_BYTES),
      keyBytes: c.h32(t, H_ARENA_USED) >>> 0,
      garbageBytes: c.h32(t, H_GARBAGE) >>> 0,
      probeLengthMean: size === 0 ? 0 : c.result(R_PROBE_SUM) / size,
      probeLengthMax: size === 0 ? 0 : c.result(R_PROBE_MAX),
      layout: capacity === 0 ? 'none' : LAYOUT_NAMES[c.view()[t + H_LAYOUT]!]!,
      memory: own ? 'own' : 'shared',
      rebuilds: home.h32(homeT, H_REBUILDS),
      maxBytes: max,
    };
  }

  /**
   * Adds every count of `other` (a map of the same kind), times `by` (a safe
   * integer, may be negative: counts that reach 0 are deleted), into this
   * map. Entries go from table to table inside wasm, in chunks, with no JS
   * value per key. Atomic: an overflow or the maxBytes budget throws and
   * leaves this map as it was. `a.merge(a)` doubles every count.
   */
  merge(other: this, by: number = 1): this {
    this._alive();
    // `other` is read once, up front: a Proxy's traps or a subclass's
    // overrides run here, while this map refuses calls, never in the merge.
    const [oc, ot] = other === this ? [this._c, this._t] : this._reading('merge', () => this._source(other));
    checkStep(by);
    if (by === 0 || oc === null || oc.h32(ot, H_ITEMS) === 0) return this;
    if (oc === this._c && ot === this._t) {
      // The source must not change while it is read: merge a copy.
      const copy = this._blank();
      try {
        copy._mergeTable(oc, ot, 1);
        return this._mergeTable(copy._c!, copy._t, by);
      } finally {
        copy.dispose();
      }
    }
    return this._mergeTable(oc, ot, by);
  }

  /** @internal The table of `other`, checked to be a live map of this kind. */
  private _source(other: unknown): [Core | null, number] {
    if (!(other instanceof CounterMapBase) || other._name !== this._name) {
      const what = other instanceof CounterMapBase ? `a ${other._name} (a map of another kind)` : describe(other);
      throw new TypeError(`${this._name}#merge needs another ${this._name}, got ${what}`);
    }
    other._alive();
    return [other._c, other._t];
  }

  /** @internal A new empty map of this kind (the library's own class, whatever `this` is). */
  protected abstract _blank(): CounterMapBase<K>;

  /** @internal merge() of table `ot` in `oc`, which holds entries and is not this map's. */
  private _mergeTable(oc: Core, ot: number, by: number): this {
    if (Math.abs(by) > 1) {
      // Checked up front: then a negative step cannot fail part way, and its
      // undo (a positive step, which may need memory) is never needed.
      const top = maxCount(oc, ot);
      if (!Number.isSafeInteger(top * by)) {
        throw new RangeError(`merge: a count would pass Number.MAX_SAFE_INTEGER (${top} × ${by}); the map is unchanged`);
      }
    }
    if (by > 0) {
      // Room up front, as hashbrown's `extend` reserves it: all of b's keys
      // into an empty map, half of them (some keys are usually shared) into
      // one that has entries. Growing step by step instead rebuilds (and, for
      // a big map, moves) the table several times: measured on 1M + 1M
      // string keys, half shared, 1.45 s against 0.52 s with the room made.
      const size = this._c === null ? 0 : this._c.h32(this._t, H_ITEMS);
      const other = oc.h32(ot, H_ITEMS);
      const want = Math.max(this._o.initialCapacity, size === 0 ? other : size + Math.ceil(other / 2));
      if (this._c === null) this._create(false, want);
      else if (this._c.stat(this._t, R_CAPACITY_SLOTS) * MAX_LOAD < want) {
        try {
          this._rebuild('reserve', want);
        } catch {
          // Past maxBytes: the merge grows as far as it can, and fails atomically if it must.
        }
      }
    }
    mergeTable(this._sink(), oc, ot, by);
    if (by < 0) this._maybeShrink();
    return this;
  }

  /**
   * The map as bytes (docs/snapshot-format.md): independent of table layout,
   * seed and version, checked by a CRC-32. The array owns its whole buffer,
   * so it can be transferred to a worker (`postMessage(s, [s.buffer])`) or
   * written to a file; load it with `fromSnapshot`.
   */
  snapshot(): Uint8Array<ArrayBuffer> {
    this._alive();
    return writeSnapshot(this._kind, this._c, this._t);
  }

  /** The entries as [key, count] pairs (JSON has no Map). */
  toJSON(): Array<[K, number]> {
    return [...this.entries()];
  }

  get [Symbol.toStringTag](): string {
    return this._name;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this._t === -1) return `${this._name} <disposed>`;
    if (this._t < -1) return `${this._name} <busy in ${READING_CALLS[-2 - this._t]!}>`;
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
