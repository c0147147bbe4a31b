// What the pools hold and give back (docs/memory.md): run from a built
// checkout with `node --expose-gc scripts/pool-memory.mjs <case> [n]`.
//   drop-big [600]     n maps of 150k int keys made and dropped in one synchronous loop
//   drop-tiny [2e6]    n maps of one int key, the same
//   moved-out          two big maps grow in a pool and move out, one tiny map stays
//   sparse <how>       30k maps of 25 keys, 5% kept (how: oldest, newest, spread)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CounterMap, IntCounterMap, memoryStats } from '../dist/esm/index.js';
import { compactPool, pools } from '../dist/esm/pools.js';

const [what = 'moved-out', arg] = process.argv.slice(2);
const tick = () => new Promise((r) => setTimeout(r, 10));
const mib = (b) => +(b / 2 ** 20).toFixed(2);
const gc = globalThis.gc ?? (() => { throw new Error('run with node --expose-gc'); });

if (what === 'drop-big' || what === 'drop-tiny') {
  const n = Number(arg ?? (what === 'drop-big' ? 600 : 2e6));
  const keys = new Int32Array(150_000).map((_, i) => i);
  let peak = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const m = new IntCounterMap();
    if (what === 'drop-big') m.incrMany(keys);
    else m.incr(i);
    if (i % (what === 'drop-big' ? 50 : 200_000) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(JSON.stringify({ what, n, ms: Math.round(performance.now() - t0), peakRssMiB: mib(peak), stats: memoryStats() }));
} else if (what === 'moved-out') {
  for (let round = 0; round < 3; round++) {
    const tiny = new CounterMap();
    tiny.incr('hello', 3);
    const a = new IntCounterMap();
    a.incrMany(new Int32Array(200_000).map((_, i) => i));
    const b = new CounterMap();
    b.incrMany(Array.from({ length: 100_000 }, (_, i) => `key-${i}`));
    const before = memoryStats();
    const pool = pools.find((p) => p.bytes >= 1 << 20);
    const t0 = performance.now();
    compactPool(pool);
    const ms = performance.now() - t0;
    console.log(JSON.stringify({ poolBytes: before.poolBytes, inUse: before.poolBytesInUse, after: memoryStats().poolBytes, copyMs: +ms.toFixed(3), tiny: tiny.get('hello') }));
    for (const m of [tiny, a, b]) m.dispose();
    await tick();
  }
} else if (what === 'sparse' && arg === undefined) {
  const self = fileURLToPath(import.meta.url);
  for (const how of ['oldest', 'newest', 'spread']) {
    process.stdout.write(spawnSync(process.execPath, ['--expose-gc', self, 'sparse', how], { encoding: 'utf8' }).stdout);
  }
} else if (what === 'sparse') {
  const maps = [];
  for (let i = 0; i < 30_000; i++) {
    const m = new IntCounterMap();
    for (let j = 0; j < 25; j++) m.incr(j * 31 + i);
    maps.push(m);
  }
  const full = memoryStats();
  for (let i = 0; i < maps.length; i++) {
    const keep = arg === 'spread' ? i % 20 === 0 : arg === 'oldest' ? i < 1500 : i >= 28_500;
    if (!keep) maps[i] = null;
  }
  for (let k = 0; k < 4; k++) {
    gc();
    await tick();
  }
  const after = memoryStats();
  const kept = maps.filter((m) => m !== null && m.size === 25).length;
  console.log(JSON.stringify({ kept: arg, maps: kept, before: { pools: full.pools, MiB: mib(full.poolBytes) }, after: { pools: after.pools, MiB: mib(after.poolBytes), inUseMiB: mib(after.poolBytesInUse) } }));
} else {
  throw new Error(`unknown case ${what}`);
}
