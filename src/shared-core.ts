// The shared counter map's module (assembly/shared/), compiled once per
// thread, instantiated once per handle over the map's shared memory.
import { SHARED_WASM_BASE64 } from './shared-wasm-bytes.js';
import { decodeBase64 } from './wasm.js';

/** The numeric ABI of assembly/shared/index.ts. `me` is the caller's thread record. */
export interface SharedExports {
  min_bytes(): number;
  scratch_bytes(): number;
  init(kind: number, k0lo: number, k0hi: number, k1lo: number, k1hi: number, sLo: number, sHi: number): number;
  kind(): number;
  attach(canWait: number): number;
  detach(me: number): number;
  scratch_ptr(me: number): number;
  int_op(me: number, key: number, op: number, arg: number): number;
  short_op(me: number, lo: number, hi: number, op: number, arg: number): number;
  str_op(me: number, len: number, op: number, arg: number): number;
  size(): number;
  capacity(): number;
  table_ptr(): number;
  used_bytes(): number;
  epoch(): number;
  handles(): number;
  stop(me: number): void;
  resume(): void;
  clear(me: number): void;
}

export const OP_GET = 0;
export const OP_INCR = 1;
export const OP_SET = 2;
export const OP_DELETE = 3;
/** The count would pass Number.MAX_SAFE_INTEGER (assembly/shared/layout.ts E_OVERFLOW). */
export const E_OVERFLOW = -2;
/** The memory cannot grow: maxBytes, or the engine refused (E_MEMORY). */
export const E_MEMORY = -3;

export const KIND_STRING = 1;
export const KIND_INT = 2;

/** The smallest maxBytes: the header, 64 threads' scratch and a first table, with room to grow. */
export const MIN_MAX_BYTES = 2 ** 20;
export const DEFAULT_MAX_BYTES = 256 * 2 ** 20;
export const MAX_MAX_BYTES = 2 ** 32;

/**
 * Bytes below the first table: header, thread records and scratch, and the
 * first table (assembly/shared/index.ts min_bytes()). A new memory starts
 * with them, so every thread's scratch is inside every view of the memory.
 */
export const FIRST_BYTES = 271872;

let compiled: WebAssembly.Module | undefined;

/**
 * Throws a clear Error where shared memory or wasm threads are missing:
 * a browser page that is not cross-origin isolated has no SharedArrayBuffer,
 * and an engine without the threads feature refuses the module.
 */
export function sharedModule(name: string): WebAssembly.Module {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (typeof SharedArrayBuffer === 'undefined' || isolated === false) {
    throw new Error(
      `${name} needs SharedArrayBuffer and WebAssembly threads, which this context does not have` +
        (isolated === false ? ': serve the page cross-origin isolated (headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)' : ''),
    );
  }
  if (compiled !== undefined) return compiled;
  try {
    compiled = new WebAssembly.Module(decodeBase64(SHARED_WASM_BASE64));
  } catch (cause) {
    const err = new Error(`${name} needs WebAssembly threads (shared memory and atomics), which this engine refused`);
    (err as { cause?: unknown }).cause = cause;
    throw err;
  }
  return compiled;
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
let waitable: boolean | undefined;
export function canWait(): boolean {
  if (waitable === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      waitable = true;
    } catch {
      waitable = false;
    }
  }
  return waitable;
}

export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): SharedExports {
  const inst = new WebAssembly.Instance(module, { env: { memory } });
  return inst.exports as unknown as SharedExports;
}

/** A random u32 from the platform's CSPRNG: the map's hash key and seed. */
export function randomWords(n: number): Uint32Array {
  return crypto.getRandomValues(new Uint32Array(n));
}
