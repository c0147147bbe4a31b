// Shared helpers: a seeded PRNG, the reference model (a plain Map that deletes
// a key when its count reaches 0 or less), and checks that compare a map with
// the model or with its own invariants. The checks throw plain Errors with a
// description instead of calling expect() per entry, so checking 100k entries
// stays cheap.
import { CounterMap, IntCounterMap } from '../../src/index.js';

export type AnyMap = CounterMap | IntCounterMap;
export type Key = string | number;

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** mulberry32: a small seeded PRNG, so long random sequences are reproducible. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The reference: a Map whose counts are always >= 1. */
export class Model<K extends Key> {
  readonly m = new Map<K, number>();

  get size(): number {
    return this.m.size;
  }
  get(k: K): number {
    return this.m.get(k) ?? 0;
  }
  /** incr semantics; returns the new count, or 'overflow' (and changes nothing). */
  incr(k: K, by: number): number | 'overflow' {
    const n = this.get(k) + by;
    if (n > MAX_SAFE) return 'overflow';
    if (n <= 0) {
      this.m.delete(k);
      return 0;
    }
    this.m.set(k, n);
    return n;
  }
  set(k: K, n: number): void {
    if (n === 0) this.m.delete(k);
    else this.m.set(k, n);
  }
  delete(k: K): boolean {
    return this.m.delete(k);
  }
  clear(): void {
    this.m.clear();
  }
  /** Atomic batch: returns false (and changes nothing) when some count would pass MAX_SAFE. */
  incrMany(keys: Iterable<K>, by: number): boolean {
    if (by === 0) return true;
    // Only the keys in the batch change: work on a copy of those.
    const touched = new Map<K, number>();
    for (const k of keys) {
      const cur = touched.has(k) ? touched.get(k)! : this.get(k);
      const n = cur + by;
      if (n > MAX_SAFE) return false;
      touched.set(k, n <= 0 ? 0 : n);
    }
    for (const [k, n] of touched) {
      if (n === 0) this.m.delete(k);
      else this.m.set(k, n);
    }
    return true;
  }
  /** Counts, highest first. */
  /** Deletes every key whose count is below min; how many went. */
  prune(min: number): number {
    let n = 0;
    for (const [k, v] of this.m) {
      if (v < min) {
        this.m.delete(k);
        n++;
      }
    }
    return n;
  }

  /** The sum of the counts, exact (BigInt), rounded once to a number as the map's i64 total is. */
  total(): number {
    let t = 0n;
    for (const v of this.m.values()) t += BigInt(v);
    return Number(t);
  }

  sortedCounts(): number[] {
    return [...this.m.values()].sort((a, b) => b - a);
  }
}

function show(k: unknown): string {
  if (typeof k === 'string') {
    const s = k.length > 40 ? `${k.slice(0, 40)}…(${k.length} units)` : k;
    return JSON.stringify(s);
  }
  return Object.is(k, -0) ? '-0' : String(k);
}

/** The map's entries as a Map, checking that none repeats and every count is a safe integer >= 1. */
export function entriesOf<K extends Key>(map: AnyMap): Map<K, number> {
  const out = new Map<K, number>();
  let n = 0;
  for (const [k, v] of map.entries() as IterableIterator<[K, number]>) {
    n++;
    if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`entry ${show(k)} has count ${v}: counts <= 0 must never be stored`);
    if (out.has(k)) throw new Error(`entry ${show(k)} is listed twice by entries()`);
    if (typeof k === 'number' && Object.is(k, -0)) throw new Error('entries() returned the key -0 (expected 0)');
    out.set(k, v);
  }
  if (n !== map.size) throw new Error(`entries() listed ${n} entries but size is ${map.size}`);
  return out;
}

/**
 * The map's own invariants: no count <= 0, size equals the number of entries,
 * get/has agree with the entries, keys()/values()/forEach agree with entries(),
 * stats().size agrees.
 */
export function checkInvariants(map: AnyMap): void {
  const e = entriesOf<Key>(map);
  const get = map.get.bind(map) as (k: Key) => number;
  const has = map.has.bind(map) as (k: Key) => boolean;
  for (const [k, v] of e) {
    if (get(k) !== v) throw new Error(`get(${show(k)}) is ${get(k)} but entries() says ${v}`);
    if (!has(k)) throw new Error(`has(${show(k)}) is false for a listed entry`);
  }
  const st = map.stats();
  if (st.size !== e.size) throw new Error(`stats().size ${st.size} but ${e.size} entries`);
  let nk = 0;
  for (const k of map.keys() as IterableIterator<Key>) {
    nk++;
    if (!e.has(k)) throw new Error(`keys() yields ${show(k)} which entries() does not`);
  }
  if (nk !== e.size) throw new Error(`keys() yields ${nk} keys, entries() ${e.size}`);
  let sum = 0;
  let expectSum = 0;
  for (const v of map.values()) sum += v;
  for (const v of e.values()) expectSum += v;
  if (sum !== expectSum) throw new Error(`values() sum ${sum}, entries() sum ${expectSum}`);
}

/** Compares everything observable with the model: size, entries, get/has of every key, mostCommon. */
export function compareToModel<K extends Key>(
  map: AnyMap,
  model: Model<K>,
  opts: { probes?: readonly K[]; mostCommonN?: number; mostCommon?: boolean } = {},
): void {
  if (map.size !== model.size) throw new Error(`size ${map.size}, model ${model.size}`);
  if (map.total() !== model.total()) throw new Error(`total() ${map.total()}, model ${model.total()}`);
  const e = entriesOf<K>(map);
  for (const [k, v] of model.m) {
    const got = e.get(k);
    if (got !== v) throw new Error(`entries() has ${show(k)} => ${got}, model ${v}`);
    const g = (map.get as (k: K) => number)(k);
    if (g !== v) throw new Error(`get(${show(k)}) = ${g}, model ${v}`);
    if (!(map.has as (k: K) => boolean)(k)) throw new Error(`has(${show(k)}) false, model ${v}`);
  }
  for (const [k, v] of e) {
    if (!model.m.has(k)) throw new Error(`entries() has ${show(k)} => ${v}, absent from model`);
  }
  for (const k of opts.probes ?? []) {
    const g = (map.get as (k: K) => number)(k);
    if (g !== model.get(k)) throw new Error(`get(${show(k)}) = ${g}, model ${model.get(k)}`);
    if ((map.has as (k: K) => boolean)(k) !== model.get(k) > 0) throw new Error(`has(${show(k)}) wrong`);
  }
  if (opts.mostCommon === false) return;
  checkMostCommon(map, model);
  if (opts.mostCommonN !== undefined) checkMostCommon(map, model, opts.mostCommonN);
}

/** mostCommon(n): counts are the model's sorted descending, each listed key has that count, no repeats. */
export function checkMostCommon<K extends Key>(map: AnyMap, model: Model<K>, n?: number): void {
  const top = (n === undefined ? map.mostCommon() : map.mostCommon(n)) as Array<[K, number]>;
  const want = model.sortedCounts().slice(0, n ?? Infinity);
  if (top.length !== want.length) throw new Error(`mostCommon(${n}) has ${top.length} entries, expected ${want.length}`);
  const seen = new Set<K>();
  for (let i = 0; i < top.length; i++) {
    const [k, c] = top[i]!;
    if (c !== want[i]) throw new Error(`mostCommon(${n})[${i}] count ${c}, expected ${want[i]} (counts must be the model's, descending)`);
    if (model.get(k) !== c) throw new Error(`mostCommon(${n})[${i}] = [${show(k)}, ${c}] but the model count is ${model.get(k)}`);
    if (seen.has(k)) throw new Error(`mostCommon(${n}) lists ${show(k)} twice`);
    seen.add(k);
  }
}

/** Sorted [key, count] pairs of a map: the "exactly as it was" snapshot. */
export function snapshot(map: AnyMap): Array<[Key, number]> {
  const a = [...(map.entries() as IterableIterator<[Key, number]>)];
  return a.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

/** A model holding what the map holds. */
export function modelOf<K extends Key>(map: AnyMap): Model<K> {
  const m = new Model<K>();
  for (const [k, v] of map.entries() as IterableIterator<[K, number]>) m.m.set(k, v);
  return m;
}

/** Tricky string keys: empty, ASCII, >16 ASCII (slow decode path), 2/3/4-byte UTF-8, lone surrogates, U+FFFD. */
export const SPECIAL_STRINGS: readonly string[] = [
  '',
  'a',
  'A',
  ' ',
  '0',
  'ab',
  'a'.repeat(16),
  'a'.repeat(17),
  'b'.repeat(300),
  'é',
  'ß',
  '日本語',
  '中文字符串',
  '😀',
  '👨‍👩‍👧‍👦',
  '\u0000',
  '\u0000\u0000',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
  '\uD83D',
  '\uDE00',
  '\uDE00\uD83D',
  'a\uD800b',
  'a\uDC00b',
  '\uD800\uD800',
  '\uFFFD',
  '\uFFFD\uFFFD',
  '\uFEFF',
  '\u07FF',
  '\u0800',
  '\uFFFF',
  'x😀y日z\uD800',
  'key',
  'Key',
  'key ',
];

/** Tricky integer keys: zero, i32 and u32 boundaries, safe-integer extremes. */
export const SPECIAL_INTS: readonly number[] = [
  0,
  1,
  -1,
  2,
  -2,
  127,
  128,
  255,
  256,
  65535,
  65536,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32 - 1,
  2 ** 32,
  -(2 ** 32),
  2 ** 32 + 1,
  2 ** 52,
  2 ** 53 - 2,
  MAX_SAFE,
  -MAX_SAFE,
  -(2 ** 53 - 2),
  1e15,
  -1e15,
];

/** A string of `len` UTF-16 units mixing ASCII, 2-, 3- and 4-byte characters and lone surrogates, from a seed. */
export function longString(len: number, seed: number, ascii = false): string {
  const r = new Rng(seed);
  const parts: string[] = [];
  let n = 0;
  const alphabet = ascii ? ['a', 'b', 'c', 'Z', '9', ' '] : ['a', 'b', 'Z', 'é', 'ж', '日', '語', '😀', '\uD800', '\uDC00', '\uFFFD', '\u0000'];
  while (n < len) {
    let c = r.pick(alphabet);
    if (n + c.length > len) c = 'q';
    parts.push(c);
    n += c.length;
  }
  // A seed-dependent prefix makes long keys of one length differ early too.
  const s = `${seed}:` + parts.join('');
  return s.slice(0, len);
}
