// 7. Scale: how many int keys each contender holds before it fails. Each
// contender runs alone in a fresh child process (a big heap, a timeout, and
// a crash or an out-of-memory cannot take the benchmark down), filling
// distinct ids until it throws or reaches the limit. V8's Map throws
// "Map maximum size exceeded" at 2^24 entries; tophash is tried up to 100M
// (or what free memory allows; under --quick it stops just past Map's limit).
import { fork } from 'node:child_process';
import { freemem, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { IntCounterMap } from 'tophash';
import { intId } from '../data/generators.js';
import type { Options, Row, Workload } from '../types.js';

export interface ProbeResult {
  kind: string;
  held: number;
  error: string | null;
  seconds: number;
  bytes: number;
}

const CHUNK = 1 << 20;

/** Runs inside the probe child: fills until failure or `limit`. */
export async function runProbe(kind: string, limit: number): Promise<ProbeResult> {
  const t0 = performance.now();
  let n = 0;
  let error: string | null = null;
  let bytes = 0;
  const report = (): void => {
    process.stderr.write(`    ${kind}: ${(n / 1e6).toFixed(1)}M keys, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  };
  try {
    if (kind === 'tophash') {
      const m = new IntCounterMap();
      const chunk = new Int32Array(CHUNK);
      try {
        while (n < limit) {
          const k = Math.min(CHUNK, limit - n);
          for (let i = 0; i < k; i++) chunk[i] = intId(n + i);
          m.incrMany(k === CHUNK ? chunk : chunk.subarray(0, k));
          n += k;
          if (n % (8 * CHUNK) === 0) report();
        }
      } finally {
        n = m.size;
        bytes = m.stats().bytes;
      }
    } else {
      let add: (k: number) => void;
      if (kind === 'Map') {
        const m = new Map<number, number>();
        add = (k) => void m.set(k, (m.get(k) ?? 0) + 1);
      } else if (kind === 'mnemonist MultiSet') {
        const { MultiSet } = (await import('mnemonist')) as unknown as { MultiSet: new () => { add(k: number): void } };
        const s = new MultiSet();
        add = (k) => s.add(k);
      } else {
        const { Counter } = (await import('@remusao/counter')) as unknown as { Counter: new () => { incr(k: number): void } };
        const c = new Counter();
        add = (k) => c.incr(k);
      }
      for (; n < limit; n++) {
        add(intId(n));
        if (n % (4 * CHUNK) === 0 && n > 0) report();
      }
      bytes = process.memoryUsage().heapUsed;
    }
  } catch (e) {
    error = `${(e as Error).name}: ${(e as Error).message}`;
  }
  return { kind, held: n, error, seconds: (performance.now() - t0) / 1000, bytes };
}

function probe(kind: string, limit: number, heapMb: number, timeoutMs: number): Promise<ProbeResult> {
  const worker = fileURLToPath(new URL('../worker.js', import.meta.url));
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = fork(worker, ['--probe', kind, String(limit)], {
      execArgv: [`--max-old-space-size=${heapMb}`],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ProbeResult | null = null;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('message', (m) => (result = m as ProbeResult));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      resolve(
        result ?? {
          kind,
          held: NaN,
          error: signal === 'SIGKILL' ? `killed after the ${timeoutMs / 1000} s timeout` : `process died (code ${code}, signal ${signal})`,
          seconds,
          bytes: NaN,
        },
      );
    });
  });
}

export const scale: Workload = {
  id: 'scale',
  title: '7. Scale: int keys held before failing',
  sizeMeans: 'the most keys tried per contender (default: Map family until it throws, tophash 100M; --quick 17.8M, Map only)',
  heapMb: 1024,
  timeoutMs: (o: Options) => (o.quick ? 120_000 : 600_000),
  async run(ctx) {
    const notes: string[] = [];
    const mapLimit = ctx.size ?? 2 ** 25;
    let tophashLimit = ctx.size ?? (ctx.quick ? 2 ** 24 + 2 ** 20 : 100_000_000);
    // ~16 B/entry plus the old table during a rebuild: ask for 48 B/entry free.
    const room = Math.floor(Math.min(freemem(), totalmem() * 0.8) / 48);
    if (room < tophashLimit) {
      notes.push(`This machine has ${(freemem() / 2 ** 30).toFixed(1)} GiB free: tophash is tried up to ${room.toLocaleString('en-US')} keys instead of ${tophashLimit.toLocaleString('en-US')}.`);
      tophashLimit = room;
    }
    const kinds = ['Map'];
    if (!ctx.quick) {
      if (ctx.libs.MultiSet) kinds.push('mnemonist MultiSet');
      if (ctx.libs.Counter) kinds.push('@remusao/counter');
    } else {
      notes.push('--quick: only Map of the Map-based contenders (MultiSet and @remusao/counter wrap a Map and hit the same limit), and tophash stops just past 2^24.');
    }
    kinds.push('tophash');
    const rows: Row[] = [];
    for (const kind of kinds) {
      const limit = kind === 'tophash' ? tophashLimit : mapLimit;
      ctx.progress(`  scale: ${kind}, up to ${limit.toLocaleString('en-US')} keys`);
      const r = await probe(kind, limit, kind === 'tophash' ? 1024 : 6144, ctx.quick ? 60_000 : 240_000);
      rows.push({
        contender: kind,
        held: r.held,
        tried: limit,
        outcome: r.error ?? (r.held >= limit ? 'reached the limit tried, no failure' : 'stopped'),
        seconds: r.seconds,
        perEntry: kind === 'tophash' && r.held > 0 ? r.bytes / r.held : null,
      });
    }
    return {
      tables: [
        {
          title: 'Scale: distinct int keys held',
          caption: 'Each contender alone in a fresh node process, filling distinct ids until it throws or reaches the number tried. tophash fills with incrMany, 1M keys a call.',
          columns: [
            { key: 'contender', label: 'contender', format: 'text' },
            { key: 'held', label: 'keys held', format: 'int' },
            { key: 'tried', label: 'tried', format: 'int' },
            { key: 'outcome', label: 'outcome', format: 'text' },
            { key: 'seconds', label: 'time (s)', format: 'ms' },
            { key: 'perEntry', label: 'wasm B/entry', format: 'bytes' },
          ],
          rows,
        },
      ],
      notes,
      headlines: (() => {
        const th = rows.find((r) => r.contender === 'tophash');
        const held = typeof th?.held === 'number' ? th.held : null;
        return [
          {
            workload: 'scale',
            what: `int keys tophash held (tried up to ${tophashLimit.toLocaleString('en-US')})`,
            value: held,
            measured: held === null || Number.isNaN(held) ? 'failed' : held.toLocaleString('en-US'),
          },
        ];
      })(),
    };
  },
};
