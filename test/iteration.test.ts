// entries / keys / values / [Symbol.iterator] / forEach: every entry exactly
// once, across the chunks the walk reads; a change to the map while an
// iterator is live makes its next step throw (never a silent skip or repeat);
// reads do not invalidate it.
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap } from '../src/index.js';
import { longString, type AnyMap } from './helpers/model.js';
import { expectThrow } from './helpers/expect.js';

const MODIFIED = /was modified during iteration/;

function bigStr(n: number): CounterMap {
  const m = new CounterMap();
  for (let i = 0; i < n; i++) m.incr(`k${i}${i % 10 === 0 ? '😀' : ''}`, (i % 9) + 1);
  return m;
}
function bigInt(n: number): IntCounterMap {
  const m = new IntCounterMap();
  for (let i = 0; i < n; i++) m.incr(i * 7 - 1000, (i % 9) + 1);
  return m;
}

describe('iteration lists every entry once', () => {
  for (const n of [0, 1, 15, 2047, 2048, 2049, 5000, 20000]) {
    test(`${n} entries, both key kinds, every iteration API`, () => {
      for (const m of [bigStr(n), bigInt(n)] as AnyMap[]) {
        const e = [...(m.entries() as IterableIterator<[string | number, number]>)];
        expect(e.length).toBe(n);
        const seen = new Map(e);
        expect(seen.size).toBe(n);
        for (const [k, v] of seen) expect((m.get as (k: unknown) => number)(k)).toBe(v);
        expect([...(m as Iterable<unknown>)]).toEqual(e);
        expect([...m.keys()]).toEqual(e.map((x) => x[0]));
        expect([...m.values()]).toEqual(e.map((x) => x[1]));
        const fe: unknown[] = [];
        (m.forEach as (fn: (v: number, k: unknown, map: unknown) => void) => void)((v, k, map) => {
          expect(map).toBe(m);
          fe.push([k, v]);
        });
        expect(fe).toEqual(e);
        expect(m.toJSON()).toEqual(e);
      }
    });
  }

  test('forEach passes thisArg', () => {
    const m = bigInt(3);
    const ctx = { n: 0 };
    m.forEach(function (this: typeof ctx) {
      this.n++;
    }, ctx);
    expect(ctx.n).toBe(3);
  });

  test('breaking out early and starting again works', () => {
    const m = bigStr(5000);
    let i = 0;
    for (const _ of m) {
      if (++i === 3000) break;
    }
    expect([...m.keys()].length).toBe(5000);
  });

  test('reads during iteration (get, has, size, stats, mostCommon, nested iteration) do not invalidate it', () => {
    for (const m of [bigStr(6000), bigInt(6000)] as AnyMap[]) {
      const keys: unknown[] = [];
      const get = m.get.bind(m) as (k: unknown) => number;
      for (const [k, v] of m.entries() as IterableIterator<[unknown, number]>) {
        keys.push(k);
        expect(get(k)).toBe(v);
        if (keys.length % 1000 === 1) {
          expect((m.has as (k: unknown) => boolean)(k)).toBe(true);
          expect(m.size).toBe(6000);
          expect(m.stats().size).toBe(6000);
          expect(m.mostCommon(3).length).toBe(3);
          expect(m.mostCommon().length).toBe(6000);
          expect([...m.keys()].length).toBe(6000);
        }
      }
      expect(new Set(keys).size).toBe(6000);
    }
  });

  test('get() of long keys during iteration (memory grows under the walk) does not corrupt the keys it yields', () => {
    const m = bigStr(7000);
    const want = new Map(m.entries());
    const got = new Map<string, number>();
    let i = 0;
    for (const [k, v] of m) {
      got.set(k, v);
      if (i++ % 700 === 0) {
        expect(m.get(longString(20000 + i * 50, i))).toBe(0);
        expect(m.mostCommon(50).length).toBe(50);
      }
    }
    expect(got).toEqual(want);
  });
});

type Mutation = [string, (m: AnyMap, key: unknown) => void];
const STR_MUTATIONS: Mutation[] = [
  ['incr existing', (m, k) => (m as CounterMap).incr(k as string)],
  ['incr new', (m) => (m as CounterMap).incr('brand-new')],
  ['decr', (m, k) => (m as CounterMap).decr(k as string)],
  ['decr to zero', (m, k) => (m as CounterMap).decr(k as string, 1e6)],
  ['set', (m, k) => (m as CounterMap).set(k as string, 42)],
  ['set 0', (m, k) => (m as CounterMap).set(k as string, 0)],
  ['delete', (m, k) => (m as CounterMap).delete(k as string)],
  ['clear', (m) => m.clear()],
  ['incrMany', (m) => (m as CounterMap).incrMany(['x', 'y'])],
  ['incrMany negative', (m, k) => (m as CounterMap).incrMany([k as string], -1)],
  ['incr long key', (m) => (m as CounterMap).incr(longString(30000, 1))],
  ['widen', (m, k) => (m as CounterMap).incr(k as string, 2 ** 33)],
];
const INT_MUTATIONS: Mutation[] = [
  ['incr existing', (m, k) => (m as IntCounterMap).incr(k as number)],
  ['incr new', (m) => (m as IntCounterMap).incr(123456789)],
  ['decr', (m, k) => (m as IntCounterMap).decr(k as number)],
  ['set', (m, k) => (m as IntCounterMap).set(k as number, 42)],
  ['set 0', (m, k) => (m as IntCounterMap).set(k as number, 0)],
  ['delete', (m, k) => (m as IntCounterMap).delete(k as number)],
  ['clear', (m) => m.clear()],
  ['incrMany', (m) => (m as IntCounterMap).incrMany(new Int32Array([1, 2, 3]))],
  ['widen key', (m) => (m as IntCounterMap).incr(2 ** 40)],
];

describe('a change while an iterator is live makes its next step throw', () => {
  for (const [kindName, make, mutations] of [
    ['CounterMap', () => bigStr(5000), STR_MUTATIONS],
    ['IntCounterMap', () => bigInt(5000), INT_MUTATIONS],
  ] as const) {
    for (const [name, mutate] of mutations) {
      for (const at of [1, 2048, 2049, 5000]) {
        test(`${kindName}: ${name} after ${at} entries`, () => {
          const m = make();
          const it = m.entries() as IterableIterator<[unknown, number]>;
          const seen: unknown[] = [];
          let last: unknown;
          for (let i = 0; i < at; i++) {
            const r = it.next();
            expect(r.done).toBe(false);
            last = r.value![0];
            seen.push(last);
          }
          mutate(m, last);
          expectThrow(() => it.next(), Error, MODIFIED);
          expect(new Set(seen).size).toBe(seen.length);
        });
      }
    }
  }

  test('an iterator created but not yet stepped: a change before its first step makes that step throw (no stale entry)', () => {
    for (const [name, mutate] of [
      ['delete', (m: CounterMap) => m.delete('k1')],
      ['incr', (m: CounterMap) => m.incr('k1', 5)],
      ['set 0', (m: CounterMap) => m.set('k2', 0)],
      ['clear', (m: CounterMap) => m.clear()],
      ['grow', (m: CounterMap) => m.incrMany(Array.from({ length: 5000 }, (_, i) => `g${i}`))],
    ] as const) {
      for (const make of [(m: CounterMap) => m.entries(), (m: CounterMap) => m.keys(), (m: CounterMap) => m.values(), (m: CounterMap) => m[Symbol.iterator]()]) {
        const m = new CounterMap();
        m.set('k1', 1).set('k2', 2);
        const it = make(m) as Iterator<unknown>;
        mutate(m);
        let first: IteratorResult<unknown> | undefined;
        let err: unknown;
        try {
          first = it.next();
        } catch (e) {
          err = e;
        }
        expect(err, `${name}: first step yielded ${JSON.stringify(first)} instead of throwing`).toBeInstanceOf(Error);
        expect((err as Error).message).toMatch(MODIFIED);
      }
    }
  });

  test('an iterator created before dispose() does not yield entries afterwards', () => {
    const m = new IntCounterMap();
    m.incr(1);
    const it = m.entries();
    m.dispose();
    expectThrow(() => it.next(), Error, /modified during iteration|disposed/);
  });

  test('keys(), values() and [Symbol.iterator]() throw too', () => {
    for (const get of [(m: CounterMap) => m.keys(), (m: CounterMap) => m.values(), (m: CounterMap) => m[Symbol.iterator]()]) {
      const m = bigStr(3000);
      const it = get(m) as Iterator<unknown>;
      it.next();
      m.incr('new');
      expectThrow(() => it.next(), Error, MODIFIED);
    }
  });

  test('a for-of loop that mutates throws at the next step', () => {
    const m = bigInt(3000);
    let steps = 0;
    expectThrow(
      () => {
        for (const [k] of m) {
          steps++;
          m.incr(k);
        }
      },
      Error,
      MODIFIED,
    );
    expect(steps).toBe(1);
  });

  test('every live iterator is invalidated, not just one', () => {
    const m = bigStr(100);
    const a = m.entries();
    const b = m.keys();
    a.next();
    b.next();
    m.delete('k5');
    expectThrow(() => a.next(), Error, MODIFIED);
    expectThrow(() => b.next(), Error, MODIFIED);
  });

  test('forEach whose callback mutates throws, and the callback is not called again', () => {
    for (const m of [bigStr(3000), bigInt(3000)] as AnyMap[]) {
      let calls = 0;
      expectThrow(
        () =>
          (m.forEach as (fn: (v: number, k: unknown) => void) => void)((_v, k) => {
            calls++;
            if (calls === 10) (m.delete as (k: unknown) => boolean)(k);
          }),
        Error,
        MODIFIED,
      );
      expect(calls).toBe(10);
    }
  });

  test('forEach whose callback mutates on the last entry still throws', () => {
    const m = bigInt(10);
    let calls = 0;
    expectThrow(
      () =>
        m.forEach((_v, k) => {
          if (++calls === 10) m.incr(k);
        }),
      Error,
      MODIFIED,
    );
  });

  test('an iterator live across dispose() throws at its next step', () => {
    const m = bigStr(50);
    const it = m.entries();
    it.next();
    m.dispose();
    expectThrow(() => it.next(), Error, /modified during iteration|disposed/);
  });

  test('the message says how to change a map while walking it', () => {
    const m = bigStr(5);
    const it = m.keys();
    it.next();
    m.incr('z');
    expectThrow(() => it.next(), Error, /collect keys first/);
  });

  test('collecting keys first, then changing the map, works', () => {
    const m = bigStr(3000);
    for (const k of [...m.keys()]) m.decr(k);
    for (const v of m.values()) expect(v).toBeGreaterThan(0);
    expect(m.size).toBe(3000 - Math.ceil(3000 / 9));
  });
});
