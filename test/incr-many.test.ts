// incrMany: every accepted input kind, batches across many chunks, and
// atomicity: a bad element anywhere or an overflow part way through throws and
// leaves the map exactly as it was.
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap } from '../src/index.js';
import { MAX_SAFE, Model, Rng, compareToModel, longString, snapshot } from './helpers/model.js';
import { expectRejected, expectThrow } from './helpers/expect.js';

function seededStrings(): { m: CounterMap; model: Model<string> } {
  const m = new CounterMap();
  const model = new Model<string>();
  for (let i = 0; i < 3000; i++) {
    const k = `pre${i}`;
    m.incr(k, (i % 5) + 1);
    model.incr(k, (i % 5) + 1);
  }
  return { m, model };
}

function seededInts(): { m: IntCounterMap; model: Model<number> } {
  const m = new IntCounterMap();
  const model = new Model<number>();
  for (let i = 0; i < 3000; i++) {
    m.incr(i * 3, (i % 5) + 1);
    model.incr(i * 3, (i % 5) + 1);
  }
  return { m, model };
}

describe('CounterMap.incrMany', () => {
  test('array, Set, generator, array-like; duplicates counted twice; default step 1', () => {
    const m = new CounterMap();
    m.incrMany(['a', 'b', 'a', '', '\uD800']);
    m.incrMany(new Set(['a', 'c']));
    m.incrMany(
      (function* () {
        yield 'c';
        yield 'c';
      })(),
      2,
    );
    m.incrMany({ length: 2, 0: 'd', 1: 'd' } as ArrayLike<string>);
    expect(snapshot(m)).toEqual([
      ['', 1],
      ['a', 3],
      ['b', 1],
      ['c', 5],
      ['d', 2],
      ['\uD800', 1],
    ]);
  });

  test('empty batch and step 0 change nothing', () => {
    const m = new CounterMap();
    m.incrMany([]);
    m.incrMany(['a', 'b'], 0);
    expect(m.size).toBe(0);
    expect(m.stats().bytes).toBe(0);
    m.incr('a');
    m.incrMany(['a'], 0);
    expect(m.get('a')).toBe(1);
  });

  test('negative steps decrement, delete at <= 0, and clamp repeated keys one at a time', () => {
    const m = new CounterMap();
    m.set('a', 1).set('b', 5).set('c', 2);
    m.incrMany(['a', 'a', 'a', 'b', 'zz'], -1);
    expect(snapshot(m)).toEqual([
      ['b', 4],
      ['c', 2],
    ]);
    m.incrMany(['b', 'c'], -10);
    expect(m.size).toBe(0);
    expect([...m]).toEqual([]);
  });

  test('a big batch across many scratch chunks, with unicode, equals incr one by one', () => {
    const r = new Rng(11);
    const alphabet = ['a', 'b', 'é', '日', '😀', '\uD800', ' '];
    const keys: string[] = [];
    for (let i = 0; i < 60000; i++) {
      let k = '';
      const n = r.int(12);
      for (let j = 0; j < n; j++) k += r.pick(alphabet);
      keys.push(k);
    }
    const m = new CounterMap();
    m.incrMany(keys, 3);
    const one = new CounterMap();
    for (const k of keys) one.incr(k, 3);
    expect(snapshot(m)).toEqual(snapshot(one));
    m.incrMany(keys, -2);
    for (const k of keys) one.incr(k, -2);
    expect(snapshot(m)).toEqual(snapshot(one));
  });

  test('a bad element at the end of a long batch (several chunks) throws TypeError naming its index; map unchanged', () => {
    for (const bad of [5, undefined, null, {}, ['x'], 1n]) {
      const { m } = seededStrings();
      const keys: unknown[] = [];
      for (let i = 0; i < 8000; i++) keys.push(`fresh${i}-${'x'.repeat(i % 30)}`);
      keys.push(bad);
      expectRejected(m, () => m.incrMany(keys as string[]), TypeError, /incrMany: keys\[8000\] must be a string/, true);
      // Same for an iterable (converted first) and an array-like.
      expectRejected(
        m,
        () =>
          m.incrMany(
            (function* () {
              yield* keys as string[];
            })(),
          ),
        TypeError,
        /keys\[8000\]/,
        true,
      );
    }
  });

  test('a hole in a sparse array is a bad element', () => {
    const { m } = seededStrings();
    const keys: string[] = new Array(6001);
    for (let i = 0; i < 6000; i++) keys[i] = `k${i}`;
    keys[6000] = 'end';
    delete (keys as unknown as Record<number, string>)[3000];
    expectRejected(m, () => m.incrMany(keys), TypeError, /keys\[3000\]/, true);
  });

  test('bad step: TypeError / RangeError, map unchanged', () => {
    const { m } = seededStrings();
    expectRejected(m, () => m.incrMany(['a'], '1' as never), TypeError, /step must be a number/, true);
    expectRejected(m, () => m.incrMany(['a'], null as never), TypeError, /step must be a number/, true);
    for (const by of [NaN, Infinity, 0.5, 2 ** 53]) expectRejected(m, () => m.incrMany(['a'], by), RangeError, /step must be a safe integer/, true);
  });

  test('keys that are not an array or iterable: TypeError', () => {
    const { m } = seededStrings();
    for (const bad of [null, undefined, 5, true]) {
      expectRejected(m, () => m.incrMany(bad as never), TypeError, /incrMany needs an array or iterable of strings/, true);
    }
    expectRejected(m, () => m.incrMany('abc' as never), TypeError, /single string/, true);
  });

  test('a typed array (numbers) is rejected with the index of the first non-string', () => {
    const { m } = seededStrings();
    expectRejected(m, () => m.incrMany(new Uint8Array([97]) as never), TypeError, /keys\[0\] must be a string/, true);
  });

  test('a plain object that is neither an array nor iterable is a TypeError, not an empty batch', () => {
    const m = new CounterMap();
    expectThrow(() => m.incrMany({} as never), TypeError, /incrMany needs an array or iterable/);
    expectThrow(() => m.incrMany({ a: 'x' } as never), TypeError, /incrMany needs an array or iterable/);
  });

  test('an overflow part way through, after several chunks and growth rebuilds, undoes the whole batch', () => {
    const { m, model } = seededStrings();
    m.set('hot', MAX_SAFE - 2);
    model.set('hot', MAX_SAFE - 2);
    const keys: string[] = [];
    for (let i = 0; i < 20000; i++) keys.push(`fresh${i}`);
    keys.push('pre1', 'hot', 'hot', 'pre1');
    for (let i = 0; i < 20000; i++) keys.push(`more${i}`);
    keys.push('hot'); // third: past MAX_SAFE
    const r0 = m.stats().rebuilds;
    const e = expectRejected(m, () => m.incrMany(keys), RangeError, /would pass Number\.MAX_SAFE_INTEGER/, true);
    expect(e.message).toMatch(/unchanged/);
    expect(m.stats().rebuilds).toBeGreaterThan(r0); // it really grew before the overflow
    compareToModel(m, model, { probes: ['hot', 'fresh1', 'more1'] });
  });

  test('an overflow after a widen to str64 and after long keys undoes the whole batch', () => {
    const { m, model } = seededStrings();
    const L = longString(40000, 5);
    m.set('hot', MAX_SAFE - 2 ** 40);
    model.set('hot', MAX_SAFE - 2 ** 40);
    const keys = [L, 'x', L, 'pre7', ...Array.from({ length: 9000 }, (_, i) => `n${i}`), 'hot'];
    expectRejected(m, () => m.incrMany(keys, 2 ** 40 + 1), RangeError, /MAX_SAFE_INTEGER/, true);
    compareToModel(m, model, { probes: [L, 'x', 'n5'] });
  });

  test('an overflow on a long key (which goes through the tail alone) undoes the chunks before it', () => {
    const { m, model } = seededStrings();
    const L = longString(30000, 77);
    m.set(L, MAX_SAFE - 1);
    model.set(L, MAX_SAFE - 1);
    const keys = [...Array.from({ length: 7000 }, (_, i) => `q${i}`), L, 'pre3', L];
    expectRejected(m, () => m.incrMany(keys), RangeError, /MAX_SAFE_INTEGER/, true);
    compareToModel(m, model, { probes: [L, 'q1', 'pre3'] });
  });

  test('a batch that overflows on its first key changes nothing', () => {
    const { m } = seededStrings();
    m.set('hot', MAX_SAFE);
    expectRejected(m, () => m.incrMany(['hot', 'a', 'b']), RangeError, /MAX_SAFE_INTEGER/, true);
  });
});

describe('IntCounterMap.incrMany', () => {
  test('number[], Int32Array, Uint32Array, Float64Array, Set, generator, array-like', () => {
    const m = new IntCounterMap();
    const model = new Model<number>();
    const add = (keys: Iterable<number> | ArrayLike<number>, list: number[], by = 1) => {
      m.incrMany(keys as number[], by);
      model.incrMany(list, by);
    };
    add([1, 2, 2, -3], [1, 2, 2, -3]);
    add(new Int32Array([-1, -(2 ** 31), 2 ** 31 - 1, 2]), [-1, -(2 ** 31), 2 ** 31 - 1, 2], 2);
    add(new Uint32Array([0, 2 ** 31 - 1, 5]), [0, 2 ** 31 - 1, 5]);
    add(new Float64Array([-0, 7, -7]), [0, 7, -7], 4);
    add(new Set([9, 10]), [9, 10]);
    add(
      (function* () {
        yield 11;
        yield 11;
      })(),
      [11, 11],
    );
    add({ length: 3, 0: 12, 1: 13, 2: 12 } as ArrayLike<number>, [12, 13, 12]);
    compareToModel(m, model);
    expect(m.stats().layout).toBe('int32');
  });

  test('Uint32Array keys above 2^31 widen; Float64Array keys beyond u32 widen', () => {
    const m = new IntCounterMap();
    m.incrMany(new Uint32Array([1, 2 ** 32 - 1, 2 ** 31]));
    expect(m.stats().layout).toBe('int64');
    expect(m.get(2 ** 32 - 1)).toBe(1);
    expect(m.get(2 ** 31)).toBe(1);
    expect(m.get(-1)).toBe(0); // not the i32 reading of 2^32 - 1
    expect(m.get(-(2 ** 31))).toBe(0);
    const f = new IntCounterMap();
    f.incrMany(new Float64Array([MAX_SAFE, -MAX_SAFE, 2 ** 40, 3]));
    expect(snapshot(f)).toEqual([
      [-MAX_SAFE, 1],
      [3, 1],
      [2 ** 40, 1],
      [MAX_SAFE, 1],
    ]);
  });

  for (const kind of ['number[]', 'Int32Array', 'Uint32Array', 'Float64Array'] as const) {
    test(`${kind}: 100k keys across many chunks equal incr one by one, up and down`, () => {
      const r = new Rng(kind.length);
      const list: number[] = [];
      for (let i = 0; i < 100000; i++) list.push(kind === 'Uint32Array' ? r.int(30000) * 7 : r.int(30000) - 15000);
      const keys =
        kind === 'number[]'
          ? list
          : kind === 'Int32Array'
            ? Int32Array.from(list)
            : kind === 'Uint32Array'
              ? Uint32Array.from(list)
              : Float64Array.from(list);
      const m = new IntCounterMap();
      const model = new Model<number>();
      m.incrMany(keys, 2);
      for (const k of list) model.incr(k, 2);
      compareToModel(m, model);
      m.incrMany(keys, -1);
      for (const k of list) model.incr(k, -1);
      compareToModel(m, model);
      m.incrMany(keys, -1);
      expect(m.size).toBe(0);
      expect([...m]).toEqual([]);
    });
  }

  test('a bad element at the end of a long number[] batch: TypeError or RangeError naming its index; map unchanged', () => {
    const type: unknown[] = ['1', 1.5, NaN, undefined, null, {}, true, 1n, -0.5];
    const range: unknown[] = [Infinity, -Infinity, 2 ** 53, -(2 ** 53), 1e300];
    for (const bad of [...type, ...range]) {
      const { m } = seededInts();
      const keys: unknown[] = [];
      for (let i = 0; i < 9000; i++) keys.push(100000 + i);
      keys.push(bad);
      const T = range.includes(bad) ? RangeError : TypeError;
      expectRejected(m, () => m.incrMany(keys as number[]), T, /incrMany: keys\[9000\] must be (a safe integer|an integer)/, true);
      expectRejected(
        m,
        () =>
          m.incrMany(
            (function* () {
              yield* keys as number[];
            })(),
          ),
        T,
        /keys\[9000\]/,
        true,
      );
    }
  });

  test('a bad element at the end of a long Float64Array batch; map unchanged', () => {
    for (const [bad, T] of [
      [NaN, TypeError],
      [1.5, TypeError],
      [Infinity, RangeError],
      [2 ** 53, RangeError],
    ] as const) {
      const { m } = seededInts();
      const keys = new Float64Array(12001);
      for (let i = 0; i < 12000; i++) keys[i] = 50000 + i;
      keys[12000] = bad;
      expectRejected(m, () => m.incrMany(keys), T, /keys\[12000\]/, true);
    }
  });

  test('keys that are not an array or iterable: TypeError', () => {
    const { m } = seededInts();
    for (const bad of [null, undefined, 5, 'abc', true]) {
      expectRejected(m, () => m.incrMany(bad as never), TypeError, /incrMany needs an array or iterable of integer keys/, true);
    }
    expectRejected(m, () => m.incrMany(new Map([[1, 2]]) as never), TypeError, /keys\[0\]/, true);
  });

  test('other typed arrays (8/16-bit, Float32, clamped) count their integer values', () => {
    const m = new IntCounterMap();
    const model = new Model<number>();
    const arrays: Array<[ArrayLike<number>, number[]]> = [
      [new Uint8Array([0, 255, 255]), [0, 255, 255]],
      [new Int8Array([-128, 127, -1]), [-128, 127, -1]],
      [new Uint16Array([65535, 1]), [65535, 1]],
      [new Int16Array([-32768, 5]), [-32768, 5]],
      [new Float32Array([16777216, -3]), [16777216, -3]],
      [new Uint8ClampedArray([9, 9]), [9, 9]],
    ];
    for (const [a, list] of arrays) {
      m.incrMany(a as never);
      model.incrMany(list, 1);
    }
    compareToModel(m, model);
  });

  test('a Float32Array with a fraction or a BigInt64Array is rejected, map unchanged', () => {
    const { m } = seededInts();
    expectRejected(m, () => m.incrMany(new Float32Array([1, 2.5]) as never), TypeError, /keys\[1\] must be an integer/, true);
    expectRejected(m, () => m.incrMany(new BigInt64Array([1n]) as never), TypeError, /keys\[0\]/, true);
  });

  test('a DataView (a buffer view without elements) is a TypeError, not an empty batch', () => {
    const m = new IntCounterMap();
    expectThrow(() => m.incrMany(new DataView(new ArrayBuffer(16)) as never), TypeError, /incrMany needs an array or iterable/);
    const s = new CounterMap();
    expectThrow(() => s.incrMany(new DataView(new ArrayBuffer(16)) as never), TypeError, /incrMany needs an array or iterable/);
  });

  test('a plain object that is neither an array nor iterable is a TypeError, not an empty batch', () => {
    const m = new IntCounterMap();
    expectThrow(() => m.incrMany({} as never), TypeError, /incrMany needs an array or iterable/);
  });

  test('bad step: TypeError / RangeError, map unchanged', () => {
    const { m } = seededInts();
    const keys = new Int32Array([1, 2, 3]);
    expectRejected(m, () => m.incrMany(keys, '1' as never), TypeError, /step must be a number/, true);
    for (const by of [NaN, -Infinity, 1.5, -(2 ** 53)]) expectRejected(m, () => m.incrMany(keys, by), RangeError, /step must be a safe integer/, true);
  });

  for (const kind of ['number[]', 'Int32Array', 'Uint32Array', 'Float64Array'] as const) {
    test(`${kind}: an overflow in a later chunk, after growth and a widen, undoes the whole batch`, () => {
      const { m, model } = seededInts();
      const hot = 3 * 17; // a seeded key
      m.set(hot, MAX_SAFE - 2 ** 33);
      model.set(hot, MAX_SAFE - 2 ** 33);
      const list: number[] = [];
      for (let i = 0; i < 30000; i++) list.push(1_000_000 + i);
      list.push(kind === 'Int32Array' ? -7 : 2 ** 31 + 5); // a widening key (for Int32Array: a new negative key)
      for (let i = 0; i < 10000; i++) list.push(2_000_000 + (i % 97));
      list.push(hot, 6);
      const keys =
        kind === 'number[]'
          ? list
          : kind === 'Int32Array'
            ? Int32Array.from(list)
            : kind === 'Uint32Array'
              ? Uint32Array.from(list)
              : Float64Array.from(list);
      const r0 = m.stats().rebuilds;
      expectRejected(m, () => m.incrMany(keys, 2 ** 33 + 1), RangeError, /would pass Number\.MAX_SAFE_INTEGER/, true);
      expect(m.stats().rebuilds).toBeGreaterThan(r0);
      compareToModel(m, model, { probes: [hot, 1_000_000, 2 ** 31 + 5, -7, 2_000_000] });
      // The map is still fully usable.
      m.incrMany(keys.slice(0, 100) as never, 1);
      model.incrMany(list.slice(0, 100), 1);
      compareToModel(m, model);
    });
  }

  test('an overflow caused by a key repeated within the batch undoes the batch', () => {
    const { m, model } = seededInts();
    m.set(-1, MAX_SAFE - 2);
    model.set(-1, MAX_SAFE - 2);
    const keys = new Int32Array(20000);
    for (let i = 0; i < keys.length; i++) keys[i] = i % 1000 === 999 ? -1 : 500000 + i;
    expectRejected(m, () => m.incrMany(keys), RangeError, /MAX_SAFE_INTEGER/, true);
    compareToModel(m, model);
  });

  test('negative batches delete at <= 0 and clamp repeated keys one at a time', () => {
    const m = new IntCounterMap();
    m.set(1, 1).set(2, 5);
    m.incrMany([1, 1, 1, 2, 99, 2 ** 40], -1);
    expect(snapshot(m)).toEqual([[2, 4]]);
    m.incrMany(new Int32Array([2]), -MAX_SAFE);
    expect(m.size).toBe(0);
  });
});
