// tophash/node: what only Node can do. The main entry stays browser-safe.
//
// countFile reads a file with fs.readSync straight into the scratch of the
// wasm instance the map lives in (Core.scratch), a scratch-full at a time, and
// counts each piece in place: the bytes never pass through a JS buffer (a
// token longer than the scratch, 32 KiB, is the one exception). It yields to
// the event loop between segments of 4 MiB, so a long file neither freezes
// the process nor starves onProgress.
//
// With workers (the default on a machine of several cores, for files of
// 16 MiB or more), the file is cut into byte ranges at separator bytes, so no
// token is split. This thread counts the first range; each other range is
// counted by a worker_threads worker into a map of its own (count-worker.ts),
// which posts back its map's snapshot, transferred; this thread then merges
// them (records.ts: no JS string per key).
//
// Atomic: on any failure (invalid UTF-8, a read error, the map's maxBytes, a
// worker that crashed) `into` is left exactly as it was: counted serially,
// the tokens already counted are read again and taken back; counted by
// workers, the results are merged into `into` only once every range is
// counted, by merge(), which is atomic itself. Every worker has exited
// before the returned promise settles.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CounterMap } from './counter-map.js';
import { describe } from './errors.js';
import { countRange } from './file-range.js';
import { checkSnapshot, KIND_STRING } from './snapshot.js';
import { parseTokenOptions, type TokenOptions } from './tokens.js';
import { workerScript } from './worker-url.js';
import { coreModule } from './wasm.js';
import type { RangeJob, RangeMessage } from './count-worker.js';

/** Options of countFile. */
export interface CountFileOptions extends TokenOptions {
  /** Count into this map (adding to its counts) instead of a new one. */
  into?: CounterMap;
  /**
   * Called as the file is read (every few MiB, and once at the end) with the
   * bytes counted so far and the file's size.
   */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /**
   * Worker threads to count with, each a range of the file. Default:
   * `os.availableParallelism()`, but one per 8 MiB of file at most (a worker
   * costs ~30 ms to start); 1 counts in the calling thread with no worker.
   * An explicit number is used as given (fewer when the file has fewer
   * places to cut between tokens).
   */
  workers?: number;
}

/** Least bytes per worker when `workers` is not given. */
const DEFAULT_RANGE_BYTES = 8 << 20;

/**
 * What a worker's start costs (the thread, loading the library, warming up
 * its JIT: ~0.1-0.15 s of CPU measured), in bytes the calling thread counts
 * meanwhile (~150 MiB/s): its range is this much longer than a worker's, so
 * that all finish together.
 */
const WORKER_START_BYTES = 16 << 20;

/**
 * Counts the tokens of a UTF-8 text file (split on ASCII whitespace unless
 * `options.separators` says otherwise; ASCII-lowercased with `lowercase`),
 * exactly as `countTokens` would count its bytes. Resolves to the map: a new
 * `CounterMap`, or `options.into`.
 *
 * Rejects with the fs error for a missing file, a directory or a failed read,
 * with a TypeError naming the byte offset in the file for invalid UTF-8, and
 * with a RangeError past the map's maxBytes; in every case nothing from the
 * file is counted (`into` is left exactly as it was) and no worker is left
 * running.
 */
export async function countFile(path: string | URL, options?: CountFileOptions): Promise<CounterMap> {
  if (typeof path !== 'string' && !(path instanceof URL)) {
    throw new TypeError(`countFile: path must be a string or a file: URL, got ${describe(path)}`);
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`countFile: options must be an object, got ${describe(options)}`);
  }
  const { into, onProgress, workers, ...tokenOptions } = options ?? {};
  if (into !== undefined && !(into instanceof CounterMap)) {
    throw new TypeError(`countFile: into must be a CounterMap, got ${describe(into)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError(`countFile: onProgress must be a function, got ${describe(onProgress)}`);
  }
  if (workers !== undefined) {
    if (typeof workers !== 'number') throw new TypeError(`countFile: workers must be a number, got ${describe(workers)}`);
    if (!Number.isSafeInteger(workers) || workers < 1) throw new RangeError(`countFile: workers must be an integer >= 1, got ${describe(workers)}`);
  }
  const parsed = parseTokenOptions(tokenOptions, 'countFile');
  into?.tokenCounter(tokenOptions); // throws now if `into` was disposed, before any file or worker
  const fd = openSync(path, 'r');
  let size: number;
  let ranges: Array<[number, number]>;
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) readSync(fd, new Uint8Array(1), 0, 1, 0); // throws EISDIR
    if (!st.isFile()) {
      throw new TypeError(`countFile: ${String(path)} is not a regular file; use CounterMap#countStream for pipes and devices`);
    }
    size = st.size;
    const n = workers ?? Math.max(1, Math.min(availableParallelism(), Math.floor(size / DEFAULT_RANGE_BYTES)));
    if (n === 1) return await countSerial(fd, size, tokenOptions, into, onProgress);
    ranges = cutRanges(fd, size, n, parsed.table, Math.min(WORKER_START_BYTES, size / (2 * n)));
    // One range (an empty file, a file that is one token): no worker to start.
    if (ranges.length <= 1) return await countSerial(fd, size, tokenOptions, into, onProgress);
  } finally {
    closeSync(fd);
  }
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  return countParallel(file, size, ranges, tokenOptions, into, onProgress);
}

async function countSerial(
  fd: number,
  size: number,
  options: TokenOptions,
  into: CounterMap | undefined,
  onProgress: ((done: number, total: number) => void) | undefined,
): Promise<CounterMap> {
  const map = into ?? new CounterMap();
  try {
    await countRange(map, fd, 0, size, options, onProgress && ((done) => onProgress(done, size)));
  } catch (e) {
    if (into === undefined) map.dispose();
    throw e;
  }
  return map;
}

/**
 * @internal
 * Cuts [0, size) into at most `n` ranges of about equal size, each ending
 * just after a separator byte (or at the end of the file), so that no token
 * spans two ranges. Ranges a long token swallowed whole are dropped.
 */
export function cutRanges(fd: number, size: number, n: number, separators: Uint8Array, head = 0): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const buf = new Uint8Array(64 << 10);
  // The first range is `head` bytes longer than the others (the calling
  // thread counts it while the workers are still starting).
  const first = Math.min(size, (size + (n - 1) * head) / n);
  const rest = n > 1 ? (size - first) / (n - 1) : 0;
  let start = 0;
  for (let k = 1; k <= n && start < size; k++) {
    let cut = k === n ? size : Math.max(start, Math.floor(first + rest * (k - 1)));
    // The first separator at or after the nominal cut ends the range.
    search: while (cut < size) {
      const got = readSync(fd, buf, 0, Math.min(buf.length, size - cut), cut);
      if (got === 0) {
        cut = size;
        break;
      }
      for (let i = 0; i < got; i++) {
        if (separators[buf[i]!] === 1) {
          cut += i + 1;
          break search;
        }
      }
      cut += got;
    }
    if (cut > start) ranges.push([start, cut]);
    start = cut;
  }
  return ranges;
}

/** @internal Workers countFile has started and that have not exited yet (the tests read it). */
export const liveWorkers = new Set<Worker>();

/**
 * The calling thread counts the first range into the result itself, while
 * one worker per other range counts it and posts back its snapshot: one
 * worker start, one snapshot and one merge fewer than a worker per range,
 * and the calling thread, which would only wait, does a share of the work.
 * The workers' snapshots are merged once its own range is counted.
 */
async function countParallel(
  path: string,
  size: number,
  ranges: Array<[number, number]>,
  options: TokenOptions,
  into: CounterMap | undefined,
  onProgress: ((done: number, total: number) => void) | undefined,
): Promise<CounterMap> {
  const script = workerScript();
  const module = coreModule();
  const done = ranges.map(() => 0);
  const report = (): void => onProgress?.(done.reduce((a, b) => a + b, 0), size);
  const started: Worker[] = [];
  const exits: Array<Promise<void>> = [];
  // The first worker failure (an object, so that closures and the code
  // after an await read the same field).
  const failed: { error?: unknown; any: boolean } = { any: false };
  const fail = (e: unknown): void => {
    if (failed.any) return;
    failed.any = true;
    failed.error = e;
  };

  const spawn = (): Array<Promise<Uint8Array>> => ranges.slice(1).map(([start, end], k) => {
    const i = k + 1;
    const job: RangeJob = { path, start, end, options, module };
    const w = new Worker(script, { workerData: job });
    started.push(w);
    liveWorkers.add(w);
    exits.push(new Promise<void>((resolve) => w.once('exit', () => {
      liveWorkers.delete(w);
      resolve();
    })));
    const result = new Promise<Uint8Array>((resolve, reject) => {
      let settled = false;
      w.on('message', (m: RangeMessage) => {
        if (m.kind === 'progress') {
          done[i] = m.bytes;
          report();
        } else if (m.kind === 'done') {
          settled = true;
          resolve(m.snapshot);
        } else {
          settled = true;
          reject(rebuildError(m, start, end));
        }
      });
      w.once('error', (e) => {
        settled = true;
        reject(e);
      });
      w.once('exit', (code) => {
        if (!settled) reject(new Error(`countFile: the worker counting bytes ${start}-${end} of ${path} exited with code ${code} before it finished`));
      });
    });
    // Noted at once, so that the calling thread stops its own range early.
    result.catch(fail);
    return result;
  });

  const total = new CounterMap();
  try {
    // Inside the try: if starting one worker throws, the others are stopped.
    const results = spawn();
    const fd = openSync(path, 'r');
    try {
      const [start, end] = ranges[0]!;
      await countRange(total, fd, start, end, options, (bytes) => {
        if (failed.any) throw failed.error;
        done[0] = bytes;
        report();
      }, false);
    } finally {
      closeSync(fd);
    }
    for (const r of results) {
      const { body } = checkSnapshot(await r, KIND_STRING, 'countFile');
      total._addRecords(body);
    }
    if (into === undefined) return total;
    into.merge(total);
    total.dispose();
    return into;
  } catch (e) {
    total.dispose();
    throw failed.any ? failed.error : e;
  } finally {
    for (const w of started) void w.terminate();
    await Promise.all(exits);
  }
}

/** The worker's error as the calling thread's: same class and message. */
function rebuildError(m: { name: string; message: string; code?: string }, start: number, end: number): Error {
  const Ctor = m.name === 'TypeError' ? TypeError : m.name === 'RangeError' ? RangeError : Error;
  const err = new Ctor(m.message);
  if (m.code !== undefined) (err as { code?: string }).code = m.code;
  (err as { range?: [number, number] }).range = [start, end];
  return err;
}
