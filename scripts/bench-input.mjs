// Hot-path cost of reading input once (src/table/input.ts, base.ts _reading):
// two builds of the package in one process, alternated, medians of ns/op.
//   node scripts/bench-input.mjs <baseline dist/esm/index.js> [<new dist/esm/index.js>]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [basePath, newPath = 'dist/esm/index.js'] = process.argv.slice(2);
if (!basePath) throw new Error('usage: node scripts/bench-input.mjs <baseline index.js> [<new index.js>]');
const builds = {
  before: await import(pathToFileURL(resolve(basePath)).href),
  after: await import(pathToFileURL(resolve(newPath)).href),
};

const words = Array.from({ length: 1000 }, (_, i) => `w${(i * 7919) % 1000}`);
const ops = [];
for (let i = 0; i < 200_000; i++) ops.push(words[(i * 31) % 1000]);
const ints = Int32Array.from({ length: 200_000 }, (_, i) => (i * 31) % 1000);
const batchStr = Array.from({ length: 20_000 }, (_, i) => (i % 10 === 0 ? `a longer key number ${i % 3000}` : `k${i % 5000}`));
const batchNum = Array.from({ length: 20_000 }, (_, i) => (i * 13) % 9000);
const batchI32 = Int32Array.from(batchNum);
const batchF64 = Float64Array.from(batchNum);
const small = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const mid = batchStr.slice(0, 200);
const smallInts = [1, 2, 3, 4, 5, 6, 7, 8];
const text = new TextEncoder().encode(Array.from({ length: 12_000 }, (_, i) => words[(i * 17) % 1000]).join(' '));

// Each case's source is compiled once per build (new Function), so that the
// two builds never share inline caches: a loop that has seen both builds'
// classes is polymorphic and slower for whichever it saw second.
const data = { words, ops, ints, batchStr, batchNum, batchI32, batchF64, small, mid, smallInts, text };
const perBuild = (make) => (lib) => new Function('data', `const { ${Object.keys(data).join(', ')} } = data; return (${make.toString()});`)(data)(lib);

/** name → (lib) => [fn, ops per call of fn] */
const cases = {
  'CounterMap.incr (1k hot keys)': (lib) => {
    const m = new lib.CounterMap();
    return [() => { for (let i = 0; i < ops.length; i++) m.incr(ops[i]); }, ops.length];
  },
  'CounterMap.get (1k hot keys)': (lib) => {
    const m = new lib.CounterMap();
    m.incrMany(words);
    let s = 0;
    return [() => { for (let i = 0; i < ops.length; i++) s += m.get(ops[i]); return s; }, ops.length];
  },
  'IntCounterMap.incr (1k hot keys)': (lib) => {
    const m = new lib.IntCounterMap();
    return [() => { for (let i = 0; i < ints.length; i++) m.incr(ints[i]); }, ints.length];
  },
  'CounterMap.incrMany string[] 20k (per key)': (lib) => {
    const m = new lib.CounterMap();
    return [() => m.incrMany(batchStr), batchStr.length];
  },
  'CounterMap.incrMany string[] 8 (per call)': (lib) => {
    const m = new lib.CounterMap();
    return [() => { for (let i = 0; i < 2000; i++) m.incrMany(small); }, 2000];
  },
  'CounterMap.incrMany string[] 200 (per key)': (lib) => {
    const m = new lib.CounterMap();
    return [() => { for (let i = 0; i < 100; i++) m.incrMany(mid); }, 100 * mid.length];
  },
  'IntCounterMap.incrMany number[] 20k (per key)': (lib) => {
    const m = new lib.IntCounterMap();
    return [() => m.incrMany(batchNum), batchNum.length];
  },
  'IntCounterMap.incrMany Int32Array 20k (per key)': (lib) => {
    const m = new lib.IntCounterMap();
    return [() => m.incrMany(batchI32), batchI32.length];
  },
  'IntCounterMap.incrMany Float64Array 20k (per key)': (lib) => {
    const m = new lib.IntCounterMap();
    return [() => m.incrMany(batchF64), batchF64.length];
  },
  'IntCounterMap.incrMany number[] 8 (per call)': (lib) => {
    const m = new lib.IntCounterMap();
    return [() => { for (let i = 0; i < 2000; i++) m.incrMany(smallInts); }, 2000];
  },
  'CounterMap.countTokens 60 KB (per byte)': (lib) => {
    const m = new lib.CounterMap();
    return [() => m.countTokens(text), text.length];
  },
  'merge of 1k keys, by 3 (per key)': (lib) => {
    const a = new lib.IntCounterMap();
    const b = new lib.IntCounterMap();
    b.incrMany(batchNum.slice(0, 1000));
    return [() => { a.merge(b, 3); a.merge(b, -3); }, 2000];
  },
};

// CPU time of this process (user + system), not wall time: on a shared
// machine the wall clock counts the time other processes ran.
function cpuNs() {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** ns per op of fn, run until it has taken 30 ms of CPU. */
function time(fn, perCall) {
  const t0 = cpuNs();
  let calls = 0;
  let t;
  do {
    fn();
    calls++;
    t = cpuNs() - t0;
  } while (t < 30e6);
  return t / (calls * perCall);
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

const rows = [];
for (const [name, make] of Object.entries(cases)) {
  const runs = { before: [], after: [] };
  const fns = { before: perBuild(make)(builds.before), after: perBuild(make)(builds.after) };
  // Warm-up, then alternate: each sample is 30 ms of CPU.
  for (let w = 0; w < 5; w++) for (const k of ['before', 'after']) fns[k][0]();
  for (let rep = 0; rep < 9; rep++) {
    for (const k of rep % 2 ? ['before', 'after'] : ['after', 'before']) {
      const [fn, n] = fns[k];
      runs[k].push(time(fn, n));
    }
  }
  const b = median(runs.before);
  const a = median(runs.after);
  rows.push({ case: name, 'before ns/op': b.toFixed(2), 'after ns/op': a.toFixed(2), 'after/before': (a / b).toFixed(3) });
}
console.table(rows);
