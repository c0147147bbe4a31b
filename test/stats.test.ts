// stats(): the numbers must be true to the map.
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap, type CounterMapStats } from '../src/index.js';
import { Rng, SPECIAL_STRINGS, longString, type AnyMap } from './helpers/model.js';

const PAGE = 65536;
/** A table header's heap block in its pool (assembly/header.ts): all a cleared map keeps. */
const HEADER_BLOCK_BYTES = 64;
const SLOT_BYTES: Record<string, number> = { int32: 8, int64: 16, str32: 12, str64: 16 };

/**
 * Whether a key lives in the arena: longer than 8 bytes, or 8 bytes ending in
 * a byte below 8 (assembly/keys.ts); shorter keys live in their slot.
 */
function inArena(k: string): boolean {
  const n = wtf8Length(k);
  return n > 8 || (n === 8 && k.charCodeAt(k.length - 1) < 8);
}

/** WTF-8 length: UTF-8, lone surrogates as 3 bytes. */
function wtf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function varint(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4;
}

/** Every relation stats() promises, checked against the map itself. */
function checkStats(m: AnyMap): CounterMapStats {
  const st = m.stats();
  let n = 0;
  for (const _ of m.entries()) n++;
  expect(st.size).toBe(n);
  expect(st.size).toBe(m.size);
  if (st.layout === 'none') {
    expect(st).toMatchObject({ size: 0, capacity: 0, tombstones: 0, bytesPerEntry: 0, loadFactor: 0, tableBytes: 0, keyBytes: 0 });
    // No slots and no keys: at most the map's header in its pool.
    expect(st.bytes).toBeLessThanOrEqual(HEADER_BLOCK_BYTES);
    expect(st.memory).not.toBe('own');
    return st;
  }
  expect(st.capacity % 16).toBe(0);
  expect(st.capacity).toBeGreaterThan(0);
  // Live entries plus tombstones stay within 7/8 of the slots.
  expect(st.size + st.tombstones).toBeLessThanOrEqual(st.capacity - st.capacity / 8);
  expect(st.tombstones).toBeGreaterThanOrEqual(0);
  expect(st.loadFactor).toBeCloseTo(st.size / st.capacity, 12);
  // An own memory is whole pages; a pooled table is heap blocks of 16-byte granules.
  if (st.memory === 'own') expect(st.bytes % PAGE).toBe(0);
  else expect(st.bytes % 16).toBe(0);
  expect(st.bytes).toBeGreaterThan(0);
  expect(st.bytes).toBeLessThanOrEqual(st.maxBytes);
  expect(st.bytesPerEntry).toBe(st.size === 0 ? 0 : st.bytes / st.size);
  // The table: a control byte and a slot per capacity slot.
  expect(st.tableBytes).toBeGreaterThanOrEqual(st.capacity * (1 + SLOT_BYTES[st.layout]!));
  expect(st.tableBytes).toBeLessThanOrEqual(st.capacity * (1 + SLOT_BYTES[st.layout]!) + 16);
  expect(st.tableBytes + st.keyBytes).toBeLessThanOrEqual(st.bytes);
  expect(st.garbageBytes).toBeLessThanOrEqual(st.keyBytes);
  if (st.layout.startsWith('int')) expect(st.keyBytes).toBe(0);
  if (st.size > 0) {
    expect(st.probeLengthMean).toBeGreaterThanOrEqual(1);
    expect(st.probeLengthMean).toBeLessThanOrEqual(st.probeLengthMax);
    expect(st.probeLengthMax).toBeLessThanOrEqual(st.capacity / 16);
  } else {
    expect(st.probeLengthMean).toBe(0);
    expect(st.probeLengthMax).toBe(0);
  }
  expect(Number.isSafeInteger(st.rebuilds)).toBe(true);
  return st;
}

describe('stats', () => {
  test('a new map holds no memory', () => {
    for (const m of [new CounterMap(), new IntCounterMap()]) {
      const st = m.stats();
      expect(st).toEqual({
        size: 0,
        capacity: 0,
        tombstones: 0,
        loadFactor: 0,
        bytes: 0,
        bytesPerEntry: 0,
        tableBytes: 0,
        keyBytes: 0,
        garbageBytes: 0,
        probeLengthMean: 0,
        probeLengthMax: 0,
        layout: 'none',
        memory: 'none',
        rebuilds: 0,
        maxBytes: 2 ** 32,
      });
    }
  });

  test('reads and no-op writes on a new map do not allocate', () => {
    const m = new CounterMap();
    m.get('a');
    m.has('a');
    m.delete('a');
    m.decr('a');
    m.incr('a', 0);
    m.set('a', 0);
    m.incrMany(['a', 'b'], -1);
    m.incrMany([]);
    m.mostCommon();
    void [...m];
    expect(m.stats().bytes).toBe(0);
    expect(m.stats().rebuilds).toBe(0);
    const n = new IntCounterMap();
    n.get(1);
    n.decr(2 ** 40);
    n.incrMany(new Int32Array(10), -1);
    expect(n.stats().bytes).toBe(0);
  });

  test('every relation holds as int and string maps grow, widen, churn and shrink', () => {
    const r = new Rng(3);
    const s = new CounterMap();
    const n = new IntCounterMap();
    const phases = [20, 2000, 30000];
    for (const size of phases) {
      for (let i = 0; i < size; i++) {
        s.incr(`k${r.int(size)}`);
        n.incr(r.int(size) - (size >> 1));
      }
      checkStats(s);
      checkStats(n);
    }
    s.incr('big', 2 ** 33);
    n.incr(2 ** 45);
    expect(checkStats(s).layout).toBe('str64');
    expect(checkStats(n).layout).toBe('int64');
    for (let i = 0; i < 30000; i++) {
      s.delete(`k${i}`);
      n.delete(i - 15000);
      if (i % 5000 === 0) {
        checkStats(s);
        checkStats(n);
      }
    }
    checkStats(s);
    checkStats(n);
  });

  test('rebuilds counts the creation and every growth; capacity increases', () => {
    const m = new IntCounterMap();
    m.incr(0);
    expect(m.stats().rebuilds).toBe(1);
    let last = m.stats();
    let grows = 0;
    for (let i = 1; i < 100000; i++) {
      m.incr(i);
      if (i % 97 === 0) {
        const st = m.stats();
        if (st.rebuilds !== last.rebuilds) {
          grows++;
          expect(st.capacity).toBeGreaterThan(last.capacity);
        } else {
          expect(st.capacity).toBe(last.capacity);
        }
        last = st;
      }
    }
    expect(grows).toBeGreaterThan(5);
    expect(m.stats().rebuilds).toBeGreaterThan(6);
  });

  test('the load factor stays within 7/8, and growth keeps tables following the entries', () => {
    const m = new IntCounterMap();
    for (let i = 0; i < 200000; i++) {
      m.incr(i * 11);
      if (i > 1000 && i % 1013 === 0) {
        const st = m.stats();
        expect(st.loadFactor).toBeLessThanOrEqual(0.875);
        // Small tables may grow several times over in one step; big ones by < 2x.
        expect(st.loadFactor).toBeGreaterThan(st.capacity > 1 << 16 ? 0.45 : 0.1);
      }
    }
  });

  test('keyBytes is the WTF-8 bytes (plus a length prefix) of the live keys too long for a slot; erased keys are garbage until compacted', () => {
    const m = new CounterMap();
    const keys = [...SPECIAL_STRINGS, longString(20000, 1), 'x'.repeat(200)];
    for (let i = 0; i < 3000; i++) keys.push(`key-${i}-${'é'.repeat(i % 4)}`);
    for (const k of keys) m.incr(k);
    // Only keys too long for a slot take arena bytes.
    const record = (k: string) => (inArena(k) ? varint(wtf8Length(k)) + wtf8Length(k) : 0);
    const expected = keys.reduce((a, k) => a + record(k), 0);
    let st = checkStats(m);
    expect(st.garbageBytes).toBe(0);
    expect(st.keyBytes).toBe(expected);
    // Erasing a few keys leaves their records behind as garbage.
    const gone = keys.slice(100, 110);
    for (const k of gone) m.delete(k);
    st = checkStats(m);
    const garbage = gone.reduce((a, k) => a + record(k), 0);
    expect(st.garbageBytes).toBe(garbage);
    expect(st.keyBytes).toBe(expected);
    // A clear() drops it all.
    m.clear();
    expect(m.stats().keyBytes).toBe(0);
  });

  test('after clear() a map holds only its header: no slots, no keys, no own memory', () => {
    for (const count of [20000, 200000]) {
      const s = new CounterMap();
      for (let i = 0; i < count; i++) s.incr(`k${i}`);
      expect(s.stats().bytes).toBeGreaterThan(count);
      s.clear();
      expect(s.stats()).toMatchObject({ size: 0, capacity: 0, keyBytes: 0, tableBytes: 0, layout: 'none', memory: 'shared' });
      expect(s.stats().bytes).toBe(HEADER_BLOCK_BYTES);
      const n = new IntCounterMap();
      for (let i = 0; i < count; i++) n.incr(i);
      n.clear();
      expect(n.stats().bytes).toBe(HEADER_BLOCK_BYTES);
      expect(n.stats().memory).toBe('shared');
    }
  });

  test('bytes drops after deleting 99% of 200k keys (both kinds)', () => {
    const n = new IntCounterMap();
    const s = new CounterMap();
    const keys = new Int32Array(200000);
    const skeys: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      keys[i] = i * 3 - 300000;
      skeys.push(`word-${i}`);
    }
    n.incrMany(keys);
    s.incrMany(skeys);
    const bigN = checkStats(n);
    const bigS = checkStats(s);
    for (let i = 0; i < keys.length; i++) {
      if (i % 100 === 0) continue;
      n.delete(keys[i]!);
      s.decr(skeys[i]!);
    }
    const smallN = checkStats(n);
    const smallS = checkStats(s);
    expect(smallN.size).toBe(2000);
    expect(smallS.size).toBe(2000);
    expect(smallN.bytes).toBeLessThan(bigN.bytes / 2);
    expect(smallS.bytes).toBeLessThan(bigS.bytes / 2);
    expect(smallN.capacity).toBeLessThan(bigN.capacity / 2);
    expect(smallS.capacity).toBeLessThan(bigS.capacity / 2);
    // And the survivors are intact.
    for (let i = 0; i < keys.length; i += 100) {
      expect(n.get(keys[i]!)).toBe(1);
      expect(s.get(skeys[i]!)).toBe(1);
    }
  });

  test('bytes per entry of a grown int map is modest (narrow slots are 8 bytes + 1 control byte)', () => {
    const m = new IntCounterMap();
    const keys = new Int32Array(500000);
    for (let i = 0; i < keys.length; i++) keys[i] = i * 7;
    m.incrMany(keys);
    const st = checkStats(m);
    expect(st.layout).toBe('int32');
    expect(st.bytesPerEntry).toBeLessThan(9 / 0.6 + 1);
  });

  test('stats() reflects the maxBytes option and is a plain object', () => {
    const m = new CounterMap({ maxBytes: 5_000_000 });
    m.incr('a');
    const st = m.stats();
    expect(st.maxBytes).toBe(5_000_000);
    expect(Object.getPrototypeOf(st)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(st))).toEqual(st);
  });
});
