// Snapshots made by an attacker: the CRC-32 is anyone's to recompute, so the
// reader must refuse every record no writer makes, with a TypeError naming
// it, before anything is created; and the core must never read key bytes as
// an arena reference, whatever path they come in by. Maps share pool memory,
// so bystander maps holding secrets are checked after every case.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CounterMap, IntCounterMap, memoryStats } from '../src/index.js';
import type { Core } from '../src/table/core.js';
import { crc32 } from '../src/records/crc32.js';
import { ERR_KEY } from '../src/table/codes.js';
import { getVarint } from '../src/records/records.js';
import { GROUP, H_GROUPS, R_CAPACITY_SLOTS, R_CHUNK_BYTES, R_ERR_INDEX, R_SLOT_KEY_LEN, R_SLOT_KEY_PTR, R_TALLY_ENTRIES, R_TALLY_PTR, RECORDS_APPLY, RECORDS_LOAD, WRITE_DELETE, WRITE_INCR, WRITE_SET } from '../src/table/abi.js';
import { expectThrow } from './helpers/expect.js';
import { MAX_SAFE, Rng, SPECIAL_INTS, SPECIAL_STRINGS, longString, snapshot } from './helpers/model.js';

const HEAVY = process.env.TOPHASH_HEAVY !== undefined;
/** The heavy scale takes minutes on a busy 2-core machine. */
const HEAVY_TIMEOUT = HEAVY ? 600_000 : undefined;
const KIND_STRING = 1;
const KIND_INT = 2;

type AnyMap = CounterMap | IntCounterMap;
type Key = string | number;
/** A map seen from inside: its instance and table header. */
type Inside = { _c: Core; _t: number };
const inside = (m: AnyMap): Inside => m as unknown as Inside;

/** The first live slot of table t: the last cursor from which records_write still writes every entry. */
function firstSlot(c: Core, t: number): number {
  c.ex.records_write(t, 0);
  const all = c.result(R_CHUNK_BYTES);
  let i = 0;
  while ((c.ex.records_write(t, i + 1), c.result(R_CHUNK_BYTES)) === all) i++;
  return i;
}

// ---- a snapshot around any body, with a valid checksum ---------------------

function frame(kind: number, count: number, body: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const s = new Uint8Array(32 + body.length);
  s.set([0x89, 0x54, 0x48, 0x53, 1, 0, kind, 0]);
  const dv = new DataView(s.buffer);
  dv.setUint32(8, count % 2 ** 32, true);
  dv.setUint32(12, Math.floor(count / 2 ** 32), true);
  dv.setUint32(16, body.length, true);
  s.set(body, 32);
  dv.setUint32(28, crc32(s, 32, s.length, crc32(s, 0, 28)), true);
  return s;
}

const loadOf = (kind: number) => (b: Uint8Array): AnyMap => (kind === KIND_STRING ? CounterMap.fromSnapshot(b) : IntCounterMap.fromSnapshot(b));

// ---- an independent reference reader ------------------------------------------
// BigInt varints whose shortest form is checked by re-encoding them, and
// string keys decoded leniently and accepted only when the test's own WTF-8
// encoder gives back the same bytes (so overlong forms, split surrogate
// pairs and the like fail by construction, not by a list of rules).

function varintBytes(v: bigint): number[] {
  const out: number[] = [];
  while (v >= 128n) {
    out.push(Number(v & 127n) | 128);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function refVarint(u8: Uint8Array, at: number): [bigint, number] | null {
  let v = 0n;
  for (let i = 0; i < 8 && at + i < u8.length; i++) {
    const b = u8[at + i]!;
    v |= BigInt(b & 127) << BigInt(7 * i);
    if (b < 128) {
      const enc = varintBytes(v);
      return enc.length === i + 1 && enc.every((x, j) => x === u8[at + j]) ? [v, at + i + 1] : null;
    }
  }
  return null;
}

/** WTF-8 of a JS string, by code points (a lone surrogate is its own code point). */
function refEncode(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

function refString(u8: Uint8Array): string | null {
  let s = '';
  for (let i = 0; i < u8.length; ) {
    const b = u8[i]!;
    let need: number;
    let cp: number;
    if (b < 0x80) [need, cp] = [0, b];
    else if ((b & 0xe0) === 0xc0) [need, cp] = [1, b & 0x1f];
    else if ((b & 0xf0) === 0xe0) [need, cp] = [2, b & 0x0f];
    else if ((b & 0xf8) === 0xf0) [need, cp] = [3, b & 0x07];
    else return null;
    for (let k = 1; k <= need; k++) {
      const c = u8[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (c & 63);
    }
    if (cp > 0x10ffff) return null;
    s += cp < 0x10000 ? String.fromCharCode(cp) : String.fromCodePoint(cp);
    i += need + 1;
  }
  const back = refEncode(s);
  return back.length === u8.length && back.every((x, j) => x === u8[j]) ? s : null;
}

/** The entries a valid body holds, or null when no writer makes it. */
function refRead(kind: number, count: number, body: Uint8Array): Map<Key, number> | null {
  const out = new Map<Key, number>();
  let at = 0;
  while (at < body.length) {
    let key: Key;
    if (kind === KIND_STRING) {
      const len = refVarint(body, at);
      if (len === null || len[0] > BigInt(body.length - len[1])) return null;
      const end = len[1] + Number(len[0]);
      const s = refString(body.subarray(len[1], end));
      if (s === null) return null;
      key = s;
      at = end;
    } else {
      const z = refVarint(body, at);
      if (z === null) return null;
      const k = (z[0] >> 1n) ^ -(z[0] & 1n);
      if (k > BigInt(MAX_SAFE) || k < -BigInt(MAX_SAFE)) return null;
      key = Number(k);
      at = z[1];
    }
    const c = refVarint(body, at);
    if (c === null || c[0] < 1n || c[0] > BigInt(MAX_SAFE)) return null;
    if (out.has(key)) return null;
    out.set(key, Number(c[0]));
    at = c[1];
  }
  return out.size === count ? out : null;
}

// ---- bystanders: maps in the same pool holding secrets ------------------------

interface Bystanders {
  maps: AnyMap[];
  want: Array<Array<[Key, number]>>;
  secrets: Set<Key>;
}

function makeBystanders(): Bystanders {
  const r = new Rng(0x5ec);
  const maps: AnyMap[] = [];
  const secrets = new Set<Key>();
  for (let i = 0; i < 4; i++) {
    const m = new CounterMap();
    for (let j = 0; j < 12; j++) {
      const long = `SECRET-API-TOKEN=sk_live_${i}_${j}_${r.int(1e9).toString(36)}`;
      const short = `S${i}${j}${r.int(1e4)}`.slice(0, 8);
      m.incr(long, 1 + r.int(1000));
      m.incr(short, 1 + r.int(1000));
      secrets.add(long).add(short);
    }
    maps.push(m);
    const n = new IntCounterMap();
    for (let j = 0; j < 12; j++) {
      const k = 7_777_000_000 + i * 1000 + j;
      n.incr(k, 1 + j);
      secrets.add(k);
    }
    maps.push(n);
  }
  return { maps, want: maps.map((m) => snapshot(m)), secrets };
}

function checkBystanders(b: Bystanders): void {
  for (let i = 0; i < b.maps.length; i++) expect(snapshot(b.maps[i]!)).toEqual(b.want[i]);
}

function noSecrets(m: AnyMap, b: Bystanders): void {
  for (const k of m.keys() as IterableIterator<Key>) expect(b.secrets.has(k)).toBe(false);
}

/**
 * Loads `bytes` of `kind` (header count `count`) and checks the outcome
 * against the reference: a TypeError naming the record exactly when the
 * reference refuses the body (nothing kept), else the reference's entries.
 */
function checkLoad(kind: number, count: number, body: Uint8Array, b: Bystanders): 'refused' | 'loaded' {
  const bytes = frame(kind, count, body);
  const want = count * 2 > body.length ? null : refRead(kind, count, body);
  const before = memoryStats();
  let m: AnyMap | undefined;
  let err: unknown;
  try {
    m = loadOf(kind)(bytes);
  } catch (e) {
    err = e;
  }
  checkBystanders(b);
  if (m !== undefined) {
    expect(want, `loaded a body the reference refuses: ${[...body].join(',')}`).not.toBeNull();
    expect(new Map(m.entries() as IterableIterator<[Key, number]>)).toEqual(want);
    expect(m.size).toBe(count);
    noSecrets(m, b);
    m.dispose();
    return 'loaded';
  }
  expect(err, `${String(err)} for body ${[...body].join(',')}`).toBeInstanceOf(TypeError);
  expect(err).not.toBeInstanceOf(RangeError);
  const msg = (err as Error).message;
  expect(msg).toMatch(/fromSnapshot: corrupt snapshot: (record \d+ at body offset \d+: |the header says \d+ entries|\d+ entries cannot fit).*; nothing was loaded$/);
  expect(want, `refused a body the reference accepts (${msg}): ${[...body].join(',')}`).toBeNull();
  const after = memoryStats();
  expect(after.ownMaps).toBe(before.ownMaps);
  // A duplicate is found by the table being loaded: it is dropped, and only
  // its 64-byte header waits for the garbage collector.
  expect(after.poolBytesInUse - before.poolBytesInUse).toBeLessThanOrEqual(64);
  return 'refused';
}

// ---- the cases reported against the reader ------------------------------------

describe('forged snapshots from the report', () => {
  const b = makeBystanders();

  it('an 8-byte key ending in 0xFF (an arena tag) is refused, whatever address its low bytes hold', () => {
    // The address of a bystander's arena record, as the attack aimed it.
    const victim = inside(b.maps[0]!);
    const ex = victim._c.ex;
    const addr = (ex.slot_read(victim._t, firstSlot(victim._c, victim._t)), victim._c.result(R_SLOT_KEY_PTR) >>> 0) - 1; // the key bytes follow a 1-byte length
    const targets = [addr, 0, 4, 0x10000, 0x7fffffff, 0xfffffff0, victim._c.bytes - 4];
    for (const a of targets) {
      const key = [a & 255, (a >>> 8) & 255, (a >>> 16) & 255, a >>> 24, 0, 0, 0, 0xff];
      const e = expectThrow(() => CounterMap.fromSnapshot(frame(KIND_STRING, 1, [8, ...key, 1])), TypeError, a < 0x80 ? /record 0 at body offset 0: its key is not WTF-8 as tophash writes it: key byte 7 \(0xff\)/ : /record 0 at body offset 0: its key is not WTF-8 as tophash writes it: key byte [0-7]/);
      expect(e.message).toMatch(/nothing was loaded$/);
      checkBystanders(b);
    }
    // Every other byte value in byte 7 of an 8-byte key: a tag (0..7), a
    // continuation, or a lead byte with nothing after it.
    for (let last = 0; last < 256; last++) {
      const key = [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, last];
      checkLoad(KIND_STRING, 1, Uint8Array.from([8, ...key, 1]), b);
    }
  });

  it('`00` and `C0 80` are not both "\\0": the overlong one is refused', () => {
    const e = expectThrow(
      () => CounterMap.fromSnapshot(frame(KIND_STRING, 2, [1, 0x00, 1, 2, 0xc0, 0x80, 1])),
      TypeError,
      /record 1 at body offset 3: its key is not WTF-8 as tophash writes it: key byte 0 \(0xc0\): an overlong 2-byte sequence; nothing was loaded/,
    );
    expect(e).toBeInstanceOf(TypeError);
    expect(snapshot(CounterMap.fromSnapshot(frame(KIND_STRING, 1, [1, 0x00, 5])))).toEqual([['\0', 5]]);
    checkBystanders(b);
  });

  it('`61 FF` is refused (it would be listed, but no get or delete could reach it)', () => {
    expectThrow(() => CounterMap.fromSnapshot(frame(KIND_STRING, 1, [2, 0x61, 0xff, 1])), TypeError, /record 0 at body offset 0: .*key byte 1 \(0xff\): a byte that is never in UTF-8/);
    checkBystanders(b);
  });

  it('names the record and what is wrong for each kind of forgery', () => {
    const S = KIND_STRING;
    const I = KIND_INT;
    const cases: Array<[number, number, number[], RegExp]> = [
      [S, 2, [1, 0x61, 1, 3, 0xe0, 0x80, 0x80, 1], /record 1 at body offset 3: .*key byte 0 \(0xe0\): an overlong 3-byte sequence/],
      [S, 1, [4, 0xf0, 0x80, 0x80, 0x80, 1], /record 0 .*key byte 0 \(0xf0\): an overlong 4-byte sequence/],
      [S, 1, [6, 0xed, 0xa0, 0x80, 0xed, 0xb0, 0x80, 1], /key byte 3 \(0xed\): a surrogate pair written as two 3-byte sequences/],
      [S, 1, [4, 0xf4, 0x90, 0x80, 0x80, 1], /key byte 0 \(0xf4\): a code point past U\+10FFFF/],
      [S, 1, [1, 0xf5, 1], /key byte 0 \(0xf5\): a byte that is never in UTF-8/],
      [S, 1, [1, 0xc1, 1], /key byte 0 \(0xc1\): an overlong 2-byte sequence/],
      [S, 1, [2, 0xf0, 0x9f, 1], /key byte 0 \(0xf0\): a 4-byte sequence cut short by the end of the key/],
      [S, 1, [1, 0x80, 1], /key byte 0 \(0x80\): a continuation byte with no lead byte/],
      [S, 1, [2, 0xc3, 0x41, 1], /key byte 0 \(0xc3\): a lead byte not followed by a continuation byte/],
      [S, 1, [0x81, 0x00, 1], /record 0 at body offset 0: its key length is a varint in a longer form than its shortest/],
      [S, 1, [1, 0x61, 0x81, 0x00], /its count is a varint in a longer form than its shortest/],
      [S, 1, [9, 0x61, 1], /its key of 9 bytes runs past the end of the body/],
      [S, 1, [1, 0x61], /its count is cut short by the end of the body/],
      [S, 2, [1, 0x61, 1, 1, 0x61, 2], /record 1 at body offset 3: its key is the key of an earlier record/],
      [S, 1, [1, 0x61, 1, 1, 0x62, 1], /record 1 at body offset 3: more records than the 1 the header lists/],
      [S, 3, [1, 0x61, 1, 1, 0x62, 1], /the header says 3 entries, the body holds 2 records/],
      [I, 1, [2, 0], /record 0 at body offset 0: its count is 0/],
      [I, 1, [2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10], /its count is past Number.MAX_SAFE_INTEGER/],
      [I, 1, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 1], /record 0 .*its key is not a safe integer/], // zigzag 2^55: key 2^54
      [I, 1, [...varintBytes(2n ** 54n - 1n), 1], /its key is not a safe integer/], // zigzag 2^54 - 1: -2^53
      [I, 2, [2, 1, 2, 1], /record 1 at body offset 2: its key is the key of an earlier record/],
      [I, 1, [0x82, 0x00, 1], /its key is a varint in a longer form than its shortest/],
    ];
    for (const [kind, count, body, msg] of cases) {
      const want = refRead(kind, count, Uint8Array.from(body));
      expect(want, `reference accepts ${body.join(',')}`).toBeNull();
      const e = expectThrow(() => loadOf(kind)(frame(kind, count, body)), TypeError, msg);
      expect(e.message).toMatch(/^(Int)?CounterMap\.fromSnapshot: corrupt snapshot: .*; nothing was loaded$/);
      checkBystanders(b);
    }
  });

  it('the safe-integer edges of int keys load exactly', () => {
    // zigzag(2^53 - 1) = 2^54 - 2 and zigzag(-(2^53 - 1)) = 2^54 - 3: odd
    // values past 2^53, which a double cannot hold.
    for (const k of [MAX_SAFE, -MAX_SAFE, MAX_SAFE - 1, -MAX_SAFE + 1, 0, -1, 2 ** 31, -(2 ** 31) - 1]) {
      const z = k >= 0 ? BigInt(k) * 2n : -BigInt(k) * 2n - 1n;
      const body = [...varintBytes(z), 1];
      expect(snapshot(IntCounterMap.fromSnapshot(frame(KIND_INT, 1, body)))).toEqual([[k, 1]]);
    }
    for (const z of [2n ** 54n - 1n, 2n ** 54n, 2n ** 54n + 1n]) {
      expectThrow(() => IntCounterMap.fromSnapshot(frame(KIND_INT, 1, [...varintBytes(z), 1])), TypeError, /its key is not a safe integer/);
    }
    checkBystanders(b);
  });
});

// ---- the fuzzer: mutated valid snapshots, checksum and header made valid ------

const stringKey = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom(...SPECIAL_STRINGS.filter((s) => s.length < 40)),
);
const intKey = fc.oneof(fc.integer({ min: -300, max: 300 }), fc.maxSafeInteger(), fc.constantFrom(...SPECIAL_INTS));
const countArb = fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(MAX_SAFE));

/** Byte runs that no writer makes, or that writers make, for splicing into keys. */
const SPLICES: number[][] = [
  [0xff], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80, 0xed, 0xb0, 0x80], [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x9f], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xb0, 0x80], [0xf0, 0x9f, 0x98, 0x80],
  [0xc3, 0xa9], [0x00], [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xff], [0xef, 0xbf, 0xbf],
];

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; byte: number }
  | { kind: 'delete'; at: number }
  | { kind: 'splice'; at: number; run: number }
  | { kind: 'varint'; at: number; value: number; pad: number }
  | { kind: 'dup'; at: number }
  | { kind: 'count'; delta: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 0x7f, 0x80, 0xff)) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), run: fc.nat({ max: SPLICES.length - 1 }) }),
  fc.record({
    kind: fc.constant('varint' as const),
    at: fc.nat(),
    value: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom(127, 128, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 55)),
    pad: fc.integer({ min: 0, max: 2 }),
  }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('count' as const), delta: fc.integer({ min: -2, max: 2 }) }),
);

/** Where each record of a valid body starts (by the reference's reading). */
function recordStarts(kind: number, body: number[]): number[] {
  const u8 = Uint8Array.from(body);
  const starts: number[] = [];
  let at = 0;
  while (at < u8.length) {
    starts.push(at);
    const head = refVarint(u8, at)!;
    at = kind === KIND_STRING ? head[1] + Number(head[0]) : head[1];
    at = refVarint(u8, at)![1];
  }
  return starts;
}

/** Applies the mutations; returns the new body and header count. */
function mutate(kind: number, body: number[], count: number, ms: Mutation[]): [number[], number] {
  let b = body.slice();
  let n = count;
  for (const m of ms) {
    const pos = b.length === 0 ? 0 : m.kind === 'count' ? 0 : m.at % (b.length + 1);
    switch (m.kind) {
      case 'flip':
        if (b.length > 0) b[pos % b.length]! ^= 1 << m.bit;
        break;
      case 'insert':
        b.splice(pos, 0, m.byte);
        break;
      case 'delete':
        b.splice(pos % Math.max(1, b.length), 1);
        break;
      case 'splice':
        b.splice(pos, 0, ...SPLICES[m.run]!);
        break;
      case 'varint': {
        // Rewrites a record's first varint (a key length, or an int key),
        // padded to a longer form than its shortest when pad > 0.
        const starts = recordStarts(kind, b.length > 0 && refRead(kind, n, Uint8Array.from(b)) !== null ? b : []);
        if (starts.length === 0) break;
        const at = starts[m.at % starts.length]!;
        const old = refVarint(Uint8Array.from(b), at)!;
        const enc = varintBytes(BigInt(m.value));
        for (let p = 0; p < m.pad; p++) {
          enc[enc.length - 1]! |= 0x80;
          enc.push(0);
        }
        b = [...b.slice(0, at), ...enc, ...b.slice(old[1])];
        break;
      }
      case 'dup': {
        const valid = refRead(kind, n, Uint8Array.from(b)) !== null;
        const starts = valid ? recordStarts(kind, b) : [];
        if (starts.length === 0) break;
        const i = m.at % starts.length;
        const rec = b.slice(starts[i], starts[i + 1] ?? b.length);
        b = [...b, ...rec];
        n++;
        break;
      }
      case 'count':
        n = Math.max(0, n + m.delta);
        break;
    }
  }
  return [b, n];
}

describe('snapshot fuzzer: valid checksums over mutated bodies', () => {
  const b = makeBystanders();
  const runs = HEAVY ? 8000 : 400;

  for (const kind of [KIND_STRING, KIND_INT]) {
    const name = kind === KIND_STRING ? 'CounterMap' : 'IntCounterMap';
    it(`${name}: every outcome is a TypeError naming the record or exactly the reference's entries`, () => {
      const outcomes = { refused: 0, loaded: 0 };
      const keyArb: fc.Arbitrary<Key> = kind === KIND_STRING ? stringKey : intKey;
      fc.assert(
        fc.property(fc.array(fc.tuple(keyArb, countArb), { maxLength: 12 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (pairs, ms) => {
          const src: AnyMap = kind === KIND_STRING ? new CounterMap() : new IntCounterMap();
          for (const [k, c] of pairs) (src as { set(k: Key, n: number): unknown }).set(k, c);
          const s = src.snapshot();
          src.dispose();
          const count = new DataView(s.buffer).getUint32(8, true);
          const [body, n] = mutate(kind, [...s.subarray(32)], count, ms);
          outcomes[checkLoad(kind, n, Uint8Array.from(body), b)]++;
        }),
        { numRuns: runs, seed: 0x7077 + kind },
      );
      // Both outcomes happen: the fuzzer reaches the reader's checks and its loads.
      expect(outcomes.refused).toBeGreaterThan(runs / 10);
      expect(outcomes.loaded).toBeGreaterThan(runs / 20);
    }, HEAVY_TIMEOUT);
  }

  it('seeded byte noise on records of every key shape (no fast-check shrinking, more cases)', () => {
    const r = new Rng(HEAVY ? 4242 : 42);
    const src = new CounterMap();
    for (const k of SPECIAL_STRINGS) src.set(k, 1 + r.int(9));
    for (const k of ['abcdefg\x01', 'abcdefg\x07', 'abcdefgh', 'abcde\uFFFF', 'abcdef\u00e9', '\uD83D\uDE00\uD83D\uDE00']) src.set(k, 3);
    const good = src.snapshot();
    const count = src.size;
    const body = [...good.subarray(32)];
    const tries = HEAVY ? 15_000 : 800;
    for (let i = 0; i < tries; i++) {
      const ms: Mutation[] = [];
      for (let j = 1 + r.int(3); j > 0; j--) {
        const k = r.int(4);
        if (k === 0) ms.push({ kind: 'flip', at: r.int(1 << 30), bit: r.int(8) });
        else if (k === 1) ms.push({ kind: 'insert', at: r.int(1 << 30), byte: r.int(256) });
        else if (k === 2) ms.push({ kind: 'delete', at: r.int(1 << 30) });
        else ms.push({ kind: 'splice', at: r.int(1 << 30), run: r.int(SPLICES.length) });
      }
      const [b2, n] = mutate(KIND_STRING, body, count, ms);
      checkLoad(KIND_STRING, n, Uint8Array.from(b2), b);
    }
  }, HEAVY_TIMEOUT);
});

describe('the reader at any alignment', () => {
  it('a bad byte anywhere in a long ASCII key is found, whatever the byte offset of the snapshot', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const good = CounterMap.from([key, key, 'x', 'y' + key]).snapshot();
    const body = [...good.subarray(32)];
    const at = body.findIndex((_, i) => key.split('').every((c, j) => body[i + j] === c.charCodeAt(0)));
    for (let shift = 0; shift < 8; shift++) {
      const place = (bytes: Uint8Array): Uint8Array => {
        const big = new Uint8Array(bytes.length + shift + 5);
        big.set(bytes, shift);
        return big.subarray(shift, shift + bytes.length);
      };
      expect(snapshot(CounterMap.fromSnapshot(place(good)))).toEqual(snapshot(CounterMap.fromSnapshot(good)));
      for (let j = 0; j < key.length; j++) {
        const bad = body.slice();
        bad[at + j] = 0x80 | bad[at + j]!;
        const e = expectThrow(() => CounterMap.fromSnapshot(place(frame(KIND_STRING, 3, bad))), TypeError, /its key is not WTF-8 as tophash writes it/);
        expect(e.message).toMatch(new RegExp(`key byte ${j} `));
      }
    }
  });
});

// ---- what writers make still round-trips ----------------------------------------

describe('every key a writer makes loads back', () => {
  it('lone surrogates, 4-byte characters, the empty key, 8-byte keys ending in bytes < 8, long keys', () => {
    const keys = [
      '', '\0', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDC00\uD800', '\uD800\uD800', 'a\uD83D', '\uDE00b', '\uD83D\uDE01',
      '😀', '\u{10FFFF}', '\u{10000}', 'ab😀', '日本語', '\u0800', '\u07ff', '\uFFFF', '\uFFFD',
      'abcdefg\x00', 'abcdefg\x01', 'abcdefg\x07', 'abcdefg\x08', 'abcdefgh', '\x01\x02\x03\x04\x05\x06\x07\x07',
      'abcde\uFFFF', 'abcdef\u00e9', 'abcd\u{1F600}', 'ab\uD800\uDBFF', 'abcdefghi',
      'x'.repeat(300), longString(40_000, 7), longString(33_000, 8, true) + '\uD800',
    ];
    const m = new CounterMap();
    keys.forEach((k, i) => m.set(k, i + 1));
    expect(m.size).toBe(keys.length);
    const back = CounterMap.fromSnapshot(m.snapshot());
    expect(snapshot(back)).toEqual(snapshot(m));
    for (const [i, k] of keys.entries()) expect(back.get(k)).toBe(i + 1);
    for (const k of keys) back.delete(k);
    expect(back.size).toBe(0);
  });

  it('any JS string (fast-check, surrogates included)', () => {
    const anyString = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 10 }),
      fc.array(fc.integer({ min: 0xd7ff, max: 0xe000 }).map((c) => String.fromCharCode(c)), { maxLength: 6 }).map((a) => a.join('')),
      fc.string({ unit: 'grapheme', maxLength: 5 }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(anyString, countArb), { selector: (p) => p[0], maxLength: 40 }), (pairs) => {
        const m = new CounterMap();
        for (const [k, c] of pairs) m.set(k, c);
        const s = m.snapshot();
        // The reference reader accepts what the writer writes, with the same entries.
        expect(refRead(KIND_STRING, m.size, s.subarray(32))).toEqual(new Map(pairs));
        expect(snapshot(CounterMap.fromSnapshot(s))).toEqual(snapshot(m));
        m.dispose();
      }),
      { numRuns: HEAVY ? 3000 : 200 },
    );
  });
});

// ---- the core, below the reader: bytes that skip every JS check ------------------

describe('the core never reads key bytes as an arena reference', () => {
  const b = makeBystanders();

  /** A string map with a table in the bystanders' pool, and the address of a bystander's arena record. */
  function setup(): { m: CounterMap; c: Core; t: number; target: number } {
    const m = new CounterMap();
    m.incr('x');
    const { _c: c, _t: t } = inside(m);
    // Room in its arena, as JS makes it after ERR_ARENA.
    expect(c.ex.arena_grow(t, 256, Number.MAX_SAFE_INTEGER)).toBe(0);
    const v = inside(b.maps[2]!);
    expect(v._c).toBe(c); // one pool instance: the memory an attack would reach
    return { m, c, t, target: (c.ex.slot_read(v._t, firstSlot(c, v._t)), c.result(R_SLOT_KEY_PTR) >>> 0) - 1 };
  }

  const forged = (target: number): number[] => [target & 255, (target >>> 8) & 255, (target >>> 16) & 255, target >>> 24, 0, 0, 0, 0xff];

  /** The key bytes of every entry of table t, as the core reports them. */
  function keyBytes(c: Core, t: number): number[][] {
    const out: number[][] = [];
    const cap = c.h32(t, H_GROUPS) * GROUP;
    for (let cursor = 0; cursor < cap; ) {
      // Its records [length][key bytes][count] (no key here is longer than a scratch).
      cursor = c.ex.records_write(t, cursor);
      const u8 = c.view();
      const end = c.scratch + c.result(R_CHUNK_BYTES);
      for (let p = c.scratch; p < end; ) {
        const [len, at] = getVarint(u8, p, end)!;
        out.push([...u8.subarray(at, at + len)]);
        p = getVarint(u8, at + len, end)![1];
      }
    }
    return out.sort();
  }

  it('records_apply: an 8-byte key ending in 0xFF is stored as those 8 bytes', () => {
    const { m, c, t, target } = setup();
    const key = forged(target);
    c.view().set([8, ...key, 5], c.scratch);
    expect(c.ex.records_apply(t, 0, 10, 1, RECORDS_APPLY)).toBe(10);
    expect(keyBytes(c, t)).toEqual([[0x78], key].sort());
    // The same bytes again find that entry; nothing else changed anywhere.
    c.view().set([8, ...key, 2], c.scratch);
    expect(c.ex.records_apply(t, 0, 10, 1, RECORDS_LOAD)).toBe(-9); // ERR_DUPLICATE
    expect(c.ex.records_apply(t, 0, 10, 1, RECORDS_APPLY)).toBe(10);
    c.view().set(key, c.scratch);
    expect(c.ex.str_get(t, c.scratch, 8)).toBe(7);
    expect(m.size).toBe(2);
    checkBystanders(b);
    m.dispose();
  });

  it('str_incr and batches: the same bytes by every other path', () => {
    const { m, c, t, target } = setup();
    const key = forged(target);
    c.view().set(key, c.scratch);
    expect(c.ex.str_incr(t, c.scratch, 8, 3)).toBe(3);
    // A batch word [len][0xFF000000] and the key's bytes.
    const u32 = new Uint32Array(c.view().buffer, c.scratch, 4);
    u32[0] = 8;
    u32[1] = 0xff000000;
    c.view().set(key, c.scratch + 8);
    expect(c.ex.str_incr_many(t, 1, 2)).toBe(1);
    c.view().set(key, c.scratch);
    expect(c.ex.str_get(t, c.scratch, 8)).toBe(5);
    expect(keyBytes(c, t)).toEqual([[0x78], key].sort());
    checkBystanders(b);
    m.dispose();
  });

  it('inline forms from JS that no key has are refused: a 0xFF tag, bytes past the length', () => {
    const { m, c, t, target } = setup();
    const before = snapshot(m);
    const hi = 0xff000000 | 0; // tag byte 0xFF, offset in lo
    expect(c.ex.short_incr(t, target, hi, 1)).toBe(ERR_KEY);
    expect(c.ex.short_write(t, target, hi, 1, WRITE_SET)).toBe(ERR_KEY);
    expect(c.ex.short_get(t, target, hi)).toBe(0);
    expect(c.ex.short_write(t, target, hi, 0, WRITE_DELETE)).toBe(0);
    // Length 1 ('a') with a stray byte after it.
    expect(c.ex.short_incr(t, 0x6261, 1 << 24, 1)).toBe(ERR_KEY);
    expect(c.ex.short_incr(t, 0x61, (1 << 24) | 0x10, 1)).toBe(ERR_KEY);
    // A batch of a good key, then a forged short word.
    const u32 = new Uint32Array(c.view().buffer, c.scratch, 4);
    u32.set([0x78, 1 << 24, target, 0xff000001]);
    expect(c.ex.str_incr_many(t, 2, 1)).toBe(ERR_KEY);
    expect(c.result(R_ERR_INDEX)).toBe(1);
    c.ex.short_incr(t, 0x78, 1 << 24, -1); // the batch's first key, taken back as JS would
    expect(snapshot(m)).toEqual(before);
    checkBystanders(b);
    m.dispose();
  });

  it('ranges past the scratch are refused before anything is read', () => {
    const { m, c, t } = setup();
    const before = snapshot(m);
    const S = c.scratchBytes;
    expect(c.ex.records_apply(t, 0, S + 1, 1, RECORDS_APPLY)).toBe(ERR_KEY);
    expect(c.ex.records_apply(t, 11, 10, 1, RECORDS_APPLY)).toBe(ERR_KEY);
    expect(c.ex.records_apply(t, 0, S + 64, 1, RECORDS_LOAD)).toBe(ERR_KEY);
    // A batch whose last key's bytes would run past the scratch.
    const u32 = new Uint32Array(c.view().buffer, c.scratch, S >> 2);
    u32[0] = S;
    u32[1] = 0xff000000;
    expect(c.ex.str_incr_many(t, 1, 1)).toBe(ERR_KEY);
    // More short words than the scratch holds.
    for (let w = 0; w < S >> 2; w += 2) u32.set([0x78, 1 << 24], w);
    expect(c.ex.str_incr_many(t, (S >> 3) + 1, 1)).toBe(ERR_KEY);
    expect(c.result(R_ERR_INDEX)).toBe(S >> 3);
    c.ex.short_incr(t, 0x78, 1 << 24, -(S >> 3)); // the words that were in the scratch, taken back
    expect(c.ex.count_tokens(t, S + 1, 1, 1 | 8, Infinity)).toBe(ERR_KEY);
    // Key bytes given by address: only inside the scratch.
    for (const [ptr, len] of [[c.scratch, S + 1], [c.scratch + S - 4, 8], [c.scratch - 8, 8], [0, 8], [c.scratch + S + 1, 0]] as const) {
      expect(c.ex.str_incr(t, ptr, len, 1)).toBe(ERR_KEY);
      expect(c.ex.str_write(t, ptr, len, 1, WRITE_SET)).toBe(ERR_KEY);
      expect(c.ex.str_get(t, ptr, len)).toBe(0);
      expect(c.ex.str_write(t, ptr, len, 0, WRITE_DELETE)).toBe(0);
    }
    expect(snapshot(m)).toEqual(before);
    const n = new IntCounterMap();
    n.incr(1);
    expect(inside(n)._c.ex.int_incr_many(inside(n)._t, 0, (S >> 3) + 1, 1)).toBe(ERR_KEY);
    expect(inside(n)._c.ex.int_incr_many(inside(n)._t, 1, (S >> 2) + 1, 1)).toBe(ERR_KEY);
    expect(snapshot(n)).toEqual([[1, 1]]);
    checkBystanders(b);
    m.dispose();
  });
});

describe('the core checks the other offsets and indexes JS hands it', () => {
  it('a slot index out of the table or on an empty slot, a tally entry past the scratch', () => {
    const b = makeBystanders();
    const m = new CounterMap();
    m.incr('x'.repeat(40), 3);
    const { _c: c, _t: t } = inside(m);
    const before = snapshot(m);
    const cap = c.stat(t, R_CAPACITY_SLOTS);
    // The one live slot is the last cursor from which records_write still finds an entry.
    let live = 0;
    for (let i = 0; i < cap; i++) {
      c.ex.records_write(t, i);
      if (c.result(R_CHUNK_BYTES) > 0) live = i;
    }
    const empty = live + 1 < cap ? live + 1 : live - 1;
    expect((c.ex.slot_read(t, live), c.result(R_SLOT_KEY_LEN))).toBe(40);
    for (const i of [cap, cap + 16, 0x7fffffff, empty]) {
      expect(c.ex.slot_write(t, i, 1, WRITE_INCR)).toBe(ERR_KEY);
      expect(c.ex.slot_write(t, i, 5, WRITE_SET)).toBe(ERR_KEY);
      expect(c.ex.slot_write(t, i, 0, WRITE_DELETE)).toBe(0);
    }
    expect(snapshot(m)).toEqual(before);
    // A tally whose entry reaches past the scratch: dropped, and the flush refuses.
    const at = c.result(R_TALLY_PTR) >>> 0;
    const dv = new DataView(c.view().buffer);
    dv.setUint16(at, 0xfff0, true);
    dv.setUint16(at + 2, 0x40, true);
    dv.setUint32(at + 4, 1, true);
    c.ex.tally_load(1, 0);
    expect(c.ex.tally_flush(t, 1)).toBe(ERR_KEY);
    expect(c.result(R_TALLY_ENTRIES)).toBe(0);
    expect(snapshot(m)).toEqual(before);
    checkBystanders(b);
    m.dispose();
  });
});

describe('what the reader takes stays fast to refuse and to load', () => {
  it('a forged snapshot with a huge header count is refused before a table is sized for it', () => {
    expectThrow(() => CounterMap.fromSnapshot(frame(KIND_STRING, 2 ** 40, [1, 0x61, 1])), TypeError, /entries cannot fit/);
    // A count that fits the body but is not the records': refused by the reader, no table made.
    const before = memoryStats();
    const body: number[] = [];
    for (let i = 0; i < 1000; i++) body.push(1, 0x61, 1);
    expectThrow(() => CounterMap.fromSnapshot(frame(KIND_STRING, 1500, body)), TypeError, /record 1 at body offset 3: its key is the key of an earlier record|header says/);
    expect(memoryStats().ownMaps).toBe(before.ownMaps);
  });
});
