// Code of the caller's that runs during a call (a getter on an array index,
// a Proxy trap, an iterator, a subclass method, an options getter) must not
// be able to corrupt the pool: each input is read once, before anything goes
// into wasm, while the map refuses calls. A refused call changes nothing; a
// call whose input reading threw leaves its map exactly as it was. Every case
// runs next to 50 bystander maps in the same pool, and every map is compared
// with its model afterwards (a write through a stale header or into the
// shared scratch shows up in a neighbour, not in the map operated on).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap, memoryStats } from '../src/index.js';
import { countFile } from '../src/node.js';
import { MAX_SAFE, Model, Rng, compareToModel, snapshot, type AnyMap, type Key } from './helpers/model.js';
import { expectRejected, expectThrow } from './helpers/expect.js';

const HEAVY = process.env.TOPHASH_HEAVY !== undefined;
const REENTRANT = /re-entrant call during/;

interface Tracked {
  map: AnyMap;
  model: Model<Key>;
}

/** The maps of one case: a string map and an int map under test, and 50 bystanders, all in one pool. */
interface World {
  s: CounterMap;
  sModel: Model<string>;
  n: IntCounterMap;
  nModel: Model<number>;
  bystanders: Tracked[];
}

const LONG = (i: number): string => `long-${i}-${'é'.repeat(30)}`;

function poolOf(m: AnyMap): unknown {
  return (m as unknown as { _c: unknown })._c;
}

let live: World | null = null;

function world(seed = 1): World {
  const r = new Rng(seed);
  const s = new CounterMap();
  const sModel = new Model<string>();
  const n = new IntCounterMap();
  const nModel = new Model<number>();
  for (let i = 0; i < 200; i++) {
    const k = i % 10 === 0 ? LONG(i) : `s${i}`;
    const by = r.range(1, 9);
    s.incr(k, by);
    sModel.incr(k, by);
    const ik = i % 7 === 0 ? 2 ** 40 + i : i * 3 - 50;
    n.incr(ik, by);
    nModel.incr(ik, by);
  }
  const bystanders: Tracked[] = [];
  for (let b = 0; b < 50; b++) {
    const map = b % 2 ? new IntCounterMap() : new CounterMap();
    const model = new Model<Key>();
    for (let j = 0; j < 20; j++) {
      const k: Key = b % 2 ? r.int(1000) - 500 : j % 4 === 0 ? LONG(r.int(100)) : `b${r.int(100)}`;
      const by = r.range(1, 5);
      (map.incr as (k: Key, by: number) => number)(k, by);
      model.incr(k, by);
    }
    bystanders.push({ map, model });
  }
  const pool = poolOf(s);
  expect(poolOf(n)).toBe(pool);
  for (const b of bystanders) expect(poolOf(b.map)).toBe(pool);
  live = { s, sModel, n, nModel, bystanders };
  return live;
}

/** Every map equals its model, and each still takes an insertion of a new key. */
function checkWorld(w: World): void {
  compareToModel(w.s, w.sModel, { mostCommon: false });
  compareToModel(w.n, w.nModel, { mostCommon: false });
  for (const { map, model } of w.bystanders) {
    compareToModel(map, model, { mostCommon: false });
    const k: Key = map instanceof IntCounterMap ? 123_456_789 : LONG(999_999);
    expect((map.incr as (k: Key, by: number) => number)(k, 2)).toBe(model.incr(k, 2));
  }
  expect(memoryStats().pools).toBeGreaterThanOrEqual(1);
}

afterEach(() => {
  if (live === null) return;
  for (const m of [live.s, live.n, ...live.bystanders.map((b) => b.map)]) m.dispose();
  live = null;
});

/** A bystander's op from inside user code: allowed (it is another map), mirrored in its model. */
function touchBystanders(w: World, r: Rng, ops: number): void {
  for (let i = 0; i < ops; i++) {
    const b = w.bystanders[r.int(w.bystanders.length)]!;
    const kind = r.int(4);
    if (b.map instanceof IntCounterMap) {
      const keys = Array.from({ length: r.range(1, 3000) }, () => r.int(5000) * (r.chance(0.1) ? 2 ** 33 : 1));
      if (kind === 0) {
        b.map.incrMany(keys);
        b.model.incrMany(keys, 1);
      } else {
        const k = keys[0]!;
        expect(b.map.incr(k, 3)).toBe(b.model.incr(k, 3));
      }
    } else {
      // Long keys go through the pool's shared scratch.
      const keys = Array.from({ length: r.range(1, 2000) }, () => (r.chance(0.5) ? LONG(r.int(3000)) : `x${r.int(3000)}`));
      if (kind === 0) {
        b.map.incrMany(keys);
        b.model.incrMany(keys, 1);
      } else if (kind === 1) {
        const text = keys.join(' ');
        (b.map).countTokens(new TextEncoder().encode(text));
        b.model.incrMany(keys, 1);
      } else {
        const k = keys[0]!;
        expect(b.map.incr(k as never, 2)).toBe(b.model.incr(k, 2));
      }
    }
  }
}

/** Calls `fn`, which must be refused as a re-entrant call; returns nothing. */
function refused(fn: () => unknown, name = ''): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `${name}: expected a re-entrant call refused`).toBeInstanceOf(TypeError);
  expect((err as Error).message, name).toMatch(REENTRANT);
}

/** Every way of calling back into a map `m` (of either kind), each of which must be refused. */
function callsInto(m: AnyMap, other: AnyMap): Array<[string, () => unknown]> {
  const k = (m instanceof IntCounterMap ? 7 : 's7') as never;
  const it = m.entries();
  it.next();
  const calls: Array<[string, () => unknown]> = [
    ['get', () => m.get(k)],
    ['has', () => m.has(k)],
    ['incr', () => m.incr(k)],
    ['decr', () => m.decr(k)],
    ['set', () => m.set(k, 5)],
    ['delete', () => m.delete(k)],
    ['size', () => m.size],
    ['clear', () => m.clear()],
    ['dispose', () => m.dispose()],
    ['Symbol.dispose', () => m[Symbol.dispose]()],
    ['incrMany (grows it past 1 MiB)', () => m.incrMany(Array.from({ length: 70_000 }, (_, i) => (m instanceof IntCounterMap ? 1e6 + i : `grow${i}`)) as never)],
    ['entries', () => [...m.entries()]],
    ['an iterator made before', () => it.next()],
    ['forEach', () => m.forEach(() => {})],
    ['mostCommon', () => m.mostCommon(3)],
    ['stats', () => m.stats()],
    ['snapshot', () => m.snapshot()],
    ['toJSON', () => m.toJSON()],
    ['merge into it', () => m.merge(other as never, 2)],
    ['merge from it', () => other.merge(m as never)],
    ['merge with itself', () => m.merge(m as never)],
  ];
  if (m instanceof CounterMap) {
    calls.push(['countTokens', () => m.countTokens(new TextEncoder().encode('a b c'))]);
    calls.push(['tokenCounter', () => m.tokenCounter()]);
  }
  return calls;
}

describe('incrMany reads each element once, before anything goes into wasm', () => {
  test('a getter on an array index is called once; a value it changes to later is never seen', () => {
    const w = world();
    let reads = 0;
    const keys = ['s1', 'x', 's2'];
    Object.defineProperty(keys, 1, { get: () => (++reads === 1 ? 'b' : 12345), enumerable: true });
    w.s.incrMany(keys, 3);
    w.sModel.incrMany(['s1', 'b', 's2'], 3);
    expect(reads).toBe(1);

    let ireads = 0;
    const ikeys = [1, 2, 3];
    Object.defineProperty(ikeys, 2, { get: () => (++ireads === 1 ? 99 : 'x'), enumerable: true });
    w.n.incrMany(ikeys, 2);
    w.nModel.incrMany([1, 2, 99], 2);
    expect(ireads).toBe(1);
    checkWorld(w);
  });

  test('the undo of a failed batch takes back the keys that were read, not what a getter returns later', () => {
    const w = world();
    w.s.set('hot', MAX_SAFE - 1);
    w.sModel.set('hot', MAX_SAFE - 1);
    let reads = 0;
    const keys = Array.from({ length: 9000 }, (_, i) => `u${i}`);
    keys.push('hot', 'hot');
    Object.defineProperty(keys, 10, { get: () => ['s3', 's4', 's5'][Math.min(reads++, 2)], enumerable: true });
    expectRejected(w.s, () => w.s.incrMany(keys), RangeError, /MAX_SAFE_INTEGER/, true);
    expect(reads).toBe(1);
    checkWorld(w);
  });

  test('a key that turns into a non-string mid-batch: TypeError naming it, the map unchanged (string and int maps)', () => {
    const w = world();
    const n = HEAVY ? 200_000 : 20_000;
    const at = Math.floor(n * 0.93);
    const keys = Array.from({ length: n }, (_, i) => `k${i % 7000}`);
    let reads = 0;
    Object.defineProperty(keys, at, { get: () => (++reads > 0 ? 12345 : 'ok'), enumerable: true });
    expectRejected(w.s, () => w.s.incrMany(keys), TypeError, new RegExp(`keys\\[${at}\\] must be a string, got number 12345`), true);
    expect(reads).toBe(1);

    // The same through a Proxy whose element turns into an object part way.
    const proxied = new Proxy(Array.from({ length: n }, (_, i) => i % 9000), {
      get(target, p, recv) {
        if (p === String(at)) return { valueOf: () => 5 };
        return Reflect.get(target, p, recv) as unknown;
      },
    });
    expectRejected(w.n, () => w.n.incrMany(proxied), TypeError, new RegExp(`keys\\[${at}\\] must be a safe integer, got an object`), true);
    checkWorld(w);
  });

  test('keys longer than the scratch in a batch that fails later: taken back, neighbours intact', () => {
    const w = world();
    const huge = 'h'.repeat(40_000);
    const keys = ['s1', huge, ...Array.from({ length: 5000 }, (_, i) => `v${i}`), huge, 'x'.repeat(33_000) + 'é', 's2'];
    let reads = 0;
    Object.defineProperty(keys, keys.length - 1, { get: () => (reads++ === 0 ? null : 's2') });
    expectRejected(w.s, () => w.s.incrMany(keys), TypeError, /must be a string, got null/, true);
    expect(reads).toBe(1);
    const plain = [...keys.slice(0, -1), 's2'];
    w.s.incrMany(plain, 2);
    w.sModel.incrMany(plain, 2);
    w.s.set('hot', MAX_SAFE);
    w.sModel.set('hot', MAX_SAFE);
    expectRejected(w.s, () => w.s.incrMany([...plain, 'hot']), RangeError, /MAX_SAFE_INTEGER/, true);
    checkWorld(w);
  });

  test('a getter that calls back into the map is refused; uncaught, the batch fails with the map unchanged', () => {
    const w = world();
    for (const [m, key] of [[w.s, 's5'], [w.n, 5]] as const) {
      for (const [name, call] of callsInto(m, m instanceof CounterMap ? (w.bystanders[0]!.map) : (w.bystanders[1]!.map))) {
        const keys: unknown[] = [key, key, key];
        Object.defineProperty(keys, 1, {
          get: () => {
            call();
            return key;
          },
        });
        const before = snapshot(m);
        const err = expectThrow(() => m.incrMany(keys as never), TypeError, REENTRANT);
        expect(err.message, name).toMatch(/during incrMany/);
        expect(snapshot(m), name).toEqual(before);
      }
    }
    checkWorld(w);
  });

  test('a getter that calls back, catches the refusal and goes on: its call changed nothing and the batch counts once', () => {
    const w = world();
    for (const [m, model, key] of [[w.s, w.sModel, 's6'], [w.n, w.nModel, 6]] as const) {
      const other = (m instanceof CounterMap ? w.bystanders[0]! : w.bystanders[1]!).map;
      const calls = callsInto(m, other);
      const keys: unknown[] = calls.map(() => key);
      calls.forEach(([name, call], i) => {
        Object.defineProperty(keys, i, {
          get: () => {
            refused(call, name);
            return key;
          },
        });
      });
      m.incrMany(keys as never, 2);
      (model as Model<Key>).incrMany(calls.map(() => key as Key), 2);
      // The map still works (not disposed, cleared, or left busy).
      expect(m.get(key as never)).toBe((model as Model<Key>).get(key));
      expect(Object.prototype.toString.call(m)).toMatch(/Map/);
    }
    checkWorld(w);
  });

  test('console.log of a map from inside its own call shows it busy instead of throwing', () => {
    const w = world();
    let shown = '';
    const keys = ['a'];
    Object.defineProperty(keys, 0, {
      get: () => {
        shown = (w.s as unknown as Record<symbol, () => string>)[Symbol.for('nodejs.util.inspect.custom')]!();
        return 'a';
      },
    });
    w.s.incrMany(keys);
    w.sModel.incr('a', 1);
    expect(shown).toBe('CounterMap <busy in incrMany>');
    checkWorld(w);
  });

  test('user code in the batch may use bystanders in the same pool: grow one out of the pool, write long keys through the scratch, make new maps', () => {
    const w = world();
    const r = new Rng(5);
    const made: CounterMap[] = [];
    const plain = Array.from({ length: 12_000 }, (_, i) => (i % 3 === 0 ? LONG(i % 500) : `k${i % 4000}`));
    const keys = plain.slice();
    const big = w.bystanders[2]!;
    for (const at of [0, 1, 4000, 8191, 11_999]) {
      const k = plain[at]!;
      Object.defineProperty(keys, at, {
        get: () => {
          touchBystanders(w, r, 2);
          if (at === 1) {
            // Past 1 MiB: the bystander moves to an instance of its own.
            const grow = Array.from({ length: 50_000 }, (_, j) => `grow-${j}`);
            big.map.incrMany(grow as never);
            big.model.incrMany(grow, 1);
          }
          const m = new CounterMap();
          m.incr(LONG(at));
          made.push(m);
          return k;
        },
      });
    }
    w.s.incrMany(keys);
    w.sModel.incrMany(plain, 1);
    expect(big.map.stats().memory).toBe('own');
    checkWorld(w);
    for (const m of made) {
      expect(m.size).toBe(1);
      m.dispose();
    }
  });

  test('a Proxy array: each index read once, length read once; its traps may call back (refused)', () => {
    const w = world();
    const reads = new Map<PropertyKey, number>();
    const target = Array.from({ length: 5000 }, (_, i) => `p${i % 300}`);
    const proxy = new Proxy(target, {
      get(t, p, recv) {
        reads.set(p, (reads.get(p) ?? 0) + 1);
        if (p === '2500') refused(() => w.s.incr('p1'));
        return Reflect.get(t, p, recv) as unknown;
      },
    });
    w.s.incrMany(proxy);
    w.sModel.incrMany(target, 1);
    for (const [p, k] of reads) expect(k, String(p)).toBe(1);
    expect(reads.get('length')).toBe(1);
    checkWorld(w);
  });

  test('an iterator whose next() calls back into the map is refused; into bystanders it is allowed', () => {
    const w = world();
    const r = new Rng(9);
    function* gen(): Generator<string> {
      for (let i = 0; i < 3000; i++) {
        if (i % 1000 === 0) {
          refused(() => w.s.incrMany(['z']));
          touchBystanders(w, r, 2);
        }
        yield `g${i % 100}`;
      }
    }
    w.s.incrMany(gen(), 4);
    w.sModel.incrMany(Array.from({ length: 3000 }, (_, i) => `g${i % 100}`), 4);

    // Uncaught: the iterator's error is the batch's, nothing counted.
    function* bad(): Generator<number> {
      yield 1;
      w.n.incr(1);
      yield 2;
    }
    expectRejected(w.n, () => w.n.incrMany(bad()), TypeError, REENTRANT, true);
    const sneaky = { [Symbol.iterator]: () => ({ next: () => (w.n.dispose(), { done: true, value: undefined }) }) };
    expectRejected(w.n, () => w.n.incrMany(sneaky as never), TypeError, /re-entrant call during incrMany/, true);
    checkWorld(w);
  });

  test('keys and counts with valueOf/toString are TypeErrors and never called', () => {
    const w = world();
    let called = 0;
    const sneaky = {
      valueOf: () => {
        called++;
        w.s.dispose();
        return 1;
      },
      toString: () => {
        called++;
        w.s.clear();
        return 's1';
      },
    };
    const s = w.s as unknown as Record<string, (...a: unknown[]) => unknown>;
    const n = w.n as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const [name, call] of [
      ['incr key', () => s.incr!(sneaky)],
      ['incr step', () => s.incr!('s1', sneaky)],
      ['decr step', () => s.decr!('s1', sneaky)],
      ['set count', () => s.set!('s1', sneaky)],
      ['get key', () => s.get!(sneaky)],
      ['delete key', () => s.delete!(sneaky)],
      ['String object key', () => s.incr!(new String('s1'))],
      ['incrMany step', () => s.incrMany!(['s1'], sneaky)],
      ['incrMany key', () => s.incrMany!(['s1', sneaky])],
      ['mostCommon n', () => s.mostCommon!(sneaky)],
      ['merge step', () => s.merge!(w.bystanders[0]!.map, sneaky)],
      ['int incr key', () => n.incr!(sneaky)],
      ['int incr step', () => n.incr!(1, sneaky)],
      ['int set count', () => n.set!(1, sneaky)],
      ['int incrMany key', () => n.incrMany!([1, sneaky])],
      ['int incrMany Number object', () => n.incrMany!([new Number(3)])],
    ] as const) {
      expectRejected(name.startsWith('int') ? w.n : w.s, call, TypeError, /must be|needs/, true);
    }
    expect(called).toBe(0);
    checkWorld(w);
  });
});

describe('batch lengths', () => {
  test('{length: -1} and other lengths that are not an array length: RangeError or TypeError, nothing counted', () => {
    const w = world();
    for (const m of [w.s, w.n] as AnyMap[]) {
      for (const length of [-1, NaN, 2 ** 32, 1.5, Infinity, -Infinity, -0.5]) {
        expectRejected(m, () => m.incrMany({ length } as never), RangeError, /keys\.length must be an integer from 0 to 2\^32 - 1/, true);
        const proxy = new Proxy([] as unknown[], { get: (t, p, r) => (p === 'length' ? length : (Reflect.get(t, p, r) as unknown)) });
        expectRejected(m, () => m.incrMany(proxy as never), RangeError, /keys\.length must be an integer/, true);
      }
      for (const length of ['2', null, {}, 1n]) {
        expectRejected(m, () => m.incrMany({ length, 0: 1, 1: 1 } as never), TypeError, /keys\.length must be a number/, true);
      }
      // Still fine: 0, and -0 (an integer).
      m.incrMany({ length: 0 } as never);
      m.incrMany({ length: -0 } as never);
    }
    checkWorld(w);
  });

  test('a getter on length is read once', () => {
    const w = world();
    let reads = 0;
    const like = { 0: 's1', 1: 's2', get length() {
      reads++;
      return reads === 1 ? 2 : 1e9;
    } };
    w.s.incrMany(like);
    w.sModel.incrMany(['s1', 's2'], 1);
    expect(reads).toBe(1);
    checkWorld(w);
  });
});

/** `bytes` in a Uint8Array subclass whose methods and getters lie, and log each call. */
function hostile(bytes: Uint8Array, log: string[], extra = 40_000): Uint8Array {
  class Hostile extends Uint8Array {
    override subarray(begin?: number, end?: number): Uint8Array<ArrayBuffer> {
      log.push('subarray');
      // More bytes than asked: past the 32 KiB scratch if written there.
      return new Uint8Array(extra + (end ?? 0) - (begin ?? 0)).fill(0x41);
    }
    override slice(): Uint8Array<ArrayBuffer> {
      log.push('slice');
      return new Uint8Array(extra).fill(0x42);
    }
    override set(): void {
      log.push('set');
    }
    override get length(): number {
      log.push('length');
      return extra;
    }
    override get byteLength(): number {
      log.push('byteLength');
      return extra;
    }
    override get byteOffset(): number {
      log.push('byteOffset');
      return 3;
    }
    override get buffer(): ArrayBuffer {
      log.push('buffer');
      return new ArrayBuffer(extra);
    }
  }
  const h = new Hostile(bytes.length);
  Uint8Array.prototype.set.call(h, bytes);
  return h;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('bytes from Uint8Array subclasses, Proxies and shared memory', () => {
  const text = Array.from({ length: 9000 }, (_, i) => (i % 5 === 0 ? `Long-Token-${i}-${'ü'.repeat(20)}` : `w${i % 700}`)).join(' ');
  const words = text.split(' ');

  test('countTokens and TokenCounter.write read a subclass through the intrinsic getters: its overrides are never called', () => {
    const w = world();
    const log: string[] = [];
    w.s.countTokens(hostile(utf8(text), log));
    w.sModel.incrMany(words, 1);
    const c = w.s.tokenCounter();
    c.write(hostile(utf8(text.slice(0, 5000)), log));
    c.write(hostile(utf8(text.slice(5000)), log));
    c.end();
    w.sModel.incrMany(words, 1);
    expect(log).toEqual([]);
    checkWorld(w);
  });

  test('int incrMany and fromSnapshot read subclasses the same way', () => {
    const w = world();
    const log: string[] = [];
    class I32 extends Int32Array {
      override subarray(): Int32Array<ArrayBuffer> {
        log.push('subarray');
        return new Int32Array(8192).fill(7);
      }
      override get length(): number {
        log.push('length');
        return 1e6;
      }
    }
    class F64 extends Float64Array {
      override subarray(): Float64Array<ArrayBuffer> {
        log.push('subarray');
        return new Float64Array(4096).fill(0.5);
      }
    }
    class U16 extends Uint16Array {
      override get length(): number {
        log.push('length');
        return 1 << 20;
      }
    }
    const keys = Array.from({ length: 20_000 }, (_, i) => (i * 13) % 5000);
    for (const Ctor of [I32, F64, U16]) {
      w.n.incrMany(Ctor.from(keys));
      w.nModel.incrMany(keys, 1);
    }
    const snap = w.n.snapshot();
    const loaded = IntCounterMap.fromSnapshot(hostile(snap, log));
    expect(snapshot(loaded)).toEqual(snapshot(w.n));
    loaded.dispose();
    expect(log).toEqual([]);
    checkWorld(w);
  });

  test('a Proxy of a Uint8Array, a DataView or an ArrayBuffer is a TypeError, and no trap runs', () => {
    const w = world();
    let traps = 0;
    const handler: ProxyHandler<Uint8Array> = new Proxy({}, { get: () => () => (traps++, undefined) });
    const proxy = new Proxy(new TextEncoder().encode('a b'), handler);
    expectRejected(w.s, () => w.s.countTokens(proxy), TypeError, /countTokens needs a Uint8Array \(or Buffer\) of UTF-8 text, got an object/, true);
    expectRejected(w.s, () => w.s.tokenCounter().write(proxy), TypeError, /TokenCounter.write needs a Uint8Array/, true);
    expectThrow(() => CounterMap.fromSnapshot(proxy), TypeError, /fromSnapshot needs a Uint8Array \(or Buffer\) holding a snapshot/);
    expect(traps).toBe(0);
    const buf = new TextEncoder().encode('a b').buffer;
    expectRejected(w.s, () => w.s.countTokens(new DataView(buf) as never), TypeError, /got a DataView \(wrap the bytes/, true);
    expectRejected(w.s, () => w.s.countTokens(buf as never), TypeError, /got an ArrayBuffer \(wrap the bytes/, true);
    expectRejected(w.s, () => w.s.countTokens(new Uint16Array(2) as never), TypeError, /got a Uint16Array/, true);
    expectRejected(w.s, () => w.s.countTokens(Object.create(Uint8Array.prototype) as never), TypeError, /needs a Uint8Array/, true);
    checkWorld(w);
  });

  test('bytes in a SharedArrayBuffer are copied once, then counted or loaded', () => {
    const w = world();
    const bytes = new TextEncoder().encode(text);
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.length + 16), 16, bytes.length);
    shared.set(bytes);
    w.s.countTokens(shared);
    w.sModel.incrMany(words, 1);
    const snap = w.n.snapshot();
    const sharedSnap = new Uint8Array(new SharedArrayBuffer(snap.length));
    sharedSnap.set(snap);
    const loaded = IntCounterMap.fromSnapshot(sharedSnap);
    expect(snapshot(loaded)).toEqual(snapshot(w.n));
    loaded.dispose();
    const keys = new Int32Array(new SharedArrayBuffer(4 * 3000)).map((_, i) => i % 77);
    w.n.incrMany(keys);
    w.nModel.incrMany(Array.from(keys), 1);
    const fkeys = new Float64Array(new SharedArrayBuffer(8 * 3000)).map((_, i) => 2 ** 40 + (i % 50));
    w.n.incrMany(fkeys);
    w.nModel.incrMany(Array.from(fkeys), 1);
    checkWorld(w);
  });

  test('countTokens options getters that call back into the map are refused; tokens counted once', () => {
    const w = world();
    const opts = {
      get separators() {
        refused(() => w.s.countTokens(new TextEncoder().encode('x')));
        refused(() => w.s.dispose());
        return ' ';
      },
      get lowercase() {
        refused(() => w.s.incr('a'));
        return false;
      },
    };
    w.s.countTokens(new TextEncoder().encode(text), opts);
    w.sModel.incrMany(words, 1);
    const c = w.s.tokenCounter(opts);
    c.write(new TextEncoder().encode('one two'));
    c.end();
    w.sModel.incrMany(['one', 'two'], 1);
    const uncaught = { get separators(): string {
      w.s.clear();
      return ' ';
    } };
    expectRejected(w.s, () => w.s.countTokens(new TextEncoder().encode('q'), uncaught), TypeError, /re-entrant call during countTokens/, true);
    expectRejected(w.s, () => w.s.tokenCounter(uncaught), TypeError, /re-entrant call during tokenCounter/, true);
    checkWorld(w);
  });

  test('fromSnapshot reads its options before its bytes: an options getter that changes the bytes is caught by the checks', () => {
    const w = world();
    const snap = w.s.snapshot();
    let reads = 0;
    const opts = { get maxBytes(): number {
      reads++;
      snap[snap.length - 1]! ^= 0x40;
      return 1 << 30;
    } };
    expectThrow(() => CounterMap.fromSnapshot(snap, opts), TypeError, /CRC-32/);
    expect(reads).toBe(1);
    snap[snap.length - 1]! ^= 0x40;
    const loaded = CounterMap.fromSnapshot(snap, { get maxBytes(): number {
      return 1 << 30;
    } });
    expect(snapshot(loaded)).toEqual(snapshot(w.s));
    loaded.dispose();
    checkWorld(w);
  });
});

describe('merge', () => {
  test('|by| > 1 from a map that once had keys and is now empty changes nothing (both kinds, emptied by clear or by decrements)', () => {
    const w = world();
    for (const [a, make, key] of [[w.s, () => new CounterMap(), 'q'], [w.n, () => new IntCounterMap(), 77]] as const) {
      for (const empty of ['clear', 'decr', 'delete'] as const) {
        const b = make();
        (b.incr as (k: Key, by: number) => number)(key, 3);
        if (empty === 'clear') b.clear();
        else if (empty === 'decr') (b.decr as (k: Key, by: number) => number)(key, 3);
        else (b.delete as (k: Key) => boolean)(key);
        expect(b.size).toBe(0);
        const before = snapshot(a);
        for (const by of [2, -2, 3, -1000, 1, -1]) a.merge(b as never, by);
        expect(snapshot(a)).toEqual(before);
        b.merge(b as never, 5);
        expect(b.size).toBe(0);
        b.dispose();
      }
    }
    checkWorld(w);
  });

  test('the source is read once: a subclass overriding size/mostCommon, or a Proxy, never runs during the merge', () => {
    const w = world();
    let calls = 0;
    class Sub extends CounterMap {
      constructor() {
        super();
        calls++;
      }
      override get size(): number {
        calls++;
        return 0;
      }
      override mostCommon(): Array<[string, number]> {
        calls++;
        return [];
      }
      override merge(other: this, by?: number): this {
        calls++;
        return super.merge(other, by);
      }
    }
    const b = new Sub();
    calls = 0;
    b.incrMany(['s1', 's2', 's2', 'fresh']);
    w.s.merge(b, 3);
    w.sModel.incrMany(['s1', 's2', 's2', 'fresh'], 3);
    // a.merge(a) of a subclass: the copy is a plain map, the subclass is not constructed.
    b.merge(b, 2);
    expect(calls).toBe(1); // b.merge itself
    expect(snapshot(b)).toEqual([['fresh', 3], ['s1', 3], ['s2', 6]]);

    // A transparent Proxy of a map works; one whose traps call back into the target is refused.
    w.s.merge(new Proxy(b, {}));
    w.sModel.incrMany(['fresh', 's1', 's2'].flatMap((k) => Array<string>(k === 's2' ? 6 : 3).fill(k)), 1);
    const calling = new Proxy(b, {
      get(t, p, r) {
        if (p === '_c') w.s.incr('s1', 1000);
        return Reflect.get(t, p, r) as unknown;
      },
    });
    expectRejected(w.s, () => w.s.merge(calling, 2), TypeError, /re-entrant call during merge/, true);
    b.dispose();
    checkWorld(w);
  });
});

describe('a seeded storm of hostile batches', () => {
  test('random getters, iterators and Proxies calling into the map (refused) and its neighbours (allowed), every map checked after each batch', () => {
    const w = world(11);
    const r = new Rng(42);
    const rounds = HEAVY ? 300 : 25;
    for (let round = 0; round < rounds; round++) {
      const strings = r.chance(0.5);
      const m: AnyMap = strings ? w.s : w.n;
      const model = (strings ? w.sModel : w.nModel) as Model<Key>;
      const len = r.range(1, HEAVY ? 40_000 : 6000);
      const plain: Key[] = Array.from({ length: len }, () => (strings ? (r.chance(0.2) ? LONG(r.int(400)) : `r${r.int(2000)}`) : r.int(4000) - 2000));
      const fail = r.chance(0.3) ? r.int(len) : -1;
      const keys: unknown[] = plain.slice();
      const hooks = r.range(1, 4);
      const calls = callsInto(m, (strings ? w.bystanders[0]! : w.bystanders[1]!).map);
      for (let h = 0; h < hooks; h++) {
        const at = r.int(len);
        const value = plain[at];
        const [, call] = r.pick(calls);
        const touch = r.int(3);
        const sub = new Rng(round * 10 + h);
        Object.defineProperty(keys, at, {
          get: () => {
            refused(call);
            touchBystanders(w, sub, touch);
            return value;
          },
        });
      }
      if (fail >= 0) Object.defineProperty(keys, fail, { get: () => (strings ? 404 : 'x') });
      const by = r.pick([1, 2, -1, 5]);
      const input = r.chance(0.3) ? new Proxy(keys, {}) : keys;
      if (fail >= 0) {
        const before = snapshot(m);
        expectThrow(() => m.incrMany(input as never, by), TypeError, new RegExp(`keys\\[${fail}\\]`));
        expect(snapshot(m)).toEqual(before);
      } else {
        m.incrMany(input as never, by);
        model.incrMany(plain, by);
      }
      checkWorld(w);
    }
  });
});

describe('countFile onProgress', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  test('onProgress runs between whole pieces: calling back into `into` or its neighbours corrupts nothing', async () => {
    const w = world();
    dir = mkdtempSync(join(tmpdir(), 'tophash-reentry-'));
    const file = join(dir, 'words.txt');
    const words = Array.from({ length: 20_000 }, (_, i) => (i % 9 === 0 ? LONG(i % 300) : `f${i % 1500}`));
    writeFileSync(file, words.join('\n'));
    const r = new Rng(3);
    let calls = 0;
    await countFile(file, {
      into: w.s,
      workers: 1,
      onProgress: () => {
        calls++;
        w.s.incr('progress');
        touchBystanders(w, r, 3);
      },
    });
    w.sModel.incrMany(words, 1);
    w.sModel.incr('progress', calls);
    expect(calls).toBeGreaterThan(0);
    checkWorld(w);

    const into = new CounterMap();
    into.incr('x');
    let disposed = false;
    const done = countFile(file, {
      into,
      workers: 1,
      onProgress: () => {
        into.dispose();
        disposed = true;
      },
    }).then(() => 'resolved', (e: unknown) => e);
    const outcome = await done;
    expect(disposed).toBe(true);
    expect(outcome === 'resolved' || (outcome instanceof Error && /disposed/.test(outcome.message))).toBe(true);
    expectThrow(() => into.size, Error, /disposed/);
    checkWorld(w);
  });
});
