// SharedCounterMap / SharedIntCounterMap on one thread: every method against
// a plain Map model, bad input (the map unchanged), handles, memory limits.
// test/shared-counter-map-threads.test.ts runs them from several threads.
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap, SharedCounterMap, SharedIntCounterMap } from '../src/index.js';
import { expectThrow } from './helpers/expect.js';
import { rng } from './fixtures/shared-churn.mjs';

const MAX = Number.MAX_SAFE_INTEGER;

type AnyShared = SharedCounterMap | SharedIntCounterMap;

function sorted(m: Iterable<[string | number, number]>): Array<[string | number, number]> {
  return [...m].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0));
}

/** Every entry, size and get() agree with the model. */
function same(m: AnyShared, model: Map<string | number, number>): void {
  expect(m.size).toBe(model.size);
  expect(sorted(m.entries() as Iterable<[string | number, number]>)).toEqual(sorted(model));
  for (const [k, c] of model) expect(m.get(k as never)).toBe(c);
}

const STRING_KEYS = ['', 'a', 'a\0', 'abcdefg', 'abcdefgh', 'abcdefg\x01', 'abcdefghi', 'é', '\uD800', '\uFFFD', '😀', 'x'.repeat(300), 'ключ', 'k'.repeat(1365)];
const INT_KEYS = [0, -0, 1, -1, MAX, -MAX, 2 ** 32, -(2 ** 32), 2 ** 31 - 1, -(2 ** 31), 65536, 123456789012];

const KINDS = [
  ['SharedCounterMap', () => new SharedCounterMap({ maxBytes: 16 << 20 }) as AnyShared, (i: number) => (i % 3 === 0 ? `k${i}` : `key number ${i} é`), STRING_KEYS],
  ['SharedIntCounterMap', () => new SharedIntCounterMap({ maxBytes: 16 << 20 }) as AnyShared, (i: number) => (i % 2 ? -i * 7919 : i * 65536), INT_KEYS],
] as const;

describe.each(KINDS)('%s', (name, make, keyAt, edgeKeys) => {
  test('a new map is empty', () => {
    const m = make();
    expect(m.size).toBe(0);
    expect(m.get(keyAt(1) as never)).toBe(0);
    expect(m.has(keyAt(1) as never)).toBe(false);
    expect(m.delete(keyAt(1) as never)).toBe(false);
    expect([...m]).toEqual([]);
    expect(m.mostCommon()).toEqual([]);
    m.dispose();
  });

  test('incr/decr/set/delete: counts, and a count that reaches 0 or below is deleted', () => {
    const m = make();
    const k = keyAt(1) as never;
    expect(m.incr(k)).toBe(1);
    expect(m.incr(k, 5)).toBe(6);
    expect(m.decr(k, 2)).toBe(4);
    expect(m.incr(k, -4)).toBe(0);
    expect(m.has(k)).toBe(false);
    expect(m.size).toBe(0);
    m.incr(k, 3);
    expect(m.decr(k, 100)).toBe(0);
    expect(m.size).toBe(0);
    expect(m.incr(k, 0)).toBe(0);
    expect(m.incr(k, -5)).toBe(0);
    expect(m.size).toBe(0);
    expect(m.set(k, 7)).toBe(m);
    expect(m.get(k)).toBe(7);
    m.set(k, 0);
    expect(m.has(k)).toBe(false);
    m.set(k, 0);
    expect(m.size).toBe(0);
    m.incr(k, 2);
    expect(m.delete(k)).toBe(true);
    expect(m.delete(k)).toBe(false);
    expect(m.incr(k, MAX)).toBe(MAX);
    expect(m.size).toBe(1);
    m.dispose();
  });

  test('edge keys are distinct keys', () => {
    const m = make();
    const model = new Map<string | number, number>();
    edgeKeys.forEach((k, i) => {
      m.incr(k as never, i + 1);
      model.set(Object.is(k, -0) ? 0 : k, (model.get(Object.is(k, -0) ? 0 : k) ?? 0) + i + 1);
    });
    same(m, model);
    m.dispose();
  });

  test('seeded churn against a Map model: growth, deletes, rebuilds over dead slots', () => {
    const m = make();
    const model = new Map<string | number, number>();
    const rnd = rng(42);
    const keys = 3000;
    for (let n = 0; n < 60_000; n++) {
      const k = keyAt(Math.floor(rnd() * (n < 30_000 ? keys : keys / 10)));
      const r = rnd();
      const cur = model.get(k) ?? 0;
      if (r < 0.5) {
        const by = 1 + Math.floor(rnd() * 5);
        expect(m.incr(k as never, by)).toBe(cur + by);
        model.set(k, cur + by);
      } else if (r < 0.8) {
        const by = 1 + Math.floor(rnd() * 5);
        const next = Math.max(0, cur - by);
        expect(m.decr(k as never, by)).toBe(next);
        if (next === 0) model.delete(k);
        else model.set(k, next);
      } else if (r < 0.9) {
        expect(m.delete(k as never)).toBe(cur > 0);
        model.delete(k);
      } else {
        const c = Math.floor(rnd() * 3);
        m.set(k as never, c);
        if (c === 0) model.delete(k);
        else model.set(k, c);
      }
      if (n % 10_000 === 0) same(m, model);
    }
    same(m, model);
    m.dispose();
  });

  test('mostCommon: count descending, ties by key; n validated', () => {
    const m = make();
    for (let i = 0; i < 50; i++) m.set(keyAt(i) as never, (i % 7) + 1);
    const all = m.mostCommon();
    expect(all.length).toBe(50);
    for (let i = 1; i < all.length; i++) expect(all[i]![1]).toBeLessThanOrEqual(all[i - 1]![1]);
    expect(m.mostCommon(3)).toEqual(all.slice(0, 3));
    expect(m.mostCommon(0)).toEqual([]);
    expectThrow(() => m.mostCommon(-1), RangeError, /n must be a safe integer >= 0, got number -1/);
    expectThrow(() => m.mostCommon('3' as never), TypeError, /n must be a number, got string "3"/);
    m.dispose();
  });

  test('snapshot() is read by the CounterMap of its kind', () => {
    const m = make();
    const model = new Map<string | number, number>();
    for (let i = 0; i < 500; i++) {
      m.incr(keyAt(i) as never, i + 1);
      model.set(keyAt(i), i + 1);
    }
    const bytes = m.snapshot();
    const back = name === 'SharedCounterMap' ? CounterMap.fromSnapshot(bytes) : IntCounterMap.fromSnapshot(bytes);
    expect(sorted(back.entries() as Iterable<[string | number, number]>)).toEqual(sorted(model));
    back.dispose();
    m.dispose();
  });

  test('iteration APIs walk one picture of the map: keys, values, forEach, toJSON', () => {
    const m = make();
    for (let i = 0; i < 20; i++) m.incr(keyAt(i) as never, i + 1);
    const entries = [...m.entries()];
    expect([...m.keys()]).toEqual(entries.map((e) => e[0]));
    expect([...m.values()]).toEqual(entries.map((e) => e[1]));
    expect(m.toJSON()).toEqual(entries);
    const seen: unknown[] = [];
    m.forEach((c, k, map) => seen.push([k, c, map === m]));
    expect(seen).toEqual(entries.map(([k, c]) => [k, c, true]));
    // Writes while walking neither throw nor show.
    const it = m.entries();
    m.incr(keyAt(999) as never);
    expect([...it].length).toBe(20);
    expectThrow(() => m.forEach(3 as never), TypeError, /forEach needs a function/);
    m.dispose();
  });

  test('bad input throws and leaves the map unchanged', () => {
    const m = make();
    for (let i = 0; i < 10; i++) m.incr(keyAt(i) as never, i + 1);
    const before = sorted(m.entries() as Iterable<[string | number, number]>);
    const k = keyAt(1) as never;
    for (const by of [1.5, NaN, Infinity, MAX + 1]) expectThrow(() => m.incr(k, by), RangeError, /step must be a safe integer/);
    expectThrow(() => m.incr(k, '1' as never), TypeError, /step must be a number/);
    expectThrow(() => m.decr(k, 0.5), RangeError, /step must be a safe integer, got number 0.5/);
    expectThrow(() => m.set(k, -1), RangeError, /count must be a safe integer >= 0, got number -1/);
    expectThrow(() => m.set(k, 2.5), RangeError, /count must be a safe integer >= 0/);
    expectThrow(() => m.set(k, null as never), TypeError, /count must be a number/);
    m.set(k, MAX);
    expectThrow(() => m.incr(k), RangeError, new RegExp(`would pass Number.MAX_SAFE_INTEGER \\(${MAX} \\+ 1\\); the map is unchanged`));
    expect(m.get(k)).toBe(MAX);
    m.set(k, 2);
    if (name === 'SharedCounterMap') {
      for (const bad of [1, null, undefined, {}, Symbol('s')]) expectThrow(() => m.incr(bad as never), TypeError, /SharedCounterMap key must be a string/);
      expectThrow(() => m.get(5 as never), TypeError, /SharedCounterMap key must be a string, got number 5/);
      expectThrow(() => m.incr('é'.repeat(2049) as never), RangeError, /at most 4096 bytes of UTF-8, got one of 4098 bytes/);
      expectThrow(() => m.set('x'.repeat(5000) as never, 1), RangeError, /at most 4096 bytes/);
    } else {
      expectThrow(() => m.incr(1.5 as never), TypeError, /SharedIntCounterMap key must be an integer, got number 1.5/);
      expectThrow(() => m.incr(NaN as never), TypeError, /SharedIntCounterMap key must be a safe integer, got number NaN/);
      expectThrow(() => m.incr((MAX + 1) as never), RangeError, /SharedIntCounterMap key must be a safe integer \(\|key\| <= 2\^53 - 1\)/);
      expectThrow(() => m.delete('1' as never), TypeError, /SharedIntCounterMap key must be a safe integer, got string "1"/);
    }
    expect(sorted(m.entries() as Iterable<[string | number, number]>)).toEqual(before);
    m.dispose();
  });

  test('a second handle on the same thread sees and makes the same changes; clear() empties it for every handle', () => {
    const m = make();
    const Cls = (name === 'SharedCounterMap' ? SharedCounterMap : SharedIntCounterMap) as typeof SharedCounterMap;
    const h = structuredClone(m.handle);
    const o = Cls.open(h) as unknown as AnyShared;
    m.incr(keyAt(1) as never, 3);
    expect(o.get(keyAt(1) as never)).toBe(3);
    o.decr(keyAt(1) as never, 3);
    expect(m.has(keyAt(1) as never)).toBe(false);
    for (let i = 0; i < 1000; i++) o.incr(keyAt(i) as never);
    expect(m.size).toBe(1000);
    expect(m.stats().handles).toBe(2);
    m.clear();
    expect(o.size).toBe(0);
    expect([...o]).toEqual([]);
    expect(o.stats().capacity).toBe(64);
    o.incr(keyAt(5) as never, 2);
    expect(m.get(keyAt(5) as never)).toBe(2);
    o.dispose();
    expect(m.stats().handles).toBe(1);
    m.dispose();
  });

  test('dispose(): later calls throw; twice is fine', () => {
    const m = make();
    m.incr(keyAt(1) as never);
    m.dispose();
    m.dispose();
    expectThrow(() => m.incr(keyAt(1) as never), Error, /was disposed/);
    expectThrow(() => m.get(keyAt(1) as never), Error, /was disposed/);
    expectThrow(() => m.size, Error, /was disposed/);
    expectThrow(() => m.handle, Error, /was disposed/);
    expectThrow(() => [...m], Error, /was disposed/);
  });

  test('at most 64 handles at once; a disposed one frees its record', () => {
    const m = make();
    const Cls = (name === 'SharedCounterMap' ? SharedCounterMap : SharedIntCounterMap) as typeof SharedCounterMap;
    const more = Array.from({ length: 63 }, () => Cls.open(m.handle));
    expectThrow(() => Cls.open(m.handle), RangeError, /64 handles are open on this map already/);
    more.pop()!.dispose();
    more.push(Cls.open(m.handle));
    for (const o of more) o.dispose();
    m.dispose();
  });
});

describe('handles, options and memory', () => {
  test('open() refuses what is not a handle of its kind', () => {
    const s = new SharedCounterMap({ maxBytes: 2 ** 20 });
    const n = new SharedIntCounterMap({ maxBytes: 2 ** 20 });
    expectThrow(() => SharedCounterMap.open(null as never), TypeError, /needs the handle of a SharedCounterMap/);
    expectThrow(() => SharedCounterMap.open({} as never), TypeError, /needs the handle of a SharedCounterMap/);
    expectThrow(() => SharedCounterMap.open(n.handle), TypeError, /handle of a SharedIntCounterMap, not of a SharedCounterMap/);
    expectThrow(() => SharedIntCounterMap.open(s.handle), TypeError, /handle of a SharedCounterMap, not of a SharedIntCounterMap/);
    // A memory that was never laid out as a map.
    const fake = { ...s.handle, memory: new WebAssembly.Memory({ initial: 8, maximum: 16, shared: true }) };
    expectThrow(() => SharedCounterMap.open(fake), TypeError, /does not hold a SharedCounterMap/);
    s.dispose();
    n.dispose();
  });

  test('maxBytes is validated', () => {
    expectThrow(() => new SharedCounterMap({ maxBytes: 1000 }), RangeError, /maxBytes must be an integer from 1048576 \(1 MiB\) to 4294967296 \(4 GiB\), got number 1000/);
    expectThrow(() => new SharedCounterMap({ maxBytes: 2 ** 33 }), RangeError, /maxBytes must be an integer from/);
    expectThrow(() => new SharedIntCounterMap({ maxBytes: '1' as never }), TypeError, /maxBytes must be a number, got string "1"/);
    expectThrow(() => new SharedIntCounterMap(5 as never), TypeError, /options must be an object/);
    expectThrow(() => SharedIntCounterMap.open(null as never), TypeError, /needs the handle of a SharedIntCounterMap/);
    const n = new SharedIntCounterMap({ maxBytes: 2 ** 20 });
    const fake = { ...n.handle, memory: new WebAssembly.Memory({ initial: 8, maximum: 16, shared: true }) };
    expectThrow(() => SharedIntCounterMap.open(fake), TypeError, /does not hold a SharedIntCounterMap/);
    n.dispose();
  });

  test('maxBytes is enforced: a RangeError, every entry kept, existing keys still count', () => {
    for (const kind of ['string', 'int'] as const) {
      const m: AnyShared = kind === 'string' ? new SharedCounterMap({ maxBytes: 2 ** 20 }) : new SharedIntCounterMap({ maxBytes: 2 ** 20 });
      const key = (i: number) => (kind === 'string' ? `a key long enough for the arena ${i}` : i * 3);
      let added = 0;
      let err: unknown;
      try {
        for (; added < 1e6; added++) m.incr(key(added) as never, added + 1);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RangeError);
      expect((err as Error).message).toMatch(/needs more memory than its maxBytes of 1048576 \(or the engine refused it\) to add key .*; the map is unchanged/);
      expect(m.size).toBe(added);
      expect(m.has(key(added) as never)).toBe(false);
      for (let i = 0; i < added; i += 97) expect(m.get(key(i) as never)).toBe(i + 1);
      expect(m.incr(key(0) as never, 5)).toBe(6);
      expect(m.stats().memoryBytes).toBeLessThanOrEqual(2 ** 20);
      // Deleting makes room again (the next rebuild drops dead slots).
      for (let i = 0; i < added; i += 2) m.delete(key(i) as never);
      m.incr(key(added) as never);
      expect(m.get(key(added) as never)).toBe(1);
      m.dispose();
    }
  });

  test('a clear error where shared memory is not available (a page without cross-origin isolation)', () => {
    const g = globalThis as { crossOriginIsolated?: boolean };
    const had = Object.getOwnPropertyDescriptor(g, 'crossOriginIsolated');
    Object.defineProperty(g, 'crossOriginIsolated', { value: false, configurable: true });
    try {
      expectThrow(() => new SharedCounterMap(), Error, /needs SharedArrayBuffer and WebAssembly threads.*Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
    } finally {
      if (had) Object.defineProperty(g, 'crossOriginIsolated', had);
      else delete g.crossOriginIsolated;
    }
  });

  test('clear() keeps the memory (a shared memory cannot shrink) and reuses it', () => {
    const m = new SharedIntCounterMap({ maxBytes: 32 << 20 });
    for (let i = 0; i < 100_000; i++) m.incr(i);
    const grown = m.stats().memoryBytes;
    m.clear();
    expect(m.size).toBe(0);
    expect(m.stats().memoryBytes).toBe(grown);
    for (let i = 0; i < 100_000; i++) m.incr(i);
    expect(m.stats().memoryBytes).toBe(grown);
    expect(m.size).toBe(100_000);
    m.dispose();
  });
});
