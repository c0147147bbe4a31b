// Model-based tests: long random sequences of every operation on both key
// kinds, against a plain Map that deletes at <= 0. Small key spaces force
// tombstones and in-place cleanup, medium ones steady churn, large ones growth
// and shrink. After every op the touched key and size are checked (no count
// <= 0 is ever stored); everything is compared periodically.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { CounterMap, IntCounterMap } from '../src/index.js';
import {
  MAX_SAFE,
  Model,
  Rng,
  SPECIAL_INTS,
  SPECIAL_STRINGS,
  checkInvariants,
  checkMostCommon,
  compareToModel,
  longString,
  type AnyMap,
} from './helpers/model.js';

type K = string | number;
type Kind = 'int' | 'str';

const LONG_POOL = [longString(11000, 21), longString(25000, 22), 'z'.repeat(40000), longString(10922, 23, true)];

interface RunOptions {
  kind: Kind;
  seed: number;
  ops: number;
  /** Distinct ordinary keys. */
  space: number;
  /** Full comparison every this many ops. */
  checkEvery: number;
  /** Chance of a special key (boundaries, unicode, long). */
  special?: number;
  /** Largest incrMany batch. */
  maxBatch?: number;
  /** Two phases: mostly counting up, then mostly down (forces growth, then shrink). */
  phases?: boolean;
  /** Chance of a clear() per op. */
  clear?: number;
}

interface Seen {
  maxCapacity: number;
  shrinks: number;
  rebuilds: number;
  maxTombstones: number;
  wide: boolean;
  overflows: number;
  maxSize: number;
}

function keyMaker(kind: Kind, r: Rng, space: number, special: number): () => K {
  if (kind === 'int') {
    return () => {
      if (r.chance(special)) return r.chance(0.1) ? -0 : r.pick(SPECIAL_INTS);
      const k = r.int(space);
      return k % 3 === 0 ? -k : k * 7;
    };
  }
  return () => {
    if (r.chance(special)) return r.chance(0.1) ? r.pick(LONG_POOL) : r.pick(SPECIAL_STRINGS);
    const k = r.int(space);
    return k % 5 === 0 ? `ü${k}` : k % 7 === 0 ? `k${k}😀` : `k${k}`;
  };
}

function describeKey(k: K): string {
  return typeof k === 'string' ? JSON.stringify(k.length > 30 ? `${k.slice(0, 30)}…(${k.length})` : k) : String(k);
}

function run(o: RunOptions): Seen {
  const r = new Rng(o.seed);
  const m: AnyMap = o.kind === 'int' ? new IntCounterMap() : new CounterMap();
  const model = new Model<K>();
  const key = keyMaker(o.kind, r, o.space, o.special ?? 0.02);
  const incr = m.incr.bind(m) as (k: K, by?: number) => number;
  const decr = m.decr.bind(m) as (k: K, by?: number) => number;
  const set = m.set.bind(m) as (k: K, n: number) => unknown;
  const del = m.delete.bind(m) as (k: K) => boolean;
  const get = m.get.bind(m) as (k: K) => number;
  const has = m.has.bind(m) as (k: K) => boolean;
  const incrMany = m.incrMany.bind(m) as (keys: unknown, by?: number) => void;
  const seen: Seen = { maxCapacity: 0, shrinks: 0, rebuilds: 0, maxTombstones: 0, wide: false, overflows: 0, maxSize: 0 };
  let lastCap = 0;
  const log: string[] = [];

  const step = (): number => {
    const r1 = r.next();
    if (r1 < 0.7) return 1;
    if (r1 < 0.85) return r.range(2, 9);
    if (r1 < 0.95) return r.range(10, 1000);
    if (r1 < 0.99) return 2 ** 32 - r.range(-3, 3); // around the u32 limit: widens counts
    return MAX_SAFE - r.range(0, 3); // overflows soon
  };

  const checkKey = (k: K, op: string) => {
    const want = model.get(k);
    const g = get(k);
    if (g !== want) throw new Error(`after ${op}: get(${describeKey(k)}) = ${g}, model ${want}\n${log.slice(-8).join('\n')}`);
    if (has(k) !== want > 0) throw new Error(`after ${op}: has(${describeKey(k)}) wrong`);
    if (m.size !== model.size) throw new Error(`after ${op}: size ${m.size}, model ${model.size}\n${log.slice(-8).join('\n')}`);
  };

  const expectOverflow = (fn: () => unknown, op: string) => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof RangeError) || !/MAX_SAFE_INTEGER/.test(e.message)) throw e;
      seen.overflows++;
      return;
    }
    throw new Error(`${op}: expected an overflow RangeError\n${log.slice(-8).join('\n')}`);
  };

  for (let i = 0; i < o.ops; i++) {
    // Phase bias: up first, then down.
    const down = o.phases ? (i < o.ops / 2 ? 0.15 : 0.8) : 0.45;
    const x = r.next();
    const k = key();
    if (x < 0.4) {
      // incr / decr
      const by = step();
      const neg = r.chance(down);
      const delta = neg ? -by : by;
      const useDecr = r.chance(0.5);
      log.push(`${useDecr ? 'decr' : 'incr'}(${describeKey(k)}, ${useDecr ? -delta : delta})`);
      const before = model.get(k);
      const want = model.incr(k, delta);
      if (want === 'overflow') {
        expectOverflow(() => (useDecr ? decr(k, -delta) : incr(k, delta)), 'incr');
        if (get(k) !== before) throw new Error('overflow changed the count');
      } else {
        const got = useDecr ? decr(k, -delta) : incr(k, delta);
        if (got !== want) throw new Error(`${log[log.length - 1]} returned ${got}, model ${want}\n${log.slice(-8).join('\n')}`);
      }
      checkKey(k, log[log.length - 1]!);
    } else if (x < 0.5) {
      const n = r.chance(down) ? 0 : r.chance(0.9) ? r.range(1, 50) : step();
      log.push(`set(${describeKey(k)}, ${n})`);
      expect(set(k, n)).toBe(m);
      model.set(k, n);
      checkKey(k, log[log.length - 1]!);
    } else if (x < 0.6) {
      if (r.chance(down + 0.1)) {
        log.push(`delete(${describeKey(k)})`);
        const want = model.delete(k);
        if (del(k) !== want) throw new Error(`delete(${describeKey(k)}) != ${want}`);
      } else {
        log.push(`get(${describeKey(k)})`);
      }
      checkKey(k, log[log.length - 1]!);
    } else if (x < 0.72) {
      // incrMany
      const n = r.chance(0.05) ? r.range(1, o.maxBatch ?? 6000) : r.range(0, 40);
      const keys: K[] = [];
      for (let j = 0; j < n; j++) keys.push(r.chance(0.2) && keys.length ? r.pick(keys) : key());
      const by = r.chance(0.97) ? step() : 0;
      const delta = r.chance(down) ? -by : by;
      let src: unknown = keys;
      if (o.kind === 'int') {
        const c = r.int(5);
        if (c === 1 && keys.every((v) => (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31)) src = Int32Array.from(keys as number[]);
        else if (c === 2 && keys.every((v) => (v as number) >= 0 && (v as number) < 2 ** 32)) src = Uint32Array.from(keys as number[]);
        else if (c === 3) src = Float64Array.from(keys as number[]);
        else if (c === 4) src = new Set(keys);
      } else if (r.chance(0.2)) src = new Set(keys);
      const list = src instanceof Set ? [...src] : keys;
      log.push(`incrMany([${list.length} keys], ${delta})`);
      const ok = model.incrMany(list as K[], delta);
      if (ok) incrMany(src, delta);
      else expectOverflow(() => incrMany(src, delta), 'incrMany');
      if (m.size !== model.size) throw new Error(`after ${log[log.length - 1]}: size ${m.size}, model ${model.size}`);
      for (let j = 0; j < Math.min(list.length, 20); j++) checkKey(list[j], log[log.length - 1]!);
    } else if (x < 0.72 + (o.clear ?? 0.0005)) {
      log.push('clear()');
      m.clear();
      model.clear();
      if (m.stats().bytes > 64 || m.stats().capacity !== 0) throw new Error('after clear() the map holds more than its 64-byte header');
    } else if (x < 0.75) {
      const n = r.chance(0.3) ? undefined : r.int(60);
      if (model.size <= 5000 || r.chance(0.02)) checkMostCommon(m, model, n);
    } else {
      log.push(`get(${describeKey(k)})`);
      checkKey(k, 'get');
    }
    if (log.length > 64) log.splice(0, 32);

    if ((i + 1) % 200 === 0 || i === o.ops - 1) {
      const st = m.stats();
      if (st.size !== model.size) throw new Error(`stats().size ${st.size}, model ${model.size}`);
      seen.maxCapacity = Math.max(seen.maxCapacity, st.capacity);
      if (st.capacity < lastCap && st.capacity > 0) seen.shrinks++;
      lastCap = st.capacity;
      seen.rebuilds = st.rebuilds;
      seen.maxTombstones = Math.max(seen.maxTombstones, st.tombstones);
      seen.maxSize = Math.max(seen.maxSize, st.size);
      if (st.layout.endsWith('64')) seen.wide = true;
    }
    if ((i + 1) % o.checkEvery === 0 || i === o.ops - 1) {
      compareToModel(m, model);
      checkInvariants(m);
    }
  }
  return seen;
}

describe('model-based: seeded long sequences', () => {
  for (const kind of ['int', 'str'] as const) {
    for (const seed of [1, 2]) {
      test(`${kind} seed ${seed}: small key space (40 keys) - tombstones and in-place cleanup`, () => {
        const seen = run({ kind, seed, ops: 40000, space: 40, checkEvery: 500, special: 0.01, maxBatch: 300, clear: 0.0002 });
        expect(seen.overflows).toBeGreaterThan(0);
        expect(seen.wide).toBe(true);
      });
    }

    test(`${kind}: medium key space (2000 keys) - steady churn`, () => {
      const seen = run({ kind, seed: 3, ops: 60000, space: 2000, checkEvery: 3000, maxBatch: 3000 });
      expect(seen.maxSize).toBeGreaterThan(500);
      expect(seen.rebuilds).toBeGreaterThan(2);
      expect(seen.maxTombstones).toBeGreaterThan(0);
      expect(seen.wide).toBe(true);
    });

    test(`${kind}: large key space - growth then shrink`, () => {
      const seen = run({ kind, seed: 4, ops: 30000, space: 200000, checkEvery: 10000, maxBatch: 12000, special: 0.005, phases: true, clear: 0 });
      expect(seen.maxSize).toBeGreaterThan(20000);
      expect(seen.rebuilds).toBeGreaterThan(4);
    });
  }

  test('int: bulk growth past 2 MiB and bulk shrink, with the model', () => {
    const r = new Rng(9);
    const m = new IntCounterMap();
    const model = new Model<number>();
    const all: number[] = [];
    for (let i = 0; i < 300000; i++) all.push(i * 13 - 2_000_000);
    for (let b = 0; b < all.length; b += 25000) {
      const batch = all.slice(b, b + 25000);
      m.incrMany(batch, 2);
      model.incrMany(batch, 2);
      for (let j = 0; j < 500; j++) {
        const k = all[r.int(b + 25000)]!;
        expect(m.incr(k)).toBe(model.incr(k, 1));
      }
    }
    const big = m.stats();
    expect(big.bytes).toBeGreaterThan(2 * 1024 * 1024);
    compareToModel(m, model);
    for (let b = 0; b < all.length; b += 25000) {
      const batch = all.slice(b, b + 25000).filter((_, j) => j % 50 !== 0);
      if (b % 50000) m.incrMany(batch, -5);
      else for (const k of batch) m.delete(k);
      model.incrMany(batch, -5);
    }
    const small = m.stats();
    expect(small.capacity).toBeLessThan(big.capacity / 4);
    compareToModel(m, model);
  });

  test('str: bulk growth past 2 MiB and bulk shrink, with the model', () => {
    const m = new CounterMap();
    const model = new Model<string>();
    const all: string[] = [];
    for (let i = 0; i < 150000; i++) all.push(`word-${i}-${i % 11 === 0 ? '日本' : 'x'}`);
    all.push(...LONG_POOL);
    for (let b = 0; b < all.length; b += 20000) {
      const batch = all.slice(b, b + 20000);
      m.incrMany(batch, 3);
      model.incrMany(batch, 3);
    }
    const big = m.stats();
    expect(big.bytes).toBeGreaterThan(2 * 1024 * 1024);
    compareToModel(m, model);
    for (let b = 0; b < all.length; b += 20000) {
      const batch = all.slice(b, b + 20000).filter((_, j) => j % 40 !== 0);
      if (b % 40000) m.incrMany(batch, -3);
      else for (const k of batch) m.decr(k, 3);
      model.incrMany(batch, -3);
    }
    const small = m.stats();
    expect(small.capacity).toBeLessThan(big.capacity / 4);
    compareToModel(m, model, { probes: LONG_POOL });
  });
});

describe('model-based: under a maxBytes budget', () => {
  // Inserts that need memory past the budget throw a RangeError and change
  // nothing; everything else must keep matching the model. Erased string keys
  // leave garbage in the arena, so this also drives compaction at the budget.
  // (Long string keys stay out: at the budget they fail even for reads, which
  // memory.test.ts covers on its own. Int keys past i32 are in: a widen that
  // does not fit must be refused cleanly.)
  for (const kind of ['int', 'str'] as const) {
    test(`${kind}: random ops near a 1 MiB budget`, () => {
      const BUDGET = 1 << 20;
      const r = new Rng(kind === 'int' ? 31 : 32);
      const m: AnyMap = kind === 'int' ? new IntCounterMap({ maxBytes: BUDGET }) : new CounterMap({ maxBytes: BUDGET });
      const model = new Model<K>();
      const space = kind === 'int' ? 150000 : 60000;
      const key = (): K => (kind === 'int' ? r.int(space) * 5 - 300000 : `key-${r.int(space)}-${'abcdefgh'.slice(0, r.int(8))}`);
      const longKey = (): K => (kind === 'int' ? 2 ** 31 + r.int(10) : `odd-${r.int(10)}-\uD800😀`);
      const incr = m.incr.bind(m) as (k: K, by?: number) => number;
      const set = m.set.bind(m) as (k: K, n: number) => unknown;
      const del = m.delete.bind(m) as (k: K) => boolean;
      const get = m.get.bind(m) as (k: K) => number;
      const incrMany = m.incrMany.bind(m) as (keys: K[], by?: number) => void;
      let refused = 0;
      const attempt = (fn: () => void, apply: () => void) => {
        try {
          fn();
        } catch (e) {
          if (!(e instanceof RangeError) || !/maxBytes|memory/.test(e.message)) throw e;
          refused++;
          return;
        }
        apply();
      };
      for (let i = 0; i < 60000; i++) {
        const phaseDown = Math.floor(i / 10000) % 2 === 1;
        const x = r.next();
        const k = r.chance(0.002) ? longKey() : key();
        if (x < 0.55) {
          const by = r.range(1, 4) * (r.chance(phaseDown ? 0.7 : 0.2) ? -1 : 1);
          attempt(
            () => {
              const got = incr(k, by);
              const want = model.get(k) + by;
              if (got !== Math.max(0, want)) throw new Error(`incr returned ${got}, model ${want}`);
            },
            () => void model.incr(k, by),
          );
        } else if (x < 0.65) {
          const n = r.chance(phaseDown ? 0.6 : 0.1) ? 0 : r.range(1, 9);
          attempt(
            () => void set(k, n),
            () => model.set(k, n),
          );
        } else if (x < 0.8) {
          expect(del(k)).toBe(model.delete(k));
        } else if (x < 0.9) {
          const keys: K[] = [];
          const n = r.chance(0.05) ? r.range(1000, 8000) : r.range(1, 50);
          for (let j = 0; j < n; j++) keys.push(key());
          const by = r.chance(phaseDown ? 0.7 : 0.2) ? -1 : 1;
          attempt(
            () => incrMany(keys, by),
            () => void model.incrMany(keys, by),
          );
        } else {
          if (get(k) !== model.get(k)) throw new Error(`get(${describeKey(k)}) = ${get(k)}, model ${model.get(k)}`);
        }
        if (get(k) !== model.get(k)) throw new Error(`op ${i}: get(${describeKey(k)}) = ${get(k)}, model ${model.get(k)}`);
        if (m.size !== model.size) throw new Error(`op ${i}: size ${m.size}, model ${model.size}`);
        if (i % 5000 === 4999) {
          expect(m.stats().bytes).toBeLessThanOrEqual(BUDGET);
          compareToModel(m, model, { mostCommonN: 20 });
        }
      }
      expect(refused).toBeGreaterThan(0);
      compareToModel(m, model);
    });
  }
});

describe('model-based: fast-check (shrinks to a minimal failing sequence)', () => {
  const intKey = fc.oneof(fc.integer({ min: -6, max: 6 }), fc.constantFrom(...SPECIAL_INTS), fc.constant(-0));
  const strKey = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd', 'e', '', 'ab'), fc.constantFrom(...SPECIAL_STRINGS), fc.constantFrom(...LONG_POOL), fc.string({ maxLength: 4, unit: 'binary' }));
  const stepArb = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(2 ** 32 - 1, 2 ** 32, -(2 ** 32), MAX_SAFE, -MAX_SAFE, MAX_SAFE - 1));
  const countArb = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(2 ** 32 - 1, 2 ** 32, MAX_SAFE));

  function opArb<T>(key: fc.Arbitrary<T>) {
    return fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.constant('incr' as const), key, stepArb) },
      { weight: 2, arbitrary: fc.tuple(fc.constant('decr' as const), key, stepArb) },
      { weight: 2, arbitrary: fc.tuple(fc.constant('set' as const), key, countArb) },
      { weight: 2, arbitrary: fc.tuple(fc.constant('delete' as const), key, fc.constant(0)) },
      { weight: 2, arbitrary: fc.tuple(fc.constant('incrMany' as const), fc.array(key, { maxLength: 12 }), stepArb) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('clear' as const), key, fc.constant(0)) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('prune' as const), key, fc.integer({ min: -2, max: 6 })) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('clone' as const), key, fc.constant(0)) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('check' as const), key, fc.nat({ max: 10 })) },
    );
  }

  function apply(m: AnyMap, model: Model<K>, op: readonly [string, unknown, number]): void {
    const [name, k, n] = op;
    const call = <R>(fn: () => R, willOverflow: boolean): R | undefined => {
      if (!willOverflow) return fn();
      expect(fn).toThrow(RangeError);
      return undefined;
    };
    switch (name) {
      case 'incr': {
        const want = model.get(k as K) + n > MAX_SAFE ? 'overflow' : undefined;
        const got = call(() => (m.incr as (k: unknown, b: number) => number)(k, n), want === 'overflow');
        if (want !== 'overflow') expect(got).toBe(model.incr(k as K, n));
        break;
      }
      case 'decr': {
        const over = model.get(k as K) - n > MAX_SAFE;
        const got = call(() => (m.decr as (k: unknown, b: number) => number)(k, n), over);
        if (!over) expect(got).toBe(model.incr(k as K, -n));
        break;
      }
      case 'set':
        (m.set as (k: unknown, c: number) => unknown)(k, n);
        model.set(k as K, n);
        break;
      case 'delete':
        expect((m.delete as (k: unknown) => boolean)(k)).toBe(model.delete(k as K));
        break;
      case 'incrMany': {
        const keys = k as K[];
        const copy = new Model<K>();
        for (const [a, b] of model.m) copy.m.set(a, b);
        const ok = copy.incrMany(keys, n);
        call(() => (m.incrMany as (k: unknown, b: number) => void)(keys, n), !ok);
        if (ok) model.incrMany(keys, n);
        break;
      }
      case 'clear':
        m.clear();
        model.clear();
        break;
      case 'prune':
        expect(m.prune(n)).toBe(model.prune(n));
        break;
      case 'clone': {
        // The copy equals the map, and the two are independent afterwards.
        const copy = m.clone();
        compareToModel(copy, model, { mostCommon: false });
        (copy.delete as (k: unknown) => boolean)(k);
        copy.dispose();
        break;
      }
      default:
        checkMostCommon(m, model, n);
    }
    expect(m.size).toBe(model.size);
    expect(m.total()).toBe(model.total());
    if (name !== 'incrMany' && name !== 'clear') {
      expect((m.get as (k: unknown) => number)(k)).toBe(model.get(k as K));
    }
  }

  test('IntCounterMap', () => {
    fc.assert(
      fc.property(fc.array(opArb(intKey), { maxLength: 120 }), (ops) => {
        const m = new IntCounterMap();
        const model = new Model<number>();
        for (const op of ops) apply(m, model, op);
        compareToModel(m, model);
        checkInvariants(m);
      }),
      { numRuns: 250 },
    );
  });

  test('CounterMap', () => {
    fc.assert(
      fc.property(fc.array(opArb(strKey), { maxLength: 120 }), (ops) => {
        const m = new CounterMap();
        const model = new Model<string>();
        for (const op of ops) apply(m, model, op);
        compareToModel(m, model);
        checkInvariants(m);
      }),
      { numRuns: 200 },
    );
  });
});
