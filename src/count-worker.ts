// The worker_threads script of countFile({ workers }): counts one byte range
// of the file into a map of its own, and posts back the map's snapshot (its
// buffer transferred, not copied) for the calling thread to merge. Errors
// are posted as plain data (name, message, code): an Error object would be
// cloned without its class.

import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { CounterMap } from './counter-map.js';
import { countRange } from './file-range.js';
import type { TokenOptions } from './tokens.js';
import { adoptCoreModule } from './wasm.js';

/** @internal What countFile gives each worker. */
export interface RangeJob {
  path: string;
  start: number;
  end: number;
  options: TokenOptions;
  /** The calling thread's compiled core. */
  module: WebAssembly.Module;
}

/** @internal What a worker posts: progress, its snapshot, or its error. */
export type RangeMessage =
  | { kind: 'progress'; bytes: number }
  | { kind: 'done'; snapshot: Uint8Array }
  | { kind: 'error'; name: string; message: string; code?: string };

async function run(job: RangeJob): Promise<void> {
  const port = parentPort!;
  adoptCoreModule(job.module);
  const fd = openSync(job.path, 'r');
  try {
    const map = new CounterMap();
    // On failure the map is dropped: nothing to take back (undoOnError false).
    await countRange(map, fd, job.start, job.end, job.options, (bytes) => port.postMessage({ kind: 'progress', bytes } satisfies RangeMessage), false);
    const snapshot = map.snapshot();
    map.dispose();
    port.postMessage({ kind: 'done', snapshot } satisfies RangeMessage, [snapshot.buffer]);
  } finally {
    closeSync(fd);
  }
}

if (parentPort !== null) {
  run(workerData as RangeJob).catch((e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    const code = (err as { code?: unknown }).code;
    parentPort!.postMessage({
      kind: 'error', name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}),
    } satisfies RangeMessage);
  });
}
