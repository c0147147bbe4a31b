// Memory held by a counter: JS heap growth after a full GC, plus the
// WebAssembly memory a tophash map holds (stats().bytes: its whole
// memory.buffer, not just the live table). Needs node --expose-gc (the CLI's
// child processes have it).
import { CounterMap, IntCounterMap } from 'tophash';
import { fullGc } from './measure.js';

export function heapUsed(): number {
  fullGc();
  return process.memoryUsage().heapUsed;
}

export function wasmBytes(counter: unknown): number {
  return counter instanceof CounterMap || counter instanceof IntCounterMap ? counter.stats().bytes : 0;
}

export interface Held {
  heap: number;
  wasm: number;
  total: number;
}

/** What `counter` holds now, against a heap measured (heapUsed()) before it existed. */
export function held(counter: unknown, heapBefore: number): Held {
  const heap = heapUsed() - heapBefore;
  const wasm = wasmBytes(counter);
  return { heap, wasm, total: heap + wasm };
}
