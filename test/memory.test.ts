// Memory over a map's life: growth by rebuild, tombstones and their cleanup
// in place, shrinking after mass deletion, flat bytes under churn, and the
// maxBytes budget (growth past it throws and keeps every entry).
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap } from '../src/index.js';
import { Model, Rng, checkInvariants, compareToModel, longString, snapshot, type AnyMap } from './helpers/model.js';
import { expectRejected } from './helpers/expect.js';

const MiB = 1024 * 1024;

type Kind = 'int' | 'str';
function make(kind: Kind, opts?: { initialCapacity?: number; maxBytes?: number }): AnyMap {
  return kind === 'int' ? new IntCounterMap(opts) : new CounterMap(opts);
}
function keyFn(kind: Kind): (i: number) => string | number {
  return kind === 'int' ? (i) => i * 7919 - 100000 : (i) => `w${i}`;
}
const incr = (m: AnyMap, k: string | number, by = 1) => (m.incr as (k: unknown, by: number) => number)(k, by);
const del = (m: AnyMap, k: string | number) => (m.delete as (k: unknown) => boolean)(k);
const get = (m: AnyMap, k: string | number) => (m.get as (k: unknown) => number)(k);

describe('growth', () => {
  for (const kind of ['int', 'str'] as const) {
    test(`${kind}: the table grows by rebuilds; capacity only increases while inserting; every entry survives`, () => {
      const m = make(kind);
      const key = keyFn(kind);
      const model = new Model<string | number>();
      let last = { capacity: 0, rebuilds: 0 };
      let grows = 0;
      for (let i = 0; i < 60000; i++) {
        incr(m, key(i), (i % 4) + 1);
        model.incr(key(i), (i % 4) + 1);
        if (i % 64 !== 0) continue;
        const st = m.stats();
        if (st.rebuilds !== last.rebuilds) {
          expect(st.capacity).toBeGreaterThan(last.capacity);
          grows++;
        } else expect(st.capacity).toBe(last.capacity);
        last = st;
      }
      expect(grows).toBeGreaterThan(4);
      compareToModel(m, model);
    });
  }
});

describe('tombstones', () => {
  for (const kind of ['int', 'str'] as const) {
    test(`${kind}: deleting keys from full groups leaves tombstones; lookups still find every key`, () => {
      const m = make(kind, { initialCapacity: 5000 });
      const key = keyFn(kind);
      for (let i = 0; i < 5000; i++) incr(m, key(i), i + 1);
      const cap = m.stats().capacity;
      // Delete every other key: at 7/8 load many groups are full, so tombstones appear.
      for (let i = 0; i < 5000; i += 2) del(m, key(i));
      const st = m.stats();
      expect(st.tombstones).toBeGreaterThan(0);
      expect(st.capacity).toBe(cap);
      for (let i = 0; i < 5000; i++) expect(get(m, key(i))).toBe(i % 2 ? i + 1 : 0);
      checkInvariants(m);
    });

    for (const wide of [false, true])
    test(`${kind}${wide ? ' (wide slots)' : ''}: tombstones are cleaned in place (no rebuild, same capacity) once they fill the table`, () => {
      // Keep the table at its 7/8 limit (live + tombstones) while deleting at
      // random: deletions from full groups turn into tombstones, the others are
      // refilled with fresh keys. Once live entries are well under half the
      // limit, the next insert into an EMPTY slot must rehash in place.
      for (let run = 0; run < 2; run++) {
        const m = make(kind, { initialCapacity: 896 });
        const key = keyFn(kind);
        const model = new Model<string | number>();
        const r = new Rng(100 + run);
        incr(m, key(0), wide ? 2 ** 33 : 1);
        model.incr(key(0), wide ? 2 ** 33 : 1);
        if (wide && kind === 'int') {
          incr(m, 2 ** 40, 1);
          model.incr(2 ** 40, 1);
        }
        expect(m.stats().layout.endsWith('64')).toBe(wide);
        const { capacity: cap, rebuilds } = m.stats();
        const maxLoad = cap - cap / 8;
        const growthLeft = () => {
          const s = m.stats();
          return maxLoad - s.size - s.tombstones;
        };
        const live: Array<string | number> = wide && kind === 'int' ? [key(0), 2 ** 40] : [key(0)];
        let next = 1;
        let steps = 0;
        for (; steps < 60000; steps++) {
          while (growthLeft() > 0) {
            const k = key(next++);
            incr(m, k, 2);
            model.incr(k, 2);
            live.push(k);
          }
          if (m.size <= maxLoad / 2 - 32) break;
          const i = r.int(live.length);
          const k = live[i]!;
          live[i] = live[live.length - 1]!;
          live.pop();
          expect(del(m, k)).toBe(true);
          model.delete(k);
        }
        const before = m.stats();
        expect(before.capacity).toBe(cap);
        expect(before.rebuilds).toBe(rebuilds);
        expect(before.tombstones).toBeGreaterThan(maxLoad / 2);
        compareToModel(m, model);
        // Insert fresh keys: the first that needs an EMPTY slot rehashes in place.
        let cleaned = false;
        for (let j = 0; j < 32 && !cleaned; j++) {
          const k = key(next++);
          incr(m, k, 3);
          model.incr(k, 3);
          cleaned = m.stats().tombstones === 0;
        }
        const after = m.stats();
        expect(cleaned).toBe(true);
        expect(after.capacity).toBe(cap);
        expect(after.rebuilds).toBe(rebuilds);
        // Every entry is still found after entries moved around in place.
        compareToModel(m, model);
        // And the table keeps working after the in-place rehash.
        for (let j = 0; j < 2000; j++) {
          const k = r.chance(0.5) ? key(r.int(next)) : live[r.int(live.length)]!;
          if (r.chance(0.5)) {
            incr(m, k, 1);
            model.incr(k, 1);
          } else {
            del(m, k);
            model.delete(k);
          }
        }
        compareToModel(m, model);
      }
    });

    test(`${kind}: churn over a tiny key range (0..40, random incr/decr) stays in one table and matches the model`, () => {
      const m = make(kind);
      const key = keyFn(kind);
      const model = new Model<string | number>();
      const r = new Rng(7);
      const step = () => {
        const k = key(r.int(41));
        const by = r.range(1, 3);
        if (r.chance(0.5)) expect(incr(m, k, by)).toBe(model.incr(k, by));
        else expect(incr(m, k, -by)).toBe(model.incr(k, -by));
      };
      for (let i = 0; i < 2000; i++) step();
      const warm = m.stats();
      let maxTomb = 0;
      for (let i = 0; i < 100000; i++) {
        step();
        if (i % 50 === 0) {
          const st = m.stats();
          if (st.layout !== 'none') {
            expect(st.capacity).toBe(warm.capacity);
            maxTomb = Math.max(maxTomb, st.tombstones);
            expect(st.size + st.tombstones).toBeLessThanOrEqual(st.capacity - st.capacity / 8);
          }
          expect(st.rebuilds).toBe(warm.rebuilds);
        }
      }
      compareToModel(m, model);
      expect(maxTomb).toBeLessThan(warm.capacity);
    });
  }
});

describe('shrink', () => {
  for (const kind of ['int', 'str'] as const) {
    test(`${kind}: after deleting all but 1% of a big map, capacity and bytes drop and the survivors are intact`, () => {
      const m = make(kind);
      const key = keyFn(kind);
      const n = 300000;
      for (let i = 0; i < n; i++) incr(m, key(i), 2);
      const big = m.stats();
      expect(big.bytes).toBeGreaterThan(2 * MiB);
      for (let i = 0; i < n; i++) if (i % 100 !== 0) del(m, key(i));
      const small = m.stats();
      expect(small.size).toBe(n / 100);
      expect(small.capacity).toBeLessThan(big.capacity / 2);
      expect(small.bytes).toBeLessThan(big.bytes / 2);
      for (let i = 0; i < n; i += 100) expect(get(m, key(i))).toBe(2);
      expect(get(m, key(1))).toBe(0);
      checkInvariants(m);
    });

    test(`${kind}: a big map emptied by one negative incrMany holds 0 bytes`, () => {
      const m = make(kind);
      const keys: Array<string | number> = [];
      const key = keyFn(kind);
      for (let i = 0; i < 300000; i++) keys.push(key(i));
      (m.incrMany as (k: unknown[], by?: number) => void)(keys, 1);
      expect(m.stats().bytes).toBeGreaterThan(2 * MiB);
      (m.incrMany as (k: unknown[], by?: number) => void)(keys, -1);
      expect(m.size).toBe(0);
      // Slots and keys given back: only the map's 64-byte header stays in its pool.
      expect(m.stats().bytes).toBe(64);
      expect(m.stats().layout).toBe('none');
    });

    test(`${kind}: a big map emptied key by key gives most of its memory back`, () => {
      const m = make(kind);
      const key = keyFn(kind);
      for (let i = 0; i < 300000; i++) incr(m, key(i));
      const big = m.stats().bytes;
      for (let i = 0; i < 300000; i++) (m.decr as (k: unknown) => number)(key(i));
      expect(m.size).toBe(0);
      expect([...m]).toEqual([]);
      // It may keep a small table (at most 2 MiB) to count into again.
      expect(m.stats().bytes).toBeLessThanOrEqual(2 * MiB);
      expect(m.stats().bytes).toBeLessThan(big / 2);
      incr(m, key(5));
      expect(snapshot(m)).toEqual([[key(5), 1]]);
    });
  }
});

describe('bytes stay flat under churn', () => {
  for (const kind of ['int', 'str'] as const) {
    test(`${kind}: 60 rounds of 50k fresh keys counted up and back down to zero: bytes never grow round over round`, () => {
      const m = make(kind);
      const bytes: number[] = [];
      for (let round = 0; round < 60; round++) {
        const keys: Array<string | number> = [];
        for (let i = 0; i < 50000; i++) keys.push(kind === 'int' ? round * 50000 + i : `r${round}-${i}`);
        const mode = round % 3;
        if (mode === 0) {
          for (const k of keys) incr(m, k, 2);
          for (const k of keys) incr(m, k, -2);
        } else if (mode === 1) {
          (m.incrMany as (k: unknown[], by?: number) => void)(keys, 1);
          (m.incrMany as (k: unknown[], by?: number) => void)(keys, -1);
        } else {
          (m.incrMany as (k: unknown[], by?: number) => void)(keys, 3);
          for (const k of keys) (m.set as (k: unknown, n: number) => unknown)(k, 0);
        }
        expect(m.size).toBe(0);
        bytes.push(m.stats().bytes);
      }
      for (let r = 1; r < bytes.length; r++) {
        expect(bytes[r], `bytes after round ${r}: ${bytes.join(',')}`).toBeLessThanOrEqual(bytes[r - 1]!);
      }
    });

    test(`${kind}: the same churn next to a key that never leaves: bytes stay bounded, no drift`, () => {
      const m = make(kind);
      const bytes: number[] = [];
      const persist = kind === 'int' ? -1 : 'persist';
      for (let round = 0; round < 60; round++) {
        const keys: Array<string | number> = [];
        for (let i = 0; i < 50000; i++) keys.push(kind === 'int' ? round * 50000 + i : `r${round}-${i}`);
        incr(m, persist, 1);
        if (round % 2) {
          for (const k of keys) incr(m, k, 2);
          for (const k of keys) incr(m, k, -2);
        } else {
          (m.incrMany as (k: unknown[], by?: number) => void)(keys, 1);
          (m.incrMany as (k: unknown[], by?: number) => void)(keys, -1);
        }
        expect(m.size).toBe(1);
        bytes.push(m.stats().bytes);
      }
      expect(get(m, persist)).toBe(60);
      // Erased keys may be kept as garbage up to a bound, then compacted: no upward drift.
      expect(Math.max(...bytes.slice(20))).toBeLessThanOrEqual(Math.max(...bytes.slice(0, 20)));
      expect(Math.max(...bytes)).toBeLessThan(6 * MiB);
    });
  }
});

describe('maxBytes', () => {
  const BUDGET = 1 << 20;

  for (const kind of ['int', 'str'] as const) {
    for (const how of ['incr', 'set'] as const) {
      test(`${kind}: filling a ${BUDGET}-byte map by ${how} until it throws keeps every entry that succeeded`, () => {
        const m = make(kind, { maxBytes: BUDGET });
        const key = kind === 'int' ? (i: number) => i * 3 - 5 : (i: number) => `key-${i}-${'x'.repeat(i % 40)}`;
        const model = new Model<string | number>();
        let err: unknown;
        let i = 0;
        for (; i < 10_000_000; i++) {
          try {
            if (how === 'incr') incr(m, key(i), (i % 5) + 1);
            else (m.set as (k: unknown, n: number) => unknown)(key(i), (i % 5) + 1);
          } catch (e) {
            err = e;
            break;
          }
          model.incr(key(i), (i % 5) + 1);
        }
        expect(err).toBeInstanceOf(RangeError);
        expect((err as Error).message).toMatch(new RegExp(`maxBytes budget of ${BUDGET}`));
        expect((err as Error).message).toMatch(/every entry already counted is kept/);
        expect(i).toBeGreaterThan(1000);
        expect(m.get(key(i) as never)).toBe(0);
        const st = m.stats();
        expect(st.bytes).toBeLessThanOrEqual(BUDGET);
        // (mostCommon at the budget is tested on its own below)
        compareToModel(m, model, { mostCommon: false });
        // Counting existing keys needs no memory: it still works.
        for (let j = 0; j < 100; j++) {
          incr(m, key(j), 1);
          model.incr(key(j), 1);
        }
        // A new key still throws, every time, and changes nothing.
        expectRejected(m, () => incr(m, key(i)), RangeError, /maxBytes/);
        expectRejected(m, () => incr(m, key(i + 1)), RangeError, /maxBytes/);
        compareToModel(m, model, { mostCommon: false });
      });
    }

    test(`${kind}: deleting a third of the keys of a map at its budget makes room for new keys again`, () => {
      const m = make(kind, { maxBytes: BUDGET });
      const key = kind === 'int' ? (i: number) => i * 3 - 5 : (i: number) => `key-${i}-${'x'.repeat(i % 40)}`;
      const model = new Model<string | number>();
      let n = 0;
      try {
        for (;;) {
          incr(m, key(n), 2);
          model.incr(key(n), 2);
          n++;
        }
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
      }
      for (let j = 0; j < n; j += 3) {
        del(m, key(j));
        model.delete(key(j));
      }
      // A tenth as many new keys as were deleted must fit in the room freed.
      for (let j = n; j < n + Math.floor(n / 30); j++) {
        incr(m, key(j), 1);
        model.incr(key(j), 1);
      }
      expect(m.stats().bytes).toBeLessThanOrEqual(BUDGET);
      compareToModel(m, model, { mostCommon: false });
    });

    test(`${kind}: an incrMany that would pass the budget throws and leaves the map exactly as it was`, () => {
      const m = make(kind, { maxBytes: BUDGET });
      const key = kind === 'int' ? (i: number) => i : (i: number) => `k${i}`;
      for (let i = 0; i < 1000; i++) incr(m, key(i), 2);
      const keys: Array<string | number> = [];
      for (let i = 0; i < 400000; i++) keys.push(key(i));
      expectRejected(m, () => (m.incrMany as (k: unknown[]) => void)(keys), RangeError, /maxBytes budget/, true);
      expect(m.size).toBe(1000);
      expect(m.stats().bytes).toBeLessThanOrEqual(BUDGET);
      // A batch that fits still works.
      (m.incrMany as (k: unknown[]) => void)(keys.slice(0, 2000));
      expect(get(m, key(1500))).toBe(1);
      expect(get(m, key(5))).toBe(3);
    });

    test(`${kind}: a read-only walk of a map at its budget works (entries, get, has, size)`, () => {
      const m = make(kind, { maxBytes: BUDGET });
      const key = kind === 'int' ? (i: number) => i : (i: number) => `k${i}`;
      let n = 0;
      try {
        for (;;) incr(m, key(n++));
      } catch {
        n--;
      }
      expect([...m.keys()].length).toBe(n);
      for (let i = 0; i < n; i += 97) expect(get(m, key(i))).toBe(1);
    });

    test(`${kind}: mostCommon works on a map at its budget`, () => {
      const m = make(kind, { maxBytes: BUDGET });
      const key = kind === 'int' ? (i: number) => i : (i: number) => `k${i}`;
      let n = 0;
      try {
        for (;;) incr(m, key(n++), (n % 10) + 1);
      } catch {
        n--;
      }
      const top = m.mostCommon(10);
      expect(top.length).toBe(10);
      expect(top.every((e) => e[1] === 10)).toBe(true);
      expect(m.mostCommon().length).toBe(n);
    });
  }

  test('IntCounterMap: a widen that would pass the budget throws; the map stays narrow and intact', () => {
    const m = new IntCounterMap({ maxBytes: BUDGET });
    let n = 0;
    try {
      for (;;) m.incr(n++);
    } catch {
      n--;
    }
    // The table sits near the budget in 8-byte slots: 16-byte slots cannot fit.
    expectRejected(m, () => m.incr(2 ** 40), RangeError, /maxBytes/);
    expectRejected(m, () => m.set(1, 2 ** 32), RangeError, /maxBytes/);
    expectRejected(m, () => m.incrMany([5, 6, 2 ** 40]), RangeError, /maxBytes/);
    expect(m.stats().layout).toBe('int32');
    expect(m.size).toBe(n);
  });

  test('CounterMap: a widen to str64 that would pass the budget throws; the map stays str32 and intact', () => {
    const m = new CounterMap({ maxBytes: BUDGET });
    let n = 0;
    try {
      for (;;) m.incr(`k${n++}`);
    } catch {
      n--;
    }
    const before = snapshot(m);
    // 12-byte slots for the same entries need ~1.5x the table: past the budget.
    const e1 = expectRejected(m, () => m.set('k1', 2 ** 32), RangeError, /maxBytes/, true);
    expect(e1.message).toMatch(/every entry already counted is kept/);
    expectRejected(m, () => m.incrMany(['k2', 'k3', 'k3'], 2 ** 31), RangeError, /maxBytes/, true);
    expect(m.stats().layout).toBe('str32');
    expect(snapshot(m)).toEqual(before);
    expect(m.size).toBe(n);
  });

  test('initialCapacity past the budget: the first insert throws RangeError naming the budget; reads still answer', () => {
    for (const m of [new IntCounterMap({ initialCapacity: 1_000_000, maxBytes: BUDGET }), new CounterMap({ initialCapacity: 1_000_000, maxBytes: BUDGET })] as AnyMap[]) {
      expectRejected(m, () => incr(m, m instanceof CounterMap ? 'a' : 1), RangeError, /maxBytes budget of 1048576/);
      expect(m.size).toBe(0);
      expect(m.stats().bytes).toBe(0);
    }
  });

  test('CounterMap: get/has/decr/delete of a long key work on a map at its budget', () => {
    const m = new CounterMap({ maxBytes: BUDGET });
    const L = longString(20000, 4);
    m.incr(L, 5);
    let n = 0;
    try {
      for (;;) m.incr(`key-${n++}-${'y'.repeat(60)}`);
    } catch {
      n--;
    }
    const absent = longString(30000, 5);
    expect(m.get(absent)).toBe(0);
    expect(m.has(absent)).toBe(false);
    expect(m.delete(absent)).toBe(false);
    expect(m.get(L)).toBe(5);
    expect(m.decr(L)).toBe(4);
    expect(m.delete(L)).toBe(true);
    expect(m.size).toBe(n);
  });

  test('CounterMap: an incrMany with a long key first that passes the budget leaves the map exactly as it was', () => {
    const m = new CounterMap({ maxBytes: BUDGET });
    m.incr('existing', 3);
    const keys = [longString(100000, 6)];
    for (let i = 0; i < 20000; i++) keys.push(`k${i}-${'-'.repeat(100)}`);
    expectRejected(m, () => m.incrMany(keys), RangeError, /maxBytes/, true);
    expect(m.size).toBe(1);
    expect(m.get('existing')).toBe(3);
    expect(m.get(keys[5]!)).toBe(0);
  });

  test('CounterMap: long keys that would pass the budget throw RangeError and change nothing', () => {
    const m = new CounterMap({ maxBytes: BUDGET });
    for (let i = 0; i < 100; i++) m.incr(`s${i}`);
    const before = snapshot(m);
    // 400k units of 3-byte characters: 1.2 MB of key alone.
    const huge = '語'.repeat(400000);
    expectRejected(m, () => m.incr(huge), RangeError, /maxBytes|memory/);
    expectRejected(m, () => m.set(huge, 3), RangeError, /maxBytes|memory/);
    expectRejected(m, () => m.incrMany(['a', huge]), RangeError, /maxBytes|memory/, true);
    expect(snapshot(m)).toEqual(before);
  });
});
