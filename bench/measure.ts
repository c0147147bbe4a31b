// Timing with tinybench, in interleaved rounds.
//
// The machine this runs on is shared and noisy, so contenders are not timed
// one after the other (all samples of A, then all of B): a slow minute would
// land on one contender. Instead every round is a tinybench Bench that runs
// each contender once (one sample), the starting contender rotating from
// round to round; the first rounds are warm-up (wasm starts on a baseline
// tier, JS on the interpreter) and are dropped. Reported: the median of the
// samples, their spread (median absolute deviation), and ratios of medians
// against the idiomatic Map in the same process.
//
// Before each sample (outside the timed call) the previous counter is
// released and a full GC runs, so every sample starts from the same heap and
// pays only for the garbage it makes itself. GC pauses (PerformanceObserver,
// entry type 'gc') that start inside a sample are added to that sample.
//
// tinybench is loaded lazily: where it is missing (it is a devDependency
// unless the package lists it as a dependency) the same one-call samples are
// taken with performance.now() directly, and the CLI says so.
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { release } from './contenders.js';
import type { Context } from './types.js';

const gcNow: () => void = (globalThis as { gc?: () => void }).gc ?? (() => {});
export const canGc = typeof (globalThis as { gc?: unknown }).gc === 'function';

/** A full GC (twice: the second one collects what the first one's finalisers freed). */
export function fullGc(): void {
  gcNow();
  gcNow();
}

export interface Task {
  name: string;
  /** Untimed, before each sample (e.g. fresh input strings). */
  prepare?: () => void;
  /** The timed work; what it returns is kept alive until after timing. */
  run: () => unknown;
  /** Untimed, after the first measured sample: an error message, or null when right. */
  check?: (result: unknown) => string | null;
}

export interface TaskStats {
  name: string;
  samples: number[];
  medianMs: number;
  /** Median absolute deviation, % of the median. */
  spreadPct: number;
  /** GC pause ms per sample, median. */
  gcMs: number;
  error?: string;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function mad(xs: number[]): number {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
}

interface Window {
  task: number;
  t0: number;
  t1: number;
}

/** Collects GC entries; `pauseIn` sums those that started in [t0, t1]. */
export class GcWatch {
  private readonly entries: { start: number; duration: number; minor: boolean }[] = [];
  private readonly obs: PerformanceObserver;

  constructor() {
    this.obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = (e as { detail?: { kind?: number } }).detail?.kind;
        this.entries.push({ start: e.startTime, duration: e.duration, minor: kind === constants.NODE_PERFORMANCE_GC_MINOR });
      }
    });
    this.obs.observe({ entryTypes: ['gc'] });
  }

  /** Lets queued entries arrive (they are delivered asynchronously). */
  async flush(): Promise<void> {
    await new Promise((r) => setTimeout(r, 20));
  }

  /** GC pauses that started in [t0, t1]; `major` counts all but scavenges (mark-compact steps). */
  pauseIn(t0: number, t1: number): { total: number; longest: number; count: number; major: number } {
    let total = 0;
    let longest = 0;
    let count = 0;
    let major = 0;
    for (const e of this.entries) {
      if (e.start >= t0 && e.start <= t1) {
        total += e.duration;
        longest = Math.max(longest, e.duration);
        count++;
        if (!e.minor) major++;
      }
    }
    return { total, longest, count, major };
  }

  clear(): void {
    this.entries.length = 0;
  }

  stop(): void {
    this.obs.disconnect();
  }
}

interface RoundTask {
  name: string;
  fn: () => void;
  beforeEach: () => void;
  afterEach: () => void;
}

/** One round: each task once, in order; its duration in ms, or the error that stopped it. */
type RoundRunner = (tasks: RoundTask[]) => Promise<Map<string, number | Error>>;

type TinybenchModule = typeof import('tinybench');
let runner: RoundRunner | undefined;
export let timing = 'tinybench';

async function roundRunner(): Promise<RoundRunner> {
  if (runner) return runner;
  let tb: TinybenchModule | null;
  try {
    tb = await import('tinybench');
  } catch {
    tb = null;
  }
  if (tb) {
    const { Bench } = tb;
    runner = async (tasks) => {
      const bench = new Bench({ iterations: 1, time: 0, warmup: false, throws: true, retainSamples: true });
      for (const t of tasks) bench.add(t.name, t.fn, { async: false, beforeEach: t.beforeEach, afterEach: t.afterEach });
      const out = new Map<string, number | Error>();
      try {
        await bench.run();
      } catch (e) {
        // throws: true stops the round at the first failing task.
        const failed = bench.tasks.find((t) => t.result.state === 'errored');
        if (!failed) throw e;
        out.set(failed.name, e as Error);
      }
      for (const task of bench.tasks) {
        const r = task.result;
        if (r.state === 'completed') out.set(task.name, r.latency.p50);
      }
      return out;
    };
  } else {
    timing = 'performance.now() (tinybench is not installed)';
    runner = async (tasks) => {
      const out = new Map<string, number | Error>();
      for (const t of tasks) {
        try {
          t.beforeEach();
          const t0 = performance.now();
          t.fn();
          out.set(t.name, performance.now() - t0);
          t.afterEach();
        } catch (e) {
          out.set(t.name, e as Error);
          break;
        }
      }
      return out;
    };
  }
  return runner;
}

export async function compare(
  ctx: Context,
  label: string,
  tasks: Task[],
  opts: { rounds: number; warmup: number },
): Promise<TaskStats[]> {
  const run = await roundRunner();
  const samples: number[][] = tasks.map(() => []);
  const gcs: number[][] = tasks.map(() => []);
  const errors: (string | undefined)[] = tasks.map(() => undefined);
  const watch = new GcWatch();
  const total = opts.warmup + opts.rounds;
  try {
    for (let round = 0; round < total; round++) {
      const warm = round < opts.warmup;
      ctx.progressPart(`  ${label}: ${warm ? 'warm-up' : 'round'} ${warm ? round + 1 : round - opts.warmup + 1}/${warm ? opts.warmup : opts.rounds}:`);
      const windows = new Map<number, Window>();
      let held: unknown = null;
      const order = tasks.map((_, i) => (i + round) % tasks.length).filter((i) => errors[i] === undefined);
      const roundTasks: RoundTask[] = order.map((i) => {
        const t = tasks[i]!;
        return {
          name: t.name,
          fn: () => {
            const t0 = performance.now();
            held = t.run();
            windows.set(i, { task: i, t0, t1: performance.now() });
          },
          beforeEach: () => {
            release(held);
            held = null;
            t.prepare?.();
            fullGc();
          },
          afterEach: () => {
            if (round === opts.warmup && t.check) {
              const err = t.check(held);
              if (err) errors[i] = `wrong result: ${err}`;
            }
            const w = windows.get(i);
            ctx.progressPart(` ${t.name} ${w ? (w.t1 - w.t0).toFixed(0) : '?'}ms ·`);
          },
        };
      });
      const got = await run(roundTasks);
      release(held);
      held = null;
      ctx.progressPart('\n');
      await watch.flush();
      for (const i of order) {
        const r = got.get(tasks[i]!.name);
        if (r instanceof Error) errors[i] = r.message;
        if (warm || typeof r !== 'number' || errors[i] !== undefined) continue;
        samples[i]!.push(r);
        const w = windows.get(i);
        gcs[i]!.push(w ? watch.pauseIn(w.t0, w.t1).total : NaN);
      }
      watch.clear();
    }
  } finally {
    watch.stop();
    fullGc();
  }
  return tasks.map((t, i) => {
    const s = samples[i]!;
    const m = median(s);
    return {
      name: t.name,
      samples: s,
      medianMs: m,
      spreadPct: (mad(s) / m) * 100,
      gcMs: median(gcs[i]!),
      ...(errors[i] !== undefined ? { error: errors[i] } : {}),
    };
  });
}
