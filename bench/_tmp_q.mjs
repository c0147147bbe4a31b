import { WindowedCounterMap, IntWindowedCounterMap, IntCounterMap } from '/work/wt/window/dist/esm/index.js';
const N = 100_000, OPS = 1_000_000;
const seq = new Uint32Array(OPS); let x = 12345; for (let i = 0; i < OPS; i++) { x = (x * 1103515245 + 12345) >>> 0; seq[i] = i < N ? i : x % N; }
const mode = process.argv[2];
if (mode === 'poly') { const m = new WindowedCounterMap({ windowMs: 60_000 }); for (let i = 0; i < 200000; i++) m.incr('k' + (i % 1000)); m.get('a'); m.dispose(); }
const tasks = {
  'ICM x2': () => { const m = new IntCounterMap(), n = new IntCounterMap(); for (let i = 0; i < OPS; i++) { const k = seq[i]; m.incr(k); n.incr(k); } m.dispose(); n.dispose(); },
  'IntWindowed fixed': () => { const m = new IntWindowedCounterMap({ windowMs: 60_000, now: () => 5 }); for (let i = 0; i < OPS; i++) m.incr(seq[i]); m.dispose(); },
  'IntWindowed Date.now': () => { const m = new IntWindowedCounterMap({ windowMs: 60_000 }); for (let i = 0; i < OPS; i++) m.incr(seq[i]); m.dispose(); },
};
const res = {}; for (const k in tasks) res[k] = [];
for (let r = 0; r < 5; r++) for (const [k, f] of Object.entries(tasks)) { const t0 = performance.now(); f(); res[k].push((performance.now() - t0) * 1e6 / OPS); }
console.log(mode, Object.entries(res).map(([k, v]) => (v.sort((a, b) => a - b), `${k} ${v[2].toFixed(0)}`)).join(' | '));
