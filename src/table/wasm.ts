import { WASM_BASE64 } from '../wasm-bytes.js';
import { HASH_KEY } from './hash-key.js';
import type { CoreExports } from './abi.js';

// The core's interface (its exports and constants) is generated into abi.ts.
export type { CoreExports } from './abi.js';

/**
 * The fastest decoder the platform has: Uint8Array.fromBase64 (new engines),
 * Node's Buffer, else an atob loop. Measured on an earlier core of a third of
 * today's size: ~0.1 ms for the first two against 1-2.5 ms for the loop, most
 * of a first map's cost.
 */
export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const U8 = Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array<ArrayBuffer> };
  if (typeof U8.fromBase64 === 'function') return U8.fromBase64(b64);
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B !== undefined) {
    const b = B.from(b64, 'base64');
    return new Uint8Array(b.buffer, b.byteOffset, b.length) as Uint8Array<ArrayBuffer>;
  }
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

let compiled: WebAssembly.Module | undefined;

/**
 * The core, compiled once per process (or page) on first use and shared by
 * every map. The module is small (~68 KB), so a synchronous compile is allowed
 * everywhere, Chromium's main thread included: that is why `require` works
 * and no init call is needed.
 */
export function coreModule(): WebAssembly.Module {
  if (compiled !== undefined) return compiled;
  try {
    compiled = new WebAssembly.Module(decodeBase64(WASM_BASE64));
  } catch (e) {
    throw compileError(e);
  }
  return compiled;
}

/**
 * The engine's compile errors name neither the library nor the fix. Pages
 * whose Content-Security-Policy lacks 'wasm-unsafe-eval' get an EvalError
 * (what the engine throws for eval under CSP) that says what to add; any
 * other compile failure says which module failed and keeps the cause.
 */
const compileFailures = new WeakSet<object>();

/** Whether `e` is the core's compile failure (not the engine refusing memory). */
export function isCompileFailure(e: unknown): boolean {
  return typeof e === 'object' && e !== null && compileFailures.has(e);
}

function compileError(e: unknown): Error {
  const error = describeCompileError(e);
  compileFailures.add(error);
  return error;
}

function describeCompileError(e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e);
  if (/Content[ -]Security[ -]Policy|unsafe-eval|CSP/i.test(message)) {
    return new EvalError(
      "tophash: this page's Content-Security-Policy does not allow WebAssembly. Add 'wasm-unsafe-eval' " +
      "to its script-src directive (e.g. Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'); " +
      `the engine said: ${message}`,
      { cause: e },
    );
  }
  return new (e instanceof RangeError ? RangeError : Error)(`tophash: the WebAssembly core could not be compiled: ${message}`, { cause: e });
}

/**
 * @internal Uses a module compiled by another thread (countFile's workers get
 * the calling thread's): a module posted to a worker shares its compiled,
 * already optimized code, so the worker neither compiles nor warms up.
 */
export function adoptCoreModule(m: WebAssembly.Module): void {
  compiled ??= m;
}

/**
 * The core's one import. The allocator calls it only on a broken invariant
 * (a block too large, a double free): never in normal use, and an
 * allocation the engine refuses traps instead (see assembly/heap.ts).
 */
const imports = {
  env: {
    abort(): never {
      throw new Error('tophash: the core aborted (an allocator invariant failed)');
    },
  },
};

/** A fresh instance: its own memory, so dropping it gives the memory back. */
export function instantiateCore(): CoreExports {
  const ex = new WebAssembly.Instance(coreModule(), imports).exports as unknown as CoreExports;
  ex.set_hash_key(HASH_KEY[0]!, HASH_KEY[1]!, HASH_KEY[2]!, HASH_KEY[3]!);
  return ex;
}
