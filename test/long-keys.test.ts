// String keys longer than the 32 KiB scratch can hold (~10922 UTF-16 units)
// go through the "tail" past the arena, alone, in every operation and in
// rebuilds. Keys of 20k-100k units, and the boundary lengths around the
// scratch size, must behave exactly like short keys.
import { describe, expect, test } from 'vitest';
import { CounterMap } from '../src/index.js';
import { Model, checkInvariants, compareToModel, longString } from './helpers/model.js';

const L20 = longString(20000, 1);
const L50 = longString(50000, 2);
const L100 = longString(100000, 3);
const A100 = 'a'.repeat(100000);
const LONGS = [L20, L50, L100, A100];

describe('long string keys (tail path)', () => {
  test('incr/get/has/set/decr/delete on 20k-100k unit keys', () => {
    const m = new CounterMap();
    for (const k of LONGS) {
      expect(m.get(k)).toBe(0);
      expect(m.incr(k)).toBe(1);
      expect(m.incr(k, 4)).toBe(5);
      expect(m.has(k)).toBe(true);
    }
    expect(m.size).toBe(LONGS.length);
    for (const k of LONGS) {
      m.set(k, 9);
      expect(m.get(k)).toBe(9);
      expect(m.decr(k, 2)).toBe(7);
    }
    expect(m.delete(L50)).toBe(true);
    expect(m.delete(L50)).toBe(false);
    expect(m.decr(L20, 7)).toBe(0);
    expect(m.has(L20)).toBe(false);
    m.set(A100, 0);
    expect(m.has(A100)).toBe(false);
    expect([...m.entries()]).toEqual([[L100, 7]]);
  });

  test('long keys differing only at the end, at the start, or by one unit of length are distinct', () => {
    const base = 'x'.repeat(30000);
    const keys = [base, base + 'y', base.slice(1), 'y' + base.slice(1), base.slice(0, -1) + 'z', base + '\uD800', base + '\uFFFD', base + '😀'];
    const m = new CounterMap();
    keys.forEach((k, i) => m.set(k, i + 1));
    expect(m.size).toBe(keys.length);
    keys.forEach((k, i) => expect(m.get(k)).toBe(i + 1));
    const e = new Map(m.entries());
    keys.forEach((k, i) => expect(e.get(k)).toBe(i + 1));
  });

  test('long keys are listed exactly by entries(), keys(), forEach, mostCommon and toJSON', () => {
    const m = new CounterMap();
    LONGS.forEach((k, i) => m.incr(k, 10 + i));
    m.incr('short', 1);
    const e = new Map(m.entries());
    LONGS.forEach((k, i) => expect(e.get(k) === 10 + i, `entry of length ${k.length}`).toBe(true));
    expect(new Set(m.keys())).toEqual(new Set([...LONGS, 'short']));
    const seen = new Map<string, number>();
    m.forEach((v, k) => seen.set(k, v));
    expect(seen).toEqual(e);
    const top = m.mostCommon(2);
    expect(top[0]![0] === A100 && top[0]![1] === 13).toBe(true);
    expect(top[1]![0] === L100 && top[1]![1] === 12).toBe(true);
    expect(new Map(m.toJSON())).toEqual(e);
  });

  test('long keys survive growth rebuilds among thousands of short keys', () => {
    const m = new CounterMap();
    const model = new Model<string>();
    LONGS.forEach((k, i) => {
      m.incr(k, i + 1);
      model.incr(k, i + 1);
    });
    const r0 = m.stats().rebuilds;
    for (let i = 0; i < 30000; i++) {
      const k = `short-${i}`;
      m.incr(k);
      model.incr(k, 1);
      if (i % 5000 === 0) {
        const lk = longString(12000 + i, 100 + i);
        m.incr(lk, 3);
        model.incr(lk, 3);
      }
    }
    expect(m.stats().rebuilds).toBeGreaterThan(r0 + 3);
    compareToModel(m, model, { probes: LONGS, mostCommonN: 7 });
  });

  test('long keys survive shrink rebuilds and arena compaction', () => {
    const m = new CounterMap();
    const model = new Model<string>();
    // Big enough (> 2 MiB) that mass deletion rebuilds it smaller.
    for (let i = 0; i < 150000; i++) {
      m.incr(`s${i}`);
      model.incr(`s${i}`, 1);
    }
    LONGS.forEach((k, i) => {
      m.incr(k, i + 1);
      model.incr(k, i + 1);
    });
    const big = m.stats();
    expect(big.bytes).toBeGreaterThan(2 * 1024 * 1024);
    for (let i = 0; i < 150000; i++) {
      if (i % 100 === 0) continue;
      m.delete(`s${i}`);
      model.delete(`s${i}`);
    }
    const small = m.stats();
    expect(small.capacity).toBeLessThan(big.capacity);
    expect(small.bytes).toBeLessThan(big.bytes);
    compareToModel(m, model, { probes: LONGS });
    // Erase the long keys: their bytes are garbage until a rebuild compacts them.
    for (const k of LONGS) {
      m.delete(k);
      model.delete(k);
    }
    compareToModel(m, model, { probes: LONGS });
    // Erased keys are garbage that a map past 2 MiB compacts once it passes 64 KiB and outweighs
    // the live keys; a smaller map may keep it (it stays within 2 MiB).
    const st = m.stats();
    const compacted = st.garbageBytes <= Math.max(65536, st.keyBytes - st.garbageBytes);
    expect(compacted || st.bytes <= 2 * 1024 * 1024).toBe(true);
  });

  test('an erased long key churned many times does not leak arena bytes', () => {
    const m = new CounterMap();
    for (let i = 0; i < 100; i++) m.incr(`base${i}`);
    let maxBytes = 0;
    for (let round = 0; round < 40; round++) {
      m.incr(L100, 2);
      m.decr(L100, 2);
      m.incr(L50);
      m.delete(L50);
      if (round >= 5) maxBytes = Math.max(maxBytes, m.stats().bytes);
    }
    const st = m.stats();
    expect(st.size).toBe(100);
    // 40 rounds of ~300 KB of erased keys: without compaction the arena would pass 12 MB.
    expect(st.keyBytes).toBeLessThan(3_000_000);
    expect(maxBytes).toBeLessThan(5_000_000);
    checkInvariants(m);
  });

  test('long keys keep their count through a widen to str64', () => {
    const m = new CounterMap();
    LONGS.forEach((k, i) => m.set(k, i + 1));
    for (let i = 0; i < 500; i++) m.incr(`w${i}`);
    m.incr(L50, 2 ** 32);
    expect(m.stats().layout).toBe('str64');
    expect(m.get(L50)).toBe(2 ** 32 + 2);
    LONGS.forEach((k, i) => {
      if (k !== L50) expect(m.get(k)).toBe(i + 1);
    });
    expect(m.size).toBe(504);
  });

  test('incrMany with long keys at the start, middle, end and repeated', () => {
    const m = new CounterMap();
    const model = new Model<string>();
    const batch: string[] = [L100];
    for (let i = 0; i < 6000; i++) {
      batch.push(`b${i % 1500}`);
      if (i === 3000) batch.push(L20, L20, A100);
    }
    batch.push(L50, L100);
    m.incrMany(batch, 2);
    model.incrMany(batch, 2);
    compareToModel(m, model, { probes: LONGS });
    m.incrMany(batch, -1);
    model.incrMany(batch, -1);
    compareToModel(m, model, { probes: LONGS });
    m.incrMany(batch, -1);
    model.incrMany(batch, -1);
    expect(m.size).toBe(0);
    compareToModel(m, model, { probes: LONGS });
  });

  test('incrMany with an iterable (Set, generator) of long keys', () => {
    const m = new CounterMap();
    m.incrMany(new Set([L20, 'a', L100]));
    m.incrMany(
      (function* () {
        yield L20;
        yield A100;
      })(),
      3,
    );
    expect(m.get(L20)).toBe(4);
    expect(m.get(L100)).toBe(1);
    expect(m.get(A100)).toBe(3);
    expect(m.get('a')).toBe(1);
  });

  // Around the scratch (32768 bytes): the inline limit is 10922 units, a
  // rebuild streams records of [4-byte length][key][8-byte count], and
  // incrMany writes [4-byte length][key] records.
  const boundary: Array<[string, string]> = [];
  for (const n of [10919, 10920, 10921, 10922, 10923, 10924]) {
    boundary.push([`${n} ascii`, 'q'.repeat(n)]);
    boundary.push([`${n} 3-byte`, '語'.repeat(n)]);
    boundary.push([`${n} 2-byte`, 'ж'.repeat(n)]);
  }
  for (const n of [16380, 16381, 16382, 16383, 16384, 16385]) boundary.push([`${n} 2-byte`, 'ж'.repeat(n)]);
  for (const n of [32750, 32756, 32757, 32760, 32764, 32768, 32769]) boundary.push([`${n} ascii`, 'r'.repeat(n)]);

  test('keys at the scratch-size boundaries round-trip through incr, incrMany, rebuilds, entries and mostCommon', () => {
    const m = new CounterMap();
    const model = new Model<string>();
    boundary.forEach(([, k], i) => {
      m.incr(k, i + 1);
      model.incr(k, i + 1);
    });
    m.incrMany(
      boundary.map(([, k]) => k),
      2,
    );
    model.incrMany(
      boundary.map(([, k]) => k),
      2,
    );
    compareToModel(m, model);
    // Force several growth rebuilds, then a widen, then a shrink.
    for (let i = 0; i < 20000; i++) {
      m.incr(`f${i}`);
      model.incr(`f${i}`, 1);
    }
    m.incr(boundary[3]![1], 2 ** 33);
    model.incr(boundary[3]![1], 2 ** 33);
    expect(m.stats().layout).toBe('str64');
    for (let i = 0; i < 20000; i++) {
      m.decr(`f${i}`);
      model.incr(`f${i}`, -1);
    }
    compareToModel(m, model, { mostCommonN: 5 });
    for (const [name, k] of boundary) expect(m.get(k), name).toBe(model.get(k));
  });

  test('a long key decoded from more than 4096 units with surrogate pairs across the chunk edges', () => {
    const k = 'a' + '😀'.repeat(30000) + '\uD800';
    const m = new CounterMap();
    m.incr(k);
    const [[back]] = [...m] as [[string, number]];
    expect(back.length).toBe(k.length);
    expect(back === k).toBe(true);
    expect(m.mostCommon(1)[0]![0] === k).toBe(true);
  });
});
