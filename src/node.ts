// tophash/node: what only Node can do. The main entry stays browser-safe.
//
// countFile reads a file with fs.readSync straight into the scratch of the
// wasm instance the map lives in (Core.scratch), a scratch-full at a time, and
// counts each piece in place: the bytes never pass through a JS buffer (a
// token longer than the scratch, 32 KiB, is the one exception). It yields to
// the event loop between segments of 4 MiB, so a long file neither freezes
// the process nor starves onProgress or an abort.
//
// The file is opened without blocking (O_NONBLOCK: a FIFO with no writer
// would otherwise hold the whole process in open(2)) and refused unless
// fstat says it is a regular file. Every thread reads through that one
// descriptor, so all of them count the file that was checked.
//
// With workers, the file is cut into ranges at separator bytes, so no token
// is split, and the calling thread and each worker_threads worker take the
// next range from one shared counter (shared-ranges.ts) into a map of their
// own: a thread that gets less of the CPU takes fewer ranges. Each worker
// posts back its map's snapshot, transferred; this thread merges them
// (records.ts: no JS string per key).
//
// A TopK `into` is counted the same way into a TopK of its capacity (each
// worker's too, its snapshot loaded and merged), then merged into `into`.
//
// Atomic: nothing is taken back by reading the file again (it may have
// changed). A file counted into `into` by one thread, up to 64 MiB, keeps
// its bytes in memory to replay them with a step of -1; otherwise the file
// is counted into a map made for the call, merged into `into` only once
// everything is counted (merge() is atomic itself). So on any failure
// (invalid UTF-8, a read error, maxBytes, a crashed worker, an abort, the
// file changing while it is counted) `into` is left exactly as it was. Every
// worker has exited before the returned promise settles.

import { closeSync, constants, fstatSync, openSync, readSync, statSync, type BigIntStats } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CounterMap } from './maps/counter-map.js';
import { IntCounterMap } from './maps/int-counter-map.js';
import { IntTopK, TopK } from './maps/topk.js';
import { cpuView, type CpuView } from './node/cpu-load.js';
import { describe } from './table/errors.js';
import { countKeeping, countRanges, cutRanges, KEEP_LIMIT, once, SEGMENT } from './node/file-range.js';
import { claimer, closeRanges, hasAsked, shareRanges, type SharedRanges } from './node/shared-ranges.js';
import { checkSnapshot, KIND_STRING } from './records/snapshot.js';
import { parseTokenOptions, type ParsedTokenOptions, type TokenOptions } from './tokens/tokens.js';
import { workerScript } from './node/worker-url.js';
import { coreModule } from './table/wasm.js';
import type { RangeJob, RangeMessage } from './node/count-worker.js';

/** What countFile counts into: a map, or a bounded summary. */
export type CountFileTarget = CounterMap | TopK;

/** Options of countFile. */
export interface CountFileOptions<T extends CountFileTarget = CounterMap> extends TokenOptions {
  /**
   * Count into this map (adding to its counts) instead of a new one; or into
   * this TopK (the file counted into a TopK of its capacity, then merged).
   */
  into?: T;
  /**
   * Called as the file is read (every few MiB, and once at the end) with the
   * bytes counted so far and the file's size.
   */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /**
   * Threads to count with: the calling thread and `workers - 1`
   * worker_threads workers. At most `os.availableParallelism()`, and at most
   * one per 64 KiB of file. 1 counts in the calling thread with no worker.
   * Default: a worker per core that other processes leave idle
   * (`os.loadavg()` less this process's own share), while each thread has
   * 16 MiB of the file: files under 32 MiB, or a busy machine, get one
   * thread (docs/count-file.md).
   */
  workers?: number;
  /**
   * Stops the count: the call rejects with `signal.reason` (an `AbortError`
   * DOMException when `abort()` was given none), `into` unchanged, every
   * worker stopped. Checked between segments of 4 MiB.
   */
  signal?: AbortSignal;
}

const OPTION_NAMES: ReadonlySet<string> = new Set(['into', 'onProgress', 'workers', 'signal', 'separators', 'lowercase']);

/**
 * Least bytes per thread when `workers` is not given: a worker's start costs
 * ~0.1-0.15 s of CPU (the thread, loading the library, its JIT warming up),
 * what the calling thread counts of ~16 MiB meanwhile, and its map must then
 * be merged; below two such shares a worker saves nothing.
 */
const DEFAULT_THREAD_BYTES = 16 << 20;

/** Least bytes per thread for an explicit `workers`: a bound on threads for small files. */
const MIN_THREAD_BYTES = 64 << 10;

/** Ranges per thread when the file is small enough that 4 MiB ranges would be too few to share. */
const RANGES_PER_THREAD = 4;

/**
 * @internal The number of threads (the calling one included) countFile uses
 * for a file of `size` bytes: an explicit `workers` capped by the cores and
 * the file's size; by default one more per core other processes leave idle
 * (a core counts when at least half of it is), while each thread still has
 * DEFAULT_THREAD_BYTES of the file.
 */
export function planThreads(size: number, workers: number | undefined, cpu: CpuView): number {
  const cores = Math.max(1, Math.floor(cpu.cores));
  if (workers !== undefined) return Math.max(1, Math.min(workers, cores, Math.floor(size / MIN_THREAD_BYTES)));
  const load = cpu.load > 0 ? cpu.load : 0;
  // The calling thread takes one idle core; a worker is started for each
  // further one.
  const spare = Math.max(0, Math.min(cores - 1, Math.floor(cores - load - 0.5)));
  return Math.max(1, Math.min(1 + spare, Math.floor(size / DEFAULT_THREAD_BYTES)));
}

/**
 * @internal What countFile reads from its surroundings; the tests replace
 * it. `callingThreadCounts: false` leaves every range to the workers, so a
 * test can be sure workers counted; `keepLimit` is the largest file counted
 * straight into `into` with its bytes kept (larger: a map of its own, merged).
 */
export const countFileEnv: { cpu: () => CpuView; callingThreadCounts: boolean; keepLimit: number } = {
  cpu: cpuView,
  callingThreadCounts: true,
  keepLimit: KEEP_LIMIT,
};

/**
 * Counts the tokens of a UTF-8 text file (split on ASCII whitespace unless
 * `options.separators` says otherwise; ASCII-lowercased with `lowercase`),
 * exactly as `countTokens` would count its bytes. Resolves to the map: a new
 * `CounterMap`, or `options.into`. A `TopK` as `into` gets the file's count
 * as a summary of its capacity merged into it (`TopK#merge`): its
 * guarantees hold for what it held and the file together.
 *
 * Rejects with the fs error for a missing file, a directory or a failed read;
 * with a TypeError for anything but a regular file (a FIFO, a device), for
 * invalid UTF-8 (naming the byte offset in the file) and for an unknown
 * option; with a RangeError past the map's maxBytes (for a TopK: a token
 * over 32 KiB, or a total past 2^53 - 1); with an Error when the
 * file changes (its size or modification time) while it is counted; with
 * `signal.reason` when aborted. In every case nothing from the file is
 * counted (`into` is left exactly as it was) and no worker is left running.
 */
export async function countFile<T extends CountFileTarget = CounterMap>(path: string | URL, options?: CountFileOptions<T>): Promise<T> {
  if (typeof path !== 'string' && !(path instanceof URL)) {
    throw new TypeError(`countFile: path must be a string or a file: URL, got ${describe(path)}`);
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`countFile: options must be an object, got ${describe(options)}`);
  }
  const unknown = Object.keys(options ?? {}).filter((k) => !OPTION_NAMES.has(k));
  if (unknown.length > 0) {
    throw new TypeError(`countFile: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} (the options are ${[...OPTION_NAMES].join(', ')})`);
  }
  // Each option read once.
  const { into, onProgress, workers, signal, separators, lowercase } = options ?? {};
  if (into !== undefined && !(into instanceof CounterMap) && !(into instanceof TopK)) {
    const what = into instanceof IntTopK
      ? 'an IntTopK (its keys are integers; a file\'s tokens are strings)'
      : into instanceof IntCounterMap ? 'an IntCounterMap (its keys are integers; a file\'s tokens are strings)' : describe(into);
    throw new TypeError(`countFile: into must be a CounterMap or a TopK, got ${what}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError(`countFile: onProgress must be a function, got ${describe(onProgress)}`);
  }
  if (workers !== undefined) {
    if (typeof workers !== 'number') throw new TypeError(`countFile: workers must be a number, got ${describe(workers)}`);
    if (!Number.isSafeInteger(workers) || workers < 1) throw new RangeError(`countFile: workers must be an integer >= 1, got ${describe(workers)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`countFile: signal must be an AbortSignal, got ${describe(signal)}`);
  }
  // Parsed once, here: every thread counts with these.
  const parsed = parseTokenOptions({ separators, lowercase }, 'countFile');
  // Throws now if `into` was disposed, before any file or worker.
  const capacity = into instanceof TopK ? into.capacity : undefined;
  if (into instanceof CounterMap) into._alive();
  if (signal?.aborted) throw signal.reason;

  const { fd, stat } = openRegularFile(path);
  try {
    const size = Number(stat.size);
    const shown = String(path);
    const threads = planThreads(size, workers, countFileEnv.cpu());
    const job: Job = { fd, stat, size, path: shown, options: parsed, into, capacity, onProgress, signal };
    if (threads === 1) return (await countSerial(job)) as T;
    // Ranges of at most a segment, and RANGES_PER_THREAD per thread at least
    // (a token longer than a range makes fewer).
    const rangeBytes = Math.max(1, Math.min(SEGMENT, size / (threads * RANGES_PER_THREAD)));
    const ranges = cutRanges(fd, size, Math.ceil(size / rangeBytes), parsed.table);
    if (ranges.length <= 1) return (await countSerial(job)) as T;
    return (await countParallel(job, Math.min(threads - 1, ranges.length - 1), ranges)) as T;
  } finally {
    // (countParallel returns only once every worker has exited: none reads this descriptor any more.)
    closeSync(fd);
  }
}

/** One call's file and options. */
interface Job {
  fd: number;
  stat: BigIntStats;
  size: number;
  path: string;
  options: ParsedTokenOptions;
  into: CountFileTarget | undefined;
  /** `into`'s capacity when it is a TopK (read once). */
  capacity: number | undefined;
  onProgress: ((done: number, total: number) => void) | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Opens `path` for reading, only if it is a regular file. `stat` first, so
 * that a FIFO or a device is refused without being opened at all; O_NONBLOCK,
 * so that what `path` names by the time of the open (it may have been
 * replaced meanwhile) cannot hold the process in open(2); then `fstat` of
 * what was opened, which decides. (O_NONBLOCK changes nothing for reads of
 * a regular file.)
 */
function openRegularFile(path: string | URL): { fd: number; stat: BigIntStats } {
  const first = statSync(path);
  if (!first.isFile() && !first.isDirectory()) throw notRegular(path);
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd, { bigint: true });
    if (stat.isDirectory()) readSync(fd, new Uint8Array(1), 0, 1, 0); // throws EISDIR
    if (!stat.isFile()) throw notRegular(path);
    return { fd, stat };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function notRegular(path: string | URL): TypeError {
  return new TypeError(`countFile: ${String(path)} is not a regular file (a FIFO, socket or device); use CounterMap#countStream for pipes and devices`);
}

/**
 * The error to reject with if the file's size or modification time differs
 * from when it was opened (its bytes may then be a mix of two versions), or
 * null.
 */
function changedError(job: Job): Error | null {
  const now = fstatSync(job.fd, { bigint: true });
  if (now.size === job.stat.size && now.mtimeNs === job.stat.mtimeNs) return null;
  return new Error(
    `countFile: ${job.path} changed while it was counted (size ${job.stat.size} -> ${now.size}` +
    `${now.mtimeNs !== job.stat.mtimeNs ? ', modified' : ''}); nothing was counted`,
  );
}

function checkUnchanged(job: Job): void {
  const e = changedError(job);
  if (e !== null) throw e;
}

/**
 * The error to reject with: a file that changed meanwhile explains a failure
 * better than what it caused (invalid UTF-8 where a write cut a character,
 * say); an abort stays an abort.
 */
function explain(job: Job, e: unknown): unknown {
  if (job.signal?.aborted && e === job.signal.reason) return e;
  if (e instanceof Error && e.message.includes(' changed while it was counted ')) return e;
  let changed: Error | null;
  try {
    changed = changedError(job);
  } catch {
    return e;
  }
  if (changed === null) return e;
  changed.cause = e;
  return changed;
}

/** The map the file is counted into: never `into` itself, but within its budget. */
function privateMap(into: CounterMap | undefined): CounterMap {
  if (into === undefined) return new CounterMap();
  // (Read from the field: stats() would walk into's whole table for it.)
  const { maxBytes } = (into as unknown as { _o: { maxBytes: number } })._o;
  return new CounterMap({ maxBytes });
}

/** What the file is counted into: a map within `into`'s budget, or a TopK of `into`'s capacity. */
function privateTarget(job: Job): CountFileTarget {
  if (job.capacity !== undefined) return new TopK({ capacity: job.capacity });
  return privateMap(job.into as CounterMap | undefined);
}

/** A worker's snapshot added to the calling thread's count. */
function addSnapshot(total: CountFileTarget, snapshot: Uint8Array): void {
  if (total instanceof CounterMap) {
    const { body } = checkSnapshot(snapshot, KIND_STRING, 'countFile');
    total._addRecords(body);
    return;
  }
  const part = TopK.fromSnapshot(snapshot);
  try {
    total.merge(part);
  } finally {
    part.dispose();
  }
}

/** The counted map as the result: itself, or merged into `into` (atomically). */
function deliver(map: CountFileTarget, into: CountFileTarget | undefined): CountFileTarget {
  if (into === undefined) return map;
  if (into instanceof TopK) into.merge(map as TopK);
  else into.merge(map as CounterMap);
  map.dispose();
  return into;
}

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/**
 * One thread. With no `into`, the map counted into is the result. Into a
 * caller's map: a file of up to KEEP_LIMIT (64 MiB) is counted straight into
 * it, its bytes kept in memory to take the count back (spares a second table
 * and a merge that cost 30-90% of the count on text with many distinct
 * words); a larger one into a map of its own, merged at the end.
 */
async function countSerial(job: Job): Promise<CountFileTarget> {
  const { into, onProgress, signal, size } = job;
  const hooks = {
    progress: onProgress && ((done: number) => onProgress(done, size)),
    check: signal && (() => aborted(signal)),
  };
  if (into instanceof CounterMap && size <= countFileEnv.keepLimit) {
    let undo: () => void;
    try {
      undo = await countKeeping(into, job.fd, size, job.options, hooks);
    } catch (e) {
      throw explain(job, e);
    }
    const changed = changedError(job);
    if (changed !== null) {
      undo();
      throw changed;
    }
    return into;
  }
  const map = privateTarget(job);
  try {
    await countRanges(map, job.fd, once(0, size), job.options, hooks);
    checkUnchanged(job);
    return deliver(map, into);
  } catch (e) {
    map.dispose();
    throw explain(job, e);
  }
}

/** @internal Workers countFile has started and that have not exited yet (the tests read it). */
export const liveWorkers = new Set<Worker>();

/**
 * The calling thread and `workerCount` workers take ranges from one shared
 * counter until none is left; each worker posts back its map's snapshot,
 * which the calling thread merges into its own. A worker that has not asked
 * for a range by the time they are all taken (still starting) is stopped,
 * not waited for.
 */
async function countParallel(job: Job, workerCount: number, cut: Array<[number, number]>): Promise<CountFileTarget> {
  const { fd, size, into, onProgress, signal } = job;
  const ranges: SharedRanges = shareRanges([0, ...cut.map(([, end]) => end)], 1 + workerCount);
  const script = workerScript();
  const module = coreModule();
  const done = new Array<number>(1 + workerCount).fill(0);
  const started: Worker[] = [];
  const exits: Array<Promise<void>> = [];
  // Workers stopped because they were not needed: their exit is no failure.
  const released = new Set<Worker>();
  // The first failure (an object, so that closures and the code after an
  // await read the same field).
  const failed: { error?: unknown; any: boolean } = { any: false };
  const report = (): void => {
    if (!failed.any) onProgress?.(done.reduce((a, b) => a + b, 0), size);
  };
  const fail = (e: unknown): void => {
    if (failed.any) return;
    failed.any = true;
    failed.error = e;
    closeRanges(ranges);
  };
  const onAbort = (): void => {
    fail(signal!.reason);
    for (const w of started) void w.terminate();
  };

  const spawn = (): Array<Promise<Uint8Array | null>> => {
    const results: Array<Promise<Uint8Array | null>> = [];
    for (let slot = 1; slot <= workerCount; slot++) {
      const data: RangeJob = { fd, ranges, slot, options: job.options, module, ...(job.capacity !== undefined ? { capacity: job.capacity } : {}) };
      const w = new Worker(script, { workerData: data });
      started.push(w);
      liveWorkers.add(w);
      exits.push(new Promise<void>((resolve) => w.once('exit', () => {
        liveWorkers.delete(w);
        resolve();
      })));
      const result = new Promise<Uint8Array | null>((resolve, reject) => {
        let settled = false;
        w.on('message', (m: RangeMessage) => {
          if (m.kind === 'progress') {
            done[slot] = m.bytes;
            report();
          } else if (m.kind === 'done') {
            settled = true;
            resolve(m.snapshot);
          } else {
            settled = true;
            reject(rebuildError(m));
          }
        });
        w.once('error', (e) => {
          settled = true;
          reject(e);
        });
        w.once('exit', (code) => {
          if (settled) return;
          if (released.has(w)) resolve(null);
          else reject(new Error(`countFile: a worker counting ${job.path} exited with code ${code} before it finished`));
        });
      });
      // Noted at once, so that the calling thread stops early.
      result.catch(fail);
      results.push(result);
    }
    return results;
  };

  const total = privateTarget(job);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // Inside the try: if starting one worker throws, the others are stopped.
    const results = spawn();
    const check = (): void => {
      if (failed.any) throw failed.error;
    };
    if (countFileEnv.callingThreadCounts) {
      await countRanges(total, fd, claimer(ranges, 0), job.options, {
        progress: (bytes) => {
          check();
          done[0] = bytes;
          report();
        },
        check,
      });
      // Every range is taken: a worker that has not asked yet would get none.
      for (let slot = 1; slot <= workerCount; slot++) {
        const w = started[slot - 1]!;
        if (!hasAsked(ranges, slot)) {
          released.add(w);
          void w.terminate();
        }
      }
    }
    for (const r of results) {
      const snapshot = await r;
      check();
      if (snapshot === null) continue;
      addSnapshot(total, snapshot);
    }
    check();
    checkUnchanged(job);
    return deliver(total, into);
  } catch (e) {
    total.dispose();
    throw explain(job, failed.any ? failed.error : e);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    closeRanges(ranges);
    for (const w of started) void w.terminate();
    await Promise.all(exits);
  }
}

/** The worker's error as the calling thread's: same class and message. */
function rebuildError(m: { name: string; message: string; code?: string }): Error {
  const Ctor = m.name === 'TypeError' ? TypeError : m.name === 'RangeError' ? RangeError : Error;
  const err = new Ctor(m.message);
  if (m.code !== undefined) (err as { code?: string }).code = m.code;
  return err;
}
