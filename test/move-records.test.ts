// Tables that move between wasm instances (pool -> own, own -> own on growth,
// own -> pool on shrink) stream their entries as portable records: every
// varint length of keys and counts must arrive intact, and the bytes written
// must be the minimal LEB128 records of docs/snapshot-format.md (checked here
// against a plain JS decoder of a snapshot's body).
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap } from '../src/index.js';
import { MAX_SAFE, Model, Rng, compareToModel, type AnyMap } from './helpers/model.js';

const HEAVY = !!process.env.TOPHASH_HEAVY;
const HEADER = 32;

/** A minimal LEB128 varint at `at` (a zigzagged key passes 2^53: BigInt): [value, next offset]; throws on a non-minimal or overlong one. */
function varint(b: Uint8Array, at: number): [bigint, number] {
  let v = 0n;
  for (let i = 0; i < 8; i++) {
    const x = b[at + i]!;
    v |= BigInt(x & 0x7f) << BigInt(7 * i);
    if (x < 0x80) {
      if (i > 0 && x === 0) throw new Error(`non-minimal varint at ${at}`);
      return [v, at + i + 1];
    }
  }
  throw new Error(`varint past 8 bytes at ${at}`);
}

/** The entries a snapshot's body lists, decoded in JS; each key once. */
function decodeBody(snap: Uint8Array, ints: boolean): Map<number | string, number> {
  const out = new Map<number | string, number>();
  const dec = new TextDecoder();
  let at = HEADER;
  while (at < snap.length) {
    let key: number | string;
    if (ints) {
      const [z, next] = varint(snap, at);
      key = Number(z % 2n === 0n ? z / 2n : -(z + 1n) / 2n);
      at = next;
    } else {
      const [len, next] = varint(snap, at);
      key = dec.decode(snap.subarray(next, next + Number(len)));
      at = next + Number(len);
    }
    const [count, next] = varint(snap, at);
    at = next;
    if (out.has(key)) throw new Error(`key ${String(key)} listed twice`);
    out.set(key, Number(count));
  }
  return out;
}

function expectSameEntries(got: Map<number | string, number>, model: Model<number> | Model<string>): void {
  expect(got.size).toBe(model.size);
  for (const [k, v] of model.m as Map<number | string, number>) {
    if (got.get(k) !== v) throw new Error(`${String(k)}: ${got.get(k)}, model ${v}`);
  }
}

/** Counts whose varints take 1 to 8 bytes (their sum stays a safe integer). */
const BIG_COUNTS = [127, 128, 2 ** 14 - 1, 2 ** 14, 2 ** 21, 2 ** 28, 2 ** 35, 2 ** 42, 2 ** 49 - 1, 2 ** 49];

/** Integer keys whose zigzag varints take every length: each side of every 7-bit boundary, both signs. */
function boundaryKeys(): number[] {
  const out = [0, MAX_SAFE, -MAX_SAFE];
  for (let j = 1; j <= 7; j++) {
    const b = 2 ** (7 * j - 1);
    out.push(b - 1, b, -b, -b - 1);
  }
  return out;
}

function moveCycle(m: AnyMap, model: Model<number> | Model<string>, ints: boolean, keep: number): void {
  // Grown from a pool into an instance of its own, through growth moves.
  expect(m.stats().memory).toBe('own');
  compareToModel(m as never, model as never, { mostCommon: false });
  const snap = m.snapshot();
  expectSameEntries(decodeBody(snap, ints), model);
  // Pruned to `keep` entries: moved back into a pool.
  const removed = m.prune(2);
  for (const [k, v] of [...(model.m as Map<number | string, number>)]) if (v < 2) (model as Model<number | string>).m.delete(k);
  expect(removed).toBeGreaterThan(0);
  expect(m.size).toBe(keep);
  expect(m.stats().memory).toBe('shared');
  compareToModel(m as never, model as never, { mostCommon: false });
  expectSameEntries(decodeBody(m.snapshot(), ints), model);
}

describe('moves between instances carry every record', () => {
  test('IntCounterMap: keys and counts of every varint length, pool -> own -> own -> pool', () => {
    const rng = new Rng(0x6d6f7665);
    const m = new IntCounterMap();
    const model = new Model<number>();
    const n = HEAVY ? 600_000 : 150_000;
    const keep = 5000;
    const add = (k: number, by: number): void => {
      m.incr(k, by);
      model.incr(k, by);
    };
    // The first `keep` keys get counts >= 2 and survive the prune.
    const special = boundaryKeys();
    special.forEach((k, i) => add(k, i < BIG_COUNTS.length ? BIG_COUNTS[i]! : 2));
    while (model.size < keep) add(rng.int(1 << 30) - (1 << 29), 2 + rng.int(300));
    while (model.size < n) {
      const bits = 1 + rng.int(53);
      const mag = Math.floor(rng.next() * 2 ** bits);
      const k = rng.int(2) === 0 ? mag : -mag;
      if (model.get(k) === 0) add(k, 1);
    }
    expect(m.stats().layout).toBe('int64');
    moveCycle(m, model, true, keep);
    m.dispose();
  });

  test('CounterMap: inline, arena and multi-byte keys, counts of every varint length', () => {
    const rng = new Rng(0x73747273);
    const m = new CounterMap();
    const model = new Model<string>();
    const n = HEAVY ? 300_000 : 80_000;
    const keep = 3000;
    const add = (k: string, by: number): void => {
      m.incr(k, by);
      model.incr(k, by);
    };
    const key = (i: number): string => {
      const shape = i % 5;
      if (shape === 0) return String(i); // inline
      if (shape === 1) return `k${i}é`; // inline, multi-byte
      if (shape === 2) return `key:${i}:${'x'.repeat(i % 40)}`; // arena
      if (shape === 3) return `日本${i}`;
      return `${'y'.repeat(130 + (i % 7))}${i}`; // a length varint of 2 bytes
    };
    add('', 2);
    for (let i = 0; i < keep - 1; i++) add(key(i), i < BIG_COUNTS.length ? BIG_COUNTS[i]! : 2 + rng.int(50));
    for (let i = keep - 1; model.size < n; i++) add(key(i), 1);
    moveCycle(m, model, false, keep);
    m.dispose();
  });
});
