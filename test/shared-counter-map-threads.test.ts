// Several worker threads and the main thread apply random incr/decr/delete
// to overlapping keys of one shared map at once, each logging what it did;
// the table grows during the run. The final map must equal what the logs
// imply, and a reader on the main thread must never see a count <= 0.
// Needs the build (dist/): the workers import the package as users do.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SharedCounterMap, SharedIntCounterMap } from '../src/index.js';
import { checkEntries, checkFinal, churn, keyOf } from './fixtures/shared-churn.mjs';
import { scale } from './helpers/scale.js';

const WORKER = fileURLToPath(new URL('./fixtures/shared-worker.mjs', import.meta.url));
const WORKERS = scale(4, 3);
const OPS = scale(200_000, 40_000);
const UP_KEYS = scale(100_000, 20_000);
const ROUNDS = scale(6, 2);
/** A heavy round took 16-33 s on a loaded 2-core machine (load average 7). */
const TIMEOUT = scale(900_000, 120_000);

type Kind = 'string' | 'int';
type Log = ReturnType<typeof churn>;

async function round(kind: Kind, seed: number): Promise<{ bad: string[]; reads: number; grew: number }> {
  const map = kind === 'int' ? new SharedIntCounterMap({ maxBytes: 64 << 20 }) : new SharedCounterMap({ maxBytes: 64 << 20 });
  const cap0 = map.stats().capacity;
  const gate = new SharedArrayBuffer(8);
  const g = new Int32Array(gate);
  const workers: Worker[] = [];
  const logs: Array<Promise<Log>> = [];
  for (let w = 0; w < WORKERS; w++) {
    const worker = new Worker(WORKER, { workerData: { handle: map.handle, kind, seed: seed * 100 + w + 1, ops: OPS, upKeys: UP_KEYS, gate } });
    workers.push(worker);
    logs.push(new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }));
  }
  while (Atomics.load(g, 0) < WORKERS) Atomics.wait(g, 0, Atomics.load(g, 0), 100);
  Atomics.store(g, 1, 1);
  Atomics.notify(g, 1);
  // The main thread writes too, and every 16th step reads every entry and
  // the top 5 while the workers write.
  const bad: string[] = [];
  let reads = 0;
  const mine = churn(map, {
    kind,
    seed: seed * 100,
    ops: OPS,
    upKeys: UP_KEYS,
    onStep: (n: number) => {
      if ((n & 4095) !== 0) return;
      const all = [...map.entries()];
      bad.push(...checkEntries(all));
      const top = map.mostCommon(5);
      for (let i = 1; i < top.length; i++) if (top[i]![1] > top[i - 1]![1]) bad.push(`mostCommon out of order: ${JSON.stringify(top)}`);
      const k = keyOf(kind, 1, n % 40);
      if (!(map.get(k as never) >= 0)) bad.push(`get(${k}) < 0`);
      reads++;
    },
  });
  const all = [mine, ...(await Promise.all(logs))];
  await Promise.all(workers.map((w) => w.terminate()));
  bad.push(...checkFinal(kind, map, all));
  const grew = map.stats().capacity / cap0;
  expect(map.stats().handles).toBe(1);
  map.dispose();
  return { bad, reads, grew };
}

describe.each(['string', 'int'] as const)('%s keys: workers and the main thread at once', (kind) => {
  it(`${ROUNDS} rounds of ${WORKERS} workers + main x ${OPS} random ops: the final map is what the logs imply, no reader sees a count <= 0`, async () => {
    for (let r = 1; r <= ROUNDS; r++) {
      const { bad, reads, grew } = await round(kind, r + (kind === 'int' ? 1000 : 0));
      expect(bad).toEqual([]);
      expect(reads).toBeGreaterThan(0);
      // The table grew while every thread was writing.
      expect(grew).toBeGreaterThanOrEqual(64);
    }
  }, TIMEOUT);
});
