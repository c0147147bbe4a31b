// Slots start narrow (int32 / str32: i32 key or arena address, u32 count) and
// widen by a rebuild (int64 / str64) on the first key outside i32 or count
// past 2^32 - 1. Every entry must survive, by every path that can trigger it.
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap } from '../src/index.js';
import { MAX_SAFE, Model, compareToModel, longString } from './helpers/model.js';

const U32 = 2 ** 32 - 1;

function fillInts(m: IntCounterMap, model: Model<number>, n: number): void {
  for (let i = 0; i < n; i++) {
    const k = (i * 2654435761) % 2 ** 31 - 2 ** 30;
    m.incr(k, (i % 7) + 1);
    model.incr(k, (i % 7) + 1);
  }
}

function fillStrings(m: CounterMap, model: Model<string>, n: number): void {
  for (let i = 0; i < n; i++) {
    const k = `s${i}${i % 3 === 0 ? '日' : ''}`;
    m.incr(k, (i % 7) + 1);
    model.incr(k, (i % 7) + 1);
  }
}

describe('IntCounterMap widening', () => {
  test('starts int32; keys at the i32 limits stay int32', () => {
    const m = new IntCounterMap();
    m.incr(2 ** 31 - 1);
    m.incr(-(2 ** 31));
    m.set(0, U32);
    expect(m.stats().layout).toBe('int32');
    expect(m.get(0)).toBe(U32);
  });

  for (const key of [2 ** 31, -(2 ** 31) - 1, 2 ** 32, MAX_SAFE, -MAX_SAFE]) {
    for (const how of ['incr', 'set', 'incrMany', 'incrMany(Uint32Array)'] as const) {
      if (how === 'incrMany(Uint32Array)' && (key < 0 || key > U32)) continue;
      test(`key ${key} by ${how} widens to int64 and keeps every entry`, () => {
        const m = new IntCounterMap();
        const model = new Model<number>();
        fillInts(m, model, 3000);
        expect(m.stats().layout).toBe('int32');
        const before = m.stats().rebuilds;
        if (how === 'incr') m.incr(key, 3);
        else if (how === 'set') m.set(key, 3);
        else if (how === 'incrMany') m.incrMany([1, 2, key, 4, 5, key, key], 1);
        else m.incrMany(new Uint32Array([1, 2, key, 4, 5, key, key]), 1);
        if (how === 'incr' || how === 'set') model.incr(key, 3);
        else model.incrMany([1, 2, key, 4, 5, key, key], 1);
        const st = m.stats();
        expect(st.layout).toBe('int64');
        expect(st.rebuilds).toBeGreaterThan(before);
        expect(m.get(key)).toBe(3);
        compareToModel(m, model, { probes: [key, 2 ** 31 - 1, -(2 ** 31)] });
      });
    }
  }

  test('a wide key in a decrement, delete, get or set(k, 0) on a narrow map does not widen', () => {
    const m = new IntCounterMap();
    m.incr(1);
    expect(m.get(2 ** 40)).toBe(0);
    expect(m.has(2 ** 40)).toBe(false);
    expect(m.delete(2 ** 40)).toBe(false);
    expect(m.decr(2 ** 40)).toBe(0);
    expect(m.incr(2 ** 40, 0)).toBe(0);
    m.set(-(2 ** 40), 0);
    m.incrMany([2 ** 40, -(2 ** 40)], -1);
    expect(m.stats().layout).toBe('int32');
    expect([...m]).toEqual([[1, 1]]);
  });

  for (const how of ['incr', 'set', 'incrMany', 'incrMany new key'] as const) {
    test(`a count past 2^32 - 1 by ${how} widens to int64 and keeps every entry`, () => {
      const m = new IntCounterMap();
      const model = new Model<number>();
      fillInts(m, model, 2500);
      m.set(77, U32);
      model.set(77, U32);
      expect(m.stats().layout).toBe('int32');
      if (how === 'incr') {
        expect(m.incr(77)).toBe(U32 + 1);
        model.incr(77, 1);
      } else if (how === 'set') {
        m.set(77, U32 + 10);
        model.set(77, U32 + 10);
      } else if (how === 'incrMany') {
        m.incrMany([5, 77, 6], 1);
        model.incrMany([5, 77, 6], 1);
      } else {
        m.incrMany(new Int32Array([5, 123456, 6]), U32 + 1);
        model.incrMany([5, 123456, 6], U32 + 1);
      }
      expect(m.stats().layout).toBe('int64');
      compareToModel(m, model, { probes: [77, 123456] });
      // Counts above u32 keep working in the wide layout.
      expect(m.incr(77, 2 ** 40)).toBe(model.get(77) + 2 ** 40);
    });
  }

  test('widened maps keep working: growth, deletion, shrink, stay int64', () => {
    const m = new IntCounterMap();
    const model = new Model<number>();
    m.incr(2 ** 40);
    model.incr(2 ** 40, 1);
    expect(m.stats().layout).toBe('int64');
    for (let i = 0; i < 30000; i++) {
      const k = i % 2 ? 2 ** 33 + i : -i;
      m.incr(k, 2);
      model.incr(k, 2);
    }
    compareToModel(m, model);
    for (let i = 0; i < 30000; i++) {
      if (i % 50 === 0) continue;
      const k = i % 2 ? 2 ** 33 + i : -i;
      m.delete(k);
      model.delete(k);
    }
    expect(m.stats().layout).toBe('int64');
    compareToModel(m, model);
  });

  test('clear() returns to the narrow layout', () => {
    const m = new IntCounterMap();
    m.incr(2 ** 40);
    expect(m.stats().layout).toBe('int64');
    m.clear();
    m.incr(1);
    expect(m.stats().layout).toBe('int32');
  });
});

describe('CounterMap widening', () => {
  test('starts str32; a count of 2^32 - 1 stays str32', () => {
    const m = new CounterMap();
    m.set('a', U32);
    expect(m.stats().layout).toBe('str32');
  });

  for (const how of ['incr', 'set', 'incr new key', 'incrMany', 'incrMany new key', 'long key'] as const) {
    test(`a count past 2^32 - 1 by ${how} widens to str64 and keeps every entry`, () => {
      const m = new CounterMap();
      const model = new Model<string>();
      fillStrings(m, model, 3000);
      const long = longString(30000, 7);
      m.set(long, 5);
      model.set(long, 5);
      m.set('hot', U32);
      model.set('hot', U32);
      expect(m.stats().layout).toBe('str32');
      const before = m.stats().rebuilds;
      if (how === 'incr') {
        expect(m.incr('hot')).toBe(U32 + 1);
        model.incr('hot', 1);
      } else if (how === 'set') {
        m.set('hot', MAX_SAFE);
        model.set('hot', MAX_SAFE);
      } else if (how === 'incr new key') {
        expect(m.incr('brand new', U32 + 1)).toBe(U32 + 1);
        model.incr('brand new', U32 + 1);
      } else if (how === 'incrMany') {
        m.incrMany(['x', 'hot', 'y'], 2);
        model.incrMany(['x', 'hot', 'y'], 2);
      } else if (how === 'incrMany new key') {
        m.incrMany(['x', 'fresh', 'y'], 2 ** 33);
        model.incrMany(['x', 'fresh', 'y'], 2 ** 33);
      } else {
        m.incr(long, U32);
        model.incr(long, U32);
      }
      const st = m.stats();
      expect(st.layout).toBe('str64');
      expect(st.rebuilds).toBeGreaterThan(before);
      compareToModel(m, model, { probes: ['hot', long, 'brand new', 'fresh'] });
    });
  }

  test('a widened string map keeps growing and shrinking with big counts', () => {
    const m = new CounterMap();
    const model = new Model<string>();
    m.set('seed', 2 ** 40);
    model.set('seed', 2 ** 40);
    for (let i = 0; i < 20000; i++) {
      m.incr(`k${i}`, 2 ** 33 + i);
      model.incr(`k${i}`, 2 ** 33 + i);
    }
    for (let i = 0; i < 19900; i++) {
      m.decr(`k${i}`, 2 ** 33 + i);
      model.incr(`k${i}`, -(2 ** 33 + i));
    }
    expect(m.stats().layout).toBe('str64');
    compareToModel(m, model, { mostCommonN: 5 });
  });
});
