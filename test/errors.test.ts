// Bad input: a clear error (type and message saying what was wrong and what
// was expected) and the map exactly as it was.
import { describe, expect, onTestFinished, test } from 'vitest';
import { CounterMap, IntCounterMap, type CounterMapOptions } from '../src/index.js';
import { MAX_SAFE, longString, snapshot } from './helpers/model.js';
import { expectRejected, expectThrow } from './helpers/expect.js';

type State = 'empty' | 'narrow' | 'wide' | 'big';
const STATES: State[] = ['empty', 'narrow', 'wide', 'big'];

function strMap(state: State): CounterMap {
  const m = new CounterMap();
  if (state === 'empty') return m;
  m.incr('a', 3);
  m.incr('\uD800', 2);
  m.incr(longString(20000, 9), 4);
  if (state === 'wide') m.set('w', 2 ** 40);
  if (state === 'big') for (let i = 0; i < 5000; i++) m.incr(`k${i}`, (i % 3) + 1);
  return m;
}

function intMap(state: State): IntCounterMap {
  const m = new IntCounterMap();
  if (state === 'empty') return m;
  m.incr(1, 3);
  m.incr(-5, 2);
  if (state === 'wide') m.set(2 ** 40, 7);
  if (state === 'big') for (let i = 0; i < 5000; i++) m.incr(i * 13, (i % 3) + 1);
  return m;
}

// Values of the wrong type for a string key.
const NOT_STRINGS: unknown[] = [1, 0, -0, NaN, undefined, null, {}, [], ['a'], true, 1n, Symbol('s'), new String('a'), () => 'a'];
// Values of the wrong type (or non-integers) for an int key: TypeError.
const INT_KEY_TYPE: unknown[] = ['1', '', 'abc', 1.5, -0.5, 2 ** 31 + 0.5, Number.EPSILON, NaN, undefined, null, {}, [], [1], true, 1n, new Number(1)];
// Integers outside the safe range: RangeError.
const INT_KEY_RANGE: number[] = [Infinity, -Infinity, 2 ** 53, -(2 ** 53), 2 ** 53 + 2, 1e300, -1e300, Number.MAX_VALUE];
// Steps of the wrong type: TypeError.
const STEP_TYPE: unknown[] = ['1', '', null, {}, [], [1], true, 1n, new Number(1)];
// Numeric steps that are not safe integers: RangeError.
const STEP_RANGE: number[] = [NaN, Infinity, -Infinity, 1.5, -0.5, 2 ** 53, -(2 ** 53), 1e300];

function label(v: unknown): string {
  if (typeof v === 'symbol') return 'Symbol';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'function';
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  try {
    return typeof v === 'object' && v !== null ? `${v.constructor?.name}:${JSON.stringify(v)}` : `${typeof v}:${String(v)}`;
  } catch {
    return typeof v;
  }
}

describe('CounterMap: wrong key type is a TypeError, map unchanged', () => {
  for (const state of STATES) {
    test(`state ${state}`, () => {
      const m = strMap(state);
      const before = snapshot(m);
      onTestFinished(() => expect(snapshot(m)).toEqual(before));
      for (const k of NOT_STRINGS) {
        const key = k as string;
        const msg = /CounterMap key must be a string/;
        expectRejected(m, () => m.get(key), TypeError, msg);
        expectRejected(m, () => m.has(key), TypeError, msg);
        expectRejected(m, () => m.incr(key), TypeError, msg);
        expectRejected(m, () => m.incr(key, 5), TypeError, msg);
        expectRejected(m, () => m.decr(key), TypeError, msg);
        expectRejected(m, () => m.set(key, 5), TypeError, msg);
        expectRejected(m, () => m.set(key, 0), TypeError, msg);
        expectRejected(m, () => m.delete(key), TypeError, msg);
      }
    });
  }

  test('the message names what was given', () => {
    const m = strMap('narrow');
    expectThrow(() => m.incr(42 as unknown as string), TypeError, /must be a string, got number 42/);
    expectThrow(() => m.get(undefined as unknown as string), TypeError, /must be a string, got undefined/);
    expectThrow(() => m.get(null as unknown as string), TypeError, /must be a string, got null/);
  });
});

describe('IntCounterMap: bad keys, map unchanged', () => {
  for (const state of STATES) {
    test(`non-integers and non-numbers are a TypeError (state ${state})`, () => {
      const m = intMap(state);
      const before = snapshot(m);
      onTestFinished(() => expect(snapshot(m)).toEqual(before));
      for (const k of INT_KEY_TYPE) {
        const key = k as number;
        const msg = /IntCounterMap key must be (a safe integer|an integer)/;
        const what = label(k);
        expectRejected(m, () => m.get(key), TypeError, msg);
        expectRejected(m, () => m.has(key), TypeError, msg);
        expectRejected(m, () => m.incr(key), TypeError, msg);
        expectRejected(m, () => m.incr(key, 3), TypeError, msg);
        expectRejected(m, () => m.decr(key), TypeError, msg);
        expectRejected(m, () => m.set(key, 3), TypeError, msg);
        expectRejected(m, () => m.set(key, 0), TypeError, msg);
        expectRejected(m, () => m.delete(key), TypeError, msg);
        expect(what).toBeTruthy();
      }
    });

    test(`integers outside the safe range are a RangeError (state ${state})`, () => {
      const m = intMap(state);
      const before = snapshot(m);
      onTestFinished(() => expect(snapshot(m)).toEqual(before));
      for (const key of INT_KEY_RANGE) {
        const msg = /IntCounterMap key must be a safe integer \(\|key\| <= 2\^53 - 1\)/;
        expectRejected(m, () => m.get(key), RangeError, msg);
        expectRejected(m, () => m.has(key), RangeError, msg);
        expectRejected(m, () => m.incr(key), RangeError, msg);
        expectRejected(m, () => m.decr(key), RangeError, msg);
        expectRejected(m, () => m.set(key, 3), RangeError, msg);
        expectRejected(m, () => m.delete(key), RangeError, msg);
      }
    });
  }

  test('messages name the value', () => {
    const m = intMap('narrow');
    expectThrow(() => m.incr('7' as unknown as number), TypeError, /got string "7"/);
    expectThrow(() => m.incr(1.5), TypeError, /must be an integer, got number 1\.5/);
    expectThrow(() => m.incr(NaN), TypeError, /got number NaN/);
    expectThrow(() => m.incr(2 ** 53), RangeError, /got number 9007199254740992/);
    expectThrow(() => m.get(Infinity), RangeError, /got number Infinity/);
  });
});

describe('bad steps and counts, map unchanged', () => {
  for (const kind of ['str', 'int'] as const) {
    for (const state of STATES) {
      test(`${kind} map, state ${state}: incr/decr step and set count`, () => {
        const m = kind === 'str' ? strMap(state) : intMap(state);
        const before = snapshot(m);
        onTestFinished(() => expect(snapshot(m)).toEqual(before));
        const keys: Array<string | number> = kind === 'str' ? ['a', 'new', longString(20000, 9), 'w'] : [1, 999, 2 ** 40, -(2 ** 40)];
        const incr = m.incr.bind(m) as (k: unknown, by?: unknown) => number;
        const decr = m.decr.bind(m) as (k: unknown, by?: unknown) => number;
        const set = m.set.bind(m) as (k: unknown, n: unknown) => unknown;
        for (const key of keys) {
          for (const by of STEP_TYPE) {
            expectRejected(m, () => incr(key, by), TypeError, /step must be a number \(a safe integer\), got/);
            expectRejected(m, () => decr(key, by), TypeError, /step must be a number \(a safe integer\), got/);
            expectRejected(m, () => set(key, by), TypeError, /count must be a number \(a safe integer >= 0\), got/);
          }
          expectRejected(m, () => set(key, undefined), TypeError, /count must be a number/);
          for (const by of STEP_RANGE) {
            expectRejected(m, () => incr(key, by), RangeError, /step must be a safe integer, got number/);
            expectRejected(m, () => decr(key, by), RangeError, /step must be a safe integer, got number/);
            expectRejected(m, () => set(key, by), RangeError, /count must be a safe integer >= 0, got number/);
          }
          for (const n of [-1, -(2 ** 40), -MAX_SAFE]) {
            expectRejected(m, () => set(key, n), RangeError, /count must be a safe integer >= 0, got number -/);
          }
        }
      });
    }
  }

  test('the step message names the value given', () => {
    const m = new CounterMap();
    m.incr('a');
    expectThrow(() => m.incr('a', '2' as unknown as number), TypeError, /got string "2"/);
    expectThrow(() => m.incr('a', 0.5), RangeError, /got number 0\.5/);
    expectThrow(() => m.set('a', -3), RangeError, /got number -3/);
    expectThrow(() => m.set('a', 1.25), RangeError, /got number 1\.25/);
  });

  test('decr(key, bad) reports the step the caller passed, not its negation', () => {
    const m = new CounterMap();
    m.incr('a');
    const e1 = expectThrow(() => m.decr('a', 1.5), RangeError, /step/);
    expect(e1.message).toMatch(/got number 1\.5\b/);
    const e2 = expectThrow(() => m.decr('a', Infinity), RangeError, /step/);
    expect(e2.message).toMatch(/got number Infinity\b/);
    const n = new IntCounterMap();
    const e3 = expectThrow(() => n.decr(1, 2 ** 53), RangeError, /step/);
    expect(e3.message).toMatch(/got number 9007199254740992\b/);
  });
});

describe('overflow past Number.MAX_SAFE_INTEGER is a RangeError, count unchanged', () => {
  const cases: Array<[string, number, number]> = [
    ['at MAX_SAFE, +1', MAX_SAFE, 1],
    ['at MAX_SAFE - 5, +6', MAX_SAFE - 5, 6],
    ['at 1, +MAX_SAFE', 1, MAX_SAFE],
    ['at 2^32 - 1 (narrow), +MAX_SAFE', 2 ** 32 - 1, MAX_SAFE],
    ['at 7 (narrow), +MAX_SAFE', 7, MAX_SAFE],
    ['at MAX_SAFE, +MAX_SAFE', MAX_SAFE, MAX_SAFE],
  ];
  for (const [name, start, by] of cases) {
    test(`CounterMap ${name}`, () => {
      for (const key of ['k', '', '\uD800', longString(30000, 4)]) {
        const m = strMap('big');
        m.set(key, start);
        const e = expectRejected(m, () => m.incr(key, by), RangeError, /would pass Number\.MAX_SAFE_INTEGER/);
        expect(e.message).toMatch(/unchanged/);
        expectRejected(m, () => m.decr(key, -by), RangeError, /would pass Number\.MAX_SAFE_INTEGER/);
        expect(m.get(key)).toBe(start);
      }
    });
    test(`IntCounterMap ${name}`, () => {
      for (const key of [0, -1, 2 ** 31, MAX_SAFE, -MAX_SAFE]) {
        const m = intMap('big');
        m.set(key, start);
        expectRejected(m, () => m.incr(key, by), RangeError, /would pass Number\.MAX_SAFE_INTEGER/);
        expectRejected(m, () => m.decr(key, -by), RangeError, /would pass Number\.MAX_SAFE_INTEGER/);
        expect(m.get(key)).toBe(start);
      }
    });
  }

  test('the overflow message names the key and the numbers', () => {
    const m = new IntCounterMap();
    m.set(12, MAX_SAFE - 1);
    expectThrow(() => m.incr(12, 5), RangeError, /key number 12.*9007199254740990 \+ 5/);
    const s = new CounterMap();
    s.set('hot', MAX_SAFE);
    expectThrow(() => s.incr('hot'), RangeError, /key string "hot"/);
  });
});

describe('constructor options', () => {
  const ctors: ReadonlyArray<new (options?: CounterMapOptions) => CounterMap | IntCounterMap> = [CounterMap, IntCounterMap];
  for (const C of ctors) {
    test(`${C.name}: bad options throw`, () => {
      expectThrow(() => new C(null as never), TypeError, /options must be an object, got null/);
      expectThrow(() => new C(5 as never), TypeError, /options must be an object, got number 5/);
      expectThrow(() => new C({ initialCapacity: '5' as never }), TypeError, /initialCapacity must be a number/);
      for (const v of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
        expectThrow(() => new C({ initialCapacity: v }), RangeError, /initialCapacity must be a safe integer >= 0/);
      }
      expectThrow(() => new C({ maxBytes: '1mb' as never }), TypeError, /maxBytes must be a number/);
      for (const v of [0, -1, NaN, -Infinity]) {
        expectThrow(() => new C({ maxBytes: v }), RangeError, /maxBytes must be > 0/);
      }
    });

    test(`${C.name}: good options`, () => {
      expect(new C({}).size).toBe(0);
      expect(new C(undefined).size).toBe(0);
      expect(new C({ initialCapacity: 0 }).size).toBe(0);
      expect(new C({ maxBytes: Infinity }).stats().maxBytes).toBe(2 ** 32);
      expect(new C({ maxBytes: 1 << 20 }).stats().maxBytes).toBe(1 << 20);
    });
  }

  test('a maxBytes too small for any table: the first insert throws RangeError and the map stays empty and usable for reads', () => {
    // A header (64 bytes) and one group of slots (160) do not fit in 200.
    const m = new IntCounterMap({ maxBytes: 200 });
    expectRejected(m, () => m.incr(1), RangeError, /maxBytes budget of 200/);
    expect(m.get(1)).toBe(0);
    expect(m.decr(1)).toBe(0);
    expect(m.delete(1)).toBe(false);
    const s = new CounterMap({ maxBytes: 200 });
    expectRejected(s, () => s.incrMany(['a', 'b']), RangeError, /maxBytes/);
    expect(s.size).toBe(0);
  });

  test('a small budget holds a small map (a pooled map counts only its own blocks), then refuses at it', () => {
    const m = new IntCounterMap({ maxBytes: 1000 });
    let n = 0;
    try {
      for (; n < 1000; n++) m.incr(n);
    } catch (e) {
      expect(e).toBeInstanceOf(RangeError);
      expect(String(e)).toMatch(/maxBytes budget of 1000/);
    }
    expect(n).toBeGreaterThanOrEqual(14);
    expect(n).toBeLessThan(1000);
    expect(m.size).toBe(n);
    expect(m.stats().bytes).toBeLessThanOrEqual(1000);
    for (let i = 0; i < n; i++) expect(m.get(i)).toBe(1);
  });
});

describe('other argument checks', () => {
  test('mostCommon(n): n must be a safe integer >= 0', () => {
    for (const m of [strMap('narrow'), intMap('narrow')]) {
      expectThrow(() => m.mostCommon('2' as never), TypeError, /mostCommon\(n\): n must be a number, got string "2"/);
      expectThrow(() => m.mostCommon(null as never), TypeError, /n must be a number/);
      for (const n of [-1, 1.5, NaN, Infinity]) expectThrow(() => m.mostCommon(n), RangeError, /n must be a safe integer >= 0/);
      expect(m.mostCommon(undefined).length).toBe(m.size);
    }
  });

  test('forEach needs a function', () => {
    const m = strMap('narrow');
    expectThrow(() => m.forEach(null as never), TypeError, /forEach needs a function, got null/);
    expectThrow(() => m.forEach('f' as never), TypeError, /forEach needs a function/);
  });

  test('from() of bad items throws TypeError', () => {
    expectThrow(() => CounterMap.from([1 as never]), TypeError, /must be a string/);
    expectThrow(() => CounterMap.from([[1, 2]] as never), TypeError, /must be a string/);
    expectThrow(() => CounterMap.from([['a', 'b']] as never), TypeError, /step must be a number/);
    expectThrow(() => IntCounterMap.from(['1' as never]), TypeError, /must be a safe integer/);
    expectThrow(() => IntCounterMap.from([[1, 1.5]] as never), RangeError, /step must be a safe integer/);
    expectThrow(() => CounterMap.from(5 as never), TypeError, /not iterable/);
    expectThrow(() => IntCounterMap.from(null as never), TypeError, /iterable|null/);
  });
});

describe('errors do not leave partial state behind', () => {
  test('a thousand rejected calls leave a big map exactly as it was', () => {
    const m = strMap('big');
    const before = snapshot(m);
    const n = intMap('big');
    const nBefore = snapshot(n);
    for (let i = 0; i < 1000; i++) {
      try {
        m.incr(i as never);
      } catch {
        // expected: the map must be as it was (checked below)
      }
      try {
        m.set(`k${i}`, -i - 1);
      } catch {
        // expected: the map must be as it was (checked below)
      }
      try {
        m.incr(`k${i}`, i + 0.5);
      } catch {
        // expected: the map must be as it was (checked below)
      }
      try {
        n.incr(i + 0.5);
      } catch {
        // expected: the map must be as it was (checked below)
      }
      try {
        n.set(i * 13, NaN);
      } catch {
        // expected: the map must be as it was (checked below)
      }
      try {
        n.incr(i * 13, MAX_SAFE);
      } catch {
        // expected: the map must be as it was (checked below)
      }
    }
    expect(snapshot(m)).toEqual(before);
    expect(snapshot(n)).toEqual(nBefore);
  });
});
