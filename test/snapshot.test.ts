// snapshot() / fromSnapshot(): round trips of every key shape, and bytes that
// are truncated, corrupt, of the other kind or of an unknown version refused
// with nothing created.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CounterMap, IntCounterMap, memoryStats } from '../src/index.js';
import { crc32 } from '../src/records/crc32.js';
import { expectThrow } from './helpers/expect.js';
import { MAX_SAFE, Rng, SPECIAL_INTS, SPECIAL_STRINGS, longString, snapshot } from './helpers/model.js';

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const stringKey = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 17 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.array(fc.oneof(loneSurrogate, fc.string({ unit: 'binary', maxLength: 2 })), { maxLength: 5 }).map((a) => a.join('')),
  fc.constantFrom(...SPECIAL_STRINGS),
);
const intKey = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(...SPECIAL_INTS));
const count = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: MAX_SAFE }), fc.constant(MAX_SAFE));

function fillFrom<K>(m: { set(k: K, n: number): unknown }, pairs: Array<[K, number]>): void {
  for (const [k, n] of pairs) m.set(k, n);
}

/** What a rejected load may leave behind: nothing at all. */
function heldNow(): string {
  const s = memoryStats();
  return `${s.poolBytesInUse}/${s.ownMaps}/${s.ownBytes}`;
}

describe('snapshot round trips', () => {
  it('string keys of every shape (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(stringKey, count), { maxLength: 200 }), (pairs) => {
        const m = new CounterMap();
        fillFrom(m, pairs);
        const s = m.snapshot();
        const back = CounterMap.fromSnapshot(s);
        expect(snapshot(back)).toEqual(snapshot(m));
        expect(back.snapshot().length).toBe(s.length);
        m.dispose();
        back.dispose();
      }),
      { numRuns: 300 },
    );
  });

  it('int keys of every shape, extremes included (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(intKey, count), { maxLength: 200 }), (pairs) => {
        const m = new IntCounterMap();
        fillFrom(m, pairs);
        const back = IntCounterMap.fromSnapshot(m.snapshot());
        expect(snapshot(back)).toEqual(snapshot(m));
        m.dispose();
        back.dispose();
      }),
      { numRuns: 300 },
    );
  });

  it('keys of 0-17 bytes, keys longer than a scratch (> 32 KiB) and ±(2^53 - 1)', () => {
    const m = new CounterMap();
    for (let n = 0; n <= 17; n++) m.set('k'.repeat(n), n + 1);
    for (let n = 0; n <= 17; n++) m.set('\u0001'.repeat(n) + 'é', 100 + n);
    m.set(longString(33_000, 1, true), 7);
    m.set(longString(70_000, 2), MAX_SAFE);
    m.set(longString(40_000, 3), 1);
    expect(snapshot(CounterMap.fromSnapshot(m.snapshot()))).toEqual(snapshot(m));
    const i = new IntCounterMap().set(MAX_SAFE, MAX_SAFE).set(-MAX_SAFE, 1).set(0, 2).set(-1, 3);
    const back = IntCounterMap.fromSnapshot(i.snapshot());
    expect(snapshot(back)).toEqual([[-MAX_SAFE, 1], [-1, 3], [0, 2], [MAX_SAFE, MAX_SAFE]]);
    expect(back.stats().layout).toBe('int64');
  });

  it('an empty map, and big maps in instances of their own', () => {
    expect(new CounterMap().snapshot().length).toBe(32);
    expect(CounterMap.fromSnapshot(new CounterMap().snapshot()).size).toBe(0);
    expect(IntCounterMap.fromSnapshot(new IntCounterMap().snapshot()).size).toBe(0);
    const big = new IntCounterMap();
    big.incrMany(Float64Array.from({ length: 300_000 }, (_, k) => k * 13 - 99));
    expect(big.stats().memory).toBe('own');
    const back = IntCounterMap.fromSnapshot(big.snapshot());
    expect(back.size).toBe(300_000);
    expect(back.stats().rebuilds).toBeLessThanOrEqual(1); // sized for the count in the header: at most the move to its own instance
    const r = new Rng(5);
    for (let k = 0; k < 1000; k++) {
      const key = r.int(300_000) * 13 - 99;
      expect(back.get(key)).toBe(1);
    }
  });

  it('is independent of layout and history: a widened, churned map loads the same', () => {
    const m = new CounterMap();
    for (let k = 0; k < 5000; k++) m.incr(`w${k}`, 3);
    for (let k = 0; k < 5000; k += 2) m.delete(`w${k}`);
    m.set('big', 2 ** 40);
    const s = m.snapshot();
    const fresh = new CounterMap();
    for (const [k, v] of m) fresh.set(k, v);
    expect(fresh.snapshot().length).toBe(s.length);
    expect(snapshot(CounterMap.fromSnapshot(s))).toEqual(snapshot(m));
  });

  it('owns its whole buffer: transferable, and readable back from a file', () => {
    const m = CounterMap.from(['a', 'b', 'b', 'ünï']);
    const s = m.snapshot();
    expect(s.byteOffset).toBe(0);
    expect(s.buffer.byteLength).toBe(s.length);
    const moved = structuredClone(s, { transfer: [s.buffer] });
    expect(s.length).toBe(0);
    expect(snapshot(CounterMap.fromSnapshot(moved))).toEqual(snapshot(m));
    const dir = mkdtempSync(join(tmpdir(), 'tophash-snap-'));
    try {
      writeFileSync(join(dir, 'm.snap'), moved);
      const read = readFileSync(join(dir, 'm.snap'));
      expect(snapshot(CounterMap.fromSnapshot(read))).toEqual(snapshot(m));
      // Inside a bigger buffer at an odd offset, as Buffer pools hand them out.
      const odd = new Uint8Array(read.length + 3);
      odd.set(read, 3);
      expect(snapshot(CounterMap.fromSnapshot(odd.subarray(3)))).toEqual(snapshot(m));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the header is as docs/snapshot-format.md says', () => {
    const s = IntCounterMap.from([1, 1, -2]).snapshot();
    const dv = new DataView(s.buffer);
    expect([...s.subarray(0, 4)]).toEqual([0x89, 0x54, 0x48, 0x53]);
    expect(dv.getUint16(4, true)).toBe(1);
    expect(s[6]).toBe(2);
    expect(dv.getUint32(8, true)).toBe(2);
    expect(dv.getUint32(16, true)).toBe(s.length - 32);
    const body = [...s.subarray(32)];
    // zigzag(1) = 2 count 2, zigzag(-2) = 3 count 1, in either order
    expect(body.length).toBe(4);
    expect([[body[0], body[1]], [body[2], body[3]]].sort()).toEqual([[2, 2], [3, 1]]);
    const crc = crc32(s.subarray(32), 0, s.length - 32, crc32(s, 0, 28));
    expect(dv.getUint32(28, true)).toBe(crc);
    // The standard CRC-32 check value.
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('bad bytes are refused and create nothing', () => {
  const str = CounterMap.from(['alpha', 'beta', 'beta', 'é', '', 'a rather long key']).snapshot();
  const int = IntCounterMap.from([1, 2, 2, -MAX_SAFE, 2 ** 40]).snapshot();

  it('every truncation length', () => {
    for (const [bytes, load] of [[str, (b: Uint8Array) => CounterMap.fromSnapshot(b)], [int, (b: Uint8Array) => IntCounterMap.fromSnapshot(b)]] as const) {
      for (let n = 0; n < bytes.length; n++) {
        const before = heldNow();
        expectThrow(() => load(bytes.slice(0, n)), TypeError, /truncated|nothing was loaded/);
        expect(heldNow()).toBe(before);
      }
      expect(load(bytes.slice()).size).toBeGreaterThan(0);
    }
  });

  it('random bit flips', () => {
    const r = new Rng(99);
    for (const [bytes, load] of [[str, (b: Uint8Array) => CounterMap.fromSnapshot(b)], [int, (b: Uint8Array) => IntCounterMap.fromSnapshot(b)]] as const) {
      for (let k = 0; k < 400; k++) {
        const b = bytes.slice();
        const flips = 1 + r.int(3);
        for (let f = 0; f < flips; f++) b[r.int(b.length)]! ^= 1 << r.int(8);
        if (b.every((x, i) => x === bytes[i])) continue;
        const before = heldNow();
        expectThrow(() => load(b), TypeError, /nothing was loaded/);
        expect(heldNow()).toBe(before);
      }
    }
  });

  it('names what is wrong', () => {
    expectThrow(() => IntCounterMap.fromSnapshot(str), TypeError, /a CounterMap snapshot, not a IntCounterMap one/);
    expectThrow(() => CounterMap.fromSnapshot(int), TypeError, /an? IntCounterMap snapshot, not a CounterMap one/);
    const v2 = str.slice();
    v2[4] = 2;
    expectThrow(() => CounterMap.fromSnapshot(v2), TypeError, /unknown snapshot format version 2 \(this tophash reads version 1\)/);
    const magic = str.slice();
    magic[1] = 0x55;
    expectThrow(() => CounterMap.fromSnapshot(magic), TypeError, /not a tophash snapshot/);
    const longer = new Uint8Array(str.length + 1);
    longer.set(str);
    expectThrow(() => CounterMap.fromSnapshot(longer), TypeError, /1 bytes past the end/);
    expectThrow(() => CounterMap.fromSnapshot(str.slice(0, 40)), TypeError, /truncated snapshot: 40 bytes, its header says/);
    const flipped = str.slice();
    flipped[40]! ^= 4;
    expectThrow(() => CounterMap.fromSnapshot(flipped), TypeError, /corrupt snapshot: CRC-32/);
    expectThrow(() => CounterMap.fromSnapshot([1, 2] as unknown as Uint8Array), TypeError, /needs a Uint8Array/);
  });

  it('records no writer makes, under a valid checksum, are corrupt too', () => {
    // Rebuilds a header (and checksum) around a hand-made body.
    const make = (kind: number, entries: number, body: number[]): Uint8Array => {
      const s = new Uint8Array(32 + body.length);
      s.set([0x89, 0x54, 0x48, 0x53, 1, 0, kind, 0]);
      const dv = new DataView(s.buffer);
      dv.setUint32(8, entries, true);
      dv.setUint32(16, body.length, true);
      s.set(body, 32);
      dv.setUint32(28, crc32(s, 32, s.length, crc32(s, 0, 28)), true);
      return s;
    };
    expect(snapshot(IntCounterMap.fromSnapshot(make(2, 1, [2, 5])))).toEqual([[1, 5]]);
    const before = heldNow();
    const cases: Array<[number, number, number[], RegExp]> = [
      [2, 1, [2, 0], /record 0 at body offset 0: its count is 0/], // a count of 0
      [2, 1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 1], /record 0 at body offset 0: its key is a varint longer than 8 bytes/], // a 9-byte varint
      [2, 0, [2], /record 0 at body offset 0: more records than the 0 the header lists/], // a record cut by the end
      [2, 1, [4, 0x81], /record 0 at body offset 0: its count is cut short by the end of the body/], // a count cut by the end
      [2, 2, [2, 1, 2, 1], /record 1 at body offset 2: its key is the key of an earlier record/], // the same key twice
      [1, 1, [3, 0x61, 0x62], /record 0 at body offset 0: its key of 3 bytes runs past the end of the body/], // key bytes past the end
      [2, 3, [2, 1], /cannot fit/],
    ];
    for (const [kind, n, body, msg] of cases) {
      const load = (b: Uint8Array): unknown => (kind === 1 ? CounterMap.fromSnapshot(b) : IntCounterMap.fromSnapshot(b));
      expectThrow(() => load(make(kind, n, body)), TypeError, msg);
    }
    // A map that was made and disposed keeps its 56-byte header until GC.
    const after = memoryStats();
    expect(after.ownMaps).toBe(Number(before.split('/')[1]));
    expect(after.poolBytesInUse - Number(before.split('/')[0])).toBeLessThanOrEqual(cases.length * 64);
  });

  it('maxBytes too small for the snapshot: RangeError, nothing kept', () => {
    const m = new IntCounterMap();
    m.incrMany(Float64Array.from({ length: 50_000 }, (_, k) => k));
    expectThrow(() => IntCounterMap.fromSnapshot(m.snapshot(), { maxBytes: 64 << 10 }), RangeError, /maxBytes/);
    expectThrow(() => IntCounterMap.fromSnapshot(m.snapshot(), 5 as never), TypeError, /options must be an object/);
  });
});
