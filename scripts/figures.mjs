// The figures a release note quotes, in one run (node --expose-gc):
//   node --expose-gc scripts/figures.mjs
// - incr per call vs the idiomatic Map counter, 1M string keys and 1M int
//   keys (5M increments over 1M distinct keys; medians of 5 interleaved runs)
// - bytes per live entry at 1M keys, both kinds, vs Map (heap delta after GC)
// - stats().bytes before and after 60 rounds of 50k fresh keys counted up and
//   back down to zero, both kinds
import { CounterMap, IntCounterMap } from '../dist/esm/index.js';

const gc = globalThis.gc;
if (!gc) throw new Error('run with node --expose-gc');
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
let seed = 42;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

const DISTINCT = 1_000_000;
const OPS = 5_000_000;
const ids = new Int32Array(OPS);
for (let i = 0; i < OPS; i++) ids[i] = (rand() * DISTINCT) | 0;
const names = Array.from({ length: DISTINCT }, (_, i) => `user:${(i * 2654435761) >>> 0}`);
// Fresh string objects per run, as parsed input would give.
const strings = () => Array.from(ids, (i) => (' ' + names[i]).slice(1));

function time(setup, run) {
  const input = setup();
  gc();
  const t = performance.now();
  run(input);
  return performance.now() - t;
}
const runs = { mapInt: [], thInt: [], mapStr: [], thStr: [] };
for (let r = 0; r < 6; r++) {
  const mi = time(() => ids, (k) => { const m = new Map(); for (let i = 0; i < k.length; i++) m.set(k[i], (m.get(k[i]) ?? 0) + 1); });
  const ti = time(() => ids, (k) => { const m = new IntCounterMap(); for (let i = 0; i < k.length; i++) m.incr(k[i]); });
  const ms = time(strings, (k) => { const m = new Map(); for (let i = 0; i < k.length; i++) m.set(k[i], (m.get(k[i]) ?? 0) + 1); });
  const ts = time(strings, (k) => { const m = new CounterMap(); for (let i = 0; i < k.length; i++) m.incr(k[i]); });
  if (r === 0) continue; // warm-up
  runs.mapInt.push(mi); runs.thInt.push(ti); runs.mapStr.push(ms); runs.thStr.push(ts);
}
const rate = (ms) => (OPS / ms / 1000).toFixed(2) + 'M/s';
const out = [];
out.push(`incr, ${OPS / 1e6}M increments over 1M int keys: Map ${rate(median(runs.mapInt))}, tophash ${rate(median(runs.thInt))} (${(median(runs.mapInt) / median(runs.thInt)).toFixed(2)}x)`);
out.push(`incr, ${OPS / 1e6}M increments over 1M string keys (fresh strings): Map ${rate(median(runs.mapStr))}, tophash ${rate(median(runs.thStr))} (${(median(runs.mapStr) / median(runs.thStr)).toFixed(2)}x)`);

function heapDelta(fill) {
  gc(); gc();
  const before = process.memoryUsage().heapUsed;
  const kept = fill();
  gc(); gc();
  const after = process.memoryUsage().heapUsed;
  return [after - before, kept];
}
const [mapIntBytes] = heapDelta(() => { const m = new Map(); for (let i = 0; i < DISTINCT; i++) m.set(i * 7, 1); return m; });
const ints = new IntCounterMap();
for (let i = 0; i < DISTINCT; i++) ints.incr(i * 7);
const [mapStrBytes] = heapDelta(() => { const m = new Map(); for (let i = 0; i < DISTINCT; i++) m.set(`user:${(i * 2654435761) >>> 0}`, 1); return m; });
const strs = new CounterMap();
for (let i = 0; i < DISTINCT; i++) strs.incr(`user:${(i * 2654435761) >>> 0}`);
const avgLen = names.reduce((a, s) => a + s.length, 0) / names.length;
out.push(`bytes per live entry, 1M int keys: Map ${(mapIntBytes / DISTINCT).toFixed(1)}, tophash ${ints.stats().bytesPerEntry.toFixed(1)}`);
out.push(`bytes per live entry, 1M string keys of ${avgLen.toFixed(1)} chars: Map ${(mapStrBytes / DISTINCT).toFixed(1)} (strings included), tophash ${strs.stats().bytesPerEntry.toFixed(1)}`);

for (const [name, make, key] of [
  ['int', () => new IntCounterMap(), (r, i) => r * 50_000 + i],
  ['string', () => new CounterMap(), (r, i) => `k${r}:${i}`],
]) {
  const m = make();
  m.incr(key(-1, 0));
  const before = m.stats().bytes;
  m.delete(key(-1, 0));
  let peak = 0;
  for (let r = 0; r < 60; r++) {
    for (let i = 0; i < 50_000; i++) m.incr(key(r, i));
    peak = Math.max(peak, m.stats().bytes);
    for (let i = 0; i < 50_000; i++) m.decr(key(r, i));
  }
  out.push(`${name} churn, 60 rounds x 50k fresh keys up and back to 0: bytes before ${before}, peak ${peak}, after ${m.stats().bytes}, size after ${m.size}`);
}
console.log(out.join('\n'));
