// Hashing under attack and hashing at speed, for this build and, with
// --base <dist dir>, another build of the package measured in the same
// process (its maps are its own instances):
//
//   node dist/bench/flooding.js [--base /path/to/other/dist] [--quick]
//
//   keys     incr of fresh string keys of 9-64 bytes, then a hit on each
//   flood    incr of 2^15 keys of one hash under the former lane hash, against
//            random keys of the same length and Map
//   tokens   countTokens over the same keys as text
//   decay    [...m], clear(), set(k, v >> 1): keys back in their own order
//   grow     1M int and string keys into a new map (every rebuild rehashes)
//
// Medians of interleaved rounds; ns per operation. A round of a build known to
// be quadratic runs once.

import { pathToFileURL } from 'node:url';
import { laneMulticollision, randomKeys } from './data/multicollision.js';
import * as self from 'tophash';

type Lib = typeof self;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const baseAt = args.indexOf('--base');
const builds: Array<[string, Lib]> = [['this build', self]];
if (baseAt >= 0) {
  const dir = args[baseAt + 1]!;
  builds.push([`base (${dir})`, (await import(pathToFileURL(`${dir}/esm/index.js`).href)) as Lib]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/** Median ms of `rounds` runs of each contender, interleaved. */
function race(rounds: number, contenders: Array<[string, () => void]>): Map<string, number> {
  const runs = new Map<string, number[]>(contenders.map(([n]) => [n, []]));
  for (let r = 0; r < rounds; r++) for (const [n, fn] of contenders) runs.get(n)!.push(time(fn));
  return new Map([...runs].map(([n, xs]) => [n, median(xs)]));
}

function print(title: string, perOp: number, res: Map<string, number>): void {
  console.log(`\n${title}`);
  const map = res.get('Map');
  for (const [n, ms] of res) {
    const ns = (ms * 1e6) / perOp;
    console.log(`  ${n.padEnd(44)} ${ns.toFixed(1).padStart(12)} ns/op${map !== undefined && n !== 'Map' ? `   Map/this ${(map / ms).toFixed(2)}x` : ''}`);
  }
}

// ---- keys of 9-64 bytes ---------------------------------------------------
{
  const n = quick ? 50_000 : 200_000;
  for (const len of [9, 12, 16, 24, 32, 48, 64]) {
    const keys = randomKeys(n, len, len);
    const contenders: Array<[string, () => void]> = builds.map(([name, lib]) => [name, () => {
      const m = new lib.CounterMap();
      for (const k of keys) m.incr(k);
      for (const k of keys) m.incr(k);
      m.dispose();
    }]);
    contenders.push(['Map', () => {
      const m = new Map<string, number>();
      for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
      for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    }]);
    print(`keys of ${len} bytes: ${n} fresh incr then ${n} hits`, 2 * n, race(quick ? 3 : 7, contenders));
  }
}

// ---- flooding -------------------------------------------------------------
const blocks = quick ? 12 : 15;
const multi = laneMulticollision(blocks);
const len = 16 * blocks;
const random = randomKeys(multi.length, len);
{
  const res = new Map<string, number>();
  const countAll = (lib: Lib, keys: string[]) => () => {
    const m = new lib.CounterMap();
    for (const k of keys) m.incr(k);
    m.dispose();
  };
  for (const [name, lib] of builds) {
    const r = race(lib === self ? 5 : 1, [[`${name}: multicollision keys`, countAll(lib, multi)]]);
    for (const [k, v] of r) res.set(k, v);
    for (const [k, v] of race(5, [[`${name}: random keys`, countAll(lib, random)]])) res.set(k, v);
  }
  for (const [k, v] of race(5, [['Map', () => {
    const m = new Map<string, number>();
    for (const k of multi) m.set(k, (m.get(k) ?? 0) + 1);
  }]])) res.set(k, v);
  print(`flood: incr of ${multi.length} keys of ${len} bytes`, multi.length, res);
}

// ---- countTokens over them --------------------------------------------------
{
  const enc = new TextEncoder();
  const multiText = enc.encode(multi.join(' '));
  const randomText = enc.encode(random.join(' '));
  const res = new Map<string, number>();
  for (const [name, lib] of builds) {
    const count = (text: Uint8Array) => () => {
      const m = new lib.CounterMap();
      m.countTokens(text);
      m.dispose();
    };
    for (const [k, v] of race(lib === self ? 3 : 1, [[`${name}: multicollision text`, count(multiText)]])) res.set(k, v);
    for (const [k, v] of race(3, [[`${name}: random text`, count(randomText)]])) res.set(k, v);
  }
  console.log(`\ncountTokens over ${(multiText.length / 1e6).toFixed(1)} MB (${multi.length} distinct tokens): ms per call`);
  for (const [k, v] of res) console.log(`  ${k.padEnd(44)} ${v.toFixed(0).padStart(12)} ms`);
}

// ---- decay pass ------------------------------------------------------------
{
  const n = quick ? 100_000 : 200_000;
  const words = randomKeys(n, 12, 7);
  const res = new Map<string, number>();
  for (const [name, lib] of builds) {
    const ints = new lib.IntCounterMap();
    const strs = new lib.CounterMap();
    for (let i = 0; i < n; i++) {
      ints.incr(i * 7919 + 3, 8);
      strs.incr(words[i]!, 8);
    }
    const decayInts = () => {
      const all = [...ints];
      ints.clear();
      for (const [k, v] of all) ints.set(k, v >> 1 || 1);
    };
    const decayStrs = () => {
      const all = [...strs];
      strs.clear();
      for (const [k, v] of all) strs.set(k, v >> 1 || 1);
    };
    const fresh = () => {
      const all = [...strs];
      const m = new lib.CounterMap();
      for (const [k, v] of all) m.set(k, v);
      m.dispose();
    };
    for (const [k, v] of race(lib === self ? 3 : 1, [
      [`${name}: int keys, decay pass`, decayInts],
      [`${name}: string keys, decay pass`, decayStrs],
      [`${name}: string keys into a new map`, fresh],
    ])) res.set(k, v);
  }
  print(`decay: ${n} keys re-inserted in their iteration order after clear()`, n, res);
}

// ---- growth: every rebuild rehashes --------------------------------------
{
  const n = quick ? 300_000 : 1_000_000;
  const words = randomKeys(n, 14, 9);
  const contenders: Array<[string, () => void]> = [];
  for (const [name, lib] of builds) {
    contenders.push([`${name}: ${n} int keys into a new map`, () => {
      const m = new lib.IntCounterMap();
      for (let i = 0; i < n; i++) m.incr(i * 2654435761 % 4294967291);
      m.dispose();
    }]);
    contenders.push([`${name}: ${n} 14-byte keys into a new map`, () => {
      const m = new lib.CounterMap();
      for (const w of words) m.incr(w);
      m.dispose();
    }]);
  }
  print(`grow: keys into a new map (no initialCapacity)`, n, race(quick ? 3 : 5, contenders));
}
