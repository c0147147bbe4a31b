// Startup cost of tophash, as users meet it:
//   first map = the first insertion into the first map of a process or page
//               (base64 decode + WebAssembly compile + instantiate + init);
//   next map  = the first insertion into each further map (its header and
//               table in a shared pool: no new instance).
// An empty map holds no instance, so creation cost is paid at its first insertion.
// Also the alternative not chosen: the same core as a separate .wasm file.
//
//   node scripts/startup.mjs [--runs N] [--no-browser] [--json FILE]
// Measures the built package (npm run build first): Node in N fresh processes
// (ESM import and CJS require), and Chromium (/usr/bin/chromium, if present)
// in N fresh page loads. Prints medians.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---- one fresh process ------------------------------------------------------

const CHILD = String.raw`
const format = process.argv[1];
const dist = process.argv[2];
const now = () => performance.now();
const t0 = now();
const api = format === 'cjs' ? require(dist + '/cjs/index.js') : await import(dist + '/esm/index.js');
const t1 = now();
new api.IntCounterMap().incr(1);
const t2 = now();
const nextInt = [];
const nextStr = [];
for (let i = 0; i < 300; i++) {
  const m = new api.IntCounterMap();
  const a = now();
  m.incr(1);
  nextInt.push(now() - a);
  const s = new api.CounterMap();
  const b = now();
  s.incr('word');
  nextStr.push(now() - b);
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
console.log(JSON.stringify({ loadMs: t1 - t0, firstMapMs: t2 - t1, nextIntUs: med(nextInt) * 1000, nextStrUs: med(nextStr) * 1000 }));
`;

// One variant per process: V8 caches a compiled module by its bytes, so a
// second compile of the same core in one process would be nearly free.
const CHILD_RAW = String.raw`
const mode = process.argv[1];
const dist = process.argv[2];
const wasmFile = process.argv[3];
const now = () => performance.now();
if (mode === 'inlined') {
  // What ships: the base64 string, decoded as src/table/wasm.ts does, then compiled.
  const t0 = now();
  const { WASM_BASE64 } = await import(dist + '/esm/wasm-bytes.js');
  const a0 = now();
  const bin = atob(WASM_BASE64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const a1 = now();
  const mod = new WebAssembly.Module(bytes);
  const a2 = now();
  new WebAssembly.Instance(mod, { env: { abort() { throw new Error('abort'); } } });
  const a3 = now();
  console.log(JSON.stringify({ importBase64Ms: a0 - t0, decodeMs: a1 - a0, compileMs: a2 - a1, instantiateMs: a3 - a2 }));
} else {
  // Not shipped: a separate .wasm file next to the JS, read and compiled.
  const { readFileSync } = await import('node:fs');
  const b0 = now();
  const file = readFileSync(wasmFile);
  const b1 = now();
  const mod = new WebAssembly.Module(file);
  const b2 = now();
  new WebAssembly.Instance(mod, { env: { abort() { throw new Error('abort'); } } });
  const b3 = now();
  console.log(JSON.stringify({ readFileMs: b1 - b0, compileFileMs: b2 - b1, instantiateFileMs: b3 - b2 }));
}
`;

function child(code, args) {
  const input = process.execPath;
  const flags = code === CHILD && args[0] === 'cjs' ? ['--input-type=commonjs'] : ['--input-type=module'];
  const src = code === CHILD && args[0] === 'cjs' ? `(async () => {${code.replace('await import', 'require')}})()` : code;
  return JSON.parse(execFileSync(input, [...flags, '-e', src, ...args], { encoding: 'utf8' }));
}

export function measureNode(runs) {
  const dist = pathToFileURL(resolve(REPO, 'dist')).href;
  const distPath = resolve(REPO, 'dist');
  const out = {};
  for (const format of ['esm', 'cjs']) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(child(CHILD, [format, format === 'cjs' ? distPath : dist]));
    out[format] = Object.fromEntries(Object.keys(samples[0]).map((k) => [k, median(samples.map((s) => s[k]))]));
  }
  out.breakdown = {};
  for (const mode of ['inlined', 'file']) {
    const raw = [];
    for (let i = 0; i < runs; i++) raw.push(child(CHILD_RAW, [mode, dist, resolve(REPO, 'build/tophash.wasm')]));
    for (const k of Object.keys(raw[0])) out.breakdown[k] = median(raw.map((s) => s[k]));
  }
  return out;
}

// ---- sizes ------------------------------------------------------------------

export function sizes() {
  const wasm = readFileSync(resolve(REPO, 'build/tophash.wasm'));
  const inlined = readFileSync(resolve(REPO, 'dist/esm/wasm-bytes.js'));
  return {
    wasmBytes: wasm.length,
    wasmGzip: gzipSync(wasm, { level: 9 }).length,
    inlinedJsBytes: inlined.length,
    inlinedJsGzip: gzipSync(inlined, { level: 9 }).length,
  };
}

// ---- main -------------------------------------------------------------------

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 21;
  const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
  if (!existsSync(resolve(REPO, 'dist/esm/index.js'))) throw new Error('build first: npm run build');
  const report = { runs, node: process.version, sizes: sizes(), nodeStartup: measureNode(runs) };
  if (!args.includes('--no-browser') && existsSync('/usr/bin/chromium')) {
    const { measureChromium } = await import('./browser-site.mjs');
    report.chromium = await measureChromium(REPO, runs);
  }
  const f = (n, d = 2) => n.toFixed(d);
  const n = report.nodeStartup;
  console.log(`sizes: core.wasm ${report.sizes.wasmBytes} B (gzip ${report.sizes.wasmGzip}); inlined as base64 wasm-bytes.js ${report.sizes.inlinedJsBytes} B (gzip ${report.sizes.inlinedJsGzip})`);
  console.log(`Node ${process.version}, median of ${runs} fresh processes:`);
  for (const fmt of ['esm', 'cjs']) {
    const r = n[fmt];
    console.log(`  ${fmt}: load ${f(r.loadMs)} ms, first map ${f(r.firstMapMs)} ms, next map ${f(r.nextIntUs, 1)} µs (int) / ${f(r.nextStrUs, 1)} µs (string)`);
  }
  const b = n.breakdown;
  console.log(`  inlined: import wasm-bytes.js ${f(b.importBase64Ms, 3)} ms, base64 decode ${f(b.decodeMs, 3)} ms + compile ${f(b.compileMs, 3)} ms + instantiate ${f(b.instantiateMs, 3)} ms`);
  console.log(`  separate .wasm (not shipped): readFileSync ${f(b.readFileMs, 3)} ms + compile ${f(b.compileFileMs, 3)} ms + instantiate ${f(b.instantiateFileMs, 3)} ms`);
  if (report.chromium) {
    const c = report.chromium;
    console.log(`Chromium ${c.version}, median of ${runs} page loads (timer: ${c.crossOriginIsolated ? '5 µs, cross-origin isolated' : 'coarse'}):`);
    console.log(`  first map ${f(c.firstMapMs)} ms, next map ${f(c.nextIntUs, 1)} µs (int) / ${f(c.nextStrUs, 1)} µs (string)`);
    console.log(`  inlined: base64 decode ${f(c.decodeMs, 3)} ms + compile ${f(c.compileMs, 3)} ms + instantiate ${f(c.instantiateMs, 3)} ms`);
    console.log(`  separate .wasm (not shipped): fetch + compileStreaming ${f(c.streamingMs, 3)} ms`);
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(report, null, 2));
}
