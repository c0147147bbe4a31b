// Many maps in one process: tables share pool instances (src/table/pools.ts), big
// ones move into an instance of their own and back. Any write through a
// stale header, a freed block or a detached view would land in another map's
// memory, so the checks compare every map with its own model, not only the
// map that was operated on.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap, memoryStats } from '../src/index.js';
import { Model, Rng, compareToModel, type AnyMap } from './helpers/model.js';

type Entry = { map: AnyMap; model: Model<string | number>; kind: 'int' | 'str' };

function keyOf(kind: 'int' | 'str', r: Rng, space: number): string | number {
  const i = r.int(space);
  return kind === 'int' ? (r.chance(0.1) ? i * 2 ** 33 - 7 : i * 7 - 100) : r.chance(0.05) ? `long-${i}-${'é'.repeat(40)}` : `w${i}`;
}

function incr(e: Entry, k: string | number, by: number): void {
  const got = (e.map.incr as (k: unknown, by: number) => number)(k, by);
  const want = e.model.incr(k, by);
  if (got !== want) throw new Error(`incr(${String(k)}, ${by}) gave ${got}, model ${String(want)}`);
}

function checkAll(all: Entry[]): void {
  for (const e of all) compareToModel(e.map, e.model, { mostCommon: false });
}

describe('many maps sharing memory', () => {
  test('model: random operations over 1,000 live maps of both kinds, every map compared after each batch', () => {
    const r = new Rng(8);
    const all: Entry[] = [];
    for (let i = 0; i < 1000; i++) {
      const kind = i % 2 ? 'int' : 'str';
      all.push({ map: kind === 'int' ? new IntCounterMap() : new CounterMap(), model: new Model(), kind });
    }
    for (let batch = 0; batch < 12; batch++) {
      for (let step = 0; step < 20000; step++) {
        const e = all[r.int(all.length)]!;
        // A few maps get many keys (and grow far); most stay small.
        const space = all.indexOf(e) % 100 === 0 ? 4000 : 40;
        const k = keyOf(e.kind, r, space);
        const op = r.int(10);
        if (op < 6) incr(e, k, r.range(1, 3));
        else if (op < 8) incr(e, k, -r.range(1, 3));
        else if (op === 8) {
          const n = r.chance(0.3) ? 0 : r.range(1, 9);
          (e.map.set as (k: unknown, n: number) => unknown)(k, n);
          e.model.set(k, n);
        } else {
          expect((e.map.delete as (k: unknown) => boolean)(k)).toBe(e.model.delete(k));
        }
      }
      // Now and then a map is cleared, or disposed and replaced by a new one.
      for (let j = 0; j < 10; j++) {
        const i = r.int(all.length);
        const e = all[i]!;
        if (r.chance(0.5)) {
          e.map.clear();
          e.model.clear();
        } else {
          e.map.dispose();
          all[i] = { map: e.kind === 'int' ? new IntCounterMap() : new CounterMap(), model: new Model(), kind: e.kind };
        }
      }
      checkAll(all);
    }
    expect(memoryStats().pools).toBeGreaterThanOrEqual(1);
  });

  test('a map grows out of its pool into its own instance and shrinks back, while its neighbours keep their counts', () => {
    const r = new Rng(3);
    const neighbours: Entry[] = [];
    for (let i = 0; i < 200; i++) {
      const e: Entry = { map: i % 2 ? new IntCounterMap() : new CounterMap(), model: new Model(), kind: i % 2 ? 'int' : 'str' };
      for (let j = 0; j < 25; j++) incr(e, keyOf(e.kind, r, 100), r.range(1, 5));
      neighbours.push(e);
    }
    for (const kind of ['int', 'str'] as const) {
      const big: Entry = { map: kind === 'int' ? new IntCounterMap() : new CounterMap(), model: new Model(), kind };
      const n = kind === 'int' ? 200_000 : 80_000;
      const key = (i: number) => (kind === 'int' ? i * 3 : `key-${i}`);
      for (let i = 0; i < n; i++) {
        incr(big, key(i), 2);
        // Neighbours keep changing while the big map moves.
        if (i % 997 === 0) {
          const e = neighbours[r.int(neighbours.length)]!;
          incr(e, keyOf(e.kind, r, 100), 1);
        }
      }
      expect(big.map.stats().memory).toBe('own');
      checkAll(neighbours);
      compareToModel(big.map, big.model, { mostCommon: false });
      for (let i = 0; i < n - 500; i++) incr(big, key(i), -2);
      expect(big.map.size).toBe(500);
      expect(big.map.stats().memory).toBe('shared');
      compareToModel(big.map, big.model, { mostCommon: false });
      checkAll(neighbours);
      // And out again, by a batch, then emptied by a batch.
      const keys = Array.from({ length: n }, (_, i) => key(i));
      (big.map.incrMany as (k: unknown[], by: number) => void)(keys, 1);
      big.model.incrMany(keys, 1);
      expect(big.map.stats().memory).toBe('own');
      (big.map.incrMany as (k: unknown[], by: number) => void)(keys, -10);
      big.model.incrMany(keys, -10);
      expect(big.map.size).toBe(0);
      expect(big.map.stats().memory).toBe('shared');
      checkAll(neighbours);
    }
  });

  test('disposing or clearing one map never touches another; a stale reference throws "disposed", never reads the map that reused its memory', () => {
    const a = new CounterMap();
    const b = new CounterMap();
    for (let i = 0; i < 30; i++) {
      a.incr(`a${i}`, i + 1);
      b.incr(`b${i}`, i + 1);
    }
    a.dispose();
    expect(() => a.get('a1')).toThrow(/disposed/);
    expect(() => a.incr('a1')).toThrow(/disposed/);
    expect(() => [...a]).toThrow(/disposed/);
    // New maps take the freed blocks; a's reference must not reach them.
    const fresh: CounterMap[] = [];
    for (let i = 0; i < 50; i++) {
      const m = new CounterMap();
      for (let j = 0; j < 30; j++) m.incr(`a${j}`, 1000 + j);
      fresh.push(m);
    }
    expect(() => a.get('a1')).toThrow(/disposed/);
    expect(() => a.stats()).toThrow(/disposed/);
    for (let i = 0; i < 30; i++) expect(b.get(`b${i}`)).toBe(i + 1);
    b.clear();
    for (const m of fresh) for (let j = 0; j < 30; j++) expect(m.get(`a${j}`)).toBe(1000 + j);
    // An own-instance map disposed: its neighbours are intact too.
    const big = new IntCounterMap();
    const keys = new Int32Array(200_000).map((_, i) => i);
    big.incrMany(keys);
    expect(big.stats().memory).toBe('own');
    big.dispose();
    expect(() => big.size).toThrow(/disposed/);
    for (const m of fresh) for (let j = 0; j < 30; j++) expect(m.get(`a${j}`)).toBe(1000 + j);
  });

  test('the shared memory grows (its ArrayBuffer detached) between two steps of another map\'s walk, and of a batch', () => {
    const a = new CounterMap();
    for (let i = 0; i < 5000; i++) a.incr(`k${i}`, i + 1);
    const seen = new Map<string, number>();
    const it = a.entries();
    const others: IntCounterMap[] = [];
    let grown = 0;
    for (const [k, v] of it) {
      seen.set(k, v);
      // Other maps filling up make the shared memory grow under the walk.
      if (seen.size % 500 === 0) {
        // Until the shared memory grows (it may have room left from earlier tests).
        const before = memoryStats().poolBytes;
        for (let i = 0; i < 50_000 && memoryStats().poolBytes === before; i++) {
          const m = new IntCounterMap();
          for (let j = 0; j < 40; j++) m.incr(j);
          others.push(m);
        }
        if (memoryStats().poolBytes > before) grown++;
      }
    }
    expect(grown).toBeGreaterThan(0);
    expect(seen.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(seen.get(`k${i}`)).toBe(i + 1);
    // A batch whose chunks alternate with growth elsewhere.
    const b = new CounterMap();
    const keys = Array.from({ length: 20_000 }, (_, i) => `b${i % 7000}`);
    b.incrMany(keys);
    for (const m of others) expect(m.get(39)).toBe(1);
    expect(b.get('b6999')).toBe(2);
    expect(b.get('b0')).toBe(3);
  });

  test('stats().bytes of each pooled map adds up to what memoryStats() says is in use', () => {
    const maps: AnyMap[] = [];
    const before = memoryStats();
    for (let i = 0; i < 300; i++) {
      const m = i % 3 ? new IntCounterMap() : new CounterMap();
      for (let j = 0; j < (i % 7) * 10 + 1; j++) (m.incr as (k: unknown) => number)(i % 3 ? j * 11 : `k${j}`);
      maps.push(m);
    }
    const after = memoryStats();
    const sum = maps.reduce((a, m) => a + m.stats().bytes, 0);
    expect(after.poolBytesInUse - before.poolBytesInUse).toBe(sum);
    expect(after.pooledMaps - before.pooledMaps).toBe(300);
    for (const m of maps) {
      // A map holds its header, its slots and its keys, and little else.
      const st = m.stats();
      expect(st.bytes).toBeLessThanOrEqual(64 + st.tableBytes + 16 + (st.keyBytes === 0 ? 0 : st.keyBytes * 1.5 + 80));
      if (st.size >= 20) expect(st.bytesPerEntry).toBeLessThan(40);
    }
    for (const m of maps) m.dispose();
    // Disposed: slots and keys freed at once; the 64-byte headers wait for the GC.
    expect(memoryStats().poolBytesInUse - before.poolBytesInUse).toBe(300 * 64);
  });

  test('maxBytes bounds a pooled map by its own blocks; neighbours are unaffected by its refusal', () => {
    const small = new IntCounterMap({ maxBytes: 4096 });
    const other = new IntCounterMap();
    other.incr(1, 5);
    let n = 0;
    expect(() => {
      for (; n < 10_000; n++) small.incr(n);
    }).toThrow(RangeError);
    expect(small.stats().bytes).toBeLessThanOrEqual(4096);
    expect(small.stats().memory).toBe('shared');
    expect(small.size).toBe(n);
    expect(other.get(1)).toBe(5);
  });

  test('dropped maps are reclaimed: pool memory in use comes back down (child process with --expose-gc)', () => {
    const script = fileURLToPath(new URL('./fixtures/reclaim.mjs', import.meta.url));
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8' })) as {
      rounds: Array<{ live: number; inUse: number; pools: number; poolBytes: number; heap: number }>;
      idle: { inUse: number; pooledMaps: number; pools: number };
    };
    const [r1, , r3] = out.rounds;
    // While alive, 20,000 maps hold their blocks.
    expect(r1!.live).toBeGreaterThan(20_000 * 300);
    // After each round's maps are dropped and collected, in-use is back to near zero...
    expect(out.idle.inUse).toBeLessThan(64 * 1024);
    expect(out.idle.pooledMaps).toBeLessThan(10);
    // ...and three rounds of create-and-drop do not creep.
    expect(r3!.poolBytes).toBeLessThanOrEqual(r1!.poolBytes * 1.2);
    expect(r3!.heap).toBeLessThanOrEqual(r1!.heap * 1.2 + 4 * 1024 * 1024);
  });
});
