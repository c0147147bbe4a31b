// The worker_threads script of countFile: claims ranges of the file from the
// counter the threads share and counts them into a map (or a TopK of the
// calling thread's capacity) of its own, then
// posts back the map's snapshot (its buffer transferred, not copied) for the
// calling thread to merge. Errors are posted as plain data (name, message,
// code): an Error object would be cloned without its class.
//
// The worker reads through the calling thread's file descriptor (threads
// share the process's descriptors), so it reads the very file the calling
// thread checked, never whatever the path names by then; the calling thread
// closes it only after every worker has exited.

import { parentPort, workerData } from 'node:worker_threads';
import { CounterMap } from '../maps/counter-map.js';
import { countRanges } from './file-range.js';
import { claimer, type SharedRanges } from './shared-ranges.js';
import type { ParsedTokenOptions } from '../tokens/tokens.js';
import { TopK } from '../maps/topk.js';
import { adoptCoreModule } from '../table/wasm.js';

/** @internal What countFile gives each worker. */
export interface RangeJob {
  /** The calling thread's open descriptor of the file. */
  fd: number;
  ranges: SharedRanges;
  /** This worker's slot in `ranges.claimed`. */
  slot: number;
  /** The calling thread's parsed token options. */
  options: ParsedTokenOptions;
  /** The calling thread's compiled core. */
  module: WebAssembly.Module;
  /** Count into a TopK of this capacity (its snapshot posted, kind 3) instead of a CounterMap. */
  capacity?: number;
}

/** @internal What a worker posts: progress, its snapshot, or its error. */
export type RangeMessage =
  | { kind: 'progress'; bytes: number }
  | { kind: 'done'; snapshot: Uint8Array }
  | { kind: 'error'; name: string; message: string; code?: string };

async function run(job: RangeJob): Promise<void> {
  const port = parentPort!;
  adoptCoreModule(job.module);
  const map = job.capacity === undefined ? new CounterMap() : new TopK({ capacity: job.capacity });
  // On failure the map is dropped with the thread.
  await countRanges(map, job.fd, claimer(job.ranges, job.slot), job.options, {
    progress: (bytes) => port.postMessage({ kind: 'progress', bytes } satisfies RangeMessage),
  });
  const snapshot = map.snapshot();
  map.dispose();
  port.postMessage({ kind: 'done', snapshot } satisfies RangeMessage, [snapshot.buffer]);
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
