// Input read once, into memory the library owns, before any of it goes into
// wasm. A batch's elements may be getters, an iterable or a Proxy runs code
// as it is read, a typed array's subclass may override length or subarray:
// all of that code runs here, while the map refuses calls (base.ts,
// _reading), and none of it between a check and the write into a scratch
// that every map of a pool shares. What is read is then applied, and, if
// the call fails part way, taken back from the same copy.
//
// Typed arrays are read through the %TypedArray%.prototype getters taken at
// load, which no subclass or Proxy replaces (on a Proxy they throw or return
// undefined), and through integer indices, which on a real typed array never
// reach its prototype. Memory shared with other threads (a
// SharedArrayBuffer) can change between any two reads: it is copied first.

import { SRC_F64, SRC_I32, SRC_U32 } from './codes.js';
import { describe } from './errors.js';

type Getter<T> = (self: unknown) => T;

/** `get` as a function of its receiver (Node's primordials call it uncurryThis). */
function getterOf<T>(proto: object, name: PropertyKey): Getter<T> {
  const { get } = Object.getOwnPropertyDescriptor(proto, name) as { get: (this: unknown) => T };
  return Function.prototype.call.bind(get) as Getter<T>;
}

const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array.prototype) as object;
/** The element type's name of a typed array ("Uint8Array" for a Buffer too); undefined for anything else. */
const typedArrayName = getterOf<string | undefined>(TYPED_ARRAY, Symbol.toStringTag);
const typedArrayLength = getterOf<number>(TYPED_ARRAY, 'length');
const typedArrayByteOffset = getterOf<number>(TYPED_ARRAY, 'byteOffset');
const typedArrayBuffer = getterOf<ArrayBufferLike>(TYPED_ARRAY, 'buffer');
/** Throws for anything but an ArrayBuffer (a SharedArrayBuffer included). */
const arrayBufferByteLength = getterOf<number>(ArrayBuffer.prototype, 'byteLength');

const MAX_LENGTH = 2 ** 32 - 1;

function isArrayBuffer(v: unknown): boolean {
  try {
    arrayBufferByteLength(v);
    return true;
  } catch {
    return false;
  }
}

/** describe(), naming buffers and views too. */
function describeInput(v: unknown): string {
  const name = typedArrayName(v);
  if (name !== undefined) return `a ${name}`;
  if (ArrayBuffer.isView(v)) return 'a DataView';
  if (isArrayBuffer(v)) return 'an ArrayBuffer';
  return describe(v);
}

interface TypedArrayOf<T> {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (source: T): T;
}

/** The elements of the typed array `ta` as a `Ctor` of the library's own: the same memory, or a copy when it is shared. */
function ownView<T>(ta: unknown, Ctor: TypedArrayOf<T>): T {
  const n = typedArrayLength(ta);
  if (n === 0) return new Ctor(0); // a detached buffer reads as empty too
  const buffer = typedArrayBuffer(ta);
  const view = new Ctor(buffer, typedArrayByteOffset(ta), n);
  return isArrayBuffer(buffer) ? view : new Ctor(view);
}

/**
 * A Uint8Array (a Buffer, a subclass) as a plain Uint8Array over the same
 * bytes, or a copy of them when they are shared with other threads. Anything
 * else is a TypeError: `what` says what the bytes must hold.
 */
export function readBytes(bytes: unknown, where: string, what: string): Uint8Array {
  if (typedArrayName(bytes) !== 'Uint8Array') {
    const hint = isArrayBuffer(bytes) || ArrayBuffer.isView(bytes) ? ' (wrap the bytes: new Uint8Array(buffer, byteOffset, byteLength))' : '';
    throw new TypeError(`${where} needs a Uint8Array (or Buffer) ${what}, got ${describeInput(bytes)}${hint}`);
  }
  return ownView(bytes, Uint8Array);
}

/**
 * A batch's elements, each read once: an array (a Proxy of one too) or an
 * array-like by index up to its length, read once and checked; any other
 * iterable collected. Returns the source and its length; `owned` when the
 * source is already the library's own array. Plain objects, strings, DataView
 * and ArrayBuffer are a TypeError rather than an empty batch.
 */
function elements(keys: unknown, what: string, where: string): { src: ArrayLike<unknown>; n: number; owned: boolean } {
  if (Array.isArray(keys)) return { src: keys, n: checkLength((keys as unknown[]).length, where), owned: false };
  if (keys !== null && typeof keys === 'object' && !ArrayBuffer.isView(keys)) {
    if (typeof (keys as Iterable<unknown>)[Symbol.iterator] === 'function') {
      const src = Array.from(keys as Iterable<unknown>);
      return { src, n: src.length, owned: true };
    }
    const length = (keys as ArrayLike<unknown>).length;
    if (length !== undefined) return { src: keys as ArrayLike<unknown>, n: checkLength(length, where), owned: false };
  }
  const got = typeof keys === 'string' ? 'a single string' : describeInput(keys);
  throw new TypeError(`${where} needs an array or iterable of ${what}, got ${got}`);
}

function checkLength(n: unknown, where: string): number {
  if (typeof n !== 'number') throw new TypeError(`${where}: keys.length must be a number, got ${describe(n)}`);
  if (!Number.isInteger(n) || n < 0 || n > MAX_LENGTH) {
    throw new RangeError(`${where}: keys.length must be an integer from 0 to 2^32 - 1, got ${describe(n)}`);
  }
  return n;
}

/**
 * A copy of up to this many integer keys is a new array; a longer one would
 * be allocated outside V8's young generation, which costs ~8 ns a key
 * (measured at 20k keys: 8.7 ns a key, against 1.7 into a Float64Array), so
 * it borrows the spare Float64Array below (or makes one).
 */
const SMALL_BATCH = 4096;
/** The spare is kept between batches up to this many keys (512 KiB). */
const SPARE_MAX = 1 << 16;
/** Lent to one batch at a time (a batch read inside another's getter makes its own). */
let spareF64: Float64Array | null = null;

/**
 * The elements of a batch of string keys: an array, array-like or
 * collected iterable, and its length (typed arrays hold numbers: the first
 * element, if any, is the TypeError).
 */
export function stringKeySource(keys: unknown, where: string): { src: ArrayLike<unknown>; n: number } {
  if (!Array.isArray(keys) && typedArrayName(keys) !== undefined) {
    if (typedArrayLength(keys) === 0) return { src: [], n: 0 };
    throw new TypeError(`${where}: keys[0] must be a string, got ${describe((keys as ArrayLike<unknown>)[0])}`);
  }
  return elements(keys, 'strings', where);
}

/**
 * Integer keys as the core takes them (codes.ts SRC_*): a view of an
 * Int32Array or Uint32Array, or f64 words in a Float64Array or an array of
 * numbers (the library's own copy).
 */
export type IntBatch = { n: number; spare?: Float64Array } & (
  | { kind: typeof SRC_I32; keys: Int32Array }
  | { kind: typeof SRC_U32; keys: Uint32Array }
  | { kind: typeof SRC_F64; keys: Float64Array | number[] }
);

/**
 * A batch of integer keys in memory of the library's own (a view of an
 * Int32Array, Uint32Array or Float64Array, or a copy of anything else),
 * every element checked by `check` (which throws for anything but a safe
 * integer).
 */
export function readIntKeys(keys: unknown, where: string, check: (key: unknown, where: string) => void): IntBatch {
  const name = Array.isArray(keys) ? undefined : typedArrayName(keys);
  if (name === 'Int32Array') {
    const i32 = ownView(keys, Int32Array);
    return { kind: SRC_I32, keys: i32, n: i32.length };
  }
  if (name === 'Uint32Array') {
    const u32 = ownView(keys, Uint32Array);
    return { kind: SRC_U32, keys: u32, n: u32.length };
  }
  if (name === 'Float64Array') {
    const f64 = ownView(keys, Float64Array);
    for (let i = 0; i < f64.length; i++) if (!Number.isSafeInteger(f64[i])) check(f64[i], `${where}: keys[${i}]`);
    return { kind: SRC_F64, keys: f64, n: f64.length };
  }
  const { src, n, owned } = name !== undefined
    ? { src: keys as ArrayLike<unknown>, n: typedArrayLength(keys), owned: false }
    : elements(keys, 'integer keys', where);
  if (owned || n <= SMALL_BATCH) {
    const out = owned ? (src as number[]) : new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const k = src[i];
      if (!Number.isSafeInteger(k)) check(k, `${where}: keys[${i}]`);
      out[i] = k as number;
    }
    return { kind: SRC_F64, keys: out, n };
  }
  // A loop of its own: each store site then sees one kind of array.
  let f64: Float64Array;
  if (spareF64 !== null && spareF64.length >= n) {
    f64 = spareF64;
    spareF64 = null;
  } else {
    f64 = new Float64Array(n);
  }
  const batch = { kind: SRC_F64, keys: f64, n, spare: f64 } as const;
  try {
    for (let i = 0; i < n; i++) {
      const k = src[i];
      if (!Number.isSafeInteger(k)) check(k, `${where}: keys[${i}]`);
      f64[i] = k as number;
    }
  } catch (e) {
    releaseIntKeys(batch);
    throw e;
  }
  return batch;
}

/** Gives a batch's Float64Array back as the spare. */
export function releaseIntKeys({ spare: f64 }: IntBatch): void {
  if (f64 !== undefined && f64.length <= SPARE_MAX && (spareF64 === null || spareF64.length < f64.length)) spareF64 = f64;
}

/**
 * Constructor options as a plain object: own enumerable properties read
 * once, which is what snapshotOptions() spreads (anything that is not an
 * object is passed on, for the constructor to refuse).
 */
export function readOptions<T>(options: T): T {
  return options !== null && typeof options === 'object' ? { ...options } : options;
}
