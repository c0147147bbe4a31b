// What SharedCounterMap and SharedIntCounterMap have in common: the handle,
// attaching a thread to the map's memory, reads of every entry, and the
// methods built on them. Keys are the subclasses' business.
import { checkCount, checkStep, describe, disposedError, overflowError } from '../table/errors.js';
import { compareKeys } from '../maps/key-order.js';
import {
  canWait, DEFAULT_MAX_BYTES, FIRST_BYTES, E_MEMORY, E_OVERFLOW, instantiate, MAX_MAX_BYTES, MIN_MAX_BYTES, OP_DELETE, OP_GET, OP_INCR, OP_SET,
  randomWords, sharedModule, type SharedExports,
} from './core.js';

/** Options of `new SharedCounterMap()` and `new SharedIntCounterMap()`. */
export interface SharedCounterMapOptions {
  /**
   * The most memory the map may ever hold, in bytes (default 256 MiB, at
   * least 1 MiB, at most 4 GiB). A shared memory must declare its maximum
   * when it is made; an insert that would need more throws a RangeError and
   * changes nothing.
   */
  maxBytes?: number;
}

/**
 * What another thread needs to open the same map: post it to a worker
 * (`worker.postMessage(map.handle)`) and call `open(handle)` there. It holds
 * the map's shared memory and compiled module, both structured-cloneable.
 */
export interface SharedCounterMapHandle {
  readonly type: 'tophash.SharedCounterMap' | 'tophash.SharedIntCounterMap';
  /** The map's `WebAssembly.Memory` (shared). Typed `object` so that the declarations need no DOM types. */
  readonly memory: object;
  /** The compiled `WebAssembly.Module`. */
  readonly module: object;
  readonly maxBytes: number;
}

/** The handle as this file builds and reads it. */
interface Handle extends SharedCounterMapHandle {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
}

/** Memory figures of a shared map. */
export interface SharedCounterMapStats {
  /** Live entries. */
  size: number;
  /** Slots of the table. */
  capacity: number;
  /** Bytes of the memory in use (header, scratch, table, key arena). */
  usedBytes: number;
  /** Bytes the shared memory holds (it never shrinks). */
  memoryBytes: number;
  maxBytes: number;
  /** Handles open on the map, in every thread. */
  handles: number;
}

/** Held by the FinalizationRegistry: never the map itself. */
interface Attachment {
  ex: SharedExports;
  me: number;
}

const registry = new FinalizationRegistry<Attachment>((a) => {
  a.ex.detach(a.me);
});

const NONE = Symbol('none');
/** The handle open() is attaching: the constructor reads it, so a map opened in a worker is made by the same `new` as one created here. */
let opening: unknown = NONE;

/** @internal The map of `handle` that `make` (a subclass's `new`) makes. */
export function openWith<M>(handle: SharedCounterMapHandle, make: () => M): M {
  opening = handle;
  try {
    return make();
  } finally {
    opening = NONE;
  }
}

export abstract class SharedBase<K> {
  /** A new, empty map in a shared memory of at most `maxBytes`; or, inside openWith(), the map of its handle. */
  constructor(options?: SharedCounterMapOptions) {
    if (opening !== NONE) {
      const h = opening;
      opening = NONE;
      this._open(h);
    } else {
      this._create(options);
    }
  }

  /** @internal Null after dispose(). */
  protected _ex: SharedExports | null = null;
  /** @internal This thread's record in the map. */
  protected _me = -1;
  /** @internal */
  protected _u8!: Uint8Array;
  /** @internal */
  protected _scratch = 0;
  /** @internal */
  private _handle!: Handle;
  /** @internal */
  private _att: Attachment | null = null;

  /** @internal */
  protected abstract get _name(): string;
  /** @internal */
  protected abstract get _kind(): number;
  /** @internal */
  protected abstract _op(ex: SharedExports, key: K, op: number, arg: number): number;
  /** @internal Throws the TypeError/RangeError for a bad key. */
  protected abstract _checkKey(key: K): void;
  /** @internal The key of slot word (lo, hi); `u8`/`u32` hold a copy of the memory from address `base` on. */
  protected abstract _key(lo: number, hi: number, u8: Uint8Array, u32: Uint32Array, base: number): K;

  /** @internal Makes a new map's memory and attaches this thread. */
  protected _create(options: SharedCounterMapOptions | undefined): void {
    const name = this._name;
    let maxBytes = DEFAULT_MAX_BYTES;
    if (options !== undefined) {
      if (options === null || typeof options !== 'object') throw new TypeError(`${name} options must be an object, got ${describe(options)}`);
      const m = options.maxBytes;
      if (m !== undefined) {
        if (typeof m !== 'number') throw new TypeError(`${name} maxBytes must be a number, got ${describe(m)}`);
        if (!Number.isSafeInteger(m) || m < MIN_MAX_BYTES || m > MAX_MAX_BYTES) {
          throw new RangeError(`${name} maxBytes must be an integer from ${MIN_MAX_BYTES} (1 MiB) to ${MAX_MAX_BYTES} (4 GiB), got ${describe(m)}`);
        }
        maxBytes = m;
      }
    }
    const module = sharedModule(name);
    const maximum = Math.floor(maxBytes / 65536);
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: Math.ceil(FIRST_BYTES / 65536), maximum, shared: true });
    } catch (cause) {
      const err = new RangeError(`${name}: the engine refused a shared memory of up to ${maxBytes} bytes`);
      (err as { cause?: unknown }).cause = cause;
      throw err;
    }
    const ex = instantiate(module, memory);
    const w = randomWords(6);
    if (ex.min_bytes() !== FIRST_BYTES) throw new Error(`${name}: the shared module's layout (${ex.min_bytes()} bytes) is not the one this build expects (${FIRST_BYTES})`);
    if (ex.init(this._kind, w[0]!, w[1]!, w[2]!, w[3]!, w[4]!, w[5]!) !== 0) {
      throw new RangeError(`${name}: the engine refused the first ${ex.min_bytes()} bytes of shared memory`);
    }
    this._attach({ type: `tophash.${name}` as SharedCounterMapHandle['type'], memory, module, maxBytes }, ex);
  }

  /** @internal Attaches this thread to the map of `handle`. */
  protected _open(handle: unknown): void {
    const name = this._name;
    const h = handle as Handle | null;
    if (h === null || typeof h !== 'object' || !(h.memory instanceof WebAssembly.Memory) || !(h.module instanceof WebAssembly.Module) || typeof h.maxBytes !== 'number') {
      throw new TypeError(`${name}.open needs the handle of a ${name} (map.handle, posted to this thread), got ${describe(handle)}`);
    }
    if (h.type !== `tophash.${name}`) {
      throw new TypeError(`${name}.open: this is the handle of a ${String(h.type).replace('tophash.', '')}, not of a ${name}`);
    }
    sharedModule(name);
    const ex = instantiate(h.module, h.memory);
    if (ex.kind() !== this._kind) throw new TypeError(`${name}.open: the handle's memory does not hold a ${name}`);
    this._attach(h, ex);
  }

  private _attach(handle: Handle, ex: SharedExports): void {
    const me = ex.attach(canWait() ? 1 : 0);
    if (me < 0) throw new RangeError(`${this._name}: 64 handles are open on this map already (one per thread): dispose() one first`);
    this._handle = handle;
    this._ex = ex;
    this._me = me;
    this._u8 = new Uint8Array(handle.memory.buffer);
    this._scratch = ex.scratch_ptr(me);
    const att = { ex, me };
    this._att = att;
    registry.register(this, att, att);
  }

  /** @internal */
  protected _alive(): SharedExports {
    const ex = this._ex;
    if (ex === null) throw disposedError(this._name);
    return ex;
  }

  /** @internal Turns a negative result into its error. */
  protected _fail(r: number, key: K, by: number): never {
    if (r === E_OVERFLOW) throw overflowError(key, this.get(key), by);
    if (r === E_MEMORY) {
      throw new RangeError(`${this._name} needs more memory than its maxBytes of ${this._handle.maxBytes} (or the engine refused it) to add key ${describe(key)}; the map is unchanged`);
    }
    throw new Error(`${this._name}: unexpected result ${r}`);
  }

  /**
   * The handle to post to other threads (`worker.postMessage(map.handle)`),
   * where `open(handle)` gives a map object over the same entries.
   */
  get handle(): SharedCounterMapHandle {
    this._alive();
    return this._handle;
  }

  /** The key's count; 0 when absent. */
  get(key: K): number {
    const ex = this._alive();
    this._checkKey(key);
    return this._op(ex, key, OP_GET, 0);
  }

  has(key: K): boolean {
    return this.get(key) > 0;
  }

  /**
   * Adds `by` (a safe integer, may be negative) atomically; returns the new
   * count. At 0 or below the key is deleted in the same atomic step and 0
   * returned.
   */
  incr(key: K, by: number = 1): number {
    const ex = this._alive();
    this._checkKey(key);
    if (!Number.isSafeInteger(by)) checkStep(by);
    const r = this._op(ex, key, OP_INCR, by);
    return r >= 0 ? r : this._fail(r, key, by);
  }

  /** Subtracts `by`; the count and deletion rule of incr(). */
  decr(key: K, by: number = 1): number {
    if (!Number.isSafeInteger(by)) checkStep(by);
    return this.incr(key, -by);
  }

  /** Sets the count (a safe integer >= 0) atomically; 0 deletes the key. */
  set(key: K, count: number): this {
    const ex = this._alive();
    this._checkKey(key);
    checkCount(count);
    const r = this._op(ex, key, OP_SET, count);
    if (r < 0) this._fail(r, key, count);
    return this;
  }

  /** Removes the key; true when it was present. */
  delete(key: K): boolean {
    const ex = this._alive();
    this._checkKey(key);
    return this._op(ex, key, OP_DELETE, 0) === 1;
  }

  /** Live entries, counted by every thread's inserts and deletes. */
  get size(): number {
    return this._alive().size();
  }

  /**
   * Every entry at one instant: the other threads' operations wait while
   * the table and key arena are copied (one memcpy of the bytes in use),
   * then the copy is decoded with everyone running again.
   */
  private _readAll(): Array<[K, number]> {
    const ex = this._alive();
    let img: Uint8Array;
    let t: number;
    let cap: number;
    ex.stop(this._me);
    try {
      const buf = this._handle.memory.buffer;
      t = ex.table_ptr();
      cap = ex.capacity();
      const used = ex.used_bytes();
      // stop() brought this thread's view of the memory up to date (a grow
      // by another thread reaches each thread asynchronously).
      if (used > buf.byteLength) throw new Error(`${this._name}: this thread sees ${buf.byteLength} bytes of the shared memory, the map uses ${used}`);
      img = new Uint8Array(buf, t, used - t).slice();
    } finally {
      ex.resume();
    }
    const u32 = new Uint32Array(img.buffer);
    const out: Array<[K, number]> = [];
    for (let i = 0; i < cap; i++) {
      const w = 4 * i;
      const chi = u32[w + 3]!;
      // Empty slots and DEAD (-1) have no count in 1 .. 2^53 - 1.
      if (chi >= 0x200000) continue;
      const count = chi * 4294967296 + u32[w + 2]!;
      if (count === 0) continue;
      out.push([this._key(u32[w]!, u32[w + 1]!, img, u32, t), count]);
    }
    return out;
  }

  /** [key, count] pairs at one instant (see entries()), by count descending, ties by key; the first n. */
  mostCommon(n?: number): Array<[K, number]> {
    this._alive();
    if (n !== undefined) {
      if (typeof n !== 'number') throw new TypeError(`mostCommon(n): n must be a number, got ${describe(n)}`);
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`mostCommon(n): n must be a safe integer >= 0, got ${describe(n)}`);
    }
    const all = this._readAll();
    all.sort((a, b) => b[1] - a[1] || compareKeys(a[0] as string | number, b[0] as string | number));
    return n === undefined ? all : all.slice(0, n);
  }

  /**
   * The entries as they all were at one instant during the call: other
   * threads' operations wait while the table and key arena are copied (a
   * memcpy of the bytes in use), then the walk is over that copy, so writes
   * made meanwhile never break it and never show in it.
   */
  entries(): IterableIterator<[K, number]> {
    return this._readAll()[Symbol.iterator]();
  }

  keys(): IterableIterator<K> {
    return this._readAll().map((e) => e[0])[Symbol.iterator]();
  }

  values(): IterableIterator<number> {
    return this._readAll().map((e) => e[1])[Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<[K, number]> {
    return this.entries();
  }

  forEach(fn: (count: number, key: K, map: this) => void, thisArg?: unknown): void {
    if (typeof fn !== 'function') throw new TypeError(`forEach needs a function, got ${describe(fn)}`);
    for (const [k, c] of this._readAll()) fn.call(thisArg, c, k, this);
  }

  /** The entries at one instant, as a plain array of [key, count] pairs. */
  toJSON(): Array<[K, number]> {
    return this._readAll();
  }

  /** Removes every entry, for every thread. The memory keeps its size: a shared memory cannot shrink, its pages are reused. */
  clear(): void {
    this._alive().clear(this._me);
  }

  stats(): SharedCounterMapStats {
    const ex = this._alive();
    return {
      size: ex.size(),
      capacity: ex.capacity(),
      usedBytes: ex.used_bytes(),
      memoryBytes: this._handle.memory.buffer.byteLength,
      maxBytes: this._handle.maxBytes,
      handles: ex.handles(),
    };
  }

  /**
   * Detaches this thread's handle (other threads' maps keep working). The
   * memory goes back to the engine once no thread refers to it any more:
   * every handle disposed or garbage collected, every posted handle dropped.
   * Later calls on this object throw.
   */
  dispose(): void {
    const ex = this._ex;
    if (ex === null) return;
    const att = this._att!;
    registry.unregister(att);
    ex.detach(this._me);
    this._ex = null;
    this._att = null;
    this._me = -1;
    this._u8 = new Uint8Array(0);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** @internal Entries for snapshot(). */
  protected _entries(): Array<[K, number]> {
    return this._readAll();
  }
}
