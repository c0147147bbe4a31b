// dispose() / [Symbol.dispose](): frees the memory now; every later call
// throws an Error whose message says the map was disposed.
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap } from '../src/index.js';
import { expectThrow } from './helpers/expect.js';

const DISPOSED = /was disposed/;

type Call = [string, (m: CounterMap | IntCounterMap, key: unknown) => unknown];
const CALLS: Call[] = [
  ['get', (m, k) => (m.get as (k: unknown) => number)(k)],
  ['has', (m, k) => (m.has as (k: unknown) => boolean)(k)],
  ['incr', (m, k) => (m.incr as (k: unknown, by?: number) => number)(k)],
  ['incr 0', (m, k) => (m.incr as (k: unknown, by?: number) => number)(k, 0)],
  ['decr', (m, k) => (m.decr as (k: unknown, by?: number) => number)(k)],
  ['set', (m, k) => (m.set as (k: unknown, n: number) => unknown)(k, 3)],
  ['set 0', (m, k) => (m.set as (k: unknown, n: number) => unknown)(k, 0)],
  ['delete', (m, k) => (m.delete as (k: unknown) => boolean)(k)],
  ['size', (m) => m.size],
  ['clear', (m) => m.clear()],
  ['incrMany', (m, k) => (m.incrMany as (keys: unknown[], by?: number) => void)([k, k])],
  ['incrMany empty', (m) => (m.incrMany as (keys: unknown[], by?: number) => void)([])],
  ['[...entries()]', (m) => [...m.entries()]],
  ['[...keys()]', (m) => [...m.keys()]],
  ['[...values()]', (m) => [...m.values()]],
  ['[...map]', (m) => [...(m as Iterable<unknown>)]],
  ['forEach', (m) => m.forEach(() => {})],
  ['mostCommon()', (m) => m.mostCommon()],
  ['mostCommon(2)', (m) => m.mostCommon(2)],
  ['stats', (m) => m.stats()],
  ['toJSON', (m) => m.toJSON()],
  ['JSON.stringify', (m) => JSON.stringify(m)],
];

describe('after dispose every call throws "disposed"', () => {
  for (const [kind, make, key] of [
    ['CounterMap', () => new CounterMap(), 'a'],
    ['IntCounterMap', () => new IntCounterMap(), 1],
  ] as const) {
    for (const how of ['dispose()', '[Symbol.dispose]()'] as const) {
      for (const state of ['empty', 'filled', 'wide'] as const) {
        test(`${kind}, ${state}, ${how}`, () => {
          for (const [name, call] of CALLS) {
            const m = make();
            if (state !== 'empty') for (let i = 0; i < 3000; i++) (m.incr as (k: unknown) => number)(typeof key === 'string' ? `k${i}` : i);
            if (state === 'wide') (m.incr as (k: unknown, by: number) => number)(key, 2 ** 40);
            if (how === 'dispose()') m.dispose();
            else m[Symbol.dispose]();
            const e = expectThrow(() => call(m, key), Error, DISPOSED);
            expect(e.message, name).toMatch(/create a new map/);
          }
        });
      }
    }
  }

  test('dispose twice is harmless; the error names the class', () => {
    const m = new IntCounterMap();
    m.incr(1);
    m.dispose();
    m.dispose();
    m[Symbol.dispose]();
    expectThrow(() => m.get(1), Error, /^IntCounterMap was disposed/);
    const s = new CounterMap();
    s.dispose();
    expectThrow(() => s.get('a'), Error, /^CounterMap was disposed/);
  });

  test('disposed even with bad arguments: the disposed error wins over argument errors', () => {
    const m = new CounterMap();
    m.incr('a');
    m.dispose();
    expectThrow(() => m.incr(5 as never), Error, DISPOSED);
    expectThrow(() => m.incrMany(null as never), Error, DISPOSED);
    const n = new IntCounterMap();
    n.dispose();
    expectThrow(() => n.set('x' as never, -1), Error, DISPOSED);
  });

  test('disposing one map does not affect another', () => {
    const a = new CounterMap();
    const b = new CounterMap();
    a.incr('x');
    b.incr('x', 2);
    a.dispose();
    expect(b.get('x')).toBe(2);
    expect([...b]).toEqual([['x', 2]]);
  });

  test('entries(), keys(), values() and [Symbol.iterator]() throw when called, not only when stepped', () => {
    for (const m of [new CounterMap(), new IntCounterMap()]) {
      m.dispose();
      expectThrow(() => m.entries(), Error, DISPOSED);
      expectThrow(() => m.keys(), Error, DISPOSED);
      expectThrow(() => m.values(), Error, DISPOSED);
      expectThrow(() => (m as Iterable<unknown>)[Symbol.iterator](), Error, DISPOSED);
    }
  });
});
