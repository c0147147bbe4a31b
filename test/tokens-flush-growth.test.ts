// countTokens and countFile know how much input is left when the table
// fills: they grow it for the vocabulary the rest of the input will likely
// bring (src/tokens.ts grewAhead), not by one step at a time. The counts
// must be exactly those of counting the same text chunk by chunk (which has
// no such hint), with fewer rebuilds; a budget that refuses the larger table
// falls back to ordinary growth.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CounterMap } from '../src/index.js';
import { countFile } from '../src/node.js';
import { Rng } from './helpers/model.js';

/** Text with a long tail of distinct words (as real text has): ~`words` tokens. */
function text(words: number, seed: number): Uint8Array {
  const r = new Rng(seed);
  const parts: string[] = [];
  for (let i = 0; i < words; i++) {
    // Word i is new with probability ~1/sqrt(i): vocabulary grows like sqrt.
    const rank = Math.floor(r.int(1 << 20) ** 2 / 2 ** 22);
    const w = (rank % 3 === 0 ? 'Word' : 'w') + rank.toString(36) + (rank % 7 === 0 ? '-with-a-long-tail' : '');
    parts.push(w);
  }
  return new TextEncoder().encode(parts.join(' '));
}

function lowerModel(bytes: Uint8Array): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of new TextDecoder().decode(bytes).split(/\s+/)) if (w !== '') m.set(w.toLowerCase(), (m.get(w.toLowerCase()) ?? 0) + 1);
  return m;
}

function expectCounts(map: CounterMap, model: Map<string, number>): void {
  expect(map.size).toBe(model.size);
  for (const [k, v] of model) if (map.get(k) !== v) throw new Error(`${k}: ${map.get(k)}, expected ${v}`);
}

const WORDS = process.env.TOPHASH_HEAVY ? 3_000_000 : 600_000;

describe('growth sized from the input left', () => {
  const bytes = text(WORDS, 41);
  const model = lowerModel(bytes);

  test('countTokens of the whole input: the same counts as chunk by chunk, fewer rebuilds', () => {
    const whole = new CounterMap();
    whole.countTokens(bytes, { lowercase: true });
    expectCounts(whole, model);
    const chunked = new CounterMap();
    const counter = chunked.tokenCounter({ lowercase: true });
    for (let at = 0; at < bytes.length; at += 100_000) counter.write(bytes.subarray(at, at + 100_000));
    counter.end();
    expectCounts(chunked, model);
    expect(whole.stats().memory).toBe('own');
    expect(whole.stats().rebuilds).toBeLessThan(chunked.stats().rebuilds);
    whole.dispose();
    chunked.dispose();
  });

  test('under a maxBytes budget: growth step by step as before (it fits where chunked counting fits); too small for the text: RangeError, map as it was', () => {
    const free = new CounterMap();
    free.countTokens(bytes, { lowercase: true });
    const chunked = new CounterMap();
    const counter = chunked.tokenCounter({ lowercase: true });
    for (let at = 0; at < bytes.length; at += 100_000) counter.write(bytes.subarray(at, at + 100_000));
    counter.end();
    // Room for what ordinary growth needs, not for a table 4x ahead.
    const tight = new CounterMap({ maxBytes: chunked.stats().bytes + (64 << 10) });
    tight.countTokens(bytes, { lowercase: true });
    expectCounts(tight, model);
    const small = new CounterMap({ maxBytes: 256 << 10 });
    small.incr('kept', 5);
    expect(() => small.countTokens(bytes, { lowercase: true })).toThrow(RangeError);
    expect([...small]).toEqual([['kept', 5]]);
    for (const m of [free, chunked, tight, small]) m.dispose();
  });

  test('total() is the sum of the counts after countTokens, and unchanged by one that fails at its last byte', () => {
    const m = new CounterMap();
    m.countTokens(bytes, { lowercase: true });
    let sum = 0;
    for (const v of model.values()) sum += v;
    expect(m.total()).toBe(sum);
    const t3 = new CounterMap();
    const counter = t3.tokenCounter({ lowercase: true });
    counter.write(bytes.subarray(0, 200_000));
    const before = [...t3].sort();
    const total = t3.total();
    const bad = new Uint8Array(bytes.length + 2);
    bad.set(bytes);
    bad[bytes.length] = 0x20;
    bad[bytes.length + 1] = 0xff;
    expect(() => t3.countTokens(bad, { lowercase: true })).toThrow(TypeError);
    expect([...t3].sort()).toEqual(before);
    expect(t3.total()).toBe(total);
    m.dispose();
    t3.dispose();
  });

  test('countFile: the same counts as countTokens of the bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tophash-growth-'));
    try {
      const path = join(dir, 'text.txt');
      writeFileSync(path, bytes);
      const m = await countFile(path, { lowercase: true, workers: 1 });
      expectCounts(m, model);
      const into = new CounterMap();
      into.incr('already', 2);
      await countFile(path, { lowercase: true, workers: 1, into });
      expect(into.get('already')).toBe(2);
      expect(into.size).toBe(model.size + (model.has('already') ? 0 : 1));
      m.dispose();
      into.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the flush counts tokens found in the table in its own loop', () => {
  test('wide counts (str64), counts that pass 2^32 - 1 mid-flush, the total kept exact', () => {
    const enc = new TextEncoder();
    const m = new CounterMap();
    m.set('wide', 2 ** 40);
    m.set('edge', 2 ** 32 - 2);
    m.countTokens(enc.encode('wide wide edge edge edge x y wide'));
    expect(m.get('wide')).toBe(2 ** 40 + 3);
    expect(m.get('edge')).toBe(2 ** 32 + 1);
    expect(m.total()).toBe(2 ** 40 + 3 + 2 ** 32 + 1 + 2);
    const narrow = new CounterMap();
    narrow.set('edge', 2 ** 32 - 2);
    narrow.countTokens(enc.encode('a edge b edge c edge'));
    expect(narrow.stats().layout).toBe('str64');
    expect(narrow.get('edge')).toBe(2 ** 32 + 1);
    expect(narrow.total()).toBe(2 ** 32 + 1 + 3);
  });

  test('a count that would pass MAX_SAFE mid-flush: RangeError, counts and total() as they were', () => {
    const enc = new TextEncoder();
    const m = new CounterMap();
    m.set('full', 9007199254740991 - 1);
    m.countTokens(enc.encode('a b c'));
    const before = [...m].sort();
    const total = m.total();
    expect(() => m.countTokens(enc.encode('a b c d full full e'))).toThrow(RangeError);
    expect([...m].sort()).toEqual(before);
    expect(m.total()).toBe(total);
  });
});
