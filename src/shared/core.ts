// The shared counter map's module (assembly/shared/), compiled once per
// thread, instantiated once per handle over the map's shared memory.
import { SHARED_WASM_BASE64 } from '../shared-wasm-bytes.js';
import { decodeBase64 } from '../table/wasm.js';

/** The numeric ABI of assembly/shared/index.ts. `me` is the caller's thread record. */
// The module's exports and constants are generated from assembly/shared/ into abi.ts.
import type { SharedExports } from './abi.js';
export type { SharedExports };
export { OP_GET, OP_INCR, OP_SET, OP_DELETE, E_OVERFLOW, E_MEMORY, KIND_STRING, KIND_INT, FIRST_BYTES } from './abi.js';

/** The smallest maxBytes: the header, 64 threads' scratch and a first table, with room to grow. */
export const MIN_MAX_BYTES = 2 ** 20;
export const DEFAULT_MAX_BYTES = 256 * 2 ** 20;
export const MAX_MAX_BYTES = 2 ** 32;


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
