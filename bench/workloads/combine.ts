// Combining counts: countFile on every core, snapshots, merge.
//
// - countFile({ workers: 2 }) against { workers: 1 } on a ~200 MB file built
//   from real text (WordNet glosses and the Brown Corpus, alternating), in a
//   temp dir, page-cached; interleaved runs, medians. Beside it, a CPU-bound
//   spin in 1 and in 2 worker threads: how many cores this run really had
//   (a shared machine may give two threads less than two cores).
// - snapshot() + fromSnapshot() of 10M int keys and of 1M string keys
//   against JSON.stringify/JSON.parse of the entries and v8.serialize /
//   v8.deserialize of a Map: time and bytes.
// - a.merge(b) of two 1M-key maps (half the keys shared) against counting
//   b's keys again into a (incrMany), against a JS loop over b's entries,
//   and against merging two Maps.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize, deserialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { CounterMap, IntCounterMap } from 'tophash';
import { loadBrownCorpus, loadCorpus } from '../data/corpus.js';
import { compare, fullGc, median, type Task } from '../measure.js';
import { formatRatio } from '../format.js';
import { ratioInfo, throughputTable } from '../report.js';
import type { Context, Row, Table, Headline, Workload } from '../types.js';
import { loadCountFile, type CountFile } from '../node-entry.js';

type Snapshotting = { snapshot(): Uint8Array };
type AnyMapClass = { fromSnapshot(bytes: Uint8Array): CounterMap | IntCounterMap };

/** ~`want` bytes of real text: the corpora's lines, alternating, repeated. */
async function corpusFile(want: number): Promise<{ bytes: Uint8Array; label: string }> {
  const enc = new TextEncoder();
  const glosses = await loadCorpus();
  const brown = await loadBrownCorpus();
  const parts = [enc.encode(glosses.text + '\n')];
  if (brown !== null) parts.push(enc.encode(brown.text + '\n'));
  const one = parts.reduce((a, b) => a + b.length, 0);
  const copies = Math.max(1, Math.ceil(want / one));
  const bytes = new Uint8Array(one * copies);
  let at = 0;
  for (let i = 0; i < copies; i++) {
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
  }
  const label = brown !== null ? 'WordNet glosses + Brown Corpus' : glosses.label;
  return { bytes, label: `${copies} copies of ${label}` };
}

/** Milliseconds for `threads` workers to each spin through the same CPU-bound loop at once. */
async function spin(threads: number, iterations: number): Promise<number> {
  const code = `const { parentPort, workerData } = require('node:worker_threads');
let x = 0; for (let i = 0; i < workerData; i++) x = (x * 31 + i) | 0;
parentPort.postMessage(x);`;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: threads }, () => new Promise<void>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: iterations });
      w.once('message', () => void w.terminate().then(() => resolve()));
      w.once('error', reject);
    })),
  );
  return performance.now() - t0;
}

async function workersTable(ctx: Context, countFile: CountFile): Promise<{ table: Table; speedup: number | null; cores: number }> {
  const want = ctx.size ?? (ctx.quick ? 8 << 20 : 200_000_000);
  const { bytes, label } = await corpusFile(want);
  const dir = mkdtempSync(join(tmpdir(), 'tophash-bench-workers-'));
  const path = join(dir, 'corpus.txt');
  try {
    writeFileSync(path, bytes);
    const probe = new CounterMap();
    const tokens = probe.countTokens(bytes);
    probe.dispose();
    const rounds = ctx.quick ? 2 : 5;
    const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
    const spins: Record<1 | 2, number[]> = { 1: [], 2: [] };
    const iterations = ctx.quick ? 5e7 : 3e8;
    ctx.progress(`countFile workers: ${bytes.length} bytes (${label}), ${tokens} tokens`);
    let size = -1;
    for (let r = -1; r < rounds; r++) {
      for (const w of r % 2 === 0 ? ([2, 1] as const) : ([1, 2] as const)) {
        fullGc();
        const t0 = performance.now();
        const m = await countFile(path, { workers: w });
        const ms = performance.now() - t0;
        if (size === -1) size = m.size;
        else if (m.size !== size) throw new Error(`countFile with ${w} workers found ${m.size} keys, not ${size}`);
        m.dispose();
        const s = await spin(w, iterations);
        if (r >= 0) {
          times[w].push(ms);
          spins[w].push(s);
        }
        ctx.progressPart(` ${w}w ${ms.toFixed(0)}ms (spin ${s.toFixed(0)}ms) ·`);
      }
    }
    ctx.progressPart('\n');
    const one = median(times[1]);
    const two = median(times[2]);
    // Two spins take as long as one when there are two free cores: cores = 2 × t1 / t2.
    const cores = (2 * median(spins[1])) / median(spins[2]);
    const row = (name: string, ms: number, spinMs: number): Row => ({
      contender: name,
      opsPerSec: (tokens / ms) * 1000,
      bytesPerSec: (bytes.length / ms) * 1000,
      vsOne: one / ms,
      medianMs: ms,
      spinMs,
      samples: rounds,
    });
    return {
      table: {
        title: 'countFile on every core: 2 workers vs 1',
        caption: `${(bytes.length / 2 ** 20).toFixed(0)} MiB file (${label}), ${tokens.toLocaleString('en-US')} tokens, ${size.toLocaleString('en-US')} distinct, page-cached; a new map each run; medians of ${rounds} interleaved runs. "spin": a CPU-bound loop in as many worker threads, run right after each count: equal times for 1 and 2 mean two free cores (this run had ≈ ${cores.toFixed(2)}).`,
        columns: [
          { key: 'contender', label: 'contender', format: 'text' },
          { key: 'opsPerSec', label: 'tokens/s', format: 'ops' },
          { key: 'bytesPerSec', label: 'MiB/s', format: 'mb' },
          { key: 'vsOne', label: 'vs 1 worker', format: 'ratio' },
          { key: 'medianMs', label: 'ms/run', format: 'ms' },
          { key: 'spinMs', label: 'spin ms', format: 'ms' },
          { key: 'samples', label: 'runs', format: 'int' },
        ],
        rows: [row('countFile(path, { workers: 1 })', one, median(spins[1])), row('countFile(path, { workers: 2 })', two, median(spins[2]))],
      },
      speedup: one / two,
      cores,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Distinct int keys spread over ±2^40 (a bijection of 0..n-1), counts 1..100. */
function intEntries(n: number): Array<[number, number]> {
  const out = new Array<[number, number]>(n);
  for (let i = 0; i < n; i++) out[i] = [(((i * 2654435761) % 2 ** 32) - 2 ** 31) * 256 + (i & 255), 1 + (i % 100)];
  return out;
}

/** Distinct word-like string keys (3-20 chars, some non-ASCII), counts 1..100. */
function stringEntries(n: number, salt = ''): Array<[string, number]> {
  const out = new Array<[string, number]>(n);
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i, 0x9e3779b1) >>> 0;
    const word = h.toString(36) + (i % 7 === 0 ? 'é' : '') + (i % 3 === 0 ? '-' + i.toString(36) : '');
    out[i] = [salt + word + i.toString(36), 1 + (h % 100)];
  }
  return out;
}

interface SnapRow {
  contender: string;
  writeMs: number;
  readMs: number;
  bytes: number;
}

async function snapshotTable(ctx: Context, kind: 'int' | 'string', n: number): Promise<{ table: Table; vsJson: number; vsV8: number }> {
  ctx.progress(`snapshot: ${n} ${kind} keys`);
  const entries: Array<[number | string, number]> = kind === 'int' ? intEntries(n) : stringEntries(n);
  const map = new Map<number | string, number>(entries);
  const Cls: AnyMapClass = kind === 'int' ? IntCounterMap : CounterMap;
  const th = kind === 'int' ? new IntCounterMap({ initialCapacity: n }) : new CounterMap({ initialCapacity: n });
  for (const [k, v] of entries) (th as { set(k: unknown, v: number): unknown }).set(k, v);
  entries.length = 0;
  const rounds = ctx.quick ? 3 : 3;
  const contenders: Array<{ name: string; write: () => unknown; read: (x: unknown) => { size: number }; bytes: (x: unknown) => number }> = [
    {
      name: 'tophash snapshot / fromSnapshot',
      write: () => (th as Snapshotting).snapshot(),
      read: (x) => Cls.fromSnapshot(x as Uint8Array),
      bytes: (x) => (x as Uint8Array).length,
    },
    {
      name: 'JSON.stringify / parse of a Map\'s entries',
      write: () => JSON.stringify([...map]),
      read: (x) => new Map(JSON.parse(x as string) as Array<[number | string, number]>),
      bytes: (x) => Buffer.byteLength(x as string),
    },
    {
      name: 'v8.serialize / deserialize of a Map',
      write: () => serialize(map),
      read: (x) => deserialize(x as Buffer) as Map<unknown, number>,
      bytes: (x) => (x as Buffer).length,
    },
  ];
  const w: number[][] = contenders.map(() => []);
  const rd: number[][] = contenders.map(() => []);
  const sizes: number[] = contenders.map(() => 0);
  for (let r = -1; r < rounds; r++) {
    for (let j = 0; j < contenders.length; j++) {
      const i = (j + Math.max(r, 0)) % contenders.length;
      const c = contenders[i]!;
      fullGc();
      let t0 = performance.now();
      let blob: unknown = c.write();
      const wMs = performance.now() - t0;
      sizes[i] = c.bytes(blob);
      fullGc();
      t0 = performance.now();
      let back: { size: number; dispose?: () => void } | null = c.read(blob);
      const rMs = performance.now() - t0;
      if (back.size !== n) throw new Error(`${c.name} read back ${back.size} entries, not ${n}`);
      back.dispose?.();
      // eslint-disable-next-line no-useless-assignment -- dead for JS, not for the engine: the next contender is timed without these alive
      back = null;
      // eslint-disable-next-line no-useless-assignment -- as above
      blob = null;
      if (r >= 0) {
        w[i]!.push(wMs);
        rd[i]!.push(rMs);
      }
      ctx.progressPart(` ${c.name.split(' ')[0]} ${wMs.toFixed(0)}+${rMs.toFixed(0)}ms ·`);
    }
  }
  ctx.progressPart('\n');
  const rows: SnapRow[] = contenders.map((c, i) => ({ contender: c.name, writeMs: median(w[i]!), readMs: median(rd[i]!), bytes: sizes[i]! }));
  const total = (r: SnapRow): number => r.writeMs + r.readMs;
  const ours = rows[0]!;
  const table: Table = {
    title: `Snapshots: ${n.toLocaleString('en-US')} ${kind} keys`,
    caption: `Write (to bytes or a string) and read back (a new map) of ${n.toLocaleString('en-US')} entries${kind === 'int' ? ' (keys spread over ±2^40, counts 1-100)' : ' (word-like keys of 8-20 bytes, some non-ASCII, counts 1-100)'}; medians of ${rounds} rounds. "vs": total time of the row ÷ tophash's.`,
    columns: [
      { key: 'contender', label: 'contender', format: 'text' },
      { key: 'writeMs', label: 'write ms', format: 'ms' },
      { key: 'readMs', label: 'read ms', format: 'ms' },
      { key: 'totalMs', label: 'total ms', format: 'ms' },
      { key: 'vs', label: 'tophash faster by', format: 'ratio' },
      { key: 'mb', label: 'bytes (MiB)', format: 'mb' },
      { key: 'perEntry', label: 'B/entry', format: 'decimal' },
    ],
    rows: rows.map((r) => ({
      contender: r.contender,
      writeMs: r.writeMs,
      readMs: r.readMs,
      totalMs: total(r),
      vs: total(r) / total(ours),
      mb: r.bytes,
      perEntry: r.bytes / n,
    })),
  };
  th.dispose();
  return { table, vsJson: total(rows[1]!) / total(ours), vsV8: total(rows[2]!) / total(ours) };
}

async function mergeTable(ctx: Context, kind: 'int' | 'string', n: number): Promise<{ table: Table; ratio: number | null; recount: number | null }> {
  ctx.progress(`merge: two maps of ${n} ${kind} keys, half shared`);
  // b shares its first half of keys with a; every count is 1, so counting
  // b's keys again gives the same result as merging b.
  const all: Array<number | string> = (kind === 'int' ? intEntries(n + n / 2) : stringEntries(n + n / 2)).map((e) => e[0]);
  const aKeys = all.slice(0, n);
  const bKeys = all.slice(n / 2);
  const union = all.length;
  const make = (keys: Array<number | string>): CounterMap | IntCounterMap => {
    if (kind === 'int') {
      const m = new IntCounterMap();
      m.incrMany(keys as number[]);
      return m;
    }
    const m = new CounterMap();
    m.incrMany(keys as string[]);
    return m;
  };
  const ta = make(aKeys);
  const tb = make(bKeys);
  const snapA = ta.snapshot();
  ta.dispose();
  const Cls: AnyMapClass = kind === 'int' ? IntCounterMap : CounterMap;
  const mapA = new Map<number | string, number>(aKeys.map((k) => [k, 1]));
  const mapB = new Map<number | string, number>(bKeys.map((k) => [k, 1]));
  type M = { merge(o: unknown): unknown; incr(k: unknown, v: number): number; incrMany(k: unknown): void; size: number };
  let target: M | null = null;
  let ma: Map<number | string, number> | null = null;
  const fresh = (): void => {
    (target as { dispose?: () => void } | null)?.dispose?.();
    target = Cls.fromSnapshot(snapA);
  };
  const check = (m: unknown): string | null => {
    const size = (m as { size: number }).size;
    return size === union ? null : `merged size ${size}, expected ${union}`;
  };
  const tasks: Task[] = [
    {
      name: 'Map',
      prepare: () => {
        ma = new Map(mapA);
      },
      run: () => {
        const m = ma!;
        for (const [k, v] of mapB) m.set(k, (m.get(k) ?? 0) + v);
        return m;
      },
      check,
    },
    { name: 'tophash a.merge(b)', prepare: fresh, run: () => target!.merge(tb), check },
    { name: "tophash a.incrMany(b's keys) (re-count)", prepare: fresh, run: () => (target!.incrMany(bKeys), target), check },
    {
      name: 'tophash for (const [k, v] of b) a.incr(k, v)',
      prepare: fresh,
      run: () => {
        const a = target!;
        for (const [k, v] of tb as Iterable<[unknown, number]>) a.incr(k, v);
        return a;
      },
      check,
    },
  ];
  const stats = await compare(ctx, `merge ${kind}`, tasks, ctx.quick ? { warmup: 1, rounds: 3 } : { warmup: 1, rounds: 5 });
  (target as { dispose?: () => void } | null)?.dispose?.();
  tb.dispose();
  const table = throughputTable(
    `Merge: two maps of ${n.toLocaleString('en-US')} ${kind} keys`,
    `a (${n.toLocaleString('en-US')} keys) += b (${n.toLocaleString('en-US')} keys, half of them in a): ${union.toLocaleString('en-US')} keys after. ops = entries of b. a is a fresh copy before each run (untimed). Re-count: b's keys counted into a again (the same result, since every count is 1), from JS ${kind === 'int' ? 'numbers' : 'strings that already exist'}.`,
    stats,
    n,
  );
  const merged = table.rows.find((r) => r.contender === 'tophash a.merge(b)');
  const recount = table.rows.find((r) => r.contender === "tophash a.incrMany(b's keys) (re-count)");
  const ratio = typeof merged?.vsMap === 'number' ? merged.vsMap : null;
  return {
    table,
    ratio,
    recount: typeof merged?.medianMs === 'number' && typeof recount?.medianMs === 'number' ? recount.medianMs / merged.medianMs : null,
  };
}

export const combine: Workload = {
  id: 'combine',
  title: '10. Combining counts: countFile on every core, snapshots, merge',
  sizeMeans: 'bytes of the countFile file (default 200 MB; --quick 8 MiB)',
  heapMb: 12288,
  timeoutMs: (o) => (o.quick ? 240_000 : 1_800_000),
  async run(ctx) {
    const proto = CounterMap.prototype as Partial<Snapshotting & { merge: unknown }>;
    if (typeof proto.snapshot !== 'function' || typeof proto.merge !== 'function') {
      return { tables: [], notes: [], headlines: [], skipped: 'this build of tophash has no snapshot()/merge().' };
    }
    const tables: Table[] = [];
    const notes: string[] = [];
    const headlines: Headline[] = [];

    const countFile = await loadCountFile();
    if (countFile) {
      const w = await workersTable(ctx, countFile);
      tables.push(w.table);
      headlines.push({
        workload: 'combine',
        what: 'countFile, 2 workers vs 1',
        value: w.speedup,
        measured: w.speedup === null ? 'not measured' : `${formatRatio(w.speedup)} (≈ ${w.cores.toFixed(2)} cores free)`,
      });
      notes.push(
        'countFile with workers: the calling thread cuts the file at separators into ranges of up to 4 MiB; it and the workers each take the next range from one shared counter into a map of their own, and the calling thread merges each worker\'s snapshot (transferred). ' +
          'The serial parts are a worker\'s start (thread, library, JIT warm-up: ~100-150 ms of CPU) and the merge of each worker\'s distinct keys (~50 ms for ~170k); on real text the distinct keys are a small fraction of the tokens. ' +
          'The "spin" column shows how many cores the run really had: on a shared machine two threads may get much less than two cores, and the speed-up follows.',
      );
    } else {
      notes.push('This build of tophash has no tophash/node countFile: its table is skipped.');
    }

    const ints = await snapshotTable(ctx, 'int', ctx.quick ? 200_000 : 10_000_000);
    const strs = await snapshotTable(ctx, 'string', ctx.quick ? 50_000 : 1_000_000);
    tables.push(ints.table, strs.table);
    headlines.push(ratioInfo('combine', 'snapshot+fromSnapshot vs JSON, int keys', ints.vsJson));
    headlines.push(ratioInfo('combine', 'snapshot+fromSnapshot vs v8.serialize, int keys', ints.vsV8));
    headlines.push(ratioInfo('combine', 'snapshot+fromSnapshot vs JSON, string keys', strs.vsJson));
    headlines.push(ratioInfo('combine', 'snapshot+fromSnapshot vs v8.serialize, string keys', strs.vsV8));

    const n = ctx.quick ? 50_000 : 1_000_000;
    for (const kind of ['string', 'int'] as const) {
      const m = await mergeTable(ctx, kind, n);
      tables.push(m.table);
      headlines.push(ratioInfo('combine', `merge vs Map, ${kind} keys`, m.ratio));
      headlines.push(ratioInfo('combine', `merge vs re-count (incrMany), ${kind} keys`, m.recount));
    }
    return { tables, notes, headlines };
  },
};
