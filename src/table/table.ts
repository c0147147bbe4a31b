// The table layer under every map, as hashbrown's `RawTable` is under its
// `HashMap`: a map is a Table (its instance, its header address, its
// options) plus the encoding of its keys. The Table places the header and
// slots (a pool, or an instance of its own, and the moves between them),
// sizes them (sizing.ts), and turns every status code the core returns into
// its action (`_recover`). Tokens, records, merge and batches work on a Table.

import { Core, MAX_MEMORY_BYTES, PAGE } from './core.js';
import { isCompileFailure } from './wasm.js';
import { Own, Pool, poolForNewTable, freeHeader, tablesFreed } from './pools.js';
import { DONE_REBUILD, ERR_ARENA, ERR_GROW, ERR_MEMORY, ERR_OVERFLOW, ERR_WIDEN } from './codes.js';
import { disposedError, memoryError, reentrantError } from './errors.js';
import type { CounterMapOptions } from './types.js';
import { parseOptions, type Options } from './options.js';
import { belongsInOwn, groupsFor, slotBlockBytes, MAX_LOAD, type Rebuild } from './sizing.js';
import { moveBetweenInstances } from './move.js';
import { GROUP, REBUILD_ARENA, REBUILD_NONE, MAX_ARENA_BYTES, H_ARENA_CAP, H_ARENA_USED, H_GARBAGE, H_ITEMS, H_LAYOUT, H_SEED, MARK_NEXT_SEED, MARK_REBUILD, MARK_SEED, MARK_VERSION, R_ARENA_NEED, R_CAPACITY_SLOTS, R_HELD_BYTES, R_REFUSED_BYTES, STATS_ADVICE } from './abi.js';

/**
 * The calls that read input which may run the caller's code. While one of
 * them reads, its map's `_t` is -2 - (the call's index here) and `_c` is
 * null: code that reading runs (a getter, an iterator, a Proxy trap, a
 * subclass method) and that calls back into the map finds it busy on the
 * slow path every call already takes for a map with no table, so the fast
 * paths check nothing. (-1 is a disposed map.)
 */
export const READING_CALLS = ['incrMany', 'merge', 'countTokens', 'tokenCounter'] as const;
export type ReadingCall = (typeof READING_CALLS)[number];

/** A chunked call that stopped part way: `done` items were applied, then `error`. */
export interface BatchStop {
  done: number;
  error: unknown;
}

/** The engine refused memory inside the core: the allocator traps (a RuntimeError). */
export function isTrap(e: unknown): boolean {
  return e instanceof WebAssembly.RuntimeError;
}

/**
 * One table: where it lives, how big it is, and what to do with a status
 * code. A map is this object and nothing more (three fields), so that a
 * million maps cost little on the JS heap; everything else (size, version,
 * seed, rebuild count) is in the header in wasm memory.
 */
export abstract class Table {
  /** @internal First, so that structuredClone meets its NO_CLONE before the core. */
  readonly _o: Options;
  /** @internal The instance the table lives in; null before the first insertion and after dispose(). */
  _c: Core | null = null;
  /** @internal The header in `_c`; 0 before the first insertion, -1 after dispose(), < -1 while busy (_reading). */
  _t = 0;

  /** @internal For error messages: 'CounterMap', 'IntCounterMap'. */
  protected abstract get _name(): string;
  /** @internal The layout a new table starts in. */
  protected abstract get _narrowLayout(): number;
  /** @internal The layout ERR_WIDEN asks for. */
  protected abstract get _wideLayout(): number;

  constructor(options?: CounterMapOptions) {
    this._o = parseOptions(options);
  }

  /** @internal Throws for a disposed map, and for a call into a map that is reading a call's input. */
  _alive(): void {
    if (this._t < 0) throw this._t === -1 ? disposedError(this._name) : this._reentrant();
  }

  /** @internal The error for a call refused because the map is busy. */
  protected _reentrant(): TypeError {
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
    this._t = -2 - READING_CALLS.indexOf(call);
    try {
      return read();
    } finally {
      this._c = c;
      this._t = t;
    }
  }

  // ---- placement --------------------------------------------------------------

  /** @internal The pool holding this map's header, and the header. */
  protected _home(): [Pool, number] {
    const c = this._c!;
    return c instanceof Own ? [c.home, c.homeT] : [c as Pool, this._t];
  }

  /**
   * @internal The instance, with the table made if missing; null only when
   * `create` is false. `revocable`: the table may be given back by _abandon().
   */
  _coreFor(create: boolean, revocable = false): Core | null {
    if (this._c === null && create) this._create(revocable);
    return this._c;
  }

  /** @internal _coreFor for a chunked call that has applied `done` items: a failure is its stop. */
  _coreOrStop(create: boolean, done: number): Core | null | BatchStop {
    try {
      return this._coreFor(create);
    } catch (error) {
      return { done, error };
    }
  }

  /**
   * @internal The map's first insertion: a header in a pool, and its table.
   * The header is registered for reclaiming only once the table exists; if
   * making the table fails, the header is freed and the map holds nothing,
   * exactly as before the call.
   */
  protected _create(revocable = false, capacity = this._o.initialCapacity): void {
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
  _abandon(): void {
    const c = this._c;
    if (c === null || c.h32(this._t, H_ITEMS) !== 0) return;
    this._release();
    const pool = this._c as Pool;
    const t = this._t;
    if (!pool.registry.unregister(this)) return;
    freeHeader(pool, t);
    this._c = null;
    this._t = 0;
  }

  /**
   * @internal Frees the slots and keys, keeping the header (64 bytes in its
   * pool); the table moves on to its next seed, so keys put back in their
   * old order spread like any others.
   */
  protected _release(): void {
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

  /** @internal Frees the memory now; the map is disposed (-1) from then on. */
  protected _free(): void {
    const c = this._c;
    if (c instanceof Own) c.close();
    else if (c !== null) {
      c.ex.table_release(this._t);
      tablesFreed(c as Pool);
    }
    this._c = null;
    this._t = -1;
  }

  // ---- sizing -------------------------------------------------------------------

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
    const oldGroups = c.stat(t, R_CAPACITY_SLOTS) / GROUP;
    const layout = why === 'widen' ? this._wideLayout : c.view()[t + H_LAYOUT]!;
    const groups = groupsFor(why, c.h32(t, H_ITEMS), oldGroups, need);
    const live = c.h32(t, H_ARENA_USED) - c.h32(t, H_GARBAGE);
    const arenaBytes = why === 'arena' ? live + need : live;
    const bytes = slotBlockBytes(layout, groups) + arenaBytes;
    const own = c instanceof Own;
    const max = this._o.maxBytes;
    if (belongsInOwn(bytes, own)) {
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
  protected _held(c: Core | null = this._c, t = this._t): number {
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
    // An arena is addressed by u32 offsets, the last 64 KiB kept clear.
    if (need > max || need > MAX_MEMORY_BYTES || arenaBytes > MAX_ARENA_BYTES) throw memoryError(this._name, need, max);
    // The same seed: the entries then arrive in the new table's hash order and
    // its inserts walk memory sequentially (a new seed made every insert a
    // cache miss: 70 against 22 ns an entry at 2M int keys).
    const c = this._c!;
    const ot = own.ex.own_init(layout, groups, c.h32(this._t, H_SEED), c.h32(this._t, H_SEED + 4), arenaBytes, Math.floor(max / PAGE)) >>> 0;
    if (ot === 0) throw memoryError(this._name, need, max, 'memory.grow failed');
    own.refresh();
    try {
      moveBetweenInstances(c, this._t, own, ot);
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
        home.ex.table_mark(homeT, MARK_SEED, c.h32(this._t, H_SEED), c.h32(this._t, H_SEED + 4));
        this._check(ex.table_resize(homeT, layout, groups, max), home, homeT);
        if (arenaBytes > 0) this._check(ex.arena_grow(homeT, arenaBytes, max), home, homeT);
        home.refresh();
        moveBetweenInstances(c, this._t, home, homeT);
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
   * @internal Rebuilds for `entries` entries before they come (the token
   * counter sizes it from the input left: tokens.ts grewAhead). Only without
   * a budget: a bigger table early could make a later ordinary growth step
   * pass maxBytes where growing one step at a time would have fit. False,
   * the table unchanged, where it is not done.
   */
  _growAhead(entries: number): boolean {
    if (this._o.maxBytes < MAX_MEMORY_BYTES) return false;
    try {
      this._rebuild('reserve', entries);
    } catch {
      return false;
    }
    return true;
  }

  /**
   * @internal Room for `want` entries, made up front (merge). Past maxBytes
   * the caller goes on and grows as far as it can, failing atomically if it must.
   */
  _reserve(want: number): void {
    want = Math.max(this._o.initialCapacity, want);
    if (this._c === null) this._create(false, want);
    else if (this._c.stat(this._t, R_CAPACITY_SLOTS) * MAX_LOAD < want) {
      try {
        this._rebuild('reserve', want);
      } catch {
        // Past maxBytes: grow step by step instead.
      }
    }
  }

  /**
   * @internal Rebuilds smaller (or releases the slots when empty), as the
   * core advises: slots far beyond the entries, or an arena mostly of erased
   * keys (assembly/ops.ts rebuildNeeded). Only ever called after an
   * operation has completed, so a failure here (no memory for the smaller
   * table) must not turn that success into an error: the map keeps its
   * larger table and stays correct.
   */
  _maybeShrink(): void {
    const c = this._c;
    if (c === null) return;
    const advice = c.ex.table_stats(this._t, STATS_ADVICE);
    if (advice === REBUILD_NONE) return;
    try {
      this._rebuild(advice === REBUILD_ARENA ? 'compact' : 'shrink');
    } catch {
      // Keep the current table.
    }
  }

  // ---- status codes -------------------------------------------------------------

  /**
   * @internal The action for a status code the core returned: ERR_GROW,
   * ERR_WIDEN and ERR_ARENA make room (the call then runs again from where it
   * stopped), ERR_MEMORY drops erased keys' bytes when there are any (and
   * runs again) or throws the memory error, DONE_REBUILD (the op completed)
   * rebuilds smaller; ERR_OVERFLOW and anything else throw. On any throw the
   * table is as it was.
   */
  _recover(code: number): void {
    switch (code) {
      case ERR_GROW: return this._rebuild('grow');
      case ERR_WIDEN: return this._rebuild('widen');
      case ERR_ARENA: return this._rebuild('arena', this._c!.result(R_ARENA_NEED));
      case DONE_REBUILD: return this._maybeShrink();
      case ERR_MEMORY:
        if (this._c !== null && this._c.h32(this._t, H_GARBAGE) > 0) return this._rebuild('compact');
        throw memoryError(this._name, this._held() + PAGE, this._o.maxBytes);
      case ERR_OVERFLOW: throw new RangeError(`${this._name}: a count would pass Number.MAX_SAFE_INTEGER; the map is unchanged`);
      default: throw new Error(`${this._name}: unexpected core status ${code}`);
    }
  }

  /** @internal _recover for a chunked call that has applied `done` items: null to resume, or its stop. */
  _recoverOrStop(code: number, done: number): BatchStop | null {
    if (code === ERR_OVERFLOW) {
      return { done, error: new RangeError(`a count would pass Number.MAX_SAFE_INTEGER (at key ${done} of the batch); the map is unchanged`) };
    }
    try {
      this._recover(code);
      return null;
    } catch (error) {
      return { done, error };
    }
  }

  /** @internal Adds `by` to a string key given as UTF-8 bytes of any length (CounterMap); returns the count. */
  _incrBytes(_bytes: Uint8Array, _by: number): number {
    throw new TypeError(`${this._name} has no string keys`);
  }
}
