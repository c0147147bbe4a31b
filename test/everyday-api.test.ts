// total(), prune(minCount), clone(), and what structuredClone/postMessage say.
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap } from '../src/index.js';

const sum = (m: CounterMap | IntCounterMap): number => {
  let t = 0;
  for (const [, v] of m) t += v;
  return t;
};

describe('total()', () => {
  test('is the sum of the counts through every kind of change', () => {
    const m = new CounterMap();
    expect(m.total()).toBe(0);
    m.incr('a', 3);
    m.incr('a long key, past eight bytes', 4);
    m.set('b', 10);
    m.decr('a');
    expect(m.total()).toBe(16);
    m.set('b', 2);
    expect(m.total()).toBe(8);
    m.delete('a');
    expect(m.total()).toBe(6);
    m.incrMany(['x', 'y', 'x', 'a long key, past eight bytes'], 2);
    expect(m.total()).toBe(14);
    m.decr('x', 100); // deleted: only its count leaves the total
    expect(m.total()).toBe(10);
    m.countTokens(new TextEncoder().encode('the cat the hat '));
    expect(m.total()).toBe(14);
    expect(m.total()).toBe(sum(m));
    m.clear();
    expect(m.total()).toBe(0);
  });

  test('survives widening, growth, the move to an own instance and back', () => {
    const m = new IntCounterMap();
    for (let i = 0; i < 1000; i++) m.incr(i, 2);
    m.set(7, 2 ** 40); // widens the slots
    expect(m.stats().layout).toBe('int64');
    for (let i = 0; i < 200_000; i++) m.incr(i); // past 1 MiB: its own instance
    expect(m.stats().memory).toBe('own');
    expect(m.total()).toBe(sum(m));
    for (let i = 1000; i < 200_000; i++) m.delete(i); // back into a pool
    expect(m.stats().memory).toBe('shared');
    expect(m.total()).toBe(sum(m));
    expect(m.total()).toBe(2 ** 40 + 999 * 3 + 1);
  });

  test('merge, snapshots and clone carry it', () => {
    const a = new CounterMap();
    const b = new CounterMap();
    a.incrMany(['p', 'q', 'q']);
    b.incrMany(['q', 'r', 'r', 'r']);
    a.merge(b, 2);
    expect(a.total()).toBe(3 + 8);
    a.merge(b, -1);
    expect(a.total()).toBe(sum(a));
    expect(CounterMap.fromSnapshot(a.snapshot()).total()).toBe(a.total());
    expect(a.clone().total()).toBe(a.total());
  });

  test('past 2^63 it is still right (a walk), and exact again once the map empties', () => {
    const m = new IntCounterMap();
    for (let i = 0; i < 2000; i++) m.set(i, Number.MAX_SAFE_INTEGER);
    expect(m.total()).toBe(2000 * Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < 1990; i++) m.delete(i);
    expect(m.total()).toBe(10 * Number.MAX_SAFE_INTEGER);
    for (let i = 1990; i < 2000; i++) m.delete(i);
    expect(m.total()).toBe(0);
    m.incr(1, 5);
    expect(m.total()).toBe(5);
  });

  test('a disposed map throws', () => {
    const m = new CounterMap();
    m.dispose();
    expect(() => m.total()).toThrow(/disposed/);
  });
});

describe('prune(minCount)', () => {
  test('deletes the keys below minCount and says how many', () => {
    const m = new CounterMap();
    const words = 'a b b c c c d d d d a-key-longer-than-8 a-key-longer-than-8'.split(' ');
    m.incrMany(words);
    expect(m.prune(3)).toBe(3); // a, b, the long key
    expect([...m].sort()).toEqual([['c', 3], ['d', 4]]);
    expect(m.total()).toBe(7);
    expect(m.prune(1)).toBe(0);
    expect(m.prune(-5)).toBe(0);
    expect(m.prune(100)).toBe(2);
    expect(m.size).toBe(0);
    expect(m.total()).toBe(0);
    expect(new CounterMap().prune(10)).toBe(0);
  });

  test('a table left mostly empty shrinks, and erased long keys are compacted', () => {
    const m = new IntCounterMap();
    for (let i = 0; i < 100_000; i++) m.incr(i, i % 100 === 0 ? 5 : 1);
    const before = m.stats().bytes;
    expect(m.prune(2)).toBe(99_000);
    expect(m.size).toBe(1000);
    expect(m.stats().bytes).toBeLessThan(before / 10);
    for (let i = 0; i < 100_000; i += 100) expect(m.get(i)).toBe(5);

    const s = new CounterMap();
    for (let i = 0; i < 20_000; i++) s.incr(`a key longer than eight bytes ${i}`, i < 10 ? 3 : 1);
    expect(s.prune(2)).toBe(19_990);
    expect(s.stats().garbageBytes).toBeLessThan(4096);
    expect(s.get('a key longer than eight bytes 3')).toBe(3);
    s.incr('a key longer than eight bytes 3');
    expect(s.get('a key longer than eight bytes 3')).toBe(4);
  });

  test('bad minCount: a clear error, the map unchanged', () => {
    const m = new CounterMap();
    m.incr('a');
    for (const bad of ['2', null, undefined, {}, 2n]) expect(() => m.prune(bad as never)).toThrow(TypeError);
    for (const bad of [1.5, NaN, Infinity, 2 ** 53]) expect(() => m.prune(bad)).toThrow(RangeError);
    expect(() => m.prune(1.5)).toThrow(/minCount must be a safe integer, got number 1.5/);
    expect([...m]).toEqual([['a', 1]]);
  });
});

describe('clone()', () => {
  test('an independent copy with the same options', () => {
    const m = new CounterMap({ maxBytes: 1 << 20 });
    m.incrMany(['x', 'y', 'y', 'a key longer than eight bytes']);
    const c = m.clone();
    expect(c).toBeInstanceOf(CounterMap);
    expect([...c].sort()).toEqual([...m].sort());
    expect(c.stats().maxBytes).toBe(1 << 20);
    c.incr('x');
    m.delete('y');
    expect(c.get('x')).toBe(2);
    expect(m.get('x')).toBe(1);
    expect(c.get('y')).toBe(2);
    m.dispose();
    expect(c.get('a key longer than eight bytes')).toBe(1);
  });

  test('of an empty map, of an own-instance map, of an int map', () => {
    expect(new CounterMap().clone().size).toBe(0);
    const big = new IntCounterMap();
    for (let i = 0; i < 150_000; i++) big.incr(i * 7, 1 + (i % 3));
    expect(big.stats().memory).toBe('own');
    const c = big.clone();
    expect(c.size).toBe(big.size);
    expect(c.total()).toBe(big.total());
    for (let i = 0; i < 150_000; i += 997) expect(c.get(i * 7)).toBe(1 + (i % 3));
  });
});

describe('structuredClone and postMessage', () => {
  const SAYS = /tophash map: send map\.snapshot\(\) and rebuild it with fromSnapshot\(bytes\)/;

  test('fail with a message that points to snapshot(), empty or not, with options or not', () => {
    for (const m of [new CounterMap(), new IntCounterMap({ maxBytes: 1 << 20 })]) {
      expect(() => structuredClone(m)).toThrow(SAYS);
      (m.incr as (k: unknown) => number)(m instanceof CounterMap ? 'a' : 1);
      expect(() => structuredClone(m)).toThrow(SAYS);
    }
  });

  test('postMessage to a port', () => {
    const { port1, port2 } = new MessageChannel();
    try {
      const m = new CounterMap();
      m.incr('a');
      expect(() => port1.postMessage(m)).toThrow(SAYS);
      // What the message says to do works.
      expect(() => port1.postMessage(m.snapshot())).not.toThrow();
    } finally {
      port1.close();
      port2.close();
    }
  });
});
