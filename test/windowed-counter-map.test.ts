// WindowedCounterMap / IntWindowedCounterMap against a brute-force event log:
// every incr is an event [time, key, by]; a key's count at time t is the sum
// of its events whose slice (floor(time / sliceMs)) is one of the `slices`
// slices ending with t's. Clocks jump by every size: 0, 1 ms, to an exact
// slice boundary, just before one, whole slices, a whole window, far past it.
import { describe, expect, it, vi } from 'vitest';
import { CounterMap, IntWindowedCounterMap, WindowedCounterMap, memoryStats } from '../src/index.js';
import { Rng, MAX_SAFE } from './helpers/model.js';
import { expectThrow } from './helpers/expect.js';

type Key = string | number;
type AnyWindowed = WindowedCounterMap | IntWindowedCounterMap;

interface Event {
  slice: number;
  key: Key;
  by: number;
}

/** The reference: the log of every event still able to count. */
class Log {
  events: Event[] = [];
  constructor(readonly sliceMs: number, readonly slices: number) {}
  sliceOf(t: number): number {
    return Math.floor(t / this.sliceMs);
  }
  /** Counts at time t: events of the last `slices` slices. */
  counts(t: number): Map<Key, number> {
    const s = this.sliceOf(t);
    const out = new Map<Key, number>();
    for (const e of this.events) if (e.slice > s - this.slices) out.set(e.key, (out.get(e.key) ?? 0) + e.by);
    return out;
  }
  /** Counts when slice `s` is the current one. */
  countAtSlice(key: Key, s: number): number {
    let n = 0;
    for (const e of this.events) if (e.key === key && e.slice > s - this.slices) n += e.by;
    return n;
  }
  /** ms from t until the key's count is at most c (nothing more added). */
  msUntil(key: Key, c: number, t: number): number {
    const s = this.sliceOf(t);
    if (this.countAtSlice(key, s) <= c) return 0;
    for (let k = s + 1; ; k++) if (this.countAtSlice(key, k) <= c) return k * this.sliceMs - t;
  }
  /** Drops events that can never count again (keeps the log small). */
  prune(t: number): void {
    const s = this.sliceOf(t);
    this.events = this.events.filter((e) => e.slice > s - this.slices);
  }
}

function sorted(entries: Iterable<[Key, number]>): Array<[Key, number]> {
  return [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function checkAgainst(m: AnyWindowed, log: Log, t: number, where: string): void {
  const want = log.counts(t);
  const got = sorted(m.entries() as Iterable<[Key, number]>);
  expect(got, where).toEqual(sorted(want));
  expect(m.size, where).toBe(want.size);
  const s = m.stats();
  expect(s.size, where).toBe(want.size);
  expect(s.liveSlices, where).toBeLessThanOrEqual(m.slices);
  if (want.size === 0) expect(s.sliceEntries, where).toBe(0);
}

interface Kind {
  name: string;
  make(o: { windowMs: number; slices: number; now: () => number }): AnyWindowed;
  key(rng: Rng, range: number): Key;
}

const kinds: Kind[] = [
  {
    name: 'WindowedCounterMap',
    make: (o) => new WindowedCounterMap(o),
    // Short inline keys, longer arena keys, non-ASCII.
    key: (rng, range) => {
      const i = rng.int(range);
      return i % 3 === 0 ? `k${i}` : i % 3 === 1 ? `a-longer-key-number-${i}` : `ключ${i}`;
    },
  },
  {
    name: 'IntWindowedCounterMap',
    make: (o) => new IntWindowedCounterMap(o),
    key: (rng, range) => {
      const i = rng.int(range);
      return i % 4 === 0 ? -i : i % 4 === 1 ? i * 2 ** 33 : i;
    },
  },
];

/** A jump of the clock, from all the sizes that matter to slices. */
function jump(rng: Rng, t: number, sliceMs: number, windowMs: number): number {
  const toBoundary = sliceMs - (t % sliceMs);
  switch (rng.int(9)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return toBoundary; // exactly onto the next slice's start
    case 3: return Math.max(0, toBoundary - 1); // the last ms of this slice
    case 4: return rng.int(sliceMs);
    case 5: return sliceMs * rng.range(1, 3);
    case 6: return windowMs - (t % sliceMs); // the window's length, to a boundary
    case 7: return windowMs + rng.int(3 * windowMs); // a silent window or more
    default: return rng.int(2 * sliceMs);
  }
}

for (const kind of kinds) {
  describe(`${kind.name} against an event log`, () => {
    const configs = [
      { windowMs: 60, slices: 6 },
      { windowMs: 1000, slices: 1 },
      { windowMs: 70, slices: 7 },
      { windowMs: 12, slices: 12 },
      // Many slices: no work may be proportional to `slices`.
      { windowMs: 200_000, slices: 100_000 },
    ];
    for (const { windowMs, slices } of configs) {
      it(`windowMs ${windowMs}, ${slices} slices: every count, size, iteration, mostCommon and msUntil exact under random clocks`, () => {
        for (let seed = 1; seed <= 6; seed++) {
          const rng = new Rng(seed * 7919 + windowMs);
          const sliceMs = windowMs / slices;
          // Start anywhere, negative clocks too.
          let t = rng.pick([0, 5, -3 * windowMs + 1, 1_700_000_000_000 + rng.int(windowMs)]);
          const m = kind.make({ windowMs, slices, now: () => t });
          const log = new Log(sliceMs, slices);
          const range = rng.pick([3, 20, 300]);
          for (let step = 0; step < 400; step++) {
            t += jump(rng, t, sliceMs, windowMs);
            const key = kind.key(rng, range);
            const op = rng.int(20);
            const where = `seed ${seed} step ${step} t ${t} op ${op} key ${String(key)}`;
            if (op < 11) {
              const by = rng.chance(0.8) ? 1 : rng.range(1, 1000);
              log.events.push({ slice: log.sliceOf(t), key, by });
              expect(m.incr(key as never, by), where).toBe(log.counts(t).get(key));
            } else if (op < 13) {
              expect(m.get(key as never), where).toBe(log.counts(t).get(key) ?? 0);
              expect(m.has(key as never), where).toBe(log.counts(t).has(key));
            } else if (op < 15) {
              const c = rng.int(4);
              expect(m.msUntil(key as never, c), where).toBe(log.msUntil(key, c, t));
            } else if (op < 16) {
              const had = log.counts(t).has(key);
              log.events = log.events.filter((e) => e.key !== key);
              expect(m.delete(key as never), where).toBe(had);
            } else if (op < 17) {
              const n = rng.int(5);
              const top = m.mostCommon(n);
              const want = [...log.counts(t).values()].sort((a, b) => b - a).slice(0, n);
              expect(top.map((e) => e[1]), where).toEqual(want);
              for (const [k, v] of top) expect(log.counts(t).get(k), where).toBe(v);
            } else {
              checkAgainst(m, log, t, where);
            }
            if (step % 50 === 0) log.prune(t);
          }
          checkAgainst(m, log, t, `seed ${seed} end`);
          m.dispose();
        }
      });
    }

    it('a key is gone once its last slice leaves: size, iteration and stats never count it', () => {
      let t = 0;
      const m = kind.make({ windowMs: 60, slices: 6, now: () => t });
      const a = kind.key(new Rng(1), 1);
      const b = kind.key(new Rng(2), 1000);
      m.incr(a as never);
      t = 10;
      m.incr(b as never, 2);
      t = 59;
      expect(m.size).toBe(a === b ? 1 : 2);
      t = 60; // slice 0 leaves
      if (a !== b) {
        expect(m.size).toBe(1);
        expect(m.has(a as never)).toBe(false);
        expect([...m.keys()]).toEqual([b]);
        expect(m.stats().size).toBe(1);
      }
      t = 70; // slice 1 leaves
      expect(m.size).toBe(0);
      expect([...m]).toEqual([]);
      expect(m.stats()).toMatchObject({ size: 0, liveSlices: 0, sliceEntries: 0 });
      m.dispose();
    });
  });
}

describe('retry times for a rate limit', () => {
  it('msUntil(key, limit - 1) is when one more request fits', () => {
    let t = 1_000;
    const limit = 3;
    const m = new WindowedCounterMap({ windowMs: 1000, slices: 10, now: () => t });
    expect(m.incr('ip')).toBe(1); // slice 10 (t 1000..1099): leaves at 2000
    t = 1250;
    expect(m.incr('ip')).toBe(2); // slice 12: leaves at 2200
    t = 1420;
    expect(m.incr('ip')).toBe(3); // slice 14
    expect(m.msUntil('ip', limit - 1)).toBe(2000 - 1420);
    expect(m.msUntil('ip', 0)).toBe(2400 - 1420);
    expect(m.msUntil('ip', 3)).toBe(0);
    expect(m.msUntil('other')).toBe(0);
    t = 1999;
    expect(m.msUntil('ip', limit - 1)).toBe(1);
    t = 2000;
    expect(m.get('ip')).toBe(2);
    expect(m.msUntil('ip', limit - 1)).toBe(0);
    expect(m.msUntil('ip', 1)).toBe(200);
  });

  it('the default clock is Date.now, held at its last reading while the system clock is set back', () => {
    const spy = vi.spyOn(Date, 'now').mockReturnValue(1_000_000);
    try {
      const m = new WindowedCounterMap({ windowMs: 1000 });
      expect(m.incr('a')).toBe(1);
      spy.mockReturnValue(400_000); // set back: counts as 1_000_000, never throws
      expect(m.incr('a')).toBe(2);
      expect(m.stats().now).toBe(1_000_000);
      spy.mockReturnValue(1_000_999);
      expect(m.get('a')).toBe(2);
      expect(m.msUntil('a')).toBe(1);
      spy.mockReturnValue(1_001_000);
      expect(m.get('a')).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('fractional clock readings land in the right slice at exact boundaries', () => {
    let t = 0.5;
    const m = new IntWindowedCounterMap({ windowMs: 30, slices: 3, now: () => t });
    m.incr(1);
    t = 9.999999999999998;
    m.incr(1);
    t = 29.999999999999996;
    expect(m.get(1)).toBe(2);
    t = 30;
    expect(m.get(1)).toBe(0);
  });
});

function digest(m: AnyWindowed): string {
  return JSON.stringify([sorted(m.entries() as Iterable<[Key, number]>), m.size]);
}

describe('bad input gets a clear error and changes nothing', () => {
  it('options', () => {
    const bad: Array<[unknown, new (...a: never[]) => Error, RegExp]> = [
      [undefined, TypeError, /options must be an object/],
      [{}, TypeError, /windowMs must be a number/],
      [{ windowMs: 0 }, RangeError, /windowMs must be a positive safe integer, got number 0/],
      [{ windowMs: -60 }, RangeError, /windowMs must be a positive safe integer/],
      [{ windowMs: 1.5 }, RangeError, /windowMs must be a positive safe integer/],
      [{ windowMs: '60' }, TypeError, /windowMs must be a number/],
      [{ windowMs: 2 ** 60 }, RangeError, /windowMs must be a positive safe integer/],
      [{ windowMs: 60, slices: 0 }, RangeError, /slices must be a positive safe integer/],
      [{ windowMs: 60, slices: 2.5 }, RangeError, /slices must be a positive safe integer/],
      [{ windowMs: 60, slices: 7 }, RangeError, /windowMs \(60\) must be a multiple of slices \(7\)/],
      [{ windowMs: 60, now: 5 }, TypeError, /now must be a function/],
    ];
    for (const [o, type, msg] of bad) {
      expectThrow(() => new WindowedCounterMap(o as never), type, msg);
      expectThrow(() => new IntWindowedCounterMap(o as never), type, msg);
    }
  });

  it('keys, steps, counts past the safe range and bad clock readings', () => {
    let t = 100;
    const s = new WindowedCounterMap({ windowMs: 60, slices: 6, now: () => t });
    const n = new IntWindowedCounterMap({ windowMs: 60, slices: 6, now: () => t });
    s.incr('a', 5);
    n.incr(7, 5);
    t = 115;
    s.incr('a');
    n.incr(7);
    const before = [digest(s), digest(n), s.stats(), n.stats()];
    const same = (): void => expect([digest(s), digest(n), s.stats(), n.stats()]).toEqual(before);

    expectThrow(() => s.incr(5 as never), TypeError, /WindowedCounterMap key must be a string, got number 5/);
    expectThrow(() => n.incr('5' as never), TypeError, /IntWindowedCounterMap key must be a safe integer, got string "5"/);
    expectThrow(() => n.incr(1.5), TypeError, /must be an integer/);
    expectThrow(() => n.incr(2 ** 53), RangeError, /must be a safe integer/);
    for (const m of [s, n] as AnyWindowed[]) {
      const k = (m === s ? 'a' : 7) as never;
      expectThrow(() => m.incr(k, 0), RangeError, /by must be a positive safe integer .*got number 0/);
      expectThrow(() => m.incr(k, -1), RangeError, /by must be a positive safe integer/);
      expectThrow(() => m.incr(k, 1.5), RangeError, /by must be a positive safe integer/);
      expectThrow(() => m.incr(k, NaN), RangeError, /by must be a positive safe integer/);
      expectThrow(() => m.incr(k, '1' as never), TypeError, /by must be a number/);
      expectThrow(() => m.incr(k, MAX_SAFE), RangeError, /MAX_SAFE_INTEGER/);
      expectThrow(() => m.msUntil(k, -1), RangeError, /count must be a safe integer >= 0/);
      expectThrow(() => m.mostCommon(-1), RangeError, /n must be a safe integer/);
      same();
    }
    // The clock: backwards, NaN, not a number, infinite.
    for (const [bad, type, msg] of [
      [114, RangeError, /the clock went back from 115 to 114 ms/],
      [NaN, RangeError, /finite number of ms, got number NaN/],
      [-Infinity, RangeError, /finite number/],
      [Infinity, RangeError, /finite number/],
      ['116', TypeError, /now\(\) must return a number of ms, got string "116"/],
    ] as Array<[unknown, new (...a: never[]) => Error, RegExp]>) {
      t = bad as number;
      expectThrow(() => s.incr('a'), type, msg);
      expectThrow(() => n.get(7), type, msg);
      expectThrow(() => s.size, type, msg);
      t = 115;
      same();
    }
    // The counts really were kept: a later reading sees them.
    t = 159;
    expect(s.get('a')).toBe(6);
    expect(n.get(7)).toBe(6);
    t = 160;
    expect(s.get('a')).toBe(1);
  });

  it('a disposed map throws on every call', () => {
    const m = new IntWindowedCounterMap({ windowMs: 10, now: () => 0 });
    m.incr(1);
    m.dispose();
    m.dispose();
    expectThrow(() => m.incr(1), Error, /IntWindowedCounterMap was disposed/);
    expectThrow(() => m.get(1), Error, /disposed/);
    expectThrow(() => m.size, Error, /disposed/);
    expectThrow(() => m.stats(), Error, /disposed/);
    expectThrow(() => [...m], Error, /disposed/);
  });
});

describe('the rest of the surface', () => {
  it('clear, delete, keys, values, toJSON, inspect; a walk throws when the window moves under it', () => {
    let t = 0;
    const m = new WindowedCounterMap({ windowMs: 100, slices: 4, now: () => t });
    m.incr('a', 2);
    t = 30;
    m.incr('b');
    m.incr('a');
    expect(new Map(m.toJSON())).toEqual(new Map([['a', 3], ['b', 1]]));
    expect([...m.keys()].sort()).toEqual(['a', 'b']);
    expect([...m.values()].sort()).toEqual([1, 3]);
    expect(String(Object.prototype.toString.call(m))).toBe('[object WindowedCounterMap]');
    expect((m as unknown as Record<symbol, () => string>)[Symbol.for('nodejs.util.inspect.custom')]!()).toBe('WindowedCounterMap(2) { windowMs: 100, slices: 4 }');
    expect(m.delete('a')).toBe(true);
    expect(m.delete('a')).toBe(false);
    expect(m.get('a')).toBe(0);
    t = 100; // slice 0 would have taken 2 of a's counts: a was deleted from every slice
    expect(m.get('a')).toBe(0);
    expect(m.msUntil('b')).toBe(25); // b's slice [25, 50) leaves at 125
    const it = m.entries();
    expect(it.next().value).toEqual(['b', 1]);
    m.incr('c');
    expect(() => it.next()).toThrow(/modified during iteration/);
    m.clear();
    expect(m.size).toBe(0);
    expect(m.stats()).toMatchObject({ size: 0, liveSlices: 0, bytes: expect.any(Number) });
    expectThrow(() => { t = 99; m.get('b'); }, RangeError, /clock went back/);
    t = 130;
    expect(m.incr('b')).toBe(1);
    m.dispose();
  });

  it('other maps in the same pools keep their entries while windows churn and are disposed', () => {
    const bystander = new CounterMap();
    for (let i = 0; i < 500; i++) bystander.incr(`by-${i}`, i + 1);
    const want = [...bystander.entries()].sort();
    let t = 0;
    const rng = new Rng(99);
    for (let round = 0; round < 20; round++) {
      const m = new WindowedCounterMap({ windowMs: 50, slices: 5, now: () => t });
      for (let i = 0; i < 2000; i++) {
        t += rng.int(4);
        m.incr(`k${rng.int(300)}`);
      }
      if (round % 2 === 0) m.dispose();
    }
    expect([...bystander.entries()].sort()).toEqual(want);
    bystander.dispose();
  });
});

describe('memory', () => {
  const HEAVY = process.env.TOPHASH_HEAVY !== undefined;
  const N = HEAVY ? 1_000_000 : 200_000;

  it(`after a silent window the slices and the total hold nothing (${N} keys)`, () => {
    const base = memoryStats();
    let t = 0;
    const m = new IntWindowedCounterMap({ windowMs: 60_000, slices: 6, now: () => t });
    for (let i = 0; i < N; i++) {
      t = Math.floor((i / N) * 59_999);
      m.incr(i * 7919);
    }
    const full = m.stats();
    expect(full.size).toBe(N);
    expect(full.liveSlices).toBe(6);
    expect(full.sliceEntries).toBe(N);
    expect(memoryStats().ownBytes).toBeGreaterThan(base.ownBytes);
    t = 60_000 + 59_999; // every slice has left
    expect(m.size).toBe(0);
    const after = m.stats();
    expect(after).toMatchObject({ size: 0, liveSlices: 0, sliceEntries: 0 });
    expect(after.bytes).toBeLessThanOrEqual(64);
    expect(memoryStats().ownBytes).toBe(base.ownBytes);
    m.dispose();
  });

  it('slices leaving one by one give their memory back, and the total shrinks', () => {
    let t = 0;
    const m = new WindowedCounterMap({ windowMs: 600, slices: 6, now: () => t });
    for (let i = 0; i < N / 2; i++) m.incr(`user-${i}`);
    t = 100;
    for (let i = 0; i < 10; i++) m.incr(`user-${i}`);
    const big = m.stats().bytes;
    t = 600; // slice 0 leaves; slice 1 stays
    const s = m.stats();
    expect(s.size).toBe(10);
    expect(s.liveSlices).toBe(1);
    expect(s.bytes).toBeLessThan(big / 100);
    expect(s.bytes).toBeLessThan(4096);
    m.dispose();
  });

  it(`bytes per key with every key in one slice (${N} int keys)`, () => {
    let t = 0;
    const m = new IntWindowedCounterMap({ windowMs: 60_000, now: () => t });
    for (let i = 0; i < N; i++) m.incr((i * 40503) % 2147483647);
    t = 1;
    const s = m.stats();
    expect(s.size).toBe(N);
    // Two tables (the total and the slice) of 8-byte slots and a control
    // byte, each ~0.6 full after its last growth step.
    expect(s.bytesPerEntry).toBeLessThanOrEqual(40);
    m.dispose();
  });
});
