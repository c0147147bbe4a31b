// Shared: one SharedIntCounterMap that several threads increment at once.
// - 2 threads vs 1 incrementing one shared map, uniform over 20k keys
//   (throughput = every thread's increments / the wall time from their common start to the last result)
// - 2 threads on one hot key (every increment contends for one slot)
// - one thread: SharedIntCounterMap / SharedCounterMap vs IntCounterMap / CounterMap
// - what a user does without it: a map per thread merged at the end, and
//   postMessage of every key (or of batches) to one owner thread
// The machine's load is measured alongside: a CPU-bound spin in 1 and in 2
// threads (equal times mean two free cores).
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CounterMap, IntCounterMap, SharedCounterMap, SharedIntCounterMap } from 'tophash';
import { median } from '../measure.js';
import { ratioInfo } from '../report.js';
import type { Row, Workload } from '../types.js';

const KEYS = 20_000;

const WORKER = `const { parentPort, workerData } = require('node:worker_threads');
const lib = require(workerData.lib);
const { job, handle, n, hot, seed, gate, batch } = workerData;
let s = seed >>> 0 || 1;
const ks = new Int32Array(n);
for (let i = 0; i < n; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; ks[i] = hot ? 7 : (s >>> 0) % ${KEYS}; }
let map = null;
if (job === 'shared') map = lib.SharedIntCounterMap.open(handle);
if (job === 'own') map = new lib.IntCounterMap();
if (job === 'spin') { let x = 0; const t0 = performance.now(); for (let i = 0; i < n; i++) x = (x * 31 + i) | 0; parentPort.postMessage({ ms: performance.now() - t0, x }); }
else {
  // Warm-up on the map itself: +1 then -1 per key leaves it as it was.
  if (map !== null) { for (let r = 0; r < 3; r++) for (let i = 0; i < ${KEYS}; i++) { map.incr(i); map.decr(i); } }
  const g = new Int32Array(gate);
  Atomics.add(g, 0, 1); Atomics.notify(g, 0);
  while (Atomics.load(g, 1) === 0) Atomics.wait(g, 1, 0);
  const t0 = performance.now();
  if (job === 'post') { for (let i = 0; i < n; i += batch) parentPort.postMessage(ks.slice(i, i + batch)); }
  else for (let i = 0; i < n; i++) map.incr(ks[i]);
  let snap = null;
  if (job === 'own') { snap = map.snapshot(); map.dispose(); }
  const ms = performance.now() - t0;
  if (job === 'shared') map.dispose();
  parentPort.postMessage({ done: true, ms, snap }, snap ? [snap.buffer] : []);
}`;

interface Done {
  ms: number;
  snap: Uint8Array | null;
}

/** Starts `threads` workers on `job`, releases them at once; their results and the wall time from the release. */
async function runWorkers(lib: string, threads: number, data: Record<string, unknown>, onKeys?: (k: Int32Array) => void, expectKeys = 0): Promise<{ done: Done[]; wallMs: number }> {
  const gate = new SharedArrayBuffer(8);
  const g = new Int32Array(gate);
  const workers: Worker[] = [];
  const done: Array<Promise<Done>> = [];
  let counted = 0;
  let allCounted: () => void = () => {};
  const keysDone = new Promise<void>((r) => (allCounted = r));
  if (expectKeys === 0) allCounted();
  for (let t = 0; t < threads; t++) {
    const w = new Worker(WORKER, { eval: true, workerData: { lib, gate, seed: 1234 + t * 7919, ...data } });
    workers.push(w);
    done.push(new Promise((resolve, reject) => {
      w.on('message', (m: Int32Array | Done) => {
        if (m instanceof Int32Array) {
          onKeys!(m);
          counted += m.length;
          if (counted === expectKeys) allCounted();
        } else {
          resolve(m);
        }
      });
      w.once('error', reject);
    }));
  }
  while (Atomics.load(g, 0) < threads) await new Promise((r) => setTimeout(r, 1));
  const t0 = performance.now();
  Atomics.store(g, 1, 1);
  Atomics.notify(g, 1);
  const results = await Promise.all(done);
  await keysDone;
  const wallMs = performance.now() - t0;
  await Promise.all(workers.map((w) => w.terminate()));
  return { done: results, wallMs };
}

async function spin(lib: string, threads: number, n: number): Promise<number> {
  const ms: number[] = [];
  await Promise.all(Array.from({ length: threads }, () => new Promise<void>((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: { lib, job: 'spin', n } });
    w.once('message', (m: { ms: number }) => {
      ms.push(m.ms);
      void w.terminate().then(() => resolve());
    });
    w.once('error', reject);
  })));
  return Math.max(...ms);
}

export const shared: Workload = {
  id: 'shared',
  title: '15. One shared map, every thread at once',
  sizeMeans: 'increments per thread (default 4M; --quick 400k)',
  async run(ctx) {
    const n = ctx.size ?? (ctx.quick ? 400_000 : 4_000_000);
    const reps = ctx.quick ? 3 : 5;
    const lib = createRequire(import.meta.url).resolve('tophash');
    const load0 = loadavg()[0]!;
    const spin1: number[] = [];
    const spin2: number[] = [];
    const rows = new Map<string, { mops: number[]; threads: number }>();
    const add = (name: string, threads: number, mops: number) => {
      const r = rows.get(name) ?? { mops: [], threads };
      r.mops.push(mops);
      rows.set(name, r);
    };
    for (let rep = 0; rep < reps; rep++) {
      ctx.progress(`  shared: round ${rep + 1}/${reps}`);
      spin1.push(await spin(lib, 1, 2e7));
      spin2.push(await spin(lib, 2, 2e7));
      for (const threads of [1, 2]) {
        for (const hot of [false, true]) {
          if (hot && threads === 1) continue;
          const m = new SharedIntCounterMap({ maxBytes: 64 << 20 });
          // Throughput on one clock, from the release to the last thread's
          // result: per-thread times would count threads that ran one after
          // the other as running at once.
          const { wallMs } = await runWorkers(lib, threads, { job: 'shared', handle: m.handle, n, hot });
          let total = 0;
          for (const [, c] of m) total += c;
          if (total !== threads * n) throw new Error(`shared map holds ${total} increments, not ${threads * n}`);
          m.dispose();
          add(`SharedIntCounterMap, ${threads} thread${threads > 1 ? 's' : ''}${hot ? ', one hot key' : ', 20k keys'}`, threads, (threads * n) / wallMs / 1e3);
        }
      }
      // A map per thread, snapshots merged at the end.
      {
        const { done } = await runWorkers(lib, 2, { job: 'own', n, hot: false });
        const t0 = performance.now();
        const into = IntCounterMap.fromSnapshot(done[0]!.snap!);
        const other = IntCounterMap.fromSnapshot(done[1]!.snap!);
        into.merge(other);
        const mergeMs = performance.now() - t0;
        if (into.total() !== 2 * n) throw new Error('merged maps lost increments');
        into.dispose();
        other.dispose();
        add('IntCounterMap per thread, merged at the end (not live)', 2, (2 * n) / (Math.max(...done.map((d) => d.ms)) + mergeMs) / 1e3);
      }
      // postMessage to one owner thread (this one), per key and in batches.
      for (const batch of [1, 1024]) {
        const owner = new IntCounterMap();
        const perThread = batch === 1 ? Math.min(n, 100_000) : n;
        const { wallMs } = await runWorkers(lib, 2, { job: 'post', n: perThread, hot: false, batch }, (ks) => {
          for (let i = 0; i < ks.length; i++) owner.incr(ks[i]!);
        }, 2 * perThread);
        if (owner.total() !== 2 * perThread) throw new Error('the owner thread lost increments');
        owner.dispose();
        add(`postMessage to one owner thread, ${batch === 1 ? 'every key' : `batches of ${batch}`}`, 2, (2 * perThread) / wallMs / 1e3);
      }
    }
    // One thread, no workers: the shared map against the single-thread map.
    const single: Record<string, number[]> = {};
    const keysInt = new Int32Array(n);
    const keysStr: string[] = [];
    let s = 99;
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      keysInt[i] = (s >>> 0) % KEYS;
    }
    const names = Array.from({ length: KEYS }, (_, i) => `key${i}`);
    for (let i = 0; i < n; i++) keysStr.push(names[keysInt[i]!]!);
    // Warm maps (every key present, as in a long-running server): the cost
    // of an increment, not of the table's growth.
    const warmInt = [new IntCounterMap(), new SharedIntCounterMap({ maxBytes: 64 << 20 })] as const;
    const warmStr = [new CounterMap(), new SharedCounterMap({ maxBytes: 64 << 20 })] as const;
    for (let i = 0; i < KEYS; i++) {
      for (const m of warmInt) m.incr(i);
      for (const m of warmStr) m.incr(names[i]!);
    }
    const contenders: Array<[string, () => number]> = [
      ['IntCounterMap', () => {
        const m = warmInt[0];
        const t0 = performance.now();
        for (let i = 0; i < n; i++) m.incr(keysInt[i]!);
        return performance.now() - t0;
      }],
      ['SharedIntCounterMap', () => {
        const m = warmInt[1];
        const t0 = performance.now();
        for (let i = 0; i < n; i++) m.incr(keysInt[i]!);
        return performance.now() - t0;
      }],
      ['CounterMap', () => {
        const m = warmStr[0];
        const t0 = performance.now();
        for (let i = 0; i < n; i++) m.incr(keysStr[i]!);
        return performance.now() - t0;
      }],
      ['SharedCounterMap', () => {
        const m = warmStr[1];
        const t0 = performance.now();
        for (let i = 0; i < n; i++) m.incr(keysStr[i]!);
        return performance.now() - t0;
      }],
    ];
    for (let rep = -1; rep < reps; rep++) {
      for (const [name, run] of contenders) {
        const ms = run();
        if (rep >= 0) (single[name] ??= []).push(ms);
      }
    }
    for (const m of [...warmInt, ...warmStr]) m.dispose();
    const load1 = loadavg()[0]!;
    const med = (name: string) => median(rows.get(name)!.mops);
    const one = med('SharedIntCounterMap, 1 thread, 20k keys');
    const two = med('SharedIntCounterMap, 2 threads, 20k keys');
    const cores = (2 * median(spin1)) / median(spin2);
    const tableRows: Row[] = [...rows].map(([name, r]) => ({ contender: name, threads: r.threads, mops: median(r.mops), vsOne: median(r.mops) / one }));
    const singleRows: Row[] = contenders.map(([name]) => ({ contender: name, mops: n / median(single[name]!) / 1e3 }));
    const intRatio = median(single['IntCounterMap']!) / median(single['SharedIntCounterMap']!);
    const strRatio = median(single['CounterMap']!) / median(single['SharedCounterMap']!);
    return {
      tables: [
        {
          title: 'Threads incrementing one map',
          caption: `${n.toLocaleString('en-US')} increments per thread, int keys uniform over 20k (or one hot key); medians of ${reps} rounds; Mops/s = all threads' increments / the wall time from their common start until the last result (for postMessage: until the owner counted everything). This run had ≈ ${cores.toFixed(2)} free cores (a CPU-bound spin in 2 threads vs 1), load average ${load0.toFixed(2)} at start, ${load1.toFixed(2)} at end.`,
          columns: [
            { key: 'contender', label: 'contender', format: 'text' },
            { key: 'threads', label: 'threads', format: 'int' },
            { key: 'mops', label: 'Mops/s', format: 'decimal' },
            { key: 'vsOne', label: 'vs 1 thread shared', format: 'ratio' },
          ],
          rows: tableRows,
        },
        {
          title: 'One thread: shared map vs single-thread map',
          caption: `${n.toLocaleString('en-US')} increments over 20k keys already present (ints, and strings "key0".."key19999" as reused string objects), medians of ${reps} interleaved runs after a warm-up run.`,
          columns: [
            { key: 'contender', label: 'contender', format: 'text' },
            { key: 'mops', label: 'Mops/s', format: 'decimal' },
          ],
          rows: singleRows,
        },
      ],
      notes: [
        'A shared map pays for atomics on every operation: an increment of a present key is a compare-and-swap on its slot plus two stores and a load on a line the thread owns (the stop-the-world gate). Two threads scale when they touch different slots; on one hot key every increment bounces the slot\'s cache line between cores.',
        'A map per thread merged at the end is the fastest way to count a batch, but nobody can read the counts until the merge; postMessage to an owner is live but pays a message per key (or the latency of a batch).',
      ],
      headlines: [
        ratioInfo('shared', '2 threads vs 1 on one shared map (20k keys)', two / one),
        ratioInfo('shared', 'one thread: SharedIntCounterMap vs IntCounterMap', intRatio),
        ratioInfo('shared', 'one thread: SharedCounterMap vs CounterMap', strRatio),
      ],
    };
  },
};
