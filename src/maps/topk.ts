// Bounded summaries: the heavy hitters of an unbounded key stream in the
// memory of `capacity` keys (Space-Saving, assembly/topk.ts). A summary is a
// header and one table block (slots and the min-heap, sized once) in a pool,
// plus an arena block for string keys longer than 8 bytes.

import { MAX_MEMORY_BYTES } from '../table/core.js';
import { poolForNewTable, freeHeader, type Pool } from '../table/pools.js';
import { ERR_ARENA, ERR_MEMORY, ERR_OVERFLOW, LAYOUT_INT64, LAYOUT_STR64 } from '../table/codes.js';
import { describe, disposedError, memoryError, modifiedError } from '../table/errors.js';
import { readBytes, readIntKeys, releaseIntKeys, stringKeySource } from '../table/input.js';
import { checkStringKey, pack, packLo, packHi } from './counter-map.js';
import { checkIntKey } from './int-counter-map.js';
import { decode, encodeInto, maxEncodedBytes } from '../records/utf8.js';
import { readTopKSnapshot, writeTopKSnapshot } from '../records/topk-snapshot.js';
import { TokenCounter, parseTokenOptions, type TokenOptions } from '../tokens/tokens.js';
import { ERR_BELOW, ERR_DUPLICATE, GROUP, H_ARENA_CAP, H_ARENA_USED, H_GARBAGE, H_GROUPS, H_ITEMS, H_VERSION, R_ARENA_NEED, R_CHUNK_COUNT, R_HELD_BYTES, R_REFUSED_BYTES, R_TOPK_ERROR, R_TOPK_ESTIMATE, TOPK_FIND, TOPK_H_CAPACITY, TOPK_H_DELETED, TOPK_H_FLOOR, TOPK_H_INSERTED, TOPK_INCR, TOPK_PUT } from '../table/abi.js';


/**
 * The batch's elements, each read exactly once into an array of the
 * library's own (input.ts): getters, a Proxy's traps or an iterator run
 * here, before anything is checked or counted, so none can run between a
 * check and the update.
 */
function readOnce(keys: unknown, where: string): unknown[] {
  const { src, n } = stringKeySource(keys, where);
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = src[i];
  return out;
}

/** The most keys a summary tracks: its table block (~53 bytes a key) stays far under the allocator's 1 GiB block. */
export const MAX_TOPK_CAPACITY = 1 << 22;
/** Bytes of the scratch: the longest string key a summary takes, as UTF-8. */
const MAX_KEY_BYTES = 32768;

/** Options for `new TopK(options)` and `new IntTopK(options)`. */
export interface TopKOptions {
  /** The most keys tracked at once (1 to 4,194,304). Memory is sized for them when the summary is made and never grows past it (string keys longer than 8 bytes add their bytes). */
  capacity: number;
}

/** What `stats()` of a TopK or IntTopK reports. */
export interface TopKStats {
  /** Keys tracked now. */
  size: number;
  /** The most keys tracked at once. */
  capacity: number;
  /** N: increments minus decrements. */
  total: number;
  /** I: the sum of every increment (merges included). */
  inserted: number;
  /** D: the sum of every decrement. */
  deleted: number;
  /** No untracked key has a true count above this. */
  floor: number;
  /** (I + D) / capacity: the most any estimate is above the true count, and the count past which a key is surely tracked. */
  errorBound: number;
  /** Bytes of WebAssembly memory the summary holds: header, slots and heap, key arena. */
  bytes: number;
  /** bytes / size (0 when empty). */
  bytesPerKey: number;
  /** Bytes of string keys in the arena, live and evicted. */
  keyBytes: number;
  /** Bytes of evicted string keys still in the arena, until the next compaction. */
  garbageBytes: number;
}

/** Lower and upper bounds of a key's true count. */
export interface TopKBounds {
  lower: number;
  upper: number;
}

/**
 * The pool the next summary is made in, when it must share one with another
 * (a merge's result and a backup are swapped with the original, header for
 * header, inside one instance); null: wherever new tables go.
 */
let siblingPool: Pool | null = null;

function isTrap(e: unknown): boolean {
  return e instanceof WebAssembly.RuntimeError;
}

function checkCapacity(options: unknown, name: string): number {
  if (options === null || typeof options !== 'object') throw new TypeError(`${name} needs options { capacity }, got ${describe(options)}`);
  const capacity = (options as { capacity?: unknown }).capacity;
  if (typeof capacity !== 'number') throw new TypeError(`${name}: capacity must be a number, got ${describe(capacity)}`);
  if (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > MAX_TOPK_CAPACITY) {
    throw new RangeError(`${name}: capacity must be an integer from 1 to ${MAX_TOPK_CAPACITY}, got ${describe(capacity)}`);
  }
  return capacity;
}

/** A step of incr/incrMany: a safe integer >= 0. */
function checkUp(by: unknown, what: string): number {
  if (typeof by !== 'number') throw new TypeError(`${what}: step must be a number (a safe integer >= 0), got ${describe(by)}`);
  if (!Number.isSafeInteger(by) || by < 0) {
    throw new RangeError(`${what}: step must be a safe integer >= 0 (decr takes counts back), got ${describe(by)}`);
  }
  return by;
}

/**
 * What TopK and IntTopK share: the summary's life in its pool, arena room,
 * reading entries, merge and snapshots. Subclasses supply key handling.
 */
export abstract class TopKBase<K extends string | number> {
  /** @internal The pool holding the summary; null after dispose(). */
  _c: Pool | null;
  /** @internal The summary's header; -1 after dispose(). */
  _t: number;

  /** @internal */
  protected abstract get _name(): string;
  /** @internal */
  protected abstract get _kind(): number;
  /** @internal Throws the TypeError/RangeError for a bad key. */
  protected abstract _checkKey(key: unknown, where?: string): void;
  /** @internal incr in the core: the estimate or a code. */
  protected abstract _incrRaw(key: K, by: number): number;
  /** @internal The slot address of a tracked key, or 0. */
  protected abstract _find(key: K): number;
  /** @internal Inserts an entry known to be new: the estimate or a code. */
  protected abstract _put(key: K, est: number, err: number): number;
  /** @internal The key of the index-th 24-byte reference in scratch. */
  protected abstract _refKey(index: number): K;

  /** @internal */
  constructor(options: TopKOptions, layout: number, name: string) {
    const sibling = siblingPool;
    siblingPool = null;
    const m = checkCapacity(options, name);
    const pool = sibling ?? poolForNewTable();
    let t: number;
    try {
      t = pool.ex.topk_new(layout) >>> 0;
    } catch (e) {
      throw memoryError(name, 88, MAX_MEMORY_BYTES, e);
    }
    pool.tables++;
    try {
      if (pool.ex.topk_init(t, m, MAX_MEMORY_BYTES) === ERR_MEMORY) throw memoryError(name, pool.ex.topk_table_bytes(m), MAX_MEMORY_BYTES);
    } catch (e) {
      freeHeader(pool, t);
      throw isTrap(e) ? memoryError(name, pool.ex.topk_table_bytes(m), MAX_MEMORY_BYTES, e) : e;
    }
    pool.registry.register(this, t);
    this._c = pool;
    this._t = t;
  }

  /** @internal The pool, or the "disposed" error. */
  protected _pool(): Pool {
    const c = this._c;
    if (c === null) throw disposedError(this._name);
    return c;
  }

  /** @internal Throws for a runtime code from incr or put. */
  protected _fail(r: number, key: unknown): never {
    if (r === ERR_OVERFLOW) {
      throw new RangeError(`${this._name}: the total of increments and decrements would pass Number.MAX_SAFE_INTEGER (key ${describe(key)}); nothing changed`);
    }
    throw new Error(`${this._name}: unexpected core status ${r}`);
  }

  /**
   * @internal Room for `need` more bytes of keys in the arena: evicted keys'
   * records are dropped when they are most of it (into a block of the same
   * size, so a summary at its capacity keeps a flat footprint), else it grows.
   * Allocates before it changes anything; a refusal is a RangeError.
   */
  protected _room(need: number): void {
    const c = this._pool();
    const ex = c.ex;
    const t = this._t;
    const used = c.h32(t, H_ARENA_USED) >>> 0;
    const garbage = c.h32(t, H_GARBAGE) >>> 0;
    const live = used - garbage;
    const cap = c.h32(t, H_ARENA_CAP) >>> 0;
    let r: number;
    try {
      r = garbage > 0 && garbage >= live ? ex.arena_compact(t, Math.max(need, cap - live), MAX_MEMORY_BYTES) : ex.arena_grow(t, need, MAX_MEMORY_BYTES);
    } catch (e) {
      throw memoryError(this._name, c.stat(t, R_HELD_BYTES) + need, MAX_MEMORY_BYTES, isTrap(e) ? e : undefined);
    }
    if (r === ERR_MEMORY) throw memoryError(this._name, c.result(R_REFUSED_BYTES), MAX_MEMORY_BYTES);
  }

  /** @internal incr past the fast path: checks, arena room, errors. */
  protected _incrSlow(key: K, by: number): number {
    this._pool();
    this._checkKey(key);
    checkUp(by, `${this._name}#incr`);
    if (by === 0) return this.get(key);
    for (;;) {
      const r = this._incrRaw(key, by);
      if (r >= 0) return r;
      if (r === ERR_ARENA) this._room(this._c!.result(R_ARENA_NEED));
      else this._fail(r, key);
    }
  }

  /** The estimate of the key's count (an upper bound of its true count); 0 when it is not tracked. */
  abstract get(key: K): number;

  /** Counts `by` (a safe integer >= 0) more of the key; returns its estimate. */
  abstract incr(key: K, by?: number): number;

  /** Whether the key is tracked. */
  has(key: K): boolean {
    return this.get(key) > 0;
  }

  /**
   * Bounds of the key's true count: for a tracked key its estimate and the
   * estimate minus its error; for an untracked one 0 and the floor (the most
   * an evicted or never-tracked key can have been counted).
   */
  bounds(key: K): TopKBounds {
    const c = this._pool();
    this._checkKey(key);
    const s = this._find(key);
    if (s === 0) return { lower: 0, upper: c.hf64(this._t, TOPK_H_FLOOR) };
    const upper = c.result(R_TOPK_ESTIMATE);
    return { lower: upper - c.result(R_TOPK_ERROR), upper };
  }

  /**
   * Takes back `by` (a safe integer >= 0) counts of a tracked key
   * (SpaceSaving±): its estimate and lower bound drop by `by`; at 0 the key
   * stops being tracked and its slot is free. A key that is not tracked, or
   * a step above its estimate (more than it can have been counted), is a
   * RangeError and nothing changes. See `stats().errorBound` for the bound
   * decrements leave.
   */
  decr(key: K, by: number = 1): number {
    const c = this._pool();
    this._checkKey(key);
    checkUp(by, `${this._name}#decr`);
    if (by === 0) return this.get(key);
    const s = this._find(key);
    if (s === 0) {
      throw new RangeError(`${this._name}#decr: key ${describe(key)} is not tracked (it was never counted, or was evicted), so its count cannot be taken back; nothing changed`);
    }
    const r = c.ex.topk_decr_at(this._t, s, by);
    if (r === ERR_BELOW) {
      throw new RangeError(`${this._name}#decr: key ${describe(key)} has an estimate of ${c.result(R_TOPK_ESTIMATE)}, less than the ${by} to take back; nothing changed`);
    }
    if (r < 0) this._fail(r, key);
    return r;
  }

  /** Keys tracked now. */
  get size(): number {
    return this._pool().h32(this._t, H_ITEMS);
  }

  /** The most keys tracked at once. */
  get capacity(): number {
    return this._pool().h32(this._t, TOPK_H_CAPACITY);
  }

  /** N: the sum of every increment minus every decrement. */
  get total(): number {
    const c = this._pool();
    return c.hf64(this._t, TOPK_H_INSERTED) - c.hf64(this._t, TOPK_H_DELETED);
  }

  /** @internal Every entry as [key, estimate, error], in table order. */
  protected _entries(): Array<[K, number, number]> {
    const c = this._pool();
    const t = this._t;
    const out: Array<[K, number, number]> = [];
    const cap = c.h32(t, H_GROUPS) * GROUP;
    let cursor = 0;
    while (cursor < cap) {
      cursor = c.ex.topk_read(t, cursor);
      const n = c.result(R_CHUNK_COUNT);
      const f64 = c.view() && c.f64;
      for (let j = 0; j < n; j++) out.push([this._refKey(j), f64[3 * j + 1]!, f64[3 * j + 2]!]);
    }
    return out;
  }

  /**
   * The n tracked keys with the highest estimates, highest first, ties by
   * key (strings by code unit, numbers ascending); every tracked key when n
   * is omitted.
   */
  mostCommon(n?: number): Array<[K, number]> {
    this._pool();
    if (n !== undefined) {
      if (typeof n !== 'number') throw new TypeError(`mostCommon(n): n must be a number, got ${describe(n)}`);
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`mostCommon(n): n must be a safe integer >= 0, got ${describe(n)}`);
    }
    const all = this._entries().sort(byEstimate);
    const k = Math.min(n ?? all.length, all.length);
    const out = new Array<[K, number]>(k);
    for (let i = 0; i < k; i++) out[i] = [all[i]![0], all[i]![1]];
    return out;
  }

  /** [key, estimate] of every tracked key, in table order; a change to the summary during the walk makes its next step throw. */
  *entries(): IterableIterator<[K, number]> {
    const c = this._pool();
    const t = this._t;
    const version = c.h32(t, H_VERSION);
    for (const [k, est] of this._entries()) {
      if (this._c !== c || c.h32(t, H_VERSION) !== version) throw modifiedError(this._name);
      yield [k, est];
    }
  }

  *keys(): IterableIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  [Symbol.iterator](): IterableIterator<[K, number]> {
    return this.entries();
  }

  /** Sizes and the bound, for monitoring. */
  stats(): TopKStats {
    const c = this._pool();
    const t = this._t;
    const size = c.h32(t, H_ITEMS);
    const capacity = c.h32(t, TOPK_H_CAPACITY);
    const inserted = c.hf64(t, TOPK_H_INSERTED);
    const deleted = c.hf64(t, TOPK_H_DELETED);
    const bytes = c.stat(t, R_HELD_BYTES);
    return {
      size,
      capacity,
      total: inserted - deleted,
      inserted,
      deleted,
      floor: c.hf64(t, TOPK_H_FLOOR),
      errorBound: (inserted + deleted) / capacity,
      bytes,
      bytesPerKey: size === 0 ? 0 : bytes / size,
      keyBytes: c.h32(t, H_ARENA_USED) >>> 0,
      garbageBytes: c.h32(t, H_GARBAGE) >>> 0,
    };
  }

  /**
   * Adds the summary `other` (of the same kind and capacity) into this one
   * (mergeable summaries, Agarwal et al. 2012): each key's bounds are summed,
   * a key one side does not track counting that side's floor as its upper
   * bound and 0 as its lower; then the `capacity` keys with the highest
   * upper bounds are kept. The guarantees then hold for the two streams
   * together. Atomic: the result is built beside this summary and swapped in.
   */
  merge(other: this): this {
    const c = this._pool();
    if (!(other instanceof TopKBase) || other._name !== this._name) {
      throw new TypeError(`${this._name}#merge needs another ${this._name}, got ${other instanceof TopKBase ? `a ${other._name}` : describe(other)}`);
    }
    const o = other._pool();
    const m = c.h32(this._t, TOPK_H_CAPACITY);
    if (o.h32(other._t, TOPK_H_CAPACITY) !== m) {
      // The bound of the result is the sum of the two bounds, (I_a + D_a)/m_a
      // + (I_b + D_b)/m_b: with one capacity, (I + D)/m as for one stream.
      throw new RangeError(`${this._name}#merge needs a summary of the same capacity (${m}), got one of ${o.h32(other._t, TOPK_H_CAPACITY)}; nothing changed`);
    }
    const inserted = c.hf64(this._t, TOPK_H_INSERTED) + o.hf64(other._t, TOPK_H_INSERTED);
    const deleted = c.hf64(this._t, TOPK_H_DELETED) + o.hf64(other._t, TOPK_H_DELETED);
    if (inserted + deleted > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`${this._name}#merge: the totals would pass Number.MAX_SAFE_INTEGER; nothing changed`);
    }
    const floorA = c.hf64(this._t, TOPK_H_FLOOR);
    const floorB = o.hf64(other._t, TOPK_H_FLOOR);
    const joined = new Map<K, [number, number]>();
    for (const [k, est, err] of this._entries()) joined.set(k, [est + floorB, err + floorB]);
    for (const [k, est, err] of other._entries()) {
      const a = joined.get(k);
      if (a === undefined) joined.set(k, [est + floorA, err + floorA]);
      else {
        a[0] += est - floorB;
        a[1] += err - floorB;
      }
    }
    const all: Array<[K, number, number]> = [];
    for (const [k, [est, err]] of joined) all.push([k, est, err]);
    all.sort(byEstimate);
    let floor = floorA + floorB;
    if (all.length > m && all[m]![1] > floor) floor = all[m]![1];
    this._replace(all.slice(0, m), inserted, deleted, floor);
    return this;
  }

  /** @internal Replaces the contents with the given entries, atomically (built beside, then swapped in). */
  protected _replace(entries: Array<[K, number, number]>, inserted: number, deleted: number, floor: number): void {
    const c = this._pool();
    const next = this._sibling(c);
    try {
      next._fill(entries, inserted, deleted, floor);
      c.ex.topk_move(this._t, next._t, true);
    } finally {
      next.dispose();
    }
  }

  /** @internal A new empty summary of the same capacity in pool `c`. */
  protected abstract _sibling(c: Pool): TopKBase<K>;

  /**
   * @internal A copy of this summary in its pool, taken before a call that
   * cannot be undone step by step (an eviction cannot be taken back): on
   * failure the call swaps it back in. Costs a copy of the table block.
   */
  protected _backup(): this {
    const c = this._pool();
    const copy = this._sibling(c) as this;
    try {
      const used = c.h32(this._t, H_ARENA_USED) >>> 0;
      if (used > 0 && c.ex.arena_grow(copy._t, used, MAX_MEMORY_BYTES) === ERR_MEMORY) {
        throw memoryError(this._name, c.result(R_REFUSED_BYTES), MAX_MEMORY_BYTES);
      }
      c.ex.topk_move(copy._t, this._t, false);
    } catch (e) {
      copy.dispose();
      throw isTrap(e) ? memoryError(this._name, 2 * c.stat(this._t, R_HELD_BYTES), MAX_MEMORY_BYTES, e) : e;
    }
    return copy;
  }

  /** @internal Loads checked entries into this new, empty summary; a bad entry is a TypeError. */
  _fill(entries: ArrayLike<readonly [K, number, number]>, inserted: number, deleted: number, floor: number): void {
    for (let i = 0; i < entries.length; i++) {
      const [k, est, err] = entries[i]!;
      for (;;) {
        const r = this._put(k, est, err);
        if (r >= 0) break;
        if (r === ERR_ARENA) this._room(this._c!.result(R_ARENA_NEED));
        else if (r === ERR_DUPLICATE) throw new TypeError(`key ${describe(k)} is listed twice`);
        else this._fail(r, k);
      }
    }
    this._c!.ex.topk_set_totals(this._t, inserted, deleted, floor);
  }

  /** The summary as bytes (its capacity, totals, floor and every entry's estimate and error), checked by a CRC-32; load it with fromSnapshot. */
  snapshot(): Uint8Array<ArrayBuffer> {
    const c = this._pool();
    const t = this._t;
    return writeTopKSnapshot(this._kind, c.h32(t, TOPK_H_CAPACITY), c.hf64(t, TOPK_H_INSERTED), c.hf64(t, TOPK_H_DELETED), c.hf64(t, TOPK_H_FLOOR), this._entries());
  }

  /** Frees the summary's memory now; any later call throws. */
  dispose(): void {
    const c = this._c;
    if (c !== null) c.ex.table_release(this._t);
    this._c = null;
    this._t = -1;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  get [Symbol.toStringTag](): string {
    return this._name;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this._c === null) return `${this._name} <disposed>`;
    const top = this.mostCommon(10).map(([k, v]) => `${JSON.stringify(k)} => ${v}`);
    if (this.size > 10) top.push('…');
    return `${this._name}(${this.size}/${this.capacity}) {${top.length ? ' ' + top.join(', ') + ' ' : ''}}`;
  }
}

/** Highest estimate first, then by key. */
function byEstimate<K extends string | number>(a: readonly [K, number, number], b: readonly [K, number, number]): number {
  return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

/** @internal Loads a checked snapshot into a new summary made by `make`; disposes it on failure. */
function load<K extends string | number, T extends TopKBase<K>>(make: (capacity: number) => T, bytes: Uint8Array, kind: number, where: string): T {
  const snap = readTopKSnapshot(bytes, kind, where);
  const top = make(snap.capacity);
  try {
    top._fill(snap.entries as Array<[K, number, number]>, snap.inserted, snap.deleted, snap.floor);
  } catch (e) {
    top.dispose();
    if (e instanceof TypeError) throw new TypeError(`${where}: corrupt snapshot: ${e.message}; nothing was loaded`, { cause: e });
    throw e;
  }
  return top;
}

/**
 * The heavy hitters of a stream of string keys in bounded memory
 * (Space-Saving): at most `capacity` keys are tracked, each with an estimate
 * that is an upper bound of its true count and an error. With N the sum of
 * increments and m the capacity, every key counted more than N/m times is
 * tracked, and every tracked key's true count lies within bounds(key), at
 * most N/m apart.
 */
export class TopK extends TopKBase<string> {
  constructor(options: TopKOptions) {
    super(options, LAYOUT_STR64, 'TopK');
  }

  /** @internal */
  protected get _name(): string {
    return 'TopK';
  }
  /** @internal */
  protected get _kind(): number {
    return KIND_TOPK;
  }

  /** A new TopK from a snapshot() of one; bad bytes throw a TypeError naming what is wrong, and nothing is made. */
  static fromSnapshot(bytes: Uint8Array): TopK {
    return load((capacity) => new TopK({ capacity }), bytes, KIND_TOPK, 'TopK.fromSnapshot');
  }

  /** @internal */
  protected _sibling(c: Pool): TopK {
    siblingPool = c;
    return new TopK({ capacity: this.capacity });
  }

  /** @internal */
  protected _checkKey(key: unknown, where = 'TopK key'): void {
    checkStringKey(key, where);
  }

  /** @internal Writes the key's UTF-8 into scratch; its length. A key longer than the scratch is a RangeError. */
  private _encode(key: string): number {
    const c = this._c!;
    if (key.length <= c.inlineChars) return encodeInto(key, c.view(), c.scratch) - c.scratch;
    const buf = new Uint8Array(maxEncodedBytes(key.length));
    const n = encodeInto(key, buf, 0);
    if (n > MAX_KEY_BYTES) throw new RangeError(`TopK keys are at most ${MAX_KEY_BYTES} bytes of UTF-8, got one of ${n} bytes`);
    c.view().set(buf.subarray(0, n), c.scratch);
    return n;
  }

  /**
   * Counts the tokens of `bytes` (UTF-8 text) as CounterMap#countTokens
   * does (same options: separators, lowercase), in one wasm pass; returns how
   * many. Atomic: invalid UTF-8, a token longer than 32 KiB or a total past
   * 2^53 - 1 throws with the summary as it was (it is copied first and the
   * copy swapped back on failure).
   */
  countTokens(bytes: Uint8Array, options?: TokenOptions): number {
    const c = this._pool();
    // Read once, through the intrinsic getters (input.ts): a subclass's
    // subarray or length is never called, and no user code runs after this.
    bytes = readBytes(bytes, 'TopK#countTokens', 'of UTF-8 text');
    const opts = parseTokenOptions(options, 'TopK#countTokens');
    if (bytes.length === 0) return 0;
    const backup = this._backup();
    try {
      return new TokenCounter(this, opts)._feed(bytes, true, 'TopK#countTokens');
    } catch (e) {
      c.ex.topk_move(this._t, backup._t, true);
      throw e;
    } finally {
      backup.dispose();
    }
  }

  // The summary as the tokenizer's table (tokens.ts TokenTable), also fed
  // chunk by chunk by countFile: it never undoes (countTokens' backup does;
  // countFile drops a summary that failed), so it gives no core for a
  // negative pass.

  /** @internal */
  _alive(): void {
    this._pool();
  }

  /** @internal */
  _coreFor(create: boolean): Pool | null {
    return create ? this._pool() : null;
  }

  /** @internal Arena room after ERR_ARENA; any other code is the error. */
  _recover(code: number): void {
    if (code === ERR_OVERFLOW) throw new RangeError('TopK#countTokens: the total would pass Number.MAX_SAFE_INTEGER; nothing was counted');
    if (code !== ERR_ARENA) throw new Error(`TopK: unexpected core status ${code}`);
    this._room(this._c!.result(R_ARENA_NEED));
  }

  /** @internal A token longer than the scratch. */
  _incrBytes(key: Uint8Array, by: number): number {
    if (key.length > MAX_KEY_BYTES) throw new RangeError(`TopK keys are at most ${MAX_KEY_BYTES} bytes of UTF-8, got a token of ${key.length} bytes`);
    const c = this._pool();
    for (;;) {
      c.view().set(key, c.scratch);
      const r = c.ex.topk_str(this._t, TOPK_INCR, c.scratch, key.length, by, 0);
      if (r >= 0) return r;
      if (r === ERR_ARENA) this._room(c.result(R_ARENA_NEED));
      else this._fail(r, '(a long token)');
    }
  }

  /** @internal A summary never shrinks. */
  _maybeShrink(): void {}

  /** @internal A summary's memory is sized once. */
  _abandon(): void {}

  /** @internal */
  protected _incrRaw(key: string, by: number): number {
    const c = this._c!;
    if (pack(key)) return c.ex.topk_short(this._t, TOPK_INCR, packLo, packHi, by);
    const len = this._encode(key);
    return c.ex.topk_str(this._t, TOPK_INCR, c.scratch, len, by, 0);
  }

  /** @internal */
  protected _find(key: string): number {
    const c = this._c!;
    return c.ex.topk_str(this._t, TOPK_FIND, c.scratch, this._encode(key), 0, 0);
  }

  /** @internal */
  protected _put(key: string, est: number, err: number): number {
    const c = this._c!;
    return c.ex.topk_str(this._t, TOPK_PUT, c.scratch, this._encode(key), est, err);
  }

  /** @internal */
  protected _refKey(index: number): string {
    const c = this._c!;
    return decode(c.u8, c.u32[6 * index]!, c.u32[6 * index + 1]!);
  }

  get(key: string): number {
    const c = this._c;
    if (c !== null && typeof key === 'string') {
      if (pack(key)) return (c.ex.topk_short(this._t, TOPK_FIND, packLo, packHi, 0) === 0 ? 0 : c.result(R_TOPK_ESTIMATE));
      return (c.ex.topk_str(this._t, TOPK_FIND, c.scratch, this._encode(key), 0, 0) === 0 ? 0 : c.result(R_TOPK_ESTIMATE));
    }
    this._pool();
    this._checkKey(key);
    return 0;
  }

  incr(key: string, by: number = 1): number {
    const c = this._c;
    if (c !== null && typeof key === 'string' && key.length <= c.inlineChars && by > 0 && Number.isSafeInteger(by)) {
      let r: number;
      if (pack(key)) r = c.ex.topk_short(this._t, TOPK_INCR, packLo, packHi, by);
      else {
        const at = c.scratch;
        r = c.ex.topk_str(this._t, TOPK_INCR, at, encodeInto(key, c.view(), at) - at, by, 0);
      }
      if (r >= 0) return r;
    }
    return this._incrSlow(key, by);
  }

  /**
   * Counts `by` more of every key of `keys` (an array or iterable; a key
   * listed twice counts twice). Atomic: a bad key or step, or a total past
   * 2^53 - 1, throws before anything is counted; arena room for the batch's
   * long keys is made up front, so nothing fails part way.
   */
  incrMany(keys: Iterable<string> | ArrayLike<string>, by: number = 1): void {
    checkUp(by, 'TopK#incrMany');
    // Every key read once, before the summary is touched (readOnce).
    const arr = readOnce(keys, 'TopK#incrMany') as string[];
    const c = this._pool();
    let need = 0;
    for (let i = 0; i < arr.length; i++) {
      const key = arr[i];
      if (typeof key !== 'string') checkStringKey(key, `incrMany: keys[${i}]`);
      if (pack(key!)) continue;
      const n = this._encode(key!);
      if (n > 8) need += n + (n < 0x80 ? 1 : n < 0x4000 ? 2 : 3);
    }
    if (arr.length === 0 || by === 0) return;
    const t = this._t;
    if (c.hf64(t, TOPK_H_INSERTED) + c.hf64(t, TOPK_H_DELETED) + arr.length * by > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`TopK#incrMany: the total would pass Number.MAX_SAFE_INTEGER; nothing changed`);
    }
    const free = (c.h32(t, H_ARENA_CAP) >>> 0) - (c.h32(t, H_ARENA_USED) >>> 0);
    if (need > free) this._room(need);
    for (let i = 0; i < arr.length; i++) {
      const r = this._incrRaw(arr[i]!, by);
      if (r < 0) this._fail(r, arr[i]);
    }
  }
}

/** The heavy hitters of a stream of integer keys (any safe integer) in bounded memory; as TopK. */
export class IntTopK extends TopKBase<number> {
  constructor(options: TopKOptions) {
    super(options, LAYOUT_INT64, 'IntTopK');
  }

  /** @internal */
  protected get _name(): string {
    return 'IntTopK';
  }
  /** @internal */
  protected get _kind(): number {
    return KIND_INT_TOPK;
  }

  /** A new IntTopK from a snapshot() of one; bad bytes throw a TypeError naming what is wrong, and nothing is made. */
  static fromSnapshot(bytes: Uint8Array): IntTopK {
    return load((capacity) => new IntTopK({ capacity }), bytes, KIND_INT_TOPK, 'IntTopK.fromSnapshot');
  }

  /** @internal */
  protected _sibling(c: Pool): IntTopK {
    siblingPool = c;
    return new IntTopK({ capacity: this.capacity });
  }

  /** @internal */
  protected _checkKey(key: unknown, where = 'IntTopK key'): void {
    checkIntKey(key, where);
  }

  /** @internal */
  protected _incrRaw(key: number, by: number): number {
    return this._c!.ex.topk_int(this._t, TOPK_INCR, key, by, 0);
  }

  /** @internal */
  protected _find(key: number): number {
    return this._c!.ex.topk_int(this._t, TOPK_FIND, key, 0, 0);
  }

  /** @internal */
  protected _put(key: number, est: number, err: number): number {
    return this._c!.ex.topk_int(this._t, TOPK_PUT, key, est, err);
  }

  /** @internal */
  protected _refKey(index: number): number {
    return this._c!.f64[3 * index]!;
  }

  get(key: number): number {
    const c = this._c;
    if (c !== null && Number.isSafeInteger(key)) return (c.ex.topk_int(this._t, TOPK_FIND, key, 0, 0) === 0 ? 0 : c.result(R_TOPK_ESTIMATE));
    this._pool();
    this._checkKey(key);
    return 0;
  }

  incr(key: number, by: number = 1): number {
    const c = this._c;
    if (c !== null && by > 0 && Number.isSafeInteger(by) && Number.isSafeInteger(key)) {
      const r = c.ex.topk_int(this._t, TOPK_INCR, key, by, 0);
      if (r >= 0) return r;
    }
    return this._incrSlow(key, by);
  }

  /** Counts `by` more of every key of `keys`; atomic (checked before anything is counted, and nothing allocates). */
  incrMany(keys: Iterable<number> | ArrayLike<number>, by: number = 1): void {
    checkUp(by, 'IntTopK#incrMany');
    // Every key read once into memory of the library's own and checked
    // (input.ts) before the summary is touched: no user code runs after this.
    const batch = readIntKeys(keys, 'IntTopK#incrMany', checkIntKey);
    try {
      const c = this._pool();
      const { keys: ks, n } = batch;
      if (n === 0 || by === 0) return;
      const t = this._t;
      if (c.hf64(t, TOPK_H_INSERTED) + c.hf64(t, TOPK_H_DELETED) + n * by > Number.MAX_SAFE_INTEGER) {
        throw new RangeError(`IntTopK#incrMany: the total would pass Number.MAX_SAFE_INTEGER; nothing changed`);
      }
      for (let i = 0; i < n; i++) {
        const k = ks[i]!;
        const r = c.ex.topk_int(t, TOPK_INCR, k, by, 0);
        if (r < 0) this._fail(r, k);
      }
    } finally {
      releaseIntKeys(batch);
    }
  }

}

/** @internal Snapshot kinds (topk-snapshot.ts). */
export const KIND_TOPK = 3;
/** @internal */
export const KIND_INT_TOPK = 4;
