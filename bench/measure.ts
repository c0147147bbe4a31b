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
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
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
  private readonly entries: { start: number; duration: number }[] = [];
  private readonly obs: PerformanceObserver;

  constructor() {
    this.obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) this.entries.push({ start: e.startTime, duration: e.duration });
    });
    this.obs.observe({ entryTypes: ['gc'] });
  }

  /** Lets queued entries arrive (they are delivered asynchronously). */
  async flush(): Promise<void> {
    await new Promise((r) => setTimeout(r, 20));
  }

  pauseIn(t0: number, t1: number): { total: number; longest: number; count: number } {
    let total = 0;
    let longest = 0;
    let count = 0;
    for (const e of this.entries) {
      if (e.start >= t0 && e.start <= t1) {
        total += e.duration;
        longest = Math.max(longest, e.duration);
        count++;
      }
    }
    return { total, longest, count };
  }

  clear(): void {
    this.entries.length = 0;
  }

  stop(): void {
    this.obs.disconnect();
  }
}

export async function compare(
  ctx: Context,
  label: string,
  tasks: Task[],
  opts: { rounds: number; warmup: number },
): Promise<TaskStats[]> {
  const samples: number[][] = tasks.map(() => []);
  const gcs: number[][] = tasks.map(() => []);
  const errors: (string | undefined)[] = tasks.map(() => undefined);
  const watch = new GcWatch();
  const total = opts.warmup + opts.rounds;
  try {
    for (let round = 0; round < total; round++) {
      const warm = round < opts.warmup;
      ctx.progressPart(`  ${label}: ${warm ? 'warm-up' : 'round'} ${warm ? round + 1 : round - opts.warmup + 1}/${warm ? opts.warmup : opts.rounds}:`);
      const windows: Window[] = [];
      let held: unknown = null;
      const bench = new Bench({ iterations: 1, time: 0, warmup: false, throws: true, retainSamples: true });
      const order = tasks.map((_, i) => (i + round) % tasks.length).filter((i) => errors[i] === undefined);
      for (const i of order) {
        const t = tasks[i]!;
        bench.add(
          t.name,
          () => {
            const t0 = performance.now();
            held = t.run();
            windows.push({ task: i, t0, t1: performance.now() });
          },
          {
            async: false,
            beforeEach() {
              release(held);
              held = null;
              t.prepare?.();
              fullGc();
            },
            afterEach() {
              if (round === opts.warmup && t.check) {
                const err = t.check(held);
                if (err) errors[i] = `wrong result: ${err}`;
              }
              const w = windows[windows.length - 1];
              ctx.progressPart(` ${t.name} ${w ? (w.t1 - w.t0).toFixed(0) : '?'}ms ·`);
            },
          },
        );
      }
      try {
        await bench.run();
      } catch (e) {
        // throws: true stops at the first failing task; find it and keep going without it.
        const failed = bench.tasks.find((t) => t.result.state === 'errored');
        const i = tasks.findIndex((t) => t.name === failed?.name);
        if (i >= 0) errors[i] = (e as Error).message;
        else throw e;
      }
      release(held);
      held = null;
      ctx.progressPart('\n');
      await watch.flush();
      if (warm) {
        watch.clear();
        continue;
      }
      for (const task of bench.tasks) {
        const i = tasks.findIndex((t) => t.name === task.name);
        const r = task.result;
        if (r.state !== 'completed' || errors[i] !== undefined) continue;
        samples[i]!.push(r.latency.p50);
        const w = windows.find((x) => x.task === i);
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
