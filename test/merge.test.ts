// merge(): every count of one map, times `by`, added into another, wasm to
// wasm in chunks of portable records, atomically.
import { describe, expect, it } from 'vitest';
import { CounterMap, IntCounterMap } from '../src/index.js';
import { expectRejected, expectThrow } from './helpers/expect.js';
import { MAX_SAFE, Model, Rng, SPECIAL_INTS, SPECIAL_STRINGS, compareToModel, longString, modelOf, snapshot } from './helpers/model.js';

function mergeModel<K extends string | number>(a: Model<K>, b: Model<K>, by: number): void {
  for (const [k, v] of [...b.m]) a.incr(k, v * by);
}

function randomInts(r: Rng, n: number, keys: number): IntCounterMap {
  const m = new IntCounterMap();
  for (let i = 0; i < n; i++) m.incr(r.chance(0.05) ? r.pick(SPECIAL_INTS) : r.int(keys), r.range(1, 5));
  return m;
}

function randomStrings(r: Rng, n: number, keys: number): CounterMap {
  const m = new CounterMap();
  for (let i = 0; i < n; i++) {
    const k = r.chance(0.1) ? r.pick(SPECIAL_STRINGS) : r.chance(0.05) ? longString(r.range(9, 60), r.int(50)) : `k${r.int(keys)}`;
    m.incr(k, r.range(1, 5));
  }
  return m;
}

describe('merge against a Map model', () => {
  for (const by of [1, 2, -1, -3, 7]) {
    it(`int keys, by = ${by}`, () => {
      const r = new Rng(11 + by);
      for (let round = 0; round < 6; round++) {
        const a = randomInts(r, r.int(3000), 2000);
        const b = randomInts(r, r.int(3000), 2000);
        const model = modelOf<number>(a);
        mergeModel(model, modelOf<number>(b), by);
        const bBefore = snapshot(b);
        expect(a.merge(b, by)).toBe(a);
        compareToModel(a, model);
        expect(snapshot(b)).toEqual(bBefore);
      }
    });
    it(`string keys, by = ${by}`, () => {
      const r = new Rng(23 + by);
      for (let round = 0; round < 6; round++) {
        const a = randomStrings(r, r.int(3000), 1500);
        const b = randomStrings(r, r.int(3000), 1500);
        const model = modelOf<string>(a);
        mergeModel(model, modelOf<string>(b), by);
        a.merge(b, by);
        compareToModel(a, model);
      }
    });
  }

  it('merges into and from empty maps', () => {
    const a = new IntCounterMap();
    const b = IntCounterMap.from([1, 2, 2]);
    a.merge(new IntCounterMap());
    expect(a.size).toBe(0);
    a.merge(b, -1);
    expect(a.size).toBe(0);
    a.merge(b);
    expect(snapshot(a)).toEqual([[1, 1], [2, 2]]);
  });

  it('a map merged into itself doubles (or by = -1 empties)', () => {
    const a = CounterMap.from(['x', 'y', 'y', 'é', '\uD800', 'a'.repeat(40)]);
    const model = modelOf<string>(a);
    mergeModel(model, modelOf<string>(a), 1);
    a.merge(a);
    compareToModel(a, model);
    a.merge(a, -1);
    expect(a.size).toBe(0);
  });

  it('keys longer than a scratch (32 KiB) go by the long-key path both ways', () => {
    const long1 = longString(40000, 1);
    const long2 = longString(70000, 2);
    const a = CounterMap.from([long1, 'x']);
    const b = CounterMap.from([long1, long2, long2, 'x']);
    a.merge(b, 3);
    expect(a.get(long1)).toBe(4);
    expect(a.get(long2)).toBe(6);
    expect(a.get('x')).toBe(4);
    a.merge(b, -1);
    expect(a.get(long2)).toBe(4);
  });

  it('two maps in one pool instance merge through the same scratch', () => {
    const a = IntCounterMap.from([1, 2, 3]);
    const b = IntCounterMap.from([3, 4]);
    expect(a.stats().memory).toBe('shared');
    expect(b.stats().memory).toBe('shared');
    a.merge(b);
    expect(snapshot(a)).toEqual([[1, 1], [2, 1], [3, 2], [4, 1]]);
  });
});

describe('merge that rebuilds the target', () => {
  it('widens a narrow int table for keys past i32 and counts past u32', () => {
    const a = IntCounterMap.from([1, 2, 3]);
    expect(a.stats().layout).toBe('int32');
    const b = new IntCounterMap().set(2 ** 40, 5).set(-MAX_SAFE, 1).set(2, 2 ** 33);
    a.merge(b);
    expect(a.stats().layout).toBe('int64');
    expect(snapshot(a)).toEqual([[-MAX_SAFE, 1], [1, 1], [2, 2 ** 33 + 1], [3, 1], [2 ** 40, 5]]);
  });

  it('widens a narrow string table for counts past u32', () => {
    const a = CounterMap.from(['a', 'b']);
    a.merge(new CounterMap().set('b', 2 ** 32).set('a long key of many bytes', 3));
    expect(a.stats().layout).toBe('str64');
    expect(a.get('b')).toBe(2 ** 32 + 1);
  });

  it('grows a pooled table into an instance of its own', () => {
    const a = IntCounterMap.from([5, -5]);
    const b = new IntCounterMap();
    b.incrMany(Float64Array.from({ length: 200_000 }, (_, i) => i * 7 - 1000));
    a.merge(b, 2);
    expect(a.stats().memory).toBe('own');
    expect(a.size).toBe(200_002);
    expect(a.get(-1000)).toBe(2);
    expect(a.get(5)).toBe(1);
    expect(a.get(-5)).toBe(1);
    expect(a.get(1_398_993)).toBe(2);
  });

  it('string keys: grows into its own instance, arena included', () => {
    const a = new CounterMap();
    const b = new CounterMap();
    const keys = Array.from({ length: 60_000 }, (_, i) => `key number ${i} é`);
    b.incrMany(keys);
    a.merge(b);
    a.merge(b);
    expect(a.stats().memory).toBe('own');
    expect(a.size).toBe(60_000);
    for (let i = 0; i < keys.length; i += 997) expect(a.get(keys[i]!)).toBe(2);
  });
});

describe('merge is atomic', () => {
  it('an overflow part way leaves the target exactly as it was (ints)', () => {
    const a = new IntCounterMap();
    for (let i = 0; i < 5000; i++) a.incr(i, 1 + (i % 3));
    a.set(2500, MAX_SAFE - 1);
    const b = new IntCounterMap();
    for (let i = 0; i < 10_000; i++) b.incr(i, 2);
    expectRejected(a, () => a.merge(b), RangeError, /MAX_SAFE_INTEGER.*unchanged/, true);
  });

  it('an overflow part way leaves the target exactly as it was (strings, widening on the way)', () => {
    const a = new CounterMap();
    for (let i = 0; i < 3000; i++) a.incr(`w${i}`, 1);
    a.set('w1500', MAX_SAFE);
    const b = new CounterMap();
    for (let i = 0; i < 6000; i++) b.incr(`w${i}`, i === 10 ? 2 ** 33 : 1);
    expectRejected(a, () => a.merge(b), RangeError, /MAX_SAFE_INTEGER/, true);
  });

  it('a step that would overflow is refused up front', () => {
    const a = IntCounterMap.from([1]);
    const b = new IntCounterMap().set(2, 2 ** 50);
    expectRejected(a, () => a.merge(b, -16), RangeError, /MAX_SAFE_INTEGER/);
    expectRejected(a, () => a.merge(b, 16), RangeError, /MAX_SAFE_INTEGER/);
  });

  it('maxBytes part way leaves the target exactly as it was', () => {
    const a = new IntCounterMap({ maxBytes: 256 << 10 });
    for (let i = 0; i < 1000; i++) a.incr(i * 3);
    const b = new IntCounterMap();
    b.incrMany(Float64Array.from({ length: 100_000 }, (_, i) => i));
    expectRejected(a, () => a.merge(b), RangeError, /maxBytes/, true);
    const s = new CounterMap({ maxBytes: 128 << 10 });
    s.incrMany(['a', 'b', 'c']);
    const t = new CounterMap();
    t.incrMany(Array.from({ length: 20_000 }, (_, i) => `a fairly long key ${i}`));
    expectRejected(s, () => s.merge(t), RangeError, /maxBytes/, true);
  });

  it('refuses other kinds and bad steps with the map unchanged', () => {
    const a = IntCounterMap.from([1, 2]);
    const s = CounterMap.from(['1']);
    expectRejected(a, () => a.merge(s as unknown as IntCounterMap), TypeError, /IntCounterMap#merge needs another IntCounterMap, got a CounterMap \(a map of another kind\)/);
    expectRejected(s, () => s.merge(a as unknown as CounterMap), TypeError, /CounterMap#merge needs another CounterMap/);
    expectRejected(a, () => a.merge(new Map() as unknown as IntCounterMap), TypeError, /needs another IntCounterMap, got an object/);
    expectRejected(a, () => a.merge(a, 1.5), RangeError, /safe integer/);
    expectRejected(a, () => a.merge(a, '2' as unknown as number), TypeError, /number/);
    const d = IntCounterMap.from([1]);
    d.dispose();
    expectThrow(() => a.merge(d), Error, /disposed/);
  });
});
