// A map's options, read once and kept (a shared frozen default when none
// are given, so a million maps without options hold one object).
import { MAX_MEMORY_BYTES } from './core.js';
import { describe } from './errors.js';
import type { CounterMapOptions } from './types.js';

export interface Options {
  readonly maxBytes: number;
  readonly initialCapacity: number;
  /**
   * Not an option: structuredClone and postMessage would copy a map's fields
   * (a pointer into wasm memory) as a plain object, or fail on the core with
   * a message about a native function. A Symbol cannot be cloned, and the
   * engine names it in the DataCloneError, so this value is the message.
   */
  readonly noClone: symbol;
}

// Short: newer V8s cut a long description out of the middle of the message.
const NO_CLONE = Symbol('tophash map: send map.snapshot() and rebuild it with fromSnapshot(bytes)');

export const DEFAULT_OPTIONS: Options = Object.freeze({ maxBytes: MAX_MEMORY_BYTES, initialCapacity: 0, noClone: NO_CLONE });

export function parseOptions(options: CounterMapOptions | undefined): Options {
  if (options === undefined) return DEFAULT_OPTIONS;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const { initialCapacity = 0, maxBytes = MAX_MEMORY_BYTES } = options;
  if (typeof initialCapacity !== 'number') throw new TypeError(`initialCapacity must be a number, got ${describe(initialCapacity)}`);
  if (!Number.isSafeInteger(initialCapacity) || initialCapacity < 0) {
    throw new RangeError(`initialCapacity must be a safe integer >= 0, got ${describe(initialCapacity)}`);
  }
  if (typeof maxBytes !== 'number') throw new TypeError(`maxBytes must be a number, got ${describe(maxBytes)}`);
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be > 0, got ${describe(maxBytes)}`);
  return { maxBytes: Math.min(maxBytes, MAX_MEMORY_BYTES), initialCapacity, noClone: NO_CLONE };
}
