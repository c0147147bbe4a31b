// (c) The whole public API as a TypeScript user writes it. It must type-check
// with `tsc --noEmit` (strict). Each `@ts-expect-error` line must be an error:
// if the declarations let a wrong key or count type through, the directive is
// unused and tsc fails.
import {
  CounterMap,
  IntCounterMap,
  type CounterMapOptions,
  type CounterMapStats,
  type IntKeys,
  type TokenCounter,
  type TokenOptions,
  WindowedCounterMap,
  IntWindowedCounterMap,
  type WindowedCounterMapOptions,
  type WindowedCounterMapStats,
} from 'tophash';

const options: CounterMapOptions = { initialCapacity: 1000, maxBytes: 1 << 24 };
const words = new CounterMap(options);
const ids = new IntCounterMap();
const none = new CounterMap();

// Single keys.
const a: number = words.incr('apple');
const b: number = words.incr('apple', 2);
const c: number = words.decr('apple');
const d: number = words.get('apple');
const e: boolean = words.has('apple');
const f: boolean = words.delete('apple');
const g: CounterMap = words.set('pear', 3).set('plum', 1);
const h: number = ids.incr(42) + ids.incr(-7, 3) + ids.decr(42) + ids.get(42);
const i: IntCounterMap = ids.set(1, 10);
const j: boolean = ids.has(1) && ids.delete(1);

// Batches.
words.incrMany(['a', 'b', 'a']);
words.incrMany(new Set(['c']), 5);
const batch: IntKeys = new Int32Array([1, 2, 3]);
ids.incrMany(batch);
ids.incrMany([1, 2, 3], 2);
ids.incrMany(new Uint32Array(4));
ids.incrMany(new Float64Array(4));
ids.incrMany(new Set([9]));

// Reading out.
const size: number = words.size + ids.size;
const top: Array<[string, number]> = words.mostCommon(10);
const topIds: Array<[number, number]> = ids.mostCommon();
const entries: Array<[string, number]> = [...words];
const pairs: Array<[number, number]> = [...ids.entries()];
const keys: string[] = [...words.keys()];
const intKeys: number[] = [...ids.keys()];
const counts: number[] = [...words.values()];
words.forEach((count: number, key: string, map: CounterMap) => void [count, key, map]);
ids.forEach((count: number, key: number) => void [count, key]);
const json: Array<[string, number]> = words.toJSON();
const stats: CounterMapStats = words.stats();
const layout: 'int32' | 'int64' | 'str32' | 'str64' | 'none' = stats.layout;
const perEntry: number = stats.bytesPerEntry + stats.loadFactor + stats.probeLengthMean;
const fromWords: CounterMap = CounterMap.from(['x', 'y']);
const fromPairs: CounterMap = CounterMap.from(new Map([['x', 2]]));
const fromIds: IntCounterMap = IntCounterMap.from([1, 2, 2]);
const fromIdPairs: IntCounterMap = IntCounterMap.from([[1, 2] as const]);

// Tokens from UTF-8 bytes.
const tokenOptions: TokenOptions = { separators: ' ,', lowercase: true };
const counted: number = words.countTokens(new Uint8Array([97, 32, 98]), tokenOptions);
const stream: TokenCounter = words.tokenCounter();
const written: number = stream.write(new Uint8Array([97, 32])) + stream.end() + stream.tokens;
async function* chunks(): AsyncGenerator<Uint8Array> {
  yield new Uint8Array([97]);
}
const fromStream: Promise<number> = words.countStream(chunks(), { lowercase: false });
const fromArray: Promise<number> = words.countStream([new Uint8Array([98])]);

// Everyday extras.
const total: number = words.total() + ids.total();
const pruned: number = words.prune(2);
const copy: CounterMap = words.clone();
const idCopy: IntCounterMap = ids.clone();

// Narrow key types: mostCommon and iteration keep them.
type Method = 'GET' | 'POST';
const methods = new CounterMap<Method>();
methods.incr('GET');
const byMethod: Array<[Method, number]> = methods.mostCommon();
const methodKeys: Method[] = [...methods.keys()];
const fromMethods: CounterMap<Method> = CounterMap.from<Method>(['GET', 'POST']);
// Without a type argument, from() makes a map of all strings (numbers), not of the literals it saw.
CounterMap.from(['x']).incr('y');
IntCounterMap.from([1, 2]).incr(3);
type Port = 80 | 443;
const ports = new IntCounterMap<Port>();
ports.incrMany([80, 443, 443]);
const byPort: Array<[Port, number]> = ports.mostCommon(1);

// A map is a ReadonlyMap of its keys to their counts.
const readonlyWords: ReadonlyMap<string, number> = words;
const readonlyIds: ReadonlyMap<number, number> = ids;
const readonlyMethods: ReadonlyMap<Method, number> = methods;

// Life cycle.
words.clear();
none.dispose();

// Wrong key and count types are compile-time errors.
// @ts-expect-error a CounterMap key is a string
words.incr(5);
// @ts-expect-error an IntCounterMap key is a number
ids.incr('a');
// @ts-expect-error a count is a number
words.set('a', '3');
// @ts-expect-error a step is a number
words.incr('a', '2');
// @ts-expect-error a CounterMap key is a string
words.get(1);
// @ts-expect-error an IntCounterMap key is a number
ids.has('1');
// @ts-expect-error an IntCounterMap key is a number
ids.set('1', 2);
// @ts-expect-error a CounterMap batch holds strings
words.incrMany([1, 2]);
// @ts-expect-error an IntCounterMap batch holds numbers
ids.incrMany(['a']);
// @ts-expect-error a single string is not a batch of numbers
ids.incrMany('abc');
// @ts-expect-error mostCommon of a CounterMap has string keys
const wrongTop: Array<[number, number]> = words.mostCommon(1);
// @ts-expect-error options are checked
new CounterMap({ initialCapacity: '10' });
// @ts-expect-error unknown options are rejected
new IntCounterMap({ capacity: 10 });
// @ts-expect-error the internals are not public
void words._core;
// @ts-expect-error countTokens takes UTF-8 bytes, not a string
words.countTokens('a b');
// @ts-expect-error token options are checked
words.tokenCounter({ lowercase: 'yes' });
// @ts-expect-error an IntCounterMap has no tokens
ids.countTokens(new Uint8Array(1));
// @ts-expect-error a CounterMap is not an IntCounterMap
const notInt: IntCounterMap = new CounterMap();
// @ts-expect-error a key outside the map's key type
methods.incr('PUT');
// @ts-expect-error a port outside the map's key type
ports.incr(8080);
// @ts-expect-error the key-check internals are not public
words._checkKey('a');

export const used = [a, b, c, d, e, f, g, h, i, j, size, top, topIds, entries, pairs, keys, intKeys, counts, json,
  layout, perEntry, fromWords, fromPairs, fromIds, fromIdPairs, wrongTop, notInt, counted, written, fromStream, fromArray,
  total, pruned, copy, idCopy, byMethod, methodKeys, fromMethods, byPort, readonlyWords, readonlyIds, readonlyMethods];

// Counts over a time window.
const windowOptions: WindowedCounterMapOptions = { windowMs: 60_000, slices: 6, now: () => Date.now() };
const hits = new WindowedCounterMap(windowOptions);
const inWindow: number = hits.incr('10.0.0.1');
const retryMs: number = hits.msUntil('10.0.0.1', 9);
const windowStats: WindowedCounterMapStats = hits.stats();
const windowTop: Array<[string, number]> = hits.mostCommon(3);
const byId = new IntWindowedCounterMap({ windowMs: 1000 });
const idCount: number = byId.incr(42, 2);
// @ts-expect-error a WindowedCounterMap key is a string
hits.incr(1);
// @ts-expect-error windowMs is required
new WindowedCounterMap({ slices: 6 });
// @ts-expect-error an IntWindowedCounterMap key is a number
byId.get('42');

export const usedWindow = [inWindow, retryMs, windowStats, windowTop, idCount];
