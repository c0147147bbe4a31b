// What the order of a map depends on. In one process, two maps that received
// the same operations iterate in the same order, wherever their tables live
// (a pool or an instance of their own) and whatever other maps did; and
// mostCommon ranks equal counts by key (integers by value, strings by code
// point), so its result depends on the entries alone, in any process.
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap } from '../src/index.js';
import { compareKeys } from '../src/maps/key-order.js';
import { Rng } from './helpers/model.js';

type AnyMap = CounterMap | IntCounterMap;

/** A seeded run of incr, decr, set, delete and clear over `keys`. */
function play(m: AnyMap, key: (i: number) => string | number, ops: number, seed: number): void {
  const r = new Rng(seed);
  const mm = m as CounterMap & IntCounterMap;
  for (let i = 0; i < ops; i++) {
    const k = key(r.int(ops >> 1)) as string & number;
    const x = r.int(100);
    if (x < 70) mm.incr(k, 1 + r.int(3));
    else if (x < 85) mm.decr(k);
    else if (x < 95) mm.set(k, r.int(5));
    else if (x < 99) mm.delete(k);
    else if (r.int(200) === 0) mm.clear();
  }
}

describe('deterministic order', () => {
  test('maps that received the same operations iterate alike: int and string keys, with deletes and clear()', () => {
    const keyFns: Array<[() => AnyMap, (i: number) => string | number]> = [
      [() => new IntCounterMap(), (i) => i * 7919 - 500_000],
      [() => new IntCounterMap(), (i) => (i % 3 === 0 ? i * 2 ** 33 : i)], // widens
      [() => new CounterMap(), (i) => `k${i}`],
      [() => new CounterMap(), (i) => `a longer key number ${i} ✓`],
    ];
    for (const [make, key] of keyFns) {
      const a = make();
      // Other maps in between: the same pool, other headers.
      const noise = new CounterMap();
      for (let i = 0; i < 500; i++) noise.incr(`n${i}`);
      const b = make();
      play(a, key, 20_000, 7);
      play(b, key, 20_000, 7);
      expect(a.size).toBeGreaterThan(0);
      expect([...b]).toEqual([...a]);
      expect(b.mostCommon()).toEqual(a.mostCommon());
      for (const m of [a, b, noise]) m.dispose();
    }
  });

  test('a map that moved into an instance of its own and back iterates like one made the same way', () => {
    const a = new IntCounterMap();
    const b = new IntCounterMap();
    for (const m of [a, b]) {
      for (let i = 0; i < 200_000; i++) m.incr(i * 31);
      expect(m.stats().memory).toBe('own');
      for (let i = 0; i < 195_000; i++) m.delete(i * 31);
      expect(m.stats().memory).toBe('shared');
    }
    expect([...b]).toEqual([...a]);
  });

  test('a presized map and one grown step by step hold the same entries, each in its own order, and iterate alike with their twins', () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `w${(i * 7) % 30_001}`);
    const grown = [new CounterMap(), new CounterMap()];
    const presized = [new CounterMap({ initialCapacity: 40_000 }), new CounterMap({ initialCapacity: 40_000 })];
    for (const m of [...grown, ...presized]) for (const k of keys) m.incr(k);
    expect([...grown[1]!]).toEqual([...grown[0]!]);
    expect([...presized[1]!]).toEqual([...presized[0]!]);
    expect(new Map(grown[0])).toEqual(new Map(presized[0]));
  });
});

describe('mostCommon ranks equal counts by key', () => {
  test('integers by value, negative ones first', () => {
    const m = new IntCounterMap();
    const keys = [5, -3, 2 ** 40, 0, -(2 ** 45), 17, 1, 2 ** 31, -1];
    for (const k of keys) m.incr(k, 2);
    m.incr(99, 5);
    expect(m.mostCommon().map(([k]) => k)).toEqual([99, ...[...keys].sort((x, y) => x - y)]);
    expect(m.mostCommon(3)).toEqual([[99, 5], [-(2 ** 45), 2], [-3, 2]]);
  });

  test('strings by code point (their UTF-8 bytes): inline and arena keys, astral past U+FFFF, lone surrogates', () => {
    const keys = [
      'b', 'a', 'ab', 'abcdefgh', 'abcdefghi', 'abcdefgh\u0000', '', 'Z', 'é', 'ｚ', '\u{1F600}', '\uD83D', '\uDE00x', '\uE000',
      'a longer key that lives in the arena 1', 'a longer key that lives in the arena 0',
    ];
    const m = new CounterMap();
    for (const k of keys) m.incr(k, 3);
    m.incr('top', 4);
    const utf8 = (s: string): number[] => {
      // WTF-8: a lone surrogate as its own 3-byte sequence, as the map stores it.
      const out: number[] = [];
      for (const ch of s) {
        const cp = ch.codePointAt(0)!;
        if (cp < 0x80) out.push(cp);
        else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
        else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
        else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
      }
      return out;
    };
    const byBytes = (x: string, y: string): number => {
      const a = utf8(x);
      const b = utf8(y);
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
      return a.length - b.length;
    };
    const expected = [...keys].sort(byBytes);
    expect(m.mostCommon().map(([k]) => k)).toEqual(['top', ...expected]);
    // The JS fallback (no memory for the selection heap) sorts the same way.
    expect([...keys].sort(compareKeys)).toEqual(expected);
    for (const x of keys) for (const y of keys) expect(Math.sign(compareKeys(x, y))).toBe(Math.sign(byBytes(x, y)));
  });

  test('ties at the cut: the smallest keys of the last count make it, in any map with those entries', () => {
    const a = new CounterMap();
    const b = new CounterMap({ initialCapacity: 5000 });
    const words = Array.from({ length: 3000 }, (_, i) => `t${i}`);
    for (const w of words) a.incr(w);
    for (const w of [...words].reverse()) b.incr(w);
    a.incr('t2999', 1);
    b.incr('t2999', 1);
    const top = a.mostCommon(10);
    expect(top).toEqual(b.mostCommon(10));
    expect(top).toEqual([['t2999', 2], ...[...words].sort(compareKeys).slice(0, 9).map((w) => [w, 1])]);
  });
});
