// mostCommon(n) for n a large share of the entries sorts every entry
// (assembly/select.ts sortAll: radix by count, then by the keys' first 8
// bytes, then a full compare); smaller n selects with a heap. Both must give
// exactly the order of a reference sort: count descending, equal counts by
// key (integers by value, strings by code point).
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap } from '../src/index.js';
import { compareKeys } from '../src/maps/key-order.js';
import { MAX_SAFE, Rng } from './helpers/model.js';

type Entry<K> = [K, number];

function reference<K extends string | number>(entries: Iterable<Entry<K>>): Array<Entry<K>> {
  return [...entries].sort((a, b) => b[1] - a[1] || compareKeys(a[0], b[0]));
}

/** mostCommon(n) for n from small (heap) to past the size (sort), each exactly the reference's prefix. */
function checkEveryN<K extends string | number>(m: { mostCommon(n?: number): Array<Entry<K>>; size: number }, want: Array<Entry<K>>): void {
  const size = want.length;
  expect(m.size).toBe(size);
  expect(m.mostCommon()).toEqual(want);
  for (const n of [1, 7, size >> 3, (size >> 2) - 1, size >> 2, (size >> 2) + 1, size >> 1, size - 1, size, size + 1, size * 4 + 3, MAX_SAFE]) {
    if (n < 0) continue;
    expect(m.mostCommon(n)).toEqual(want.slice(0, n));
  }
}

describe('mostCommon sorted in wasm', () => {
  test('string keys: long runs of equal counts, shared 8-byte prefixes, NUL bytes, tag-like 8th bytes, unicode', () => {
    const r = new Rng(11);
    const m = new CounterMap();
    const model = new Map<string, number>();
    const keys: string[] = [];
    for (let i = 0; i < 600; i++) keys.push(`w${r.int(5000)}`);
    // Same first 8 bytes, differing later (arena keys): only the full compare orders them.
    for (let i = 0; i < 300; i++) keys.push(`prefix__${r.int(100000)}${i % 3 === 0 ? '' : 'tail'}`);
    for (let i = 0; i < 40; i++) keys.push('samesame' + 'x'.repeat(i));
    // Zero bytes: "ab" < "ab\0" < "ab\0\0" < "ab\0a" and so on.
    keys.push('ab', 'ab\0', 'ab\0\0', 'ab\0a', 'a', '\0', '\0\0', '', 'abcdefg\x01', 'abcdefg\x07', 'abcdefg\x08', 'abcdefgh', 'abcdefg\x7f');
    // Non-ASCII: code point order, not UTF-16 order (U+FFFF sorts before U+10000).
    keys.push('\uffff', '😀', 'é', 'ée', '\uD800', 'z\u00e9', 'z\uffff', 'z😀');
    for (const k of keys) {
      // Few distinct counts: most keys tie with hundreds of others.
      const by = r.chance(0.9) ? 1 + r.int(3) : 1 + r.int(1000);
      m.incr(k, by);
      model.set(k, (model.get(k) ?? 0) + by);
    }
    checkEveryN(m, reference(model));
  });

  test('every count equal: the order is the keys alone', () => {
    const m = new CounterMap();
    const model = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const k = `e${(i * 7919) % 3001}`;
      m.incr(k, 5);
      model.set(k, (model.get(k) ?? 0) + 5);
    }
    checkEveryN(m, reference(model));
    const ints = new IntCounterMap();
    const im = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const k = ((i * 104729) % 4001) - 2000;
      ints.set(k, 9);
      im.set(k, 9);
    }
    checkEveryN(ints, reference(im));
  });

  test('int keys: negative, i32 and past i32, ties', () => {
    const r = new Rng(12);
    const m = new IntCounterMap();
    const model = new Map<number, number>();
    for (let i = 0; i < 4000; i++) {
      const k = r.chance(0.1) ? (r.int(2 ** 30) - 2 ** 29) * 2 ** 20 + r.int(1000) : r.int(10000) - 5000;
      const by = 1 + r.int(4);
      m.incr(k, by);
      model.set(k, (model.get(k) ?? 0) + by);
    }
    expect(m.stats().layout).toBe('int64');
    checkEveryN(m, reference(model));
    const narrow = new IntCounterMap();
    const nm = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      const k = r.int(2 ** 31) * (r.chance(0.5) ? -1 : 1);
      const by = 1 + r.int(2);
      narrow.incr(k, by);
      nm.set(k, (nm.get(k) ?? 0) + by);
    }
    expect(narrow.stats().layout).toBe('int32');
    checkEveryN(narrow, reference(nm));
  });

  test('counts near 2^53 and across 2^32: both halves of the count order', () => {
    const r = new Rng(13);
    const counts = [1, 2, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 33 + 5, 2 ** 33 + 4, 2 ** 40, 2 ** 52 + 1, MAX_SAFE - 1, MAX_SAFE, 2 ** 31, 0xffffffff * 3];
    const s = new CounterMap();
    const sm = new Map<string, number>();
    const n = new IntCounterMap();
    const nm = new Map<number, number>();
    for (let i = 0; i < 1200; i++) {
      const c = counts[r.int(counts.length)]!;
      const k = r.int(100000);
      s.set(`k${k}`, c);
      sm.set(`k${k}`, c);
      n.set(k - 50000, c);
      nm.set(k - 50000, c);
    }
    expect(s.stats().layout).toBe('str64');
    expect(n.stats().layout).toBe('int64');
    checkEveryN(s, reference(sm));
    checkEveryN(n, reference(nm));
  });

  test('an own instance (a table past 1 MiB), and the same map under a tight maxBytes', () => {
    const r = new Rng(14);
    const size = process.env.TOPHASH_HEAVY ? 400_000 : 100_000;
    const m = new CounterMap();
    const model = new Map<string, number>();
    for (let i = 0; i < size; i++) {
      const k = r.chance(0.5) ? `word${r.int(size)}` : `a-much-longer-key-${r.int(size)}`;
      const by = 1 + r.int(r.chance(0.95) ? 3 : 100000);
      m.incr(k, by);
      model.set(k, (model.get(k) ?? 0) + by);
    }
    expect(m.stats().memory).toBe('own');
    const want = reference(model);
    expect(m.mostCommon()).toEqual(want);
    expect(m.mostCommon(1000)).toEqual(want.slice(0, 1000));
    expect(m.mostCommon(want.length >> 1)).toEqual(want.slice(0, want.length >> 1));
    // A budget that leaves no room past the table: a sort that does not fit falls back.
    const tight = new CounterMap({ maxBytes: m.stats().bytes + 65536 * 2 });
    tight.merge(m);
    expect(tight.stats().memory).toBe('own');
    expect(tight.mostCommon()).toEqual(want);
    expect(tight.mostCommon(10)).toEqual(want.slice(0, 10));
    m.dispose();
    tight.dispose();
  });
});
