// 11. Rate limit: `limit` requests per key in a 60 s window, the way a server
// asks it on every request. Keys are 100k client addresses ("10.a.b.c", 8-11
// chars); the request sequence (seeded) names each key once, then keys at
// random: as many requests per key on average as the limit (10), so about a
// fifth of them are refused.
//
// Contenders:
// - rate-limiter-flexible's RateLimiterMemory.consume (a Map of records, one
//   setTimeout per key; consume returns a promise, awaited a thousand at a
//   time, which is kinder to it than one await per request);
// - WindowedCounterMap (10 slices of 6 s): incr, and on a refusal msUntil
//   (the Retry-After a refused consume reports as msBeforeNext);
// - IntWindowedCounterMap with the addresses as 32-bit ints, for context.
//
// Timed in interleaved rounds (each round times every contender once, the
// starting one rotating), medians. Memory, untimed: JS heap + external growth
// after a full GC (process.memoryUsage()), plus stats().bytes for tophash,
// per key. Then bytes per key with 1M keys in one window, and what a map
// holds after a silent window.
import { IntWindowedCounterMap, WindowedCounterMap, memoryStats } from 'tophash';
import { fullGc, median, mad } from '../measure.js';
import { figure } from '../report.js';
import { formatRatio } from '../format.js';
import type { Context, Headline, Row, Table, Workload } from '../types.js';

interface Consumed {
  ok: number;
  refused: number;
  /** Sum of the retry times reported, so no contender can skip computing them. */
  retryMs: number;
}

interface Limiter {
  consume(key: string, points?: number): Promise<unknown>;
}
type LimiterClass = new (opts: { points: number; duration: number }) => Limiter;

interface Contender {
  name: string;
  /**
   * Runs the whole request sequence on a fresh limiter; returns it (kept
   * alive for memory) and the tallies. `simulated`: tophash maps read the
   * simulated clock instead of Date.now (the memory pass).
   */
  run(simulated?: boolean): Promise<{ self: unknown; tally: Consumed }>;
}

const WINDOW_MS = 60_000;
const SLICES = 10;
/**
 * The memory pass spreads the requests evenly over this much simulated time
 * from the start of a slice (100k requests a second at the default size),
 * so what the maps hold does not depend on how fast this machine ran them:
 * the keys fall into two 6 s slices, as they would over 10 real seconds.
 */
const SPREAD_MS = 10_000;
const SIM_START = 1_700_000_040_000;
let simNow = SIM_START;
const simulatedClock = (): number => simNow;

function addresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`);
}

/** Key indices: every key once (so the table holds them all), then uniform at random (LCG, seeded). */
function requestSequence(keys: number, ops: number): Uint32Array {
  const seq = new Uint32Array(ops);
  let x = 0x2545f491;
  for (let i = 0; i < ops; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    seq[i] = i < keys ? i : x % keys;
  }
  return seq;
}

async function loadLimiter(): Promise<LimiterClass | null> {
  try {
    const m = (await import('rate-limiter-flexible')) as unknown as { RateLimiterMemory: LimiterClass; default?: { RateLimiterMemory: LimiterClass } };
    return m.RateLimiterMemory ?? m.default?.RateLimiterMemory ?? null;
  } catch {
    return null;
  }
}

function contenders(Limiter: LimiterClass | null, keys: string[], seq: Uint32Array, limit: number): Contender[] {
  const list: Contender[] = [];
  if (Limiter) {
    list.push({
      name: 'RateLimiterMemory.consume',
      async run() {
        const limiter = new Limiter({ points: limit, duration: WINDOW_MS / 1000 });
        const tally: Consumed = { ok: 0, refused: 0, retryMs: 0 };
        const ok = (): void => void tally.ok++;
        const no = (r: unknown): void => {
          tally.refused++;
          tally.retryMs += (r as { msBeforeNext: number }).msBeforeNext;
        };
        const pending: Promise<void>[] = [];
        for (let i = 0; i < seq.length; i += 1000) {
          pending.length = 0;
          const end = Math.min(seq.length, i + 1000);
          for (let j = i; j < end; j++) pending.push(limiter.consume(keys[seq[j]!]!).then(ok, no));
          await Promise.all(pending);
        }
        return { self: limiter, tally };
      },
    });
  }
  list.push({
    name: 'tophash WindowedCounterMap',
    async run(simulated) {
      const hits = new WindowedCounterMap({ windowMs: WINDOW_MS, slices: SLICES, now: simulated ? simulatedClock : undefined });
      const tally: Consumed = { ok: 0, refused: 0, retryMs: 0 };
      const step = SPREAD_MS / seq.length;
      for (let i = 0; i < seq.length; i++) {
        simNow = SIM_START + i * step;
        const key = keys[seq[i]!]!;
        if (hits.incr(key) > limit) {
          tally.refused++;
          tally.retryMs += hits.msUntil(key, limit - 1);
        } else {
          tally.ok++;
        }
      }
      return { self: hits, tally };
    },
  });
  list.push({
    name: 'tophash IntWindowedCounterMap (int keys)',
    async run(simulated) {
      const hits = new IntWindowedCounterMap({ windowMs: WINDOW_MS, slices: SLICES, now: simulated ? simulatedClock : undefined });
      const tally: Consumed = { ok: 0, refused: 0, retryMs: 0 };
      const step = SPREAD_MS / seq.length;
      for (let i = 0; i < seq.length; i++) {
        simNow = SIM_START + i * step;
        const key = 0x0a000000 + seq[i]!;
        if (hits.incr(key) > limit) {
          tally.refused++;
          tally.retryMs += hits.msUntil(key, limit - 1);
        } else {
          tally.ok++;
        }
      }
      return { self: hits, tally };
    },
  });
  return list;
}

/**
 * Frees what a contender holds. A RateLimiterMemory has no dispose: its
 * records stay alive through their pending timers (one per key, 60 s), so
 * those are cleared here, or they would hold memory and timer-list work
 * into the following samples.
 */
function dispose(x: unknown): void {
  if (x instanceof WindowedCounterMap || x instanceof IntWindowedCounterMap) {
    x.dispose();
    return;
  }
  const storage = (x as { _memoryStorage?: { _storage?: unknown } } | null)?._memoryStorage?._storage;
  if (storage instanceof Map) {
    for (const record of storage.values()) clearTimeout((record as { timeoutId?: ReturnType<typeof setTimeout> }).timeoutId);
    storage.clear();
  }
}

/** JS heap + external bytes after a full GC (external holds wasm memories too). */
function heapUsed(): { heap: number; external: number } {
  fullGc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external };
}

/**
 * Bytes `x` holds against a reading before it existed: JS heap + external
 * growth, or for a tophash map its JS heap growth + stats().bytes (the wasm
 * memory it holds; external counts whole wasm memories, shared pools included).
 */
function held(x: unknown, before: { heap: number; external: number }): number {
  const now = heapUsed();
  const heap = Math.max(0, now.heap - before.heap);
  if (x instanceof WindowedCounterMap || x instanceof IntWindowedCounterMap) return heap + x.stats().bytes;
  return heap + Math.max(0, now.external - before.external);
}

/** Bytes per key, 1M (or `n`) keys counted in one window, then after a silent window. */
function oneWindow(n: number): Row[] {
  const rows: Row[] = [];
  let t = 0;
  const makers: Array<[string, () => WindowedCounterMap | IntWindowedCounterMap, (i: number) => never]> = [
    ['IntWindowedCounterMap, int keys', () => new IntWindowedCounterMap({ windowMs: WINDOW_MS, slices: SLICES, now: () => t }), (i) => ((i * 40503) % 2147483647) as never],
    ['WindowedCounterMap, keys ≤ 8 chars', () => new WindowedCounterMap({ windowMs: WINDOW_MS, slices: SLICES, now: () => t }), (i) => `u${i.toString(36)}` as never],
    ['WindowedCounterMap, addresses', () => new WindowedCounterMap({ windowMs: WINDOW_MS, slices: SLICES, now: () => t }), (i) => `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}` as never],
  ];
  for (const [name, make, key] of makers) {
    t = 1_700_000_000_000;
    const before = heapUsed();
    const own0 = memoryStats().ownBytes;
    const m = make();
    for (let i = 0; i < n; i++) m.incr(key(i));
    const s = m.stats();
    const heap = held(m, before) - s.bytes;
    t += 2 * WINDOW_MS; // a silent window
    const quiet = m.stats();
    rows.push({
      layout: name,
      keys: s.size,
      perKey: (s.bytes + heap) / s.size,
      wasmPerKey: s.bytes / s.size,
      quietBytes: quiet.bytes,
      ownBytesBack: memoryStats().ownBytes === own0,
    });
    m.dispose();
  }
  return rows;
}

export const rateLimit: Workload = {
  id: 'rate-limit',
  title: '12. Rate limit (requests per key in a sliding window)',
  sizeMeans: 'distinct keys (default 100k; requests = 10x keys, --quick 3x)',
  heapMb: 4096,
  timeoutMs: (o) => (o.quick ? 180_000 : 600_000),
  async run(ctx: Context) {
    const n = ctx.size ?? 100_000;
    const perKey0 = ctx.quick ? 3 : 10;
    const ops = perKey0 * n;
    // As many requests per key on average as the limit: about a fifth refused.
    const limit = perKey0;
    const keys = addresses(n);
    const seq = requestSequence(n, ops);
    const Limiter = await loadLimiter();
    const notes: string[] = [];
    if (!Limiter) notes.push('rate-limiter-flexible is not installed: its RateLimiterMemory is skipped (npm i -D rate-limiter-flexible to include it).');
    const list = contenders(Limiter, keys, seq, limit);

    // Timing: interleaved rounds, the first dropped as warm-up.
    const warmup = 1;
    const rounds = ctx.quick ? 2 : 7;
    const samples = list.map(() => [] as number[]);
    const tallies = list.map(() => null as Consumed | null);
    for (let r = 0; r < warmup + rounds; r++) {
      ctx.progressPart(`  rate-limit: ${r < warmup ? 'warm-up' : `round ${r - warmup + 1}/${rounds}`}:`);
      for (let k = 0; k < list.length; k++) {
        const i = (k + r) % list.length;
        fullGc();
        const t0 = performance.now();
        const { self, tally } = await list[i]!.run();
        const ms = performance.now() - t0;
        dispose(self);
        if (r >= warmup) samples[i]!.push(ms);
        tallies[i] = tally;
        ctx.progressPart(` ${list[i]!.name.split(' ')[0]}`);
      }
      ctx.progress('');
    }
    // Every contender must have let in and refused the same requests.
    const ref = tallies[0]!;
    for (let i = 1; i < list.length; i++) {
      const t = tallies[i]!;
      if (t.ok !== ref.ok || t.refused !== ref.refused) notes.push(`MISMATCH: ${list[i]!.name} let in ${t.ok} and refused ${t.refused}, ${list[0]!.name} ${ref.ok} and ${ref.refused}`);
    }

    // Memory, untimed: one contender alive at a time, RateLimiterMemory
    // last (what its timers leave behind must not land on another's count).
    const perKey: number[] = list.map(() => NaN);
    for (let i = list.length - 1; i >= 0; i--) {
      ctx.progress(`  rate-limit memory: ${list[i]!.name}`);
      const before = heapUsed();
      const { self } = await list[i]!.run(true);
      perKey[i] = held(self, before) / n;
      dispose(self);
    }

    const base = Limiter ? median(samples[0]!) : NaN;
    const rows: Row[] = list.map((c, i) => {
      const med = median(samples[i]!);
      return {
        contender: c.name,
        opsPerSec: (ops / med) * 1000,
        spreadPct: (mad(samples[i]!) / med) * 100,
        vsBase: Limiter ? base / med : null,
        perKey: perKey[i]!,
        memVsBase: Limiter ? perKey[0]! / perKey[i]! : null,
        medianMs: med,
      };
    });
    const table: Table = {
      title: 'Rate limit: consume',
      caption: `${n.toLocaleString('en-US')} keys, ${ops.toLocaleString('en-US')} requests, limit ${limit} per ${WINDOW_MS / 1000} s (${ref.ok.toLocaleString('en-US')} let in, ${ref.refused.toLocaleString('en-US')} refused). Memory per key (a separate pass; for tophash the requests spread over ${SPREAD_MS / 1000} s of simulated time, two slices): JS heap + external growth after a full GC; for tophash JS heap growth + stats().bytes. Ratios vs RateLimiterMemory in this run.`,
      columns: [
        { key: 'contender', label: 'contender', format: 'text' },
        { key: 'opsPerSec', label: 'requests/s', format: 'ops' },
        { key: 'spreadPct', label: '± (MAD)', format: 'pct' },
        { key: 'vsBase', label: 'speed vs RLM', format: 'ratio' },
        { key: 'perKey', label: 'B/key', format: 'decimal' },
        { key: 'memVsBase', label: 'memory: RLM ÷ this', format: 'ratio' },
        { key: 'medianMs', label: 'ms/run', format: 'ms' },
      ],
      rows,
    };

    ctx.progress('  rate-limit: 1M keys in one window');
    const big = ctx.quick ? 100_000 : 1_000_000;
    const windowRows = oneWindow(big);
    const windowTable: Table = {
      title: 'Rate limit: memory in one window, and after a silent one',
      caption: `${big.toLocaleString('en-US')} keys counted once each under an injected clock, then stats() a silent window later. B/key = (stats().bytes + JS heap growth) / keys.`,
      columns: [
        { key: 'layout', label: 'map, keys', format: 'text' },
        { key: 'keys', label: 'keys', format: 'int' },
        { key: 'perKey', label: 'B/key', format: 'decimal' },
        { key: 'wasmPerKey', label: 'wasm B/key', format: 'decimal' },
        { key: 'quietBytes', label: 'bytes after a silent window', format: 'int' },
        { key: 'ownBytesBack', label: 'own memories given back', format: 'text' },
      ],
      rows: windowRows,
    };

    const str = rows.find((r) => r.contender === 'tophash WindowedCounterMap');
    const speed = typeof str?.vsBase === 'number' ? str.vsBase : null;
    const mem = typeof str?.memVsBase === 'number' ? str.memVsBase : null;
    const headlines: Headline[] = [
      {
        workload: 'rate limit',
        what: 'WindowedCounterMap vs RateLimiterMemory.consume, speed',
        value: speed,
        measured: speed === null ? 'not measured' : formatRatio(speed),
      },
      {
        workload: 'rate limit',
        what: 'WindowedCounterMap vs RateLimiterMemory, memory per key (its share)',
        value: mem,
        measured: mem === null ? 'not measured' : `1/${mem.toFixed(1)}`,
      },
      ...windowRows.map((r) => figure('rate limit', `${String(r.layout)}: B/key at ${big.toLocaleString('en-US')} keys in one window`, 'B', r.perKey as number)),
      {
        workload: 'rate limit',
        what: 'bytes held after a silent window',
        value: Math.max(...windowRows.map((r) => r.quietBytes as number)),
        measured: `${Math.max(...windowRows.map((r) => r.quietBytes as number))} B`,
      },
    ];
    return { tables: [table, windowTable], notes, headlines };
  },
};
