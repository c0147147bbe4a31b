// IntCounterMap#incrMany counts keys found in the table in the core's batch
// loop and adds their steps to the running total once per call
// (assembly/ops.ts incrBatch): total(), the counts and the failure paths
// must be exactly those of incr() one key at a time.
import { describe, expect, test } from 'vitest';
import { IntCounterMap } from '../src/index.js';
import { MAX_SAFE, Model, Rng, compareToModel, snapshot } from './helpers/model.js';

function hotKeys(r: Rng, n: number, ids: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(ids[r.int(ids.length)]!);
  return out;
}

describe('incrMany total and counts on a hot table', () => {
  test('every key kind and step, model-checked, total() exact after each batch', () => {
    const r = new Rng(31);
    const ids = Array.from({ length: 1000 }, () => r.int(2 ** 30) - 2 ** 29);
    const m = new IntCounterMap();
    const model = new Model<number>();
    for (let round = 0; round < 40; round++) {
      const keys = hotKeys(r, 1 + r.int(20000), ids);
      const by = [1, 3, -1, -2, 1000, 2 ** 31][r.int(6)]!;
      const kind = round % 4;
      const batch = kind === 0 ? keys : kind === 1 ? Int32Array.from(keys) : kind === 2 ? Float64Array.from(keys) : Uint32Array.from(keys.map((k) => k & 0x7fffffff));
      m.incrMany(batch, by);
      for (const k of batch) model.incr(k, by);
      expect(m.total()).toBe(model.total());
      expect(m.size).toBe(model.size);
    }
    compareToModel(m, model);
  });

  test('steps of 2^50 and more: the total stays exact up to MAX_SAFE', () => {
    const m = new IntCounterMap();
    const model = new Model<number>();
    const keys = new Int32Array(6000);
    for (let i = 0; i < keys.length; i++) keys[i] = i % 3;
    m.incrMany(new Int32Array([0, 1, 2]));
    for (const k of [0, 1, 2]) model.incr(k, 1);
    // 2,000 hits a key at 2^40 each: 2^51 per key.
    m.incrMany(keys, 2 ** 40);
    for (const k of keys) model.incr(k, 2 ** 40);
    expect(m.total()).toBe(model.total());
    expect(m.total()).toBe(3 + 6000 * 2 ** 40);
    compareToModel(m, model);
    const big = new IntCounterMap();
    big.incrMany(new Int32Array([7, 8]), 2 ** 50);
    big.incrMany(new Int32Array([7, 7, 8]), 2 ** 50);
    expect(big.get(7)).toBe(3 * 2 ** 50);
    expect(big.get(8)).toBe(2 * 2 ** 50);
    expect(big.total()).toBe(5 * 2 ** 50);
  });

  test('a batch that overflows part way through leaves counts and total() as they were', () => {
    const m = new IntCounterMap();
    const keys = new Int32Array(9000);
    for (let i = 0; i < keys.length; i++) keys[i] = i % 500;
    m.incrMany(keys);
    m.set(499, MAX_SAFE - 5);
    const before = snapshot(m);
    const total = m.total();
    // Key 499 comes last in each run of 500: many hits are counted before it overflows.
    expect(() => m.incrMany(keys, 2)).toThrow(RangeError);
    expect(snapshot(m)).toEqual(before);
    expect(m.total()).toBe(total);
  });

  test('a Float64Array with a bad key after thousands of hits: TypeError naming its index, nothing changed', () => {
    const m = new IntCounterMap();
    const keys = new Float64Array(12000);
    for (let i = 0; i < keys.length; i++) keys[i] = i % 700;
    m.incrMany(keys);
    const before = snapshot(m);
    const total = m.total();
    keys[11000] = 0.5;
    expect(() => m.incrMany(keys)).toThrow(/11000/);
    expect(snapshot(m)).toEqual(before);
    expect(m.total()).toBe(total);
  });

  test('counts past 2^32 - 1 widen mid-batch; decrements to 0 delete mid-batch', () => {
    const m = new IntCounterMap();
    const model = new Model<number>();
    const keys = new Int32Array(5000);
    for (let i = 0; i < keys.length; i++) keys[i] = i % 50;
    m.incrMany(keys, 2 ** 28);
    for (const k of keys) model.incr(k, 2 ** 28);
    expect(m.stats().layout).toBe('int64');
    expect(m.total()).toBe(model.total());
    m.incrMany(keys, -(2 ** 28));
    for (const k of keys) model.incr(k, -(2 ** 28));
    expect(m.size).toBe(0);
    expect(m.total()).toBe(0);
    compareToModel(m, model);
  });
});
