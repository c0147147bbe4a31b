import { CounterMapBase, NOT_RUN, OP_DELETE, OP_GET, OP_INCR, OP_SET, type BatchStop, type Op } from './base.js';
import { Core } from '../table/core.js';
import { LAYOUT_INT32, LAYOUT_INT64, SRC_F64, SRC_I32, SRC_U32 } from '../table/codes.js';
import { checkStep, describe } from '../table/errors.js';
import { readBytes, readIntKeys, readOptions, releaseIntKeys, type IntBatch } from '../table/input.js';
import type { CounterMapOptions } from '../table/types.js';
import { snapshotOptions, checkSnapshot, KIND_INT } from '../records/snapshot.js';
import { readIntKey } from '../records/records.js';
import { R_ERR_INDEX, WRITE_DELETE, WRITE_SET } from '../table/abi.js';

/** Key batches incrMany takes without converting element by element. */
export type IntKeys<K extends number = number> = ArrayLike<K> | Iterable<K> | Int32Array | Uint32Array | Float64Array;

export function checkIntKey(key: unknown, where = 'IntCounterMap key'): void {
  if (typeof key !== 'number' || Number.isNaN(key)) {
    throw new TypeError(`${where} must be a safe integer, got ${describe(key)}`);
  }
  if (!Number.isSafeInteger(key)) {
    if (Number.isFinite(key) && !Number.isInteger(key)) {
      throw new TypeError(`${where} must be an integer, got ${describe(key)}`);
    }
    throw new RangeError(`${where} must be a safe integer (|key| <= 2^53 - 1), got ${describe(key)}`);
  }
}

/**
 * Counts per integer key: any Number.isSafeInteger value, negative too.
 * A count that reaches 0 deletes its key; get() of an absent key is 0.
 */
export class IntCounterMap<K extends number = number> extends CounterMapBase<K> {
  /** @internal */
  protected get _name(): string {
    return 'IntCounterMap';
  }
  /** @internal */
  protected get _narrowLayout(): number {
    return LAYOUT_INT32;
  }
  /** @internal */
  protected get _wideLayout(): number {
    return LAYOUT_INT64;
  }

  /** @internal */
  protected get _kind(): number {
    return KIND_INT;
  }

  /**
   * A new IntCounterMap holding the entries of `bytes`, a snapshot() of an IntCounterMap
   * (from this process, another one, a file). Truncated, corrupt,
   * other-kind or unknown-version bytes throw a TypeError naming what is
   * wrong, and nothing is created. `options` as for the constructor; the
   * table is sized for the snapshot's entries unless initialCapacity is given.
   */
  static fromSnapshot<K extends number = number>(bytes: Uint8Array, options?: CounterMapOptions): IntCounterMap<K> {
    // The options first (their getters may run code), then the bytes, read
    // once: nothing runs between the checks and the load.
    const opts = readOptions(options);
    const { count, body } = checkSnapshot(readBytes(bytes, 'IntCounterMap.fromSnapshot', 'holding a snapshot'), KIND_INT, 'IntCounterMap.fromSnapshot');
    return new IntCounterMap<K>(snapshotOptions(opts, count))._load(body, count, 'IntCounterMap.fromSnapshot');
  }

  /**
   * Counts each key of `iterable`, or adds each [key, count] pair's count
   * (counts <= 0 add nothing, so a Map's zero entries are dropped).
   */
  static from(iterable: Iterable<number | readonly [number, number]>, options?: CounterMapOptions): IntCounterMap;
  /** With a key type: `IntCounterMap.from<Port>([80, 443])` is an `IntCounterMap<Port>`. */
  static from<K extends number>(iterable: Iterable<K | readonly [K, number]>, options?: CounterMapOptions): IntCounterMap<K>;
  static from<K extends number>(iterable: Iterable<K | readonly [K, number]>, options?: CounterMapOptions): IntCounterMap<K> {
    return new IntCounterMap<K>(options)._addAll(iterable);
  }

  /** The key's count; 0 when absent. */
  get(key: K): number {
    const c = this._c;
    if (c !== null && typeof key === 'number') {
      const r = c.ex.int_get(this._t, key);
      if (r >= 0) return r;
    }
    return this._settle(NOT_RUN, OP_GET, key, 0);
  }

  /** Adds `by` (a safe integer, may be negative); returns the new count. At 0 or below the key is deleted and 0 returned. */
  incr(key: K, by: number = 1): number {
    const c = this._c;
    if (c !== null && typeof key === 'number' && typeof by === 'number') {
      const r = c.ex.int_incr(this._t, key, by);
      if (r >= 0) return r;
      return this._settle(r, OP_INCR, key, by);
    }
    return this._settle(NOT_RUN, OP_INCR, key, by);
  }

  /** Sets the count (a safe integer >= 0); 0 deletes the key. */
  set(key: K, count: number): this {
    const c = this._c;
    if (c !== null && typeof key === 'number' && typeof count === 'number') {
      const r = c.ex.int_write(this._t, key, count, WRITE_SET);
      if (r < 0) this._settle(r, OP_SET, key, count);
    } else {
      this._settle(NOT_RUN, OP_SET, key, count);
    }
    return this;
  }

  /** Removes the key; true when it was present. */
  delete(key: K): boolean {
    const c = this._c;
    if (c !== null && typeof key === 'number') {
      const r = c.ex.int_write(this._t, key, 0, WRITE_DELETE);
      if (r >= 0) return r === 1;
      return this._settle(r, OP_DELETE, key, 0) === 1;
    }
    return this._settle(NOT_RUN, OP_DELETE, key, 0) === 1;
  }

  /**
   * Adds `by` to the count of every key in `keys` (a key listed twice is
   * counted twice). Keys cross into wasm a chunk of thousands at a time.
   * Atomic: a bad key anywhere, an overflow or running out of memory throws
   * and leaves the map as it was.
   */
  incrMany(keys: IntKeys<K>, by: number = 1): void {
    this._alive();
    checkStep(by);
    const batch = this._reading('incrMany', () => readIntKeys(keys, 'incrMany', checkIntKey));
    try {
      this._batch((from, to, step) => this._applyMany(batch, from, to, step), batch.n, by);
    } finally {
      releaseIntKeys(batch);
    }
  }

  /** @internal */
  private _applyMany({ kind, keys }: IntBatch, from: number, to: number, by: number): BatchStop | null {
    let i = from;
    while (i < to) {
      const c = this._coreOrStop(by > 0, i);
      if (c === null) return null;
      if (!(c instanceof Core)) return c;
      if (c.u8.length === 0) c.refresh();
      const room = kind === SRC_F64 ? c.scratchBytes >> 3 : c.scratchBytes >> 2;
      const n = Math.min(room, to - i);
      const whole = i === 0 && n === keys.length;
      if (kind === SRC_I32) c.i32.set(whole ? keys : keys.subarray(i, i + n));
      else if (kind === SRC_U32) c.u32.set(whole ? keys : keys.subarray(i, i + n));
      else if (!Array.isArray(keys)) c.f64.set(whole ? keys : keys.subarray(i, i + n));
      else for (let j = 0; j < n; j++) c.f64[j] = keys[i + j]!;
      const r = c.ex.int_incr_many(this._t, kind, n, by);
      if (r >= 0) {
        i += n;
      } else {
        i += c.result(R_ERR_INDEX);
        const stop = this._recoverOrStop(r, i);
        if (stop !== null) return stop;
      }
    }
    if (by < 0) this._maybeShrink();
    return null;
  }

  /** @internal */
  protected _run(op: Op, key: number, arg: number): number {
    const ex = this._c!.ex;
    const t = this._t;
    switch (op) {
      case OP_GET: return ex.int_get(t, key);
      case OP_INCR: return ex.int_incr(t, key, arg);
      case OP_SET: return ex.int_write(t, key, arg, WRITE_SET);
      default: return ex.int_write(t, key, 0, WRITE_DELETE);
    }
  }

  /** @internal */
  protected _checkKey(key: number): void {
    checkIntKey(key);
  }

  /** @internal */
  protected _blank(): IntCounterMap<K> {
    return new IntCounterMap<K>();
  }

  /** @internal */
  protected _recordKey(u8: Uint8Array, at: number): K {
    return readIntKey(u8, at) as K;
  }

  /** @internal */
  protected _refKey(core: Core, index: number): K {
    return core.f64[2 * index]! as K;
  }
}
