import { WindowedCounterMap, CounterMap } from '/work/wt/window/dist/esm/index.js';
const N = 100_000, OPS = 1_000_000;
const keys = Array.from({ length: N }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
const seq = new Uint32Array(OPS); let x = 12345; for (let i = 0; i < OPS; i++) { x = (x * 1103515245 + 12345) >>> 0; seq[i] = i < N ? i : x % N; }
function run(name, f) { const t0 = performance.now(); f(); const d = performance.now() - t0; console.log(name, (d * 1e6 / OPS).toFixed(0), 'ns/op'); }
for (let r = 0; r < 2; r++) {
run('perf.now', () => { let s = 0; for (let i = 0; i < OPS; i++) s += performance.timeOrigin + performance.now(); });
run('Date.now', () => { let s = 0; for (let i = 0; i < OPS; i++) s += Date.now(); });
run('CounterMap incr', () => { const m = new CounterMap(); for (let i = 0; i < OPS; i++) m.incr(keys[seq[i]]); });
run('win incr fixed clock', () => { const m = new WindowedCounterMap({ windowMs: 60_000, slices: 6, now: () => 5 }); for (let i = 0; i < OPS; i++) m.incr(keys[seq[i]]); });
run('win incr Date.now', () => { const m = new WindowedCounterMap({ windowMs: 60_000, slices: 6, now: Date.now }); for (let i = 0; i < OPS; i++) m.incr(keys[seq[i]]); });
run('win incr default', () => { const m = new WindowedCounterMap({ windowMs: 60_000, slices: 6 }); for (let i = 0; i < OPS; i++) m.incr(keys[seq[i]]); });
run('win incr+msUntil', () => { const m = new WindowedCounterMap({ windowMs: 60_000, slices: 6, now: Date.now }); for (let i = 0; i < OPS; i++) { const k = keys[seq[i]]; if (m.incr(k) > 50) m.msUntil(k, 49); } });
}
