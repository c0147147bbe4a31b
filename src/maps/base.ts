import type { Core } from '../table/core.js';
import { Own } from '../table/pools.js';
import { DONE_REBUILD, ERR_KEY, ERR_OVERFLOW, ERR_STEP, LAYOUT_NAMES } from '../table/codes.js';
import { checkCount, checkStep, describe, modifiedError, overflowError } from '../table/errors.js';
import type { CounterMapOptions, CounterMapStats } from '../table/types.js';
import { applyBytes, CorruptRecordsError, readEnd, readVarint } from '../records/records.js';
import { mergeTable } from '../records/merge.js';
import { writeSnapshot } from '../records/snapshot.js';
import { compareKeys } from './key-order.js';
import { READING_CALLS, Table, type BatchStop } from '../table/table.js';
import { DEFAULT_OPTIONS } from '../table/options.js';
import { decode } from '../records/utf8.js';
import { selectTop } from '../table/select.js';
import { GROUP, H_ARENA_USED, H_GARBAGE, H_GROUPS, H_ITEMS, H_LAYOUT, H_REBUILDS, H_TOMBSTONES, H_VERSION, R_CAPACITY_SLOTS, R_CHUNK_BYTES, R_SLOT_COUNT, R_SLOT_KEY_LEN, R_SLOT_KEY_PTR, R_TABLE_BYTES, STATS_TOTAL, STATS_PROBES, R_PROBE_SUM, R_PROBE_MAX } from '../table/abi.js';

export type { BatchStop };

/** Operations the slow path (settle) can run again after a rebuild. */
export const OP_GET = 0;
export const OP_INCR = 1;
export const OP_SET = 2;
export const OP_DELETE = 3;
export type Op = typeof OP_GET | typeof OP_INCR | typeof OP_SET | typeof OP_DELETE;

/** "Not run yet": settle validates the arguments, then runs the op. */
export const NOT_RUN = -100;

function* project<T extends [unknown, unknown], I extends 0 | 1>(entries: Iterator<T>, i: I): IterableIterator<T[I]> {
  for (let r = entries.next(); !r.done; r = entries.next()) yield r.value[i];
}

/**
 * The API CounterMap and IntCounterMap share, over the Table they are
 * (table.ts: placement, sizing, status codes): the slow path behind every
 * single-key operation, atomic batches, iteration, mostCommon, stats,
 * merge and snapshots. Subclasses encode keys.
 */
export abstract class CounterMapBase<K> extends Table {
  /** @internal Runs one op on the current table; returns the core's result or code. */
  protected abstract _run(op: Op, key: K, arg: number): number;
  /** @internal Throws the TypeError/RangeError for a bad key; returns when it is fine. */
  protected abstract _checkKey(key: K): void;
  /** @internal The key of the index-th 16-byte entry reference mostCommon's selection wrote into the core's scratch. */
  protected abstract _refKey(core: Core, index: number): K;
  /** @internal The key of the portable record at `at` (records.ts); where it ends in `readEnd`. */
  protected abstract _recordKey(u8: Uint8Array, at: number): K;
  /** @internal The kind byte of this map's snapshots (snapshot.ts). */
  protected abstract get _kind(): number;
  /** @internal A new empty map of this kind (the library's own class, whatever `this` is). */
  protected abstract _blank(): CounterMapBase<K>;

  constructor(options?: CounterMapOptions) {
    super(options);
  }

  /**
   * @internal
   * The slow path of every single-key operation: validates arguments, makes
   * the table on first use, lets the Table act on a status code (make room
   * and retry, shrink after DONE_REBUILD, throw) and words the errors that
   * name the key. `r` is the fast path's result, or NOT_RUN.
   */
  protected _settle(r: number, op: Op, key: K, arg: number): number {
    for (;;) {
      if (r >= 0) return r;
      switch (r) {
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
        case DONE_REBUILD:
          this._recover(r);
          return op === OP_DELETE ? 1 : 0;
        case ERR_OVERFLOW:
          throw overflowError(key, this._run(OP_GET, key, 0), arg);
        case ERR_KEY:
          this._checkKey(key);
          throw new RangeError(`${this._name} key ${describe(key)} was refused`);
        case ERR_STEP:
          if (op === OP_SET) checkCount(arg);
          checkStep(arg);
          throw new RangeError(`bad step ${describe(arg)}`);
        default:
          // Room made (or erased keys' bytes dropped), then the op runs again.
          this._recover(r);
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
   * @internal Loads a checked snapshot body into this new map; on any
   * failure the map is disposed (fromSnapshot then returns nothing).
   */
  protected _load(body: Uint8Array, count: number, where: string): this {
    try {
      if (body.length > 0) applyBytes(this, body, this._kind === 1, true);
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
    applyBytes(this, body, this._kind === 1);
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
    this._release();
  }

  /** Frees the map's memory now; any later call throws. */
  dispose(): void {
    if (this._t < -1) this._alive();
    this._free();
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

  /**
   * @internal Checked at every step, the first and the last included. The
   * table writes its portable records (records.ts) a scratch-full at a time;
   * they are copied out (other maps of the pool share the scratch) and
   * decoded one entry a step. A string key too long for a scratch is read
   * where it lies in the arena.
   */
  private *_walk(c: Core | null, t: number, version: number): IterableIterator<[K, number]> {
    const cap = c === null ? 0 : c.h32(t, H_GROUPS) * GROUP;
    let cursor = 0;
    while (cursor < cap) {
      if (this._changed(c, t, version)) throw this._modified();
      const ex = c!.ex;
      const next = ex.records_write(t, cursor);
      const bytes = c!.result(R_CHUNK_BYTES);
      if (bytes === 0 && next < cap) {
        ex.slot_read(t, next);
        const entry: [K, number] = [decode(c!.view(), c!.result(R_SLOT_KEY_PTR) >>> 0, c!.result(R_SLOT_KEY_LEN) >>> 0) as K, c!.result(R_SLOT_COUNT)];
        cursor = next + 1;
        yield entry;
        continue;
      }
      cursor = next;
      const chunk = c!.view().slice(c!.scratch, c!.scratch + bytes);
      for (let p = 0; p < bytes;) {
        if (this._changed(c, t, version)) throw this._modified();
        const key = this._recordKey(chunk, p);
        const count = readVarint(chunk, readEnd);
        p = readEnd;
        yield [key, count];
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
    const top = selectTop(c, t, k, (core, j) => this._refKey(core, j));
    if (top !== null) return top;
    // No memory for the selection heap (a map at its maxBytes budget, or a
    // pool the engine will not grow): select in JS instead.
    return [...this._walk(c, t, c.h32(t, H_VERSION))].sort((a, b) => b[1] - a[1] || compareKeys(a[0] as string | number, b[0] as string | number)).slice(0, k);
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
        mergeTable(copy, oc, ot, 1);
        mergeTable(this, copy._c!, copy._t, by);
        return this;
      } finally {
        copy.dispose();
      }
    }
    mergeTable(this, oc, ot, by);
    return this;
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
