// Counting into Redis from one process: RedisCounter (tophash/redis: count
// locally, flush net deltas every 100 ms, one script call per 1,000 keys)
// against the usual way, one HINCRBY per event pipelined in batches of
// 1,000 (ioredis pipeline, each batch awaited). A redis-server of the
// benchmark's own on 127.0.0.1 (no persistence); skipped when redis-server
// or ioredis is missing.
//
// - events/s from the first event until Redis has every count (close()
//   resolved / the last pipeline answered), Redis commands per event (INFO
//   commandstats, commands run inside the script included) and bytes Redis
//   received per event (INFO stats total_net_input_bytes);
// - one flush of 100, 1,000 and 10,000 pending keys: its latency, the bytes
//   and script calls it sent, and the longest event-loop delay during it.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as tick } from 'node:timers/promises';
import type { Redis as IoRedis } from 'ioredis';
import { fullGc, median } from '../measure.js';
import { formatRatio } from '../format.js';
import { startRedis } from '../redis-server.js';
import type { Headline, Row, Table, Workload } from '../types.js';

type RedisModule = typeof import('tophash/redis');

const KEY = 'bench:hits';

/** Sum of calls= over INFO commandstats, and total_net_input_bytes. */
async function serverCounters(admin: IoRedis): Promise<{ commands: number; bytesIn: number }> {
  const cmd = await admin.info('commandstats');
  let commands = 0;
  for (const m of cmd.matchAll(/calls=(\d+)/g)) commands += Number(m[1]);
  const stats = await admin.info('stats');
  const bytesIn = Number(/total_net_input_bytes:(\d+)/.exec(stats)?.[1] ?? NaN);
  return { commands, bytesIn };
}

/** Deterministic uniform picks of `keys` (xorshift). */
function eventStream(n: number, keys: string[]): string[] {
  const out = new Array<string>(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = keys[(x >>> 0) % keys.length]!;
  }
  return out;
}

interface Run {
  ms: number;
  commands: number;
  bytesIn: number;
  clientCalls: number;
}

export const redis: Workload = {
  id: 'redis',
  title: '14. Counting into Redis: RedisCounter vs HINCRBY per event',
  sizeMeans: 'events per run over 10,000 keys (default 500k; --quick 50k)',
  heapMb: 2048,
  timeoutMs: (o) => (o.quick ? 120_000 : 600_000),
  async run(ctx) {
    let mod: RedisModule;
    let Redis: typeof import('ioredis').Redis;
    try {
      mod = await import('tophash/redis');
    } catch (e) {
      return { tables: [], notes: [], headlines: [], skipped: `tophash/redis did not load: ${(e as Error).message}` };
    }
    try {
      Redis = (await import('ioredis')).Redis;
    } catch {
      return { tables: [], notes: [], headlines: [], skipped: 'ioredis is not installed (npm i ioredis)' };
    }
    const server = await startRedis();
    if (typeof server === 'string') return { tables: [], notes: [], headlines: [], skipped: server };
    const client = new Redis({ host: '127.0.0.1', port: server.port });
    const admin = new Redis({ host: '127.0.0.1', port: server.port });
    try {
      const n = ctx.size ?? (ctx.quick ? 50_000 : 500_000);
      const rounds = ctx.quick ? 2 : 3;
      const keys = Array.from({ length: 10_000 }, (_, i) => `page:${i}`);
      const events = eventStream(n, keys);
      const distinct = new Set(events).size;
      ctx.progress(`redis ${server.version} on 127.0.0.1:${server.port}; ${n} events over ${distinct} keys, ${rounds} rounds`);

      /** Redis holds exactly the events' counts. */
      const check = async (what: string): Promise<void> => {
        const m = await mod.loadCounts(client, KEY);
        let sum = 0;
        for (const v of m.values()) sum += v;
        const size = m.size;
        m.dispose();
        if (size !== distinct || sum !== n) throw new Error(`${what}: Redis holds ${size} keys and ${sum} counts, not ${distinct} and ${n}`);
      };

      const measure = async (body: () => Promise<number>): Promise<Run> => {
        await admin.del(KEY);
        // Each run starts from a collected heap: a pipeline run leaves ~500k
        // commands' garbage that would otherwise be collected in the next run.
        fullGc();
        const before = await serverCounters(admin);
        const t0 = performance.now();
        const clientCalls = await body();
        const ms = performance.now() - t0;
        const after = await serverCounters(admin);
        // The INFO calls of `before` are counted in `after`.
        return { ms, commands: after.commands - before.commands - 2, bytesIn: after.bytesIn - before.bytesIn, clientCalls };
      };

      const viaCounter = (): Promise<Run> =>
        measure(async () => {
          const rc = new mod.RedisCounter(client, { key: KEY, flushIntervalMs: 100 });
          for (let i = 0; i < n; i += 10_000) {
            const end = Math.min(n, i + 10_000);
            for (let j = i; j < end; j++) rc.incr(events[j]!);
            await tick(); // the flush timer and replies get their turn, as in a server
          }
          await rc.close();
          return rc.stats().calls;
        });

      const viaPipeline = (): Promise<Run> =>
        measure(async () => {
          let calls = 0;
          for (let i = 0; i < n; i += 1000) {
            const p = client.pipeline();
            const end = Math.min(n, i + 1000);
            for (let j = i; j < end; j++) p.hincrby(KEY, events[j]!, 1);
            calls += end - i;
            await p.exec();
          }
          return calls;
        });

      const runs: Record<'counter' | 'pipeline', Run[]> = { counter: [], pipeline: [] };
      for (let r = -1; r < rounds; r++) {
        for (const which of r % 2 === 0 ? (['pipeline', 'counter'] as const) : (['counter', 'pipeline'] as const)) {
          if (r === -1 && which === 'pipeline' && n > 50_000) continue; // warm-up of the pipeline: the counter's is enough to load both
          const run = which === 'counter' ? await viaCounter() : await viaPipeline();
          await check(which);
          if (r >= 0) runs[which].push(run);
          ctx.progressPart(` ${which} ${run.ms.toFixed(0)}ms ·`);
        }
      }
      ctx.progressPart('\n');

      const row = (name: string, rs: Run[], base: number): Row => {
        const ms = median(rs.map((x) => x.ms));
        const last = rs[rs.length - 1]!;
        return {
          contender: name,
          eventsPerSec: (n / ms) * 1000,
          vsPipeline: base / ms,
          clientCallsPerK: (last.clientCalls / n) * 1000,
          commandsPerK: (last.commands / n) * 1000,
          bytesPerEvent: last.bytesIn / n,
          medianMs: ms,
          samples: rs.length,
        };
      };
      const pipeMs = median(runs.pipeline.map((x) => x.ms));
      const counterRow = row('RedisCounter (flush every 100 ms)', runs.counter, pipeMs);
      const throughput: Table = {
        title: 'Counting into Redis: events per second until Redis has every count',
        caption: `${n.toLocaleString('en-US')} events over ${distinct.toLocaleString('en-US')} keys (\`page:<i>\`, uniform), one process, Redis ${server.version} on 127.0.0.1 (no persistence), ioredis; medians of ${rounds} interleaved runs, each ending when Redis holds every count (checked). Commands: every command Redis ran, those inside the script included (INFO commandstats); bytes: what Redis received.`,
        columns: [
          { key: 'contender', label: 'contender', format: 'text' },
          { key: 'eventsPerSec', label: 'events/s', format: 'ops' },
          { key: 'vsPipeline', label: 'vs HINCRBY pipeline', format: 'ratio' },
          { key: 'clientCallsPerK', label: 'calls sent / 1k events', format: 'decimal' },
          { key: 'commandsPerK', label: 'Redis commands / 1k events', format: 'decimal' },
          { key: 'bytesPerEvent', label: 'bytes to Redis/event', format: 'decimal' },
          { key: 'medianMs', label: 'ms/run', format: 'ms' },
          { key: 'samples', label: 'runs', format: 'int' },
        ],
        rows: [row('HINCRBY per event, pipelined by 1,000', runs.pipeline, pipeMs), counterRow],
      };

      // One flush of a given number of pending keys.
      const flushRows: Row[] = [];
      for (const size of [100, 1000, 10_000]) {
        const lat: number[] = [];
        const delay: number[] = [];
        let bytes = 0;
        let calls = 0;
        let serverBytes = 0;
        const reps = ctx.quick ? 5 : 15;
        for (let r = -2; r < reps; r++) {
          await admin.del(KEY);
          const rc = new mod.RedisCounter(client, { key: KEY, flushIntervalMs: 0 });
          for (let i = 0; i < size * 5; i++) rc.incr(keys[i % size]!, 1 + (i % 3));
          const before = await serverCounters(admin);
          const s0 = rc.stats();
          const h = monitorEventLoopDelay({ resolution: 1 });
          h.enable();
          const t0 = performance.now();
          await rc.flush();
          const ms = performance.now() - t0;
          h.disable();
          const s1 = rc.stats();
          const after = await serverCounters(admin);
          if (r >= 0) {
            lat.push(ms);
            delay.push(h.max / 1e6);
            bytes = s1.bytesSent - s0.bytesSent;
            calls = s1.calls - s0.calls;
            serverBytes = after.bytesIn - before.bytesIn;
          }
          await rc.close();
        }
        const sorted = [...lat].sort((a, b) => a - b);
        flushRows.push({
          keys: size,
          medianMs: median(lat),
          maxMs: sorted[sorted.length - 1]!,
          calls,
          bytes,
          serverBytes,
          loopDelayMs: median(delay),
        });
      }
      const flushes: Table = {
        title: 'One flush: latency and bytes by pending keys',
        caption: `RedisCounter.flush() of N pending keys (\`page:<i>\`, deltas 1-3 digits), default batchKeys 1,000 (one script call each); medians of ${ctx.quick ? 5 : 15}. "bytes sent": the calls in the Redis protocol, as the counter counts them (stats().bytesSent); "to Redis": what the server received (INFO, its own INFO calls included). Loop delay: the longest event-loop delay during the flush (monitorEventLoopDelay, 1 ms resolution), median over the flushes.`,
        columns: [
          { key: 'keys', label: 'pending keys', format: 'int' },
          { key: 'medianMs', label: 'flush ms', format: 'ms' },
          { key: 'maxMs', label: 'slowest ms', format: 'ms' },
          { key: 'calls', label: 'script calls', format: 'int' },
          { key: 'bytes', label: 'bytes sent', format: 'int' },
          { key: 'serverBytes', label: 'bytes to Redis', format: 'int' },
          { key: 'loopDelayMs', label: 'loop delay max ms', format: 'ms' },
        ],
        rows: flushRows,
      };

      const ratio = counterRow.vsPipeline as number;
      const headline: Headline = {
        workload: 'redis',
        what: 'events/s, RedisCounter vs one HINCRBY per event pipelined by 1,000',
        value: ratio,
        measured: formatRatio(ratio),
      };
      return {
        tables: [throughput, flushes],
        notes: [
          'The counter sends each key once per flush however many events it had (its net delta), so the gain grows with events per key per flush interval: here ~50 events per key over the run.',
          'Without persistence; with appendfsync always both sides pay an fsync per write batch, and the pipeline has ~1,000 times more of them.',
        ],
        headlines: [headline],
      };
    } finally {
      client.disconnect();
      admin.disconnect();
      await server.stop();
    }
  },
};
