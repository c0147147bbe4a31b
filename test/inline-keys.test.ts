// String keys of up to 8 bytes live in their slot (assembly/keys.ts); longer
// ones in the arena. These run the model over keys that cross every boundary
// of that layout, by every way a key gets in: one string at a time (short
// ASCII keys as two numbers, others as bytes), batches, and token bytes.
import { describe, expect, test } from 'vitest';
import { CounterMap } from '../src/index.js';
import { Model, Rng, compareToModel } from './helpers/model.js';

const ALPHABETS = ['abcxyz', 'AZaz09', '\0\x01\x07\x08\t ', 'éü', '日本', '😀', '\uD800', '\uDFFF'];

/** Keys of every length 0..17 from each alphabet, and near-twins of each. */
function boundaryKeys(r: Rng): string[] {
  const keys = new Set<string>();
  for (const alpha of ALPHABETS) {
    for (let len = 0; len <= 17; len++) {
      let k = '';
      for (let i = 0; i < len; i++) k += alpha[r.int(alpha.length)]!;
      keys.add(k);
      if (len > 0) {
        // Differs only in the last char, or only in length.
        keys.add(k.slice(0, -1) + (k.endsWith('a') ? 'b' : 'a'));
        keys.add(k.slice(0, -1));
        keys.add(k + '\0');
      }
    }
  }
  for (const k of ['abcdefg\x01', 'abcdefg\x07', 'abcdefg\x08', 'abcdefgh', 'abcdefg', 'abcdefg\0', '\0\0\0\0\0\0\0\0', '\0', '', 'a\0b']) keys.add(k);
  return [...keys];
}

describe('inline short keys and arena keys', () => {
  test('model: random ops over keys of lengths 0-17, ASCII and not, near-twins, NUL inside', () => {
    for (const seed of [1, 2, 3]) {
      const r = new Rng(seed);
      const keys = boundaryKeys(r);
      const m = new CounterMap();
      const model = new Model<string>();
      for (let step = 0; step < 30_000; step++) {
        const k = keys[r.int(keys.length)]!;
        const op = r.int(8);
        if (op < 4) {
          const by = r.range(1, 4);
          expect(m.incr(k, by)).toBe(model.incr(k, by));
        } else if (op < 6) {
          const by = r.range(1, 3);
          expect(m.decr(k, by)).toBe(model.incr(k, -by));
        } else if (op === 6) {
          const n = r.chance(0.3) ? 0 : r.range(1, 9);
          m.set(k, n);
          model.set(k, n);
        } else expect(m.delete(k)).toBe(model.delete(k));
        if (step % 5000 === 0) compareToModel(m, model);
      }
      compareToModel(m, model);
    }
  });

  test('batches, per-call keys and token bytes are one key space; iteration gives back every key exactly', () => {
    const r = new Rng(9);
    const keys = boundaryKeys(r).filter((k) => !/[\s]/.test(k) && k.length > 0);
    const a = new CounterMap();
    const b = new CounterMap();
    const model = new Model<string>();
    const batch: string[] = [];
    for (let i = 0; i < 20_000; i++) batch.push(keys[r.int(keys.length)]!);
    a.incrMany(batch, 2);
    for (const k of batch) b.incr(k, 2);
    model.incrMany(batch, 2);
    compareToModel(a, model);
    compareToModel(b, model);
    // Tokens from bytes: the same keys as UTF-8 (lone surrogates are not UTF-8: left out).
    const words = keys.filter((k) => !/[\uD800-\uDFFF]/.test(k) || /[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(k)).filter((k) => !/[\uD800-\uDFFF]/.test(k.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')));
    const c = new CounterMap();
    c.countTokens(new TextEncoder().encode(words.join(' ')));
    for (const w of words) c.incr(w, 2);
    for (const w of words) expect(c.get(w)).toBe(3);
    expect(c.size).toBe(new Set(words).size);
    // Iteration decodes inline keys exactly (every length, NULs included).
    const seen = new Map(a.entries());
    expect(seen.size).toBe(model.size);
    for (const [k, v] of model.m) expect(seen.get(k)).toBe(v);
  });

  test('an 8-byte key ending in a byte below 8 lives in the arena; its twins inline', () => {
    const m = new CounterMap();
    m.incr('abcdefg\x01');
    expect(m.stats().keyBytes).toBe(9);
    m.incr('abcdefgh');
    m.incr('abcdefg');
    m.incr('abcdefg\0');
    expect(m.stats().keyBytes).toBe(18);
    for (const k of ['abcdefg\x01', 'abcdefgh', 'abcdefg', 'abcdefg\0']) expect(m.get(k)).toBe(1);
    expect(m.get('abcdefg\x02')).toBe(0);
    expect([...m.keys()].sort()).toEqual(['abcdefg', 'abcdefg\0', 'abcdefg\x01', 'abcdefgh'].sort());
  });

  test('bytes per entry for 1M keys of at most 8 bytes', () => {
    const m = new CounterMap();
    const keys: string[] = [];
    for (let i = 0; i < 1_000_000; i++) keys.push('k' + i.toString(36));
    m.incrMany(keys);
    const st = m.stats();
    expect(st.size).toBe(1_000_000);
    expect(st.keyBytes).toBe(0);
    // 13 bytes a slot (12 + a control byte), no arena. A big table is 60%
    // full after a growth step and 7/8 before the next, so per entry it
    // holds 14.9-21.7 bytes, plus its instance's 64 KiB page of statics.
    expect(st.tableBytes / st.capacity).toBeCloseTo(13, 0);
    expect(st.loadFactor).toBeGreaterThanOrEqual(0.59);
    expect(st.bytesPerEntry).toBeLessThanOrEqual(13 / 0.59 + 0.1);
  });
});
