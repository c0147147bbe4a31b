// The browser benchmark: a quick subset of the CLI workloads (bench/), run in
// the page against the idiomatic Map counter m.set(k, (m.get(k) ?? 0) + 1).
// ?quick=1 shrinks the sizes (the screenshot test uses it).
// Results: window.__benchResults; <html data-done="true"> (or "error") when finished.
import { CounterMap, IntCounterMap } from 'tophash';
import { intRange, intStream, stringKey, syntheticText, tokenize } from '../../dist/bench/data/generators.js';

const params = new URLSearchParams(location.search);
const QUICK = params.has('quick');
const INT_OPS = QUICK ? 300_000 : 2_000_000;
const INT_DISTINCT = INT_OPS / 10;
const WORD_TOKENS = QUICK ? 200_000 : 1_000_000;
const MEMORY_KEYS = 200_000;
const ROUNDS = QUICK ? 3 : 5;

const TOPHASH = '#1f77b4';
const MAP = '#ff7f0e';
const statusEl = document.getElementById('status');
const status = (s) => { statusEl.textContent = s; };
const tick = () => new Promise((r) => setTimeout(r, 0));
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const gc = () => { if (typeof globalThis.gc === 'function') { globalThis.gc(); globalThis.gc(); } };

/** Median ops/s of `run` over ROUNDS timed rounds after one warm-up; `prepare` is untimed. */
async function opsPerSec(ops, run, prepare = () => {}) {
  const times = [];
  let result;
  for (let r = 0; r <= ROUNDS; r++) {
    prepare();
    gc();
    await tick();
    const t0 = performance.now();
    result = run();
    const t = performance.now() - t0;
    if (r > 0) times.push(t);
  }
  return { opsPerSec: ops / (median(times) / 1000), result };
}

function mapCount(keys) {
  const m = new Map();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function startup() {
  const t0 = performance.now();
  new IntCounterMap().incr(1); // first map: compiles the core, then instantiates
  const first = performance.now() - t0;
  const batches = [];
  for (let b = 0; b < 15; b++) {
    const s = performance.now();
    for (let i = 0; i < 20; i++) new IntCounterMap().incr(1); // next maps: instantiate only
    batches.push((performance.now() - s) / 20);
  }
  return { firstMapMs: first, nextMapUs: median(batches) * 1000 };
}

/**
 * JS heap growth per entry while `build()` makes the Map it returns: the
 * median of 3 builds, each in its own call after a full gc. null without
 * performance.memory; coarse without --enable-precise-memory-info and gc().
 */
function heapPerEntry(build, entries) {
  if (!performance.memory) return null;
  const runs = [];
  for (let r = 0; r < 3; r++) runs.push(heapGrowth(build) / entries);
  const m = median(runs);
  return m > 0 ? m : null;
}

function heapGrowth(build) {
  gc();
  const before = performance.memory.usedJSHeapSize;
  const kept = build();
  gc();
  const after = performance.memory.usedJSHeapSize;
  return kept.size > 0 ? after - before : 0;
}

async function main() {
  const results = {
    userAgent: navigator.userAgent,
    quick: QUICK,
    preciseMemory: typeof globalThis.gc === 'function' && !!performance.memory,
    startup: startup(),
    throughput: [],
    memory: [],
  };

  // Bytes per entry at 200k keys: wasm memory of the map vs JS heap growth of a Map.
  status(`memory: ${MEMORY_KEYS.toLocaleString('en-US')} keys…`);
  await tick();
  const range = intRange(0, MEMORY_KEYS);
  const heapInt = heapPerEntry(() => { const m = new Map(); for (let i = 0; i < range.length; i++) m.set(range[i], 1); return m; }, MEMORY_KEYS);
  const heapStr = heapPerEntry(() => { const m = new Map(); for (let i = 0; i < MEMORY_KEYS; i++) m.set(stringKey(i), 1); return m; }, MEMORY_KEYS);
  const intMap = new IntCounterMap();
  intMap.incrMany(range);
  const strMap = new CounterMap();
  for (let i = 0; i < MEMORY_KEYS; i++) strMap.incr(stringKey(i));
  results.memory.push(
    { keys: 'int ids', tophash: intMap.stats().bytesPerEntry, map: heapInt },
    { keys: '14-char strings', tophash: strMap.stats().bytesPerEntry, map: heapStr },
  );
  intMap.dispose();
  strMap.dispose();


  // Integer ids, uniform: per-call incr and one incrMany against the Map loop.
  status('int ids: generating keys…');
  await tick();
  const ids = intStream(INT_OPS, INT_DISTINCT, 'uniform', 1);
  const idArray = Array.from(ids);
  status(`int ids: ${INT_OPS.toLocaleString('en-US')} increments, Map…`);
  const mapInt = await opsPerSec(INT_OPS, () => mapCount(idArray));
  status('int ids: tophash incr…');
  const incrInt = await opsPerSec(INT_OPS, () => {
    const m = new IntCounterMap();
    for (let i = 0; i < ids.length; i++) m.incr(ids[i]);
    return m;
  });
  status('int ids: tophash incrMany…');
  const manyInt = await opsPerSec(INT_OPS, () => {
    const m = new IntCounterMap();
    m.incrMany(ids);
    return m;
  });
  for (const r of [incrInt, manyInt]) {
    if (r.result.size !== mapInt.result.size || r.result.get(ids[0]) !== mapInt.result.get(ids[0])) throw new Error('int counts differ from Map');
  }
  results.throughput.push(
    { workload: 'int ids, incr', tophash: incrInt.opsPerSec, map: mapInt.opsPerSec },
    { workload: 'int ids, incrMany', tophash: manyInt.opsPerSec, map: mapInt.opsPerSec },
  );

  // Word count: Zipf-distributed made-up words, fresh strings each round.
  status('words: generating text…');
  await tick();
  const text = syntheticText(WORD_TOKENS, 3, QUICK ? 20_000 : 50_000);
  let tokens = [];
  const fresh = () => { tokens = []; tokens = tokenize(text); };
  const ops = tokenize(text).length;
  status(`words: ${ops.toLocaleString('en-US')} tokens, Map…`);
  const mapWords = await opsPerSec(ops, () => mapCount(tokens), fresh);
  status('words: tophash incr…');
  const incrWords = await opsPerSec(ops, () => {
    const m = new CounterMap();
    for (let i = 0; i < tokens.length; i++) m.incr(tokens[i]);
    return m;
  }, fresh);
  status('words: tophash incrMany…');
  const manyWords = await opsPerSec(ops, () => {
    const m = new CounterMap();
    m.incrMany(tokens);
    return m;
  }, fresh);
  for (const r of [incrWords, manyWords]) {
    if (r.result.size !== mapWords.result.size) throw new Error('word counts differ from Map');
  }
  results.throughput.push(
    { workload: 'words, incr', tophash: incrWords.opsPerSec, map: mapWords.opsPerSec },
    { workload: 'words, incrMany', tophash: manyWords.opsPerSec, map: mapWords.opsPerSec },
  );
  for (const t of results.throughput) t.ratio = t.tophash / t.map;
  tokens = [];

  window.__benchResults = results;
  draw(results);
  table(results);
  status(`done${QUICK ? ' (quick subset)' : ''}: first map ${results.startup.firstMapMs.toFixed(2)} ms, next map ${results.startup.nextMapUs.toFixed(1)} µs`);
  document.documentElement.dataset.done = 'true';
}

// ---- chart ------------------------------------------------------------------

function fmt(n, digits = 1) {
  return n >= 100 ? n.toFixed(0) : n.toFixed(digits);
}

/** One panel of grouped bars: groups of { label, bars: [{ value|null, color, text }] }. */
function panel(ctx, x, y, w, h, title, subtitle, groups, unit) {
  ctx.fillStyle = '#222';
  ctx.font = 'bold 15px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.fillText(title, x, y + 16);
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = '#666';
  ctx.fillText(subtitle, x, y + 34);
  const top = y + 56;
  const base = y + h - 40;
  const max = Math.max(...groups.flatMap((g) => g.bars.map((b) => b.value ?? 0))) * 1.15 || 1;
  ctx.strokeStyle = '#bbb';
  ctx.beginPath();
  ctx.moveTo(x, base + 0.5);
  ctx.lineTo(x + w, base + 0.5);
  ctx.stroke();
  const gw = w / groups.length;
  groups.forEach((g, gi) => {
    const bw = Math.min(54, (gw - 24) / g.bars.length);
    const gx = x + gi * gw + (gw - bw * g.bars.length) / 2;
    g.bars.forEach((b, bi) => {
      const bx = gx + bi * bw;
      ctx.textAlign = 'center';
      if (b.value === null) {
        ctx.fillStyle = '#999';
        ctx.font = '12px system-ui, sans-serif';
        ctx.fillText('n/a', bx + bw / 2, base - 6);
        return;
      }
      const bh = ((base - top) * b.value) / max;
      ctx.fillStyle = b.color;
      ctx.fillRect(bx + 3, base - bh, bw - 6, bh);
      ctx.fillStyle = '#222';
      ctx.font = '12px system-ui, sans-serif';
      ctx.fillText(`${fmt(b.value)}${unit}`, bx + bw / 2, base - bh - 6);
    });
    ctx.fillStyle = '#222';
    ctx.font = '13px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText(g.label, x + gi * gw + gw / 2, base + 18);
    if (g.note) {
      ctx.fillStyle = '#1a5e8f';
      ctx.font = 'bold 12px system-ui, sans-serif';
      ctx.fillText(g.note, x + gi * gw + gw / 2, base + 34);
    }
  });
}

function draw(results) {
  const canvas = document.getElementById('chart');
  const dpr = window.devicePixelRatio || 1;
  const W = 960;
  const H = 440;
  canvas.width = W * dpr;
  canvas.height = H * dpr;
  canvas.style.width = `${W}px`;
  canvas.style.height = `${H}px`;
  const ctx = canvas.getContext('2d');
  ctx.scale(dpr, dpr);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  // Legend.
  [['tophash', TOPHASH], ['Map (m.set(k, (m.get(k) ?? 0) + 1))', MAP]].forEach(([label, color], i) => {
    const lx = 20 + i * 120;
    ctx.fillStyle = color;
    ctx.fillRect(lx, H - 22, 14, 14);
    ctx.fillStyle = '#222';
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.fillText(label, lx + 20, H - 10);
  });
  panel(ctx, 20, 8, 600, H - 40, 'Throughput, million ops/s (higher is better)',
    `${results.quick ? 'quick subset; ' : ''}median of ${ROUNDS} rounds; ratio = tophash / Map`,
    results.throughput.map((t) => ({
      label: t.workload,
      note: `${t.ratio.toFixed(2)}× Map`,
      bars: [{ value: t.tophash / 1e6, color: TOPHASH }, { value: t.map / 1e6, color: MAP }],
    })), '');
  panel(ctx, 660, 8, 280, H - 40, 'Bytes per entry, 200k keys',
    `lower is better; Map: JS heap growth${results.preciseMemory ? '' : ' (coarse or n/a)'}`,
    results.memory.map((m) => ({
      label: m.keys,
      note: m.map ? `Map uses ${(m.map / m.tophash).toFixed(1)}×` : '',
      bars: [{ value: m.tophash, color: TOPHASH }, { value: m.map, color: MAP }],
    })), ' B');
}

function table(results) {
  const rows = [['workload', 'tophash Mops/s', 'Map Mops/s', 'ratio']];
  for (const t of results.throughput) rows.push([t.workload, fmt(t.tophash / 1e6, 2), fmt(t.map / 1e6, 2), `${t.ratio.toFixed(2)}×`]);
  rows.push(['bytes per entry (200k keys)', 'tophash', 'Map', '']);
  for (const m of results.memory) rows.push([m.keys, fmt(m.tophash), m.map === null ? 'n/a' : fmt(m.map), '']);
  document.getElementById('table').innerHTML = rows
    .map((r, i) => `<tr>${r.map((c) => (i === 0 || r[1] === 'tophash' ? `<th>${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`)
    .join('');
  document.getElementById('notes').textContent =
    `${results.userAgent}. Int ids: ${INT_OPS.toLocaleString('en-US')} increments over ${INT_DISTINCT.toLocaleString('en-US')} uniform ids ` +
    `(incrMany gets one Int32Array; Map has no batch, so its bar is the same loop). Words: synthetic Zipf text, fresh strings every round. ` +
    `tophash bytes = the map's WebAssembly memory; Map bytes = JS heap growth (performance.memory${results.preciseMemory ? ', precise, after gc()' : ', coarse in a normal browser'}). ` +
    `Startup: first map ${results.startup.firstMapMs.toFixed(2)} ms (compile + instantiate), next map ${results.startup.nextMapUs.toFixed(1)} µs (its table in a shared pool).`;
}

main().catch((e) => {
  status(`error: ${e && e.stack ? e.stack : e}`);
  window.__benchError = String(e && e.stack ? e.stack : e);
  document.documentElement.dataset.done = 'error';
});
