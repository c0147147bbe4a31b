// mostCommon(n): the n highest counts, highest first (equal counts by key:
// test/deterministic-order.test.ts); every entry when n is omitted.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { CounterMap, IntCounterMap } from '../src/index.js';
import { MAX_SAFE, Model, Rng, checkMostCommon, longString, snapshot } from './helpers/model.js';

describe('mostCommon', () => {
  test('orders by count, highest first; n omitted gives every entry', () => {
    const m = new CounterMap();
    m.set('a', 3).set('b', 10).set('c', 1).set('d', 7);
    expect(m.mostCommon()).toEqual([
      ['b', 10],
      ['d', 7],
      ['a', 3],
      ['c', 1],
    ]);
    expect(m.mostCommon(2)).toEqual([
      ['b', 10],
      ['d', 7],
    ]);
    expect(m.mostCommon(1)).toEqual([['b', 10]]);
    expect(m.mostCommon(0)).toEqual([]);
    expect(m.mostCommon(4).length).toBe(4);
    expect(m.mostCommon(100).length).toBe(4);
    expect(m.mostCommon(MAX_SAFE).length).toBe(4);
  });

  test('empty, cleared and emptied maps give []', () => {
    const m = new IntCounterMap();
    expect(m.mostCommon()).toEqual([]);
    expect(m.mostCommon(5)).toEqual([]);
    m.incr(1);
    m.decr(1);
    expect(m.mostCommon()).toEqual([]);
    m.incr(2);
    m.clear();
    expect(m.mostCommon(1)).toEqual([]);
  });

  test('ties: any order, but the right keys and counts, no repeats', () => {
    const m = new IntCounterMap();
    for (let i = 0; i < 100; i++) m.set(i, i < 10 ? 50 : 5);
    const top = m.mostCommon(10);
    expect(top.map((e) => e[1])).toEqual(new Array(10).fill(50));
    expect(new Set(top.map((e) => e[0]))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const all = m.mostCommon(15);
    expect(all.slice(10).every(([k, c]) => c === 5 && k >= 10)).toBe(true);
    expect(new Set(all.map((e) => e[0])).size).toBe(15);
    // all equal
    const eq = new CounterMap();
    for (let i = 0; i < 3000; i++) eq.incr(`e${i}`);
    const t = eq.mostCommon(2500);
    expect(t.length).toBe(2500);
    expect(new Set(t.map((e) => e[0])).size).toBe(2500);
    expect(t.every((e) => e[1] === 1)).toBe(true);
  });

  test('large maps (many read chunks), both key kinds, every n', () => {
    const r = new Rng(5);
    const s = new CounterMap();
    const ms = new Model<string>();
    const n = new IntCounterMap();
    const mn = new Model<number>();
    for (let i = 0; i < 30000; i++) {
      const by = 1 + (r.chance(0.01) ? r.int(100000) : r.int(50));
      const ks = `w${r.int(12000)}`;
      s.incr(ks, by);
      ms.incr(ks, by);
      const kn = r.int(12000) - 6000;
      n.incr(kn, by);
      mn.incr(kn, by);
    }
    for (const k of [undefined, 0, 1, 2, 10, 2047, 2048, 2049, 5000, 11999, 12000, 20000]) {
      checkMostCommon(s, ms, k);
      checkMostCommon(n, mn, k);
    }
  });

  test('counts above 2^32 and up to MAX_SAFE order correctly (wide layouts)', () => {
    const m = new IntCounterMap();
    const counts = [1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40, 2 ** 52 + 1, MAX_SAFE - 1, MAX_SAFE, 7, 2 ** 31];
    counts.forEach((c, i) => m.set(i * 1000 - 3000, c));
    expect(m.stats().layout).toBe('int64');
    expect(m.mostCommon().map((e) => e[1])).toEqual([...counts].sort((a, b) => b - a));
    const s = new CounterMap();
    counts.forEach((c, i) => s.set(`c${i}`, c));
    expect(s.stats().layout).toBe('str64');
    expect(s.mostCommon(3)).toEqual([
      ['c7', MAX_SAFE],
      ['c6', MAX_SAFE - 1],
      ['c5', 2 ** 52 + 1],
    ]);
  });

  test('long and unicode keys come back exactly', () => {
    const m = new CounterMap();
    const L = longString(60000, 8);
    m.set(L, 100);
    m.set('\uD800', 90);
    m.set('😀', 80);
    m.set('', 70);
    for (let i = 0; i < 3000; i++) m.incr(`f${i}`);
    const top = m.mostCommon(4);
    expect(top[0]![0] === L).toBe(true);
    expect(top.slice(1)).toEqual([
      ['\uD800', 90],
      ['😀', 80],
      ['', 70],
    ]);
  });

  test('mostCommon does not change the map', () => {
    const m = new CounterMap();
    for (let i = 0; i < 5000; i++) m.incr(`k${i % 700}`);
    const before = snapshot(m);
    for (const n of [undefined, 1, 50, 700, 10000]) m.mostCommon(n);
    expect(snapshot(m)).toEqual(before);
  });

  test('after deletions and tombstones only live entries are listed', () => {
    const m = new IntCounterMap();
    const model = new Model<number>();
    for (let i = 0; i < 5000; i++) {
      m.incr(i, (i % 13) + 1);
      model.incr(i, (i % 13) + 1);
    }
    for (let i = 0; i < 5000; i += 3) {
      m.delete(i);
      model.delete(i);
    }
    checkMostCommon(m, model);
    checkMostCommon(m, model, 100);
  });

  test('property: mostCommon(n) agrees with sorting the counts (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: MAX_SAFE }))), {
          maxLength: 300,
        }),
        fc.option(fc.nat({ max: 400 }), { nil: undefined }),
        (pairs, n) => {
          const m = new IntCounterMap();
          const model = new Model<number>();
          for (const [k, c] of pairs) {
            m.set(k, c);
            model.set(k, c);
          }
          checkMostCommon(m, model, n);
          const s = new CounterMap();
          const ms = new Model<string>();
          for (const [k, c] of pairs) {
            s.set(String(k), c);
            ms.set(String(k), c);
          }
          checkMostCommon(s, ms, n);
        },
      ),
      { numRuns: 150 },
    );
  });
});
