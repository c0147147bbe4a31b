// TopK / IntTopK (Space-Saving): every guarantee checked key by key against
// exact counts, over skewed and uniform streams, weights, decrements,
// merges and snapshots; bad input changes nothing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CounterMap, IntTopK, TopK, memoryStats } from '../src/index.js';
import { Rng } from './helpers/model.js';

type Top = TopK | IntTopK;
type Exact = Map<string | number, number>;

const HEAVY = process.env.TOPHASH_HEAVY !== undefined;

/** A Zipf(s) sampler over ranks 0..n-1 (inverse CDF on a table). */
function zipf(r: Rng, n: number, s: number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / Math.pow(i + 1, s);
  return () => {
    const x = r.next() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * The guarantees, with I and D the sums of increments and decrements and m
 * the capacity: every key whose true count passes (I + D)/m is tracked;
 * every tracked key's true count is within its bounds, at most (I + D)/m
 * apart; every untracked key's true count is at most the floor.
 */
function checkGuarantees(top: Top, exact: Exact, inserted: number, deleted: number): void {
  const m = top.capacity;
  const bound = (inserted + deleted) / m;
  const st = top.stats();
  expect(st.inserted).toBe(inserted);
  expect(st.deleted).toBe(deleted);
  expect(top.total).toBe(inserted - deleted);
  expect(top.size).toBeLessThanOrEqual(m);
  expect(st.floor).toBeLessThanOrEqual(bound);
  const tracked = new Map<string | number, number>();
  for (const [k, est] of top.entries()) tracked.set(k, est);
  expect(tracked.size).toBe(top.size);
  for (const [k, est] of tracked) {
    const truth = exact.get(k) ?? 0;
    const { lower, upper } = (top as TopK).bounds(k as never);
    if (upper !== est || !(lower <= truth && truth <= upper) || upper - lower > bound) {
      throw new Error(`key ${String(k)}: true ${truth}, bounds [${lower}, ${upper}], estimate ${est}, bound ${bound}`);
    }
  }
  for (const [k, truth] of exact) {
    if (tracked.has(k)) continue;
    if (truth > bound) throw new Error(`key ${String(k)} counted ${truth} > (I + D)/m = ${bound} is not tracked`);
    if (truth > st.floor) throw new Error(`untracked key ${String(k)} counted ${truth} > floor ${st.floor}`);
    expect((top as TopK).get(k as never)).toBe(0);
  }
}

function add(exact: Exact, k: string | number, by: number): void {
  const n = (exact.get(k) ?? 0) + by;
  if (n === 0) exact.delete(k);
  else exact.set(k, n);
}

interface Stream {
  top: Top;
  exact: Exact;
  inserted: number;
  deleted: number;
}

/** Runs `n` random updates: keys from `key()`, weights 1..maxBy, and a share of decrements of tracked keys. */
function run(s: Stream, r: Rng, n: number, key: () => string | number, maxBy: number, decrShare: number): void {
  for (let i = 0; i < n; i++) {
    if (decrShare > 0 && r.chance(decrShare) && s.top.size > 0) {
      // A valid deletion: of a tracked key, at most its true count.
      const keys = [...s.top.keys()];
      const k = r.pick(keys);
      const truth = s.exact.get(k) ?? 0;
      if (truth === 0) continue;
      const by = r.range(1, truth);
      (s.top as TopK).decr(k as never, by);
      add(s.exact, k, -by);
      s.deleted += by;
      continue;
    }
    const k = key();
    const by = r.range(1, maxBy);
    const est = (s.top as TopK).incr(k as never, by);
    if (!(est >= by)) throw new Error(`incr(${String(k)}, ${by}) returned ${est}`);
    add(s.exact, k, by);
    s.inserted += by;
  }
}

function fresh(top: Top): Stream {
  return { top, exact: new Map(), inserted: 0, deleted: 0 };
}

const words = (r: Rng, n: number): string[] => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = r.chance(0.3) ? r.range(9, 40) : r.range(0, 8);
    let w = '';
    for (let j = 0; j < len; j++) w += String.fromCharCode(r.chance(0.05) ? r.range(0x80, 0x7ff) : r.range(97, 122));
    out.push(w + i.toString(36));
  }
  return out;
};

describe('Space-Saving guarantees against exact counts', () => {
  const N = HEAVY ? 400_000 : 40_000;
  for (const [name, s, maxBy] of [
    ['Zipf 1.1, unit steps', 1.1, 1],
    ['Zipf 0.8, weights 1-20', 0.8, 20],
    ['uniform, unit steps', 0, 1],
  ] as const) {
    it(`IntTopK: ${name}`, () => {
      const r = new Rng(11);
      const z = zipf(r, 50_000, s);
      const st = fresh(new IntTopK({ capacity: 200 }));
      run(st, r, N, () => z() * 7919 - 1e6, maxBy, 0);
      checkGuarantees(st.top, st.exact, st.inserted, st.deleted);
      st.top.dispose();
    });
    it(`TopK: ${name} (short, long and non-ASCII keys)`, () => {
      const r = new Rng(12);
      const z = zipf(r, 20_000, s);
      const dict = words(r, 20_000);
      const st = fresh(new TopK({ capacity: 150 }));
      run(st, r, N, () => dict[z()]!, maxBy, 0);
      checkGuarantees(st.top, st.exact, st.inserted, st.deleted);
      st.top.dispose();
    });
  }

  it('with decrements interleaved (SpaceSaving±): the bound is (I + D)/m', () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = new Rng(seed);
      const z = zipf(r, 5_000, 1.0);
      const st = fresh(new IntTopK({ capacity: 50 }));
      run(st, r, N / 4, () => z(), 5, 0.15);
      checkGuarantees(st.top, st.exact, st.inserted, st.deleted);
      st.top.dispose();
    }
  });

  it('fast-check: any small stream of weighted increments and valid decrements', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 9 }), fc.boolean()), { maxLength: 300 }),
        (m, ops) => {
          const st = fresh(new TopK({ capacity: m }));
          for (const [k, by, down] of ops) {
            const key = k % 3 === 0 ? `a long key number ${k}` : `k${k}`;
            const truth = st.exact.get(key) ?? 0;
            if (down && st.top.has(key) && truth > 0) {
              const d = Math.min(by, truth);
              st.top.decr(key, d);
              add(st.exact, key, -d);
              st.deleted += d;
            } else {
              st.top.incr(key, by);
              add(st.exact, key, by);
              st.inserted += by;
            }
          }
          checkGuarantees(st.top, st.exact, st.inserted, st.deleted);
          st.top.dispose();
        },
      ),
      { numRuns: HEAVY ? 500 : 100 },
    );
  });

  it('a decrement to 0 frees the slot; the next new key takes it with the floor as its error', () => {
    const top = new IntTopK({ capacity: 2 });
    top.incr(1, 5);
    top.incr(2, 3);
    top.incr(3, 1); // evicts 2: floor 3, key 3 gets [3, 4]
    expect(top.bounds(3)).toEqual({ lower: 1, upper: 4 });
    expect(top.decr(1, 5)).toBe(0);
    expect(top.size).toBe(1);
    expect(top.has(1)).toBe(false);
    expect(top.bounds(1)).toEqual({ lower: 0, upper: 3 });
    expect(top.incr(9, 2)).toBe(5);
    expect(top.bounds(9)).toEqual({ lower: 2, upper: 5 });
    expect(top.stats()).toMatchObject({ inserted: 11, deleted: 5, total: 6, size: 2 });
    // A decrement can leave the lower bound at 0, never below.
    expect(top.decr(3, 2)).toBe(2);
    expect(top.bounds(3)).toEqual({ lower: 0, upper: 2 });
  });

  it('an exact count while nothing was evicted', () => {
    const top = new TopK({ capacity: 100 });
    const m = new Map<string, number>();
    const r = new Rng(5);
    for (let i = 0; i < 5000; i++) {
      const k = `w${r.int(100)}`;
      top.incr(k);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    for (const [k, n] of m) expect(top.bounds(k)).toEqual({ lower: n, upper: n });
    expect(top.stats().floor).toBe(0);
  });
});

describe('merge: the guarantees hold for the combined stream', () => {
  it('two skewed streams over overlapping keys, decrements included', () => {
    for (const seed of [21, 22, 23]) {
      const r = new Rng(seed);
      const z = zipf(r, 8_000, 1.1);
      const a = fresh(new TopK({ capacity: 60 }));
      const b = fresh(new TopK({ capacity: 60 }));
      run(a, r, 20_000, () => `k${z()}`, 3, seed === 23 ? 0.1 : 0);
      run(b, r, 15_000, () => `k${(z() * 3) % 8000}`, 3, seed === 23 ? 0.1 : 0);
      const combined: Exact = new Map(a.exact);
      for (const [k, n] of b.exact) add(combined, k, n);
      a.top.merge(b.top as TopK);
      checkGuarantees(a.top, combined, a.inserted + b.inserted, a.deleted + b.deleted);
      // b is unchanged by the merge.
      checkGuarantees(b.top, b.exact, b.inserted, b.deleted);
      // And counting goes on correctly after it.
      const c = { top: a.top, exact: combined, inserted: a.inserted + b.inserted, deleted: a.deleted + b.deleted };
      run(c, r, 10_000, () => `k${z()}`, 3, 0);
      checkGuarantees(c.top, c.exact, c.inserted, c.deleted);
      a.top.dispose();
      b.top.dispose();
    }
  });

  it('fast-check: merges of small summaries, with decrements', () => {
    const stream = fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 6 }), fc.boolean()), { maxLength: 150 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), stream, stream, (m, opsA, opsB) => {
        const feed = (m: number, ops: typeof opsA): Stream => {
          const st = fresh(new IntTopK({ capacity: m }));
          for (const [k, by, down] of ops) {
            const truth = st.exact.get(k) ?? 0;
            if (down && st.top.has(k) && truth > 0) {
              const d = Math.min(by, truth);
              st.top.decr(k, d);
              add(st.exact, k, -d);
              st.deleted += d;
            } else {
              st.top.incr(k, by);
              add(st.exact, k, by);
              st.inserted += by;
            }
          }
          return st;
        };
        const a = feed(m, opsA);
        const b = feed(m, opsB);
        for (const [k, n] of b.exact) add(a.exact, k, n);
        a.top.merge(b.top as IntTopK);
        checkGuarantees(a.top, a.exact, a.inserted + b.inserted, a.deleted + b.deleted);
        a.top.dispose();
        b.top.dispose();
      }),
      { numRuns: HEAVY ? 500 : 150 },
    );
  });

  it('a summary merged with itself doubles, and kinds are checked', () => {
    const a = new IntTopK({ capacity: 4 });
    for (const k of [1, 1, 2, 3]) a.incr(k);
    a.merge(a);
    expect(a.mostCommon()).toEqual([[1, 4], [2, 2], [3, 2]]);
    expect(a.total).toBe(8);
    expect(() => a.merge(new TopK({ capacity: 4 }) as never)).toThrow(TypeError);
    expect(() => a.merge({} as never)).toThrow(TypeError);
    expect(() => a.merge(new IntTopK({ capacity: 5 }))).toThrow(/same capacity \(4\)/);
    expect(a.total).toBe(8);
  });
});

describe('snapshots', () => {
  it('round-trip every estimate, error, total and the floor', () => {
    const r = new Rng(31);
    const z = zipf(r, 3000, 1.0);
    const dict = words(r, 3000);
    const st = fresh(new TopK({ capacity: 40 }));
    run(st, r, 10_000, () => dict[z()]!, 4, 0.05);
    const copy = TopK.fromSnapshot(st.top.snapshot());
    expect(copy.stats()).toMatchObject({ ...st.top.stats(), bytes: copy.stats().bytes, bytesPerKey: copy.stats().bytesPerKey, keyBytes: copy.stats().keyBytes, garbageBytes: copy.stats().garbageBytes });
    for (const [k] of st.top.entries()) expect(copy.bounds(k)).toEqual(st.top.bounds(k));
    checkGuarantees(copy, st.exact, st.inserted, st.deleted);
    const ints = new IntTopK({ capacity: 5 });
    for (const k of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0, -1, 7, 7]) ints.incr(k);
    const back = IntTopK.fromSnapshot(ints.snapshot());
    expect(back.mostCommon()).toEqual(ints.mostCommon());
  });

  it('refuse forged fields with a TypeError and make nothing', () => {
    const top = new TopK({ capacity: 3 });
    top.incr('alpha', 5);
    top.incr('a much longer key', 2);
    const good = top.snapshot();
    const reseal = (b: Uint8Array): Uint8Array => {
      // Recompute the CRC so that only the field under test is wrong.
      const dv = new DataView(b.buffer, b.byteOffset, b.length);
      const crc = (u8: Uint8Array, from: number, to: number, c = 0): number => {
        let x = ~c;
        for (let i = from; i < to; i++) {
          x ^= u8[i]!;
          for (let k = 0; k < 8; k++) x = x & 1 ? 0xedb88320 ^ (x >>> 1) : x >>> 1;
        }
        return ~x >>> 0;
      };
      dv.setUint32(28, crc(b, 32, b.length, crc(b, 0, 28)), true);
      return b;
    };
    expect(TopK.fromSnapshot(reseal(good.slice())).mostCommon()).toEqual(top.mostCommon());
    const forge = (f: (b: Uint8Array) => void): Uint8Array => {
      const b = good.slice();
      f(b);
      return reseal(b);
    };
    // Body: [capacity 3][I 7][D 0][floor 0] then entries.
    expect(() => TopK.fromSnapshot(forge((b) => (b[32] = 0)))).toThrow(/capacity 0/);
    expect(() => TopK.fromSnapshot(forge((b) => (b[32] = 1)))).toThrow(/more than the capacity/);
    expect(() => TopK.fromSnapshot(forge((b) => (b[35] = 8)))).toThrow(/floor 8 is above/);
    expect(() => IntTopK.fromSnapshot(good)).toThrow(/TopK snapshot, not a IntTopK/);
    expect(() => TopK.fromSnapshot(new CounterMap().snapshot())).toThrow(/CounterMap snapshot/);
    const flipped = good.slice();
    flipped[40]! ^= 1;
    expect(() => TopK.fromSnapshot(flipped)).toThrow(/CRC-32/);
    // An error above its estimate, an estimate above I + D, bad UTF-8, a duplicate.
    const entries = (list: Array<[string, number, number]>, inserted = 7): Uint8Array => {
      const src = new TopK({ capacity: 3 });
      src.incr('x');
      const b = src.snapshot();
      const enc = new TextEncoder();
      const body: number[] = [3, inserted, 0, 0];
      for (const [k, est, err] of list) body.push(enc.encode(k).length, ...enc.encode(k), est, err);
      const out = new Uint8Array(32 + body.length);
      out.set(b.subarray(0, 32));
      out.set(body, 32);
      const dv = new DataView(out.buffer);
      dv.setUint32(8, list.length, true);
      dv.setUint32(16, body.length, true);
      return reseal(out);
    };
    expect(TopK.fromSnapshot(entries([['ok', 5, 1]])).bounds('ok')).toEqual({ lower: 4, upper: 5 });
    expect(() => TopK.fromSnapshot(entries([['ok', 5, 6]]))).toThrow(/error 6 is above its estimate 5/);
    expect(() => TopK.fromSnapshot(entries([['ok', 9, 0]]))).toThrow(/estimate 9 is not from 1 to/);
    expect(() => TopK.fromSnapshot(entries([['ok', 0, 0]]))).toThrow(/estimate 0/);
    expect(() => TopK.fromSnapshot(entries([['ok', 2, 0], ['ok', 3, 0]]))).toThrow(/listed twice/);
    const badUtf8 = entries([['é', 2, 0]]);
    badUtf8[32 + 4 + 1] = 0xff;
    expect(() => TopK.fromSnapshot(reseal(badUtf8))).toThrow(/not valid UTF-8/);
    const trailing = new Uint8Array(good.length + 1);
    trailing.set(good);
    expect(() => TopK.fromSnapshot(trailing)).toThrow(TypeError);
  });
});

describe('bad input changes nothing', () => {
  it('keys, steps, options', () => {
    const top = new TopK({ capacity: 4 });
    top.incr('a', 3);
    const before = top.snapshot();
    expect(() => top.incr(1 as never)).toThrow(TypeError);
    expect(() => top.incr('a', -1)).toThrow(/decr takes counts back/);
    expect(() => top.incr('a', 1.5)).toThrow(RangeError);
    expect(() => top.incr('a', '2' as never)).toThrow(TypeError);
    expect(() => top.incr('a', Number.MAX_SAFE_INTEGER)).toThrow(/MAX_SAFE_INTEGER/);
    expect(() => top.decr('b')).toThrow(/not tracked/);
    expect(() => top.decr('a', 4)).toThrow(/estimate of 3, less than the 4/);
    expect(() => top.incrMany(['x', 2 as never])).toThrow(/keys\[1\]/);
    expect(() => top.incrMany('abc' as never)).toThrow(TypeError);
    expect(() => top.incr('x'.repeat(40_000))).toThrow(/at most 32768 bytes/);
    expect(() => top.incrMany(['y', 'x'.repeat(40_000)])).toThrow(/at most 32768 bytes/);
    expect(top.snapshot()).toEqual(before);
    const ints = new IntTopK({ capacity: 2 });
    expect(() => ints.incr(1.5)).toThrow(TypeError);
    expect(() => ints.incr(2 ** 53)).toThrow(RangeError);
    expect(() => ints.incrMany([1, NaN])).toThrow(TypeError);
    expect(ints.size).toBe(0);
    for (const bad of [undefined, null, {}, { capacity: 0 }, { capacity: 1.5 }, { capacity: 2 ** 23 }, { capacity: '5' }]) {
      expect(() => new TopK(bad as never)).toThrow(bad === undefined || bad === null || typeof (bad as { capacity?: unknown }).capacity !== 'number' ? TypeError : RangeError);
    }
    top.dispose();
    expect(() => top.get('a')).toThrow(/disposed/);
    expect(() => top.incr('a')).toThrow(/disposed/);
    top.dispose();
  });

  it('incrMany counts like incr, and a bad batch counts nothing', () => {
    const a = new TopK({ capacity: 10 });
    const b = new TopK({ capacity: 10 });
    const r = new Rng(41);
    const dict = words(r, 40);
    const batch = Array.from({ length: 3000 }, () => dict[r.int(40)]!);
    a.incrMany(batch, 2);
    for (const k of batch) b.incr(k, 2);
    expect(a.mostCommon()).toEqual(b.mostCommon());
    expect(a.stats().floor).toBe(b.stats().floor);
    const ints = new IntTopK({ capacity: 3 });
    ints.incrMany(new Int32Array([5, 5, 6, 7, 8, 5]));
    expect(ints.get(5)).toBe(3);
    expect(ints.total).toBe(6);
  });
});

describe('memory', () => {
  it('stats().bytes is flat once the capacity is reached, long keys included', () => {
    const r = new Rng(51);
    const z = zipf(r, 200_000, 1.1);
    const top = new TopK({ capacity: 500 });
    const seen: number[] = [];
    for (let i = 0; i < (HEAVY ? 1_000_000 : 200_000); i++) {
      const k = z();
      top.incr(k % 5 === 0 ? `https://example.com/page/${k}` : `w${k}`);
      if (i % 20_000 === 19_999) seen.push(top.stats().bytes);
    }
    const after = seen.slice(2);
    expect(Math.max(...after)).toBeLessThanOrEqual(Math.min(...after) * 1.5);
    const ints = new IntTopK({ capacity: 500 });
    const b0 = ints.stats().bytes;
    for (let i = 0; i < 100_000; i++) ints.incr(z());
    expect(ints.stats().bytes).toBe(b0);
    expect(ints.stats().bytesPerKey).toBeLessThan(70);
  });

  it('bystanders in the same pool are untouched', () => {
    const map = new CounterMap();
    const other = new TopK({ capacity: 30 });
    for (let i = 0; i < 100; i++) {
      map.incr(`m${i}`, i + 1);
      other.incr(`o${i % 10}`, 1);
    }
    const before = [map.snapshot(), other.snapshot()];
    const top = new TopK({ capacity: 16 });
    for (let i = 0; i < 50_000; i++) top.incr(`a fairly long key ${i % 997}`);
    top.merge(TopK.fromSnapshot(top.snapshot()));
    top.dispose();
    expect(map.snapshot()).toEqual(before[0]);
    expect(other.snapshot()).toEqual(before[1]);
  });

  it('dispose() gives the table, heap and arena back to the pool; merges and countTokens leave no blocks behind', () => {
    const before = memoryStats().poolBytesInUse;
    const made: TopK[] = [];
    for (let i = 0; i < 200; i++) {
      const t = new TopK({ capacity: 100 });
      for (let j = 0; j < 300; j++) t.incr(`a key longer than eight ${(j * 7) % 150}`);
      const copy = TopK.fromSnapshot(t.snapshot());
      t.merge(copy);
      copy.dispose();
      t.countTokens(new TextEncoder().encode('some more words than eight bytes, and short ones'));
      made.push(t);
    }
    const held = memoryStats().poolBytesInUse - before;
    expect(held).toBeGreaterThan(200 * made[0]!.stats().bytes * 0.9);
    for (const t of made) t.dispose();
    // What stays until the garbage collector reclaims them: one 96-byte
    // header block per summary made (the 200, their merge siblings, backups
    // and snapshot copies), never a table.
    expect(memoryStats().poolBytesInUse - before).toBeLessThanOrEqual(200 * 4 * 96);
  });

  it('iteration throws after a change', () => {
    const top = new IntTopK({ capacity: 8 });
    top.incr(1);
    top.incr(2);
    const it = top.entries();
    it.next();
    top.incr(3);
    expect(() => it.next()).toThrow(/modified/);
    expect([...top].length).toBe(3);
  });
});

describe('countTokens', () => {
  const enc = new TextEncoder();

  it('counts as incr of each token would, with the same options as CounterMap', () => {
    const r = new Rng(61);
    const z = zipf(r, 3000, 1.1);
    const dict = words(r, 3000);
    const parts: string[] = [];
    for (let i = 0; i < 60_000; i++) parts.push(dict[z()]!.replace(/[\s]/g, ''), r.chance(0.1) ? '\n' : ' ');
    const text = enc.encode(parts.join(''));
    const a = new TopK({ capacity: 64 });
    const exact = new CounterMap();
    const tokens = exact.countTokens(text);
    expect(a.countTokens(text)).toBe(tokens);
    // The flush adds each distinct token of a segment once, with its count:
    // the same multiset as one incr per token, so the guarantees hold.
    checkGuarantees(a, new Map(exact.entries()), tokens, 0);
    const lower = new TopK({ capacity: 8 });
    lower.countTokens(enc.encode('The the THE a, b; the'), { lowercase: true, separators: ' ,;' });
    expect(lower.mostCommon(1)).toEqual([['the', 4]]);
  });

  it('is atomic: bad UTF-8 or an oversized token leaves the summary exactly as it was', () => {
    const top = new TopK({ capacity: 4 });
    top.countTokens(enc.encode('alpha beta gamma delta epsilon alpha a-much-longer-token-than-eight alpha'));
    const before = top.snapshot();
    const version = [...top.entries()];
    const bad = enc.encode('zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon ' + 'x'.repeat(100));
    const withBad = new Uint8Array(bad.length + 2);
    withBad.set(bad);
    withBad[bad.length] = 0x20;
    withBad[bad.length + 1] = 0xc3;
    expect(() => top.countTokens(withBad)).toThrow(/invalid UTF-8 at byte/);
    expect(top.snapshot()).toEqual(before);
    const huge = enc.encode('ok ' + 'y'.repeat(40_000) + ' ok');
    expect(() => top.countTokens(huge)).toThrow(/at most 32768 bytes/);
    expect(top.snapshot()).toEqual(before);
    expect([...top.entries()]).toEqual(version);
    expect(() => top.countTokens('text' as never)).toThrow(TypeError);
    // A token of exactly 32 KiB goes through the long-token path and is tracked.
    const edge = 'z'.repeat(32768);
    top.countTokens(enc.encode(`${edge} ${edge}`));
    expect(top.get(edge)).toBeGreaterThanOrEqual(2);
  });
});
