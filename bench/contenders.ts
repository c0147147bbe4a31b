// The contenders, each with its own counting loop. Every loop is a separate
// function on purpose: a shared loop calling `counter.incr(k)` through an
// adapter would see several counter classes at one call site (megamorphic)
// and slow every contender down by the same dispatch cost, hiding the very
// differences this benchmark is about. So each loop is written out the way a
// user would write it, and JIT feedback stays per contender.
//
// mnemonist and @remusao/counter are devDependencies: after `npm i tophash`
// they are absent, so they load by dynamic import and are skipped (with a
// note) when missing.
import { CounterMap, IntCounterMap, IntTopK, TopK } from 'tophash';

interface MultiSetLike<K> {
  add(key: K, count?: number): unknown;
  remove(key: K, count?: number): unknown;
  get(key: K): number;
  dimension: number;
}
interface CounterLike<K> {
  incr(key: K, n?: number): unknown;
  decr(key: K, n?: number): unknown;
  get(key: K): number;
  readonly size: number;
}

export interface Libs {
  MultiSet?: new <K>() => MultiSetLike<K>;
  Counter?: new <K>() => CounterLike<K>;
  /** Why a contender is missing. */
  notes: string[];
}

export async function loadLibs(): Promise<Libs> {
  const libs: Libs = { notes: [] };
  try {
    const m = (await import('mnemonist')) as unknown as { MultiSet: Libs['MultiSet'] };
    libs.MultiSet = m.MultiSet;
  } catch {
    libs.notes.push('mnemonist is not installed: its MultiSet is skipped (npm i -D mnemonist to include it).');
  }
  try {
    const m = (await import('@remusao/counter')) as unknown as { Counter: Libs['Counter'] };
    libs.Counter = m.Counter;
  } catch {
    libs.notes.push('@remusao/counter is not installed: its Counter is skipped (npm i -D @remusao/counter to include it).');
  }
  return libs;
}

/** Something that counted: its number of distinct keys and one key's count. */
export interface Counted<K> {
  size: number;
  get(key: K): number;
}

export interface Contender<In, K> {
  name: string;
  /** true for tophash contenders (headlines are about them). */
  tophash: boolean;
  /** Counts every key of `keys` into a fresh counter. */
  count(keys: In): unknown;
  /** Reads a counter made by `count` (outside timing): for the correctness check. */
  view: (counter: unknown) => Counted<K>;
}

// ---- string keys ---------------------------------------------------------

function mapStr(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function objStr(keys: string[]): Record<string, number> {
  const o = Object.create(null) as Record<string, number>;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    o[k] = (o[k] ?? 0) + 1;
  }
  return o;
}

function tophashIncrStr(keys: string[]): CounterMap {
  const m = new CounterMap();
  for (let i = 0; i < keys.length; i++) m.incr(keys[i]!);
  return m;
}

function tophashManyStr(keys: string[]): CounterMap {
  const m = new CounterMap();
  m.incrMany(keys);
  return m;
}

const mapView = <K>(c: unknown): Counted<K> => {
  const m = c as Map<K, number>;
  return { size: m.size, get: (k) => m.get(k) ?? 0 };
};
const tophashView = <K>(c: unknown): Counted<K> => c as Counted<K>;

export function stringContenders(libs: Libs): Contender<string[], string>[] {
  const list: Contender<string[], string>[] = [
    { name: 'Map', tophash: false, count: mapStr, view: mapView },
    {
      name: 'plain object',
      tophash: false,
      count: objStr,
      view: (c) => {
        const o = c as Record<string, number>;
        return { size: Object.keys(o).length, get: (k) => o[k] ?? 0 };
      },
    },
  ];
  const MS = libs.MultiSet;
  if (MS) {
    list.push({
      name: 'mnemonist MultiSet',
      tophash: false,
      count: function multisetStr(keys: string[]) {
        const s = new MS<string>();
        for (let i = 0; i < keys.length; i++) s.add(keys[i]!);
        return s;
      },
      view: (c) => {
        const s = c as MultiSetLike<string>;
        return { size: s.dimension, get: (k) => s.get(k) };
      },
    });
  }
  const C = libs.Counter;
  if (C) {
    list.push({
      name: '@remusao/counter',
      tophash: false,
      count: function counterStr(keys: string[]) {
        const c = new C<string>();
        for (let i = 0; i < keys.length; i++) c.incr(keys[i]!);
        return c;
      },
      view: (c) => c as CounterLike<string>,
    });
  }
  list.push(
    { name: 'tophash incr', tophash: true, count: tophashIncrStr, view: tophashView },
    { name: 'tophash incrMany', tophash: true, count: tophashManyStr, view: tophashView },
  );
  return list;
}

// ---- integer keys --------------------------------------------------------

function mapInt(keys: Int32Array): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function tophashIncrInt(keys: Int32Array): IntCounterMap {
  const m = new IntCounterMap();
  for (let i = 0; i < keys.length; i++) m.incr(keys[i]!);
  return m;
}

function tophashManyInt(keys: Int32Array): IntCounterMap {
  const m = new IntCounterMap();
  m.incrMany(keys);
  return m;
}

export function intContenders(libs: Libs): Contender<Int32Array, number>[] {
  const list: Contender<Int32Array, number>[] = [{ name: 'Map', tophash: false, count: mapInt, view: mapView }];
  const MS = libs.MultiSet;
  if (MS) {
    list.push({
      name: 'mnemonist MultiSet',
      tophash: false,
      count: function multisetInt(keys: Int32Array) {
        const s = new MS<number>();
        for (let i = 0; i < keys.length; i++) s.add(keys[i]!);
        return s;
      },
      view: (c) => {
        const s = c as MultiSetLike<number>;
        return { size: s.dimension, get: (k) => s.get(k) };
      },
    });
  }
  const C = libs.Counter;
  if (C) {
    list.push({
      name: '@remusao/counter',
      tophash: false,
      count: function counterInt(keys: Int32Array) {
        const c = new C<number>();
        for (let i = 0; i < keys.length; i++) c.incr(keys[i]!);
        return c;
      },
      view: (c) => c as CounterLike<number>,
    });
  }
  list.push(
    { name: 'tophash incr', tophash: true, count: tophashIncrInt, view: tophashView },
    { name: 'tophash incrMany', tophash: true, count: tophashManyInt, view: tophashView },
  );
  return list;
}

/** Frees a counter's memory now when it can (tophash), else leaves it to the GC. */
export function release(counter: unknown): void {
  if (counter instanceof CounterMap || counter instanceof IntCounterMap || counter instanceof TopK || counter instanceof IntTopK) counter.dispose();
}
