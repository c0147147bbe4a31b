// Nothing lost, nothing doubled, with a real Redis that crashes and freezes:
// several processes (test/fixtures/redis-writer.mjs, half on ioredis, half
// on node-redis v5+ and v4) count into one hash while redis-server (AOF, fsync at every
// write) is killed with SIGKILL and started again on the same port and dir,
// frozen with SIGSTOP past the clients' timeouts (their batches are applied
// when it wakes up, after the counters gave up on the replies, and the
// retries must be skipped), and killed while frozen (the batches queued in
// its socket are never applied, and the retries must be). When every process
// has closed its counter, the hash must equal the sum of what the processes
// counted, exactly, with no field at 0 or below.
//
// Default: 4 processes, 2 fault cycles (~20 s). TOPHASH_HEAVY: 6 processes, 6 cycles.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { findRedisServer, noteSkipped, RedisServer } from './helpers/redis-server.js';

const HEAVY = !!process.env.TOPHASH_HEAVY;
const WRITER = fileURLToPath(new URL('./fixtures/redis-writer.mjs', import.meta.url));

const installed = findRedisServer() !== null;
if (!installed) noteSkipped('test/redis-faults.test.ts');

interface Report {
  own: Array<[string, number]>;
  events: number;
  refused: number;
  closeTries: number;
  stats: { failedFlushes: number; duplicateBatches: number; batches: number; calls: number; pendingKeys: number; lastError: string | null };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const children: ChildProcess[] = [];
let server: RedisServer | null = null;
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await server?.stop();
});

describe.skipIf(!installed)('RedisCounter across processes while Redis crashes and freezes', () => {
  it(`the hash ends equal to the exact totals (${HEAVY ? '6 processes, 6 fault cycles' : '4 processes, 2 fault cycles'})`, async () => {
    const srv = await RedisServer.start();
    server = srv;
    const key = 'faults';
    const procs = HEAVY ? 6 : 4;
    const cycles = HEAVY ? 6 : 2;
    const logs: string[] = [];
    const reports: Array<Promise<Report>> = [];
    const ready: Array<Promise<void>> = [];
    for (let i = 0; i < procs; i++) {
      const kind = ['ioredis', 'node-redis', 'ioredis', 'node-redis-v4'][i % 4]!;
      const child = fork(WRITER, [String(srv.port), kind, String(i + 1), key], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      children.push(child);
      logs[i] = '';
      child.stdout!.on('data', (d: Buffer) => (logs[i] += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (logs[i] += d.toString()));
      ready.push(new Promise((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`writer ${i + 1} (${kind}) exited with ${code} before it was ready:\n${logs[i]}`)));
      }));
      reports.push(new Promise((resolve, reject) => {
        child.on('message', (m) => {
          if (m !== 'ready') resolve(m as Report);
        });
        child.once('exit', (code) => reject(new Error(`writer ${i + 1} (${kind}) exited with ${code} without a report:\n${logs[i]}`)));
      }));
    }
    for (const p of reports) p.catch(() => {}); // awaited below; a failure then is the test's
    await Promise.all(ready);

    const faults: string[] = [];
    for (let cycle = 0; cycle < cycles; cycle++) {
      await sleep(1200);
      faults.push('kill -9, restart');
      await srv.kill();
      await sleep(600);
      await srv.start();
      await sleep(1200);
      faults.push('SIGSTOP 1.5 s, SIGCONT');
      srv.signal('SIGSTOP');
      await sleep(1500);
      srv.signal('SIGCONT');
      await sleep(1200);
      faults.push('SIGSTOP, kill -9 while frozen, restart');
      srv.signal('SIGSTOP');
      await sleep(700);
      await srv.kill();
      await srv.start();
    }
    await sleep(1000);
    for (const c of children) c.send('stop');
    const got = await Promise.all(reports);

    const want = new Map<string, number>();
    for (const r of got) for (const [k, v] of r.own) want.set(k, (want.get(k) ?? 0) + v);
    for (const [k, v] of want) if (v === 0) want.delete(k);

    const admin = new Redis({ host: '127.0.0.1', port: srv.port, lazyConnect: true });
    await admin.connect();
    try {
      const raw = await admin.hgetall(key);
      const have = new Map(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
      const wrong: string[] = [];
      for (const [k, v] of want) if (have.get(k) !== v) wrong.push(`${k}: want ${v}, have ${have.get(k)}`);
      for (const [k, v] of have) if (!want.has(k)) wrong.push(`${k}: want absent, have ${v}`);
      const summary = got.map((r, i) => `writer ${i + 1}: ${r.events} events, ${r.stats.calls} calls, ${r.stats.batches} batches, ${r.stats.failedFlushes} failed flushes, ${r.stats.duplicateBatches} skipped retries, ${r.closeTries} failed closes`);
      console.log(`${faults.length} faults; ${want.size} keys; ${summary.join('; ')}`);
      expect(wrong.slice(0, 20), `${wrong.length} keys differ`).toEqual([]);
      expect([...have.values()].filter((v) => !(v > 0))).toEqual([]);
      // The z keys were counted, ended at 0, and are gone.
      expect(got.every((r) => r.own.filter(([k]) => k.startsWith('z')).length > 50)).toBe(true);
      expect([...have.keys()].some((k) => k.startsWith('z'))).toBe(false);
      expect(have.size).toBe(want.size);

      for (const r of got) {
        expect(r.refused).toBe(0);
        expect(r.stats.pendingKeys).toBe(0);
        expect(r.events).toBeGreaterThan(1000);
      }
      // The faults were felt, and the lost-reply path ran: retries of batches
      // that Redis had applied while its replies went nowhere.
      expect(got.reduce((a, r) => a + r.stats.failedFlushes, 0)).toBeGreaterThan(0);
      expect(got.reduce((a, r) => a + r.stats.duplicateBatches, 0)).toBeGreaterThan(0);
      // Each counter is one writer key, with its expiry set.
      const writers = await admin.keys(`${key}:tophash-writer:*`);
      expect(writers.length).toBe(procs);
      for (const w of writers) expect(await admin.pttl(w)).toBeGreaterThan(0);
    } finally {
      await admin.quit();
    }
  }, 120_000);
});
