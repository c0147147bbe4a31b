import { describe, expect, test } from 'vitest';
import { IntCounterMap } from '../src/index.js';
import { MAX_SAFE, SPECIAL_INTS, checkInvariants, compareToModel, Model, snapshot } from './helpers/model.js';

describe('IntCounterMap basics', () => {
  test('a new map is empty: get 0, has false, size 0, no entries', () => {
    const m = new IntCounterMap();
    expect(m.size).toBe(0);
    expect(m.get(1)).toBe(0);
    expect(m.has(1)).toBe(false);
    expect(m.delete(1)).toBe(false);
    expect([...m]).toEqual([]);
    expect(m.mostCommon()).toEqual([]);
    expect(m.toJSON()).toEqual([]);
    expect(m.stats().bytes).toBe(0);
  });

  test('incr counts up and returns the new count; default step is 1', () => {
    const m = new IntCounterMap();
    expect(m.incr(5)).toBe(1);
    expect(m.incr(5)).toBe(2);
    expect(m.incr(5, 10)).toBe(12);
    expect(m.get(5)).toBe(12);
    expect(m.has(5)).toBe(true);
    expect(m.size).toBe(1);
  });

  test('incr with a negative step subtracts; at 0 or below the key is deleted and 0 returned', () => {
    const m = new IntCounterMap();
    m.incr(1, 5);
    expect(m.incr(1, -2)).toBe(3);
    expect(m.incr(1, -3)).toBe(0);
    expect(m.has(1)).toBe(false);
    expect(m.size).toBe(0);
    m.incr(2, 5);
    expect(m.incr(2, -100)).toBe(0);
    expect(m.get(2)).toBe(0);
    expect(m.size).toBe(0);
    expect([...m]).toEqual([]);
  });

  test('incr of an absent key by <= 0 stores nothing', () => {
    const m = new IntCounterMap();
    expect(m.incr(7, 0)).toBe(0);
    expect(m.incr(7, -3)).toBe(0);
    expect(m.size).toBe(0);
    m.incr(1);
    expect(m.incr(7, 0)).toBe(0);
    expect(m.incr(7, -3)).toBe(0);
    expect(m.has(7)).toBe(false);
    expect(m.size).toBe(1);
    expect(m.incr(1, 0)).toBe(1);
  });

  test('decr is incr(key, -by), default 1', () => {
    const m = new IntCounterMap();
    m.incr(3, 10);
    expect(m.decr(3)).toBe(9);
    expect(m.decr(3, 4)).toBe(5);
    expect(m.decr(3, -5)).toBe(10);
    expect(m.decr(3, 10)).toBe(0);
    expect(m.has(3)).toBe(false);
    expect(m.decr(3)).toBe(0);
    expect(m.size).toBe(0);
  });

  test('set stores the count, returns this, and set(k, 0) deletes', () => {
    const m = new IntCounterMap();
    expect(m.set(1, 4)).toBe(m);
    expect(m.set(2, 9).set(3, 1)).toBe(m);
    expect(m.get(1)).toBe(4);
    m.set(1, 2);
    expect(m.get(1)).toBe(2);
    m.set(1, 0);
    expect(m.has(1)).toBe(false);
    m.set(99, 0);
    expect(m.has(99)).toBe(false);
    expect(snapshot(m)).toEqual([
      [2, 9],
      [3, 1],
    ]);
  });

  test('delete returns whether the key was present', () => {
    const m = new IntCounterMap();
    m.incr(1, 3);
    expect(m.delete(1)).toBe(true);
    expect(m.delete(1)).toBe(false);
    expect(m.get(1)).toBe(0);
  });

  test('clear empties the map, frees its memory, and the map stays usable', () => {
    const m = new IntCounterMap();
    for (let i = 0; i < 1000; i++) m.incr(i, i + 1);
    expect(m.stats().bytes).toBeGreaterThan(0);
    m.clear();
    expect(m.size).toBe(0);
    expect(m.get(5)).toBe(0);
    expect([...m]).toEqual([]);
    // Slots and keys freed: only the map's 64-byte header stays in its pool.
    expect(m.stats().bytes).toBe(64);
    expect(m.stats().capacity).toBe(0);
    m.incr(5);
    expect(snapshot(m)).toEqual([[5, 1]]);
    m.clear();
    m.clear();
    expect(m.size).toBe(0);
  });

  test('-0 and 0 are the same key (like Map); entries report 0', () => {
    const m = new IntCounterMap();
    m.incr(-0);
    m.incr(0);
    expect(m.get(0)).toBe(2);
    expect(m.get(-0)).toBe(2);
    expect(m.has(-0)).toBe(true);
    expect(m.size).toBe(1);
    const [[k, v]] = [...m] as [[number, number]];
    expect(Object.is(k, 0)).toBe(true);
    expect(v).toBe(2);
    expect(m.delete(-0)).toBe(true);
    expect(m.size).toBe(0);
    m.set(-0, 3);
    expect(m.get(0)).toBe(3);
    expect(Object.is(m.mostCommon()[0]![0], 0)).toBe(true);
  });

  test('every special key (i32/u32 boundaries, ±(2^53-1)) is its own key, together and after a rebuild', () => {
    const m = new IntCounterMap();
    const model = new Model<number>();
    SPECIAL_INTS.forEach((k, i) => {
      m.incr(k, i + 1);
      model.incr(k, i + 1);
      expect(m.get(k)).toBe(i + 1);
    });
    compareToModel(m, model);
    // Neighbours of each special key are absent.
    for (const k of SPECIAL_INTS) {
      for (const d of [-1, 1]) {
        const n = k + d;
        if (Number.isSafeInteger(n) && !SPECIAL_INTS.includes(n)) expect(m.get(n)).toBe(0);
      }
    }
    for (let i = 0; i < 5000; i++) {
      m.incr(i * 7919 + 3);
      model.incr(i * 7919 + 3, 1);
    }
    compareToModel(m, model, { probes: SPECIAL_INTS });
    for (const k of SPECIAL_INTS) {
      m.delete(k);
      model.delete(k);
    }
    compareToModel(m, model, { probes: SPECIAL_INTS });
  });

  test('negative keys and keys near the i32 boundaries', () => {
    const m = new IntCounterMap();
    for (let k = -(2 ** 31) - 50; k < -(2 ** 31) + 50; k++) m.incr(k, 2);
    for (let k = 2 ** 31 - 50; k < 2 ** 31 + 50; k++) m.incr(k, 3);
    for (let k = -50; k < 50; k++) m.incr(k, 4);
    expect(m.size).toBe(300);
    expect(m.get(-(2 ** 31))).toBe(2);
    expect(m.get(-(2 ** 31) - 1)).toBe(2);
    expect(m.get(2 ** 31 - 1)).toBe(3);
    expect(m.get(2 ** 31)).toBe(3);
    expect(m.get(-1)).toBe(4);
    checkInvariants(m);
  });

  test('keys near ±(2^53-1) are exact (no rounding collisions)', () => {
    const m = new IntCounterMap();
    const keys: number[] = [];
    for (let d = 0; d < 20; d++) keys.push(MAX_SAFE - d, -MAX_SAFE + d);
    keys.forEach((k, i) => m.set(k, i + 1));
    expect(m.size).toBe(keys.length);
    keys.forEach((k, i) => expect(m.get(k)).toBe(i + 1));
    const back = new Map(m.entries());
    keys.forEach((k, i) => expect(back.get(k)).toBe(i + 1));
  });

  test('counts up to Number.MAX_SAFE_INTEGER are exact', () => {
    const m = new IntCounterMap();
    m.set(1, MAX_SAFE - 1);
    expect(m.incr(1)).toBe(MAX_SAFE);
    expect(m.get(1)).toBe(MAX_SAFE);
    expect(m.incr(2, MAX_SAFE)).toBe(MAX_SAFE);
    expect(m.decr(2, MAX_SAFE - 1)).toBe(1);
    expect(m.mostCommon(1)).toEqual([[1, MAX_SAFE]]);
  });

  test('from(iterable of keys) counts them', () => {
    const m = IntCounterMap.from([1, 2, 2, 3, 3, 3, -0, 0]);
    expect(snapshot(m)).toEqual([
      [0, 2],
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    const g = IntCounterMap.from(
      (function* () {
        for (let i = 0; i < 10; i++) yield i % 3;
      })(),
    );
    expect(snapshot(g)).toEqual([
      [0, 4],
      [1, 3],
      [2, 3],
    ]);
    expect(IntCounterMap.from(new Set([5, 6])).size).toBe(2);
  });

  test('from([key, count] pairs) adds counts; from a Map drops count-0 entries', () => {
    const m = IntCounterMap.from([
      [1, 5],
      [2, 0],
      [1, 2],
      [3, 1],
    ] as Array<[number, number]>);
    expect(snapshot(m)).toEqual([
      [1, 7],
      [3, 1],
    ]);
    const src = new Map([
      [10, 3],
      [11, 0],
      [12, 1],
    ]);
    const fromMap = IntCounterMap.from(src);
    expect(snapshot(fromMap)).toEqual([
      [10, 3],
      [12, 1],
    ]);
    expect(fromMap.has(11)).toBe(false);
    expect(fromMap.size).toBe(2);
    checkInvariants(fromMap);
  });

  test('from accepts options', () => {
    const m = IntCounterMap.from([1, 2], { initialCapacity: 5000 });
    expect(m.stats().capacity).toBeGreaterThanOrEqual(5000);
  });

  test('toJSON gives [key, count] pairs and round-trips through JSON and from()', () => {
    const m = new IntCounterMap();
    for (const k of SPECIAL_INTS) m.incr(k, 3);
    const json = JSON.stringify(m);
    const back = IntCounterMap.from(JSON.parse(json) as Array<[number, number]>);
    expect(snapshot(back)).toEqual(snapshot(m));
    expect(m.toJSON().length).toBe(m.size);
  });

  test('Symbol.iterator yields entries; keys() and values() match', () => {
    const m = new IntCounterMap();
    for (let i = 1; i <= 50; i++) m.set(i, i * 2);
    const e = [...m];
    expect(e).toEqual([...m.entries()]);
    expect([...m.keys()]).toEqual(e.map((x) => x[0]));
    expect([...m.values()]).toEqual(e.map((x) => x[1]));
  });

  test('two maps are independent', () => {
    const a = new IntCounterMap();
    const b = new IntCounterMap();
    for (let i = 0; i < 3000; i++) a.incr(i);
    b.incr(1, 5);
    expect(b.size).toBe(1);
    expect(a.get(1)).toBe(1);
    expect(b.get(2)).toBe(0);
    a.clear();
    expect(b.get(1)).toBe(5);
  });

  test('initialCapacity: counting that many keys does not rebuild the table', () => {
    for (const n of [1, 14, 15, 100, 1000, 12345]) {
      const m = new IntCounterMap({ initialCapacity: n });
      for (let i = 0; i < n; i++) m.incr(i * 31 - 7);
      const st = m.stats();
      expect(st.size).toBe(n);
      expect(st.rebuilds, `initialCapacity ${n}`).toBe(1); // the creation only
      expect(st.capacity).toBeGreaterThanOrEqual(n);
    }
  });
});
