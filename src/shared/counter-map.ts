import { CounterMap, checkStringKey, pack, packHi, packLo } from '../maps/counter-map.js';
import { describe } from '../table/errors.js';
import { SharedBase, openWith, type SharedCounterMapHandle, type SharedCounterMapOptions } from './base.js';
import { KIND_STRING, OP_INCR, type SharedExports } from './core.js';
import { decode, encodeInto } from '../records/utf8.js';

/** Longest key in UTF-8 bytes: a thread's scratch in the shared memory (assembly/shared/layout.ts). */
const MAX_KEY_BYTES = 4096;
/** Longest string whose encoding surely fits the scratch. */
const INLINE_CHARS = MAX_KEY_BYTES / 3;

/**
 * Counts per string key in shared memory: one live map that every thread
 * (Node worker_threads, browser workers of a cross-origin isolated page)
 * reads and updates at once. Post `map.handle` to a worker and call
 * `SharedCounterMap.open(handle)` there. Every operation on a key is atomic
 * and linearizable; a count that reaches 0 deletes its key in the same
 * step. Keys are any JS string of up to 4096 bytes of UTF-8.
 */
export class SharedCounterMap<K extends string = string> extends SharedBase<K> {
  /** A new, empty map in a shared memory of at most `maxBytes`. */
  constructor(options?: SharedCounterMapOptions) {
    super(options);
  }

  /** The map of `handle` (another thread's `map.handle`), for this thread. */
  static open<K extends string = string>(handle: SharedCounterMapHandle): SharedCounterMap<K> {
    return openWith(handle, () => new SharedCounterMap<K>());
  }

  /** @internal */
  protected get _name(): string {
    return 'SharedCounterMap';
  }

  /** @internal */
  protected get _kind(): number {
    return KIND_STRING;
  }

  /** @internal */
  protected _checkKey(key: K): void {
    checkStringKey(key, 'SharedCounterMap key');
  }

  /** @internal Writes a long key into this thread's scratch; its length. */
  private _encode(key: string): number {
    const at = this._scratch;
    if (key.length <= INLINE_CHARS) return encodeInto(key, this._u8, at) - at;
    const tmp = new Uint8Array(key.length * 3);
    const len = encodeInto(key, tmp, 0);
    if (len > MAX_KEY_BYTES) {
      throw new RangeError(`SharedCounterMap keys are at most ${MAX_KEY_BYTES} bytes of UTF-8, got one of ${len} bytes (${describe(key)}); the map is unchanged`);
    }
    this._u8.set(tmp.subarray(0, len), at);
    return len;
  }

  /** @internal */
  protected _op(ex: SharedExports, key: K, op: number, arg: number): number {
    if (key.length !== 0 && pack(key)) return ex.short_op(this._me, packLo, packHi, op, arg);
    return ex.str_op(this._me, this._encode(key), op, arg);
  }

  /** @internal */
  protected _key(lo: number, hi: number, u8: Uint8Array, u32: Uint32Array, base: number): K {
    if (hi & 0x80000000) return decode(u8, lo - base + 4, u32[(lo - base) >>> 2]!) as K;
    const n = hi >>> 24 < 8 ? hi >>> 24 : 8;
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff);
    return s as K;
  }

  /** Adds `by` (a safe integer, may be negative) atomically; returns the new count. At 0 or below the key is deleted in the same step and 0 returned. */
  override incr(key: K, by: number = 1): number {
    const ex = this._ex;
    if (ex !== null && typeof key === 'string' && typeof by === 'number' && key.length <= INLINE_CHARS && Number.isSafeInteger(by)) {
      const r = key.length !== 0 && pack(key)
        ? ex.short_op(this._me, packLo, packHi, OP_INCR, by)
        : ex.str_op(this._me, encodeInto(key, this._u8, this._scratch) - this._scratch, OP_INCR, by);
      return r >= 0 ? r : this._fail(r, key, by);
    }
    return super.incr(key, by);
  }

  /**
   * The entries at one instant (see entries()) in the snapshot format of
   * CounterMap: `CounterMap.fromSnapshot(bytes)` reads it.
   */
  snapshot(): Uint8Array<ArrayBuffer> {
    const m = new CounterMap<K>();
    try {
      for (const [k, c] of this._entries()) m.set(k, c);
      return m.snapshot();
    } finally {
      m.dispose();
    }
  }
}
