import { IntCounterMap, checkIntKey } from '../maps/int-counter-map.js';
import { SharedBase, openWith, type SharedCounterMapHandle, type SharedCounterMapOptions } from './base.js';
import { KIND_INT, OP_INCR, type SharedExports } from './core.js';

/**
 * Counts per integer key (any safe integer) in shared memory: the integer
 * twin of SharedCounterMap, one live map every thread reads and updates at
 * once. `SharedIntCounterMap.open(handle)` in a worker.
 */
export class SharedIntCounterMap<K extends number = number> extends SharedBase<K> {
  /** A new, empty map in a shared memory of at most `maxBytes`. */
  constructor(options?: SharedCounterMapOptions) {
    super(options);
  }

  /** The map of `handle` (another thread's `map.handle`), for this thread. */
  static open<K extends number = number>(handle: SharedCounterMapHandle): SharedIntCounterMap<K> {
    return openWith(handle, () => new SharedIntCounterMap<K>());
  }

  /** @internal */
  protected get _name(): string {
    return 'SharedIntCounterMap';
  }

  /** @internal */
  protected get _kind(): number {
    return KIND_INT;
  }

  /** @internal */
  protected _checkKey(key: K): void {
    checkIntKey(key, 'SharedIntCounterMap key');
  }

  /** @internal */
  protected _op(ex: SharedExports, key: K, op: number, arg: number): number {
    return ex.int_op(this._me, key, op, arg);
  }

  /** @internal The slot word holds the key plus 2^53 (assembly/shared/index.ts intWord). */
  protected _key(lo: number, hi: number): K {
    return ((hi - 0x200000) * 4294967296 + lo) as K;
  }

  /** Adds `by` (a safe integer, may be negative) atomically; returns the new count. At 0 or below the key is deleted in the same step and 0 returned. */
  override incr(key: K, by: number = 1): number {
    const ex = this._ex;
    if (ex !== null && Number.isSafeInteger(key) && Number.isSafeInteger(by)) {
      const r = ex.int_op(this._me, key, OP_INCR, by);
      return r >= 0 ? r : this._fail(r, key, by);
    }
    return super.incr(key, by);
  }

  /**
   * The entries at one instant (see entries()) in the snapshot format of
   * IntCounterMap: `IntCounterMap.fromSnapshot(bytes)` reads it.
   */
  snapshot(): Uint8Array<ArrayBuffer> {
    const m = new IntCounterMap<K>();
    try {
      for (const [k, c] of this._entries()) m.set(k, c);
      return m.snapshot();
    } finally {
      m.dispose();
    }
  }
}
