// 9. Many small counters: a counter per document, user or request. Half the
// maps count 25 words of a shared vocabulary (string keys), half 25 ids (int
// keys), and all stay alive. Measured per map, against one Map per counter
// in the same process: the time to create and fill them, and the memory they
// hold (JS heap growth after a full GC, plus for tophash the whole WebAssembly
// memory of its pools: memoryStats().poolBytes + ownBytes, free heap included).
// Then three rounds of creating and dropping 100k + 100k maps (no dispose():
// the FinalizationRegistry reclaims them), to show memory does not creep.
import { CounterMap, IntCounterMap, memoryStats } from 'tophash';
import { fullGc, median } from '../measure.js';
import { heapUsed } from '../memory.js';
import { figure, ratioInfo } from '../report.js';
import type { Row, Table, Headline, Workload } from '../types.js';

const KEYS_PER_MAP = 25;
const VOCABULARY = 20_000;

/** A shared vocabulary of word-like keys, as documents share words. */
const vocab: string[] = Array.from({ length: VOCABULARY }, (_, i) => `w${(i * 2654435761 % 2 ** 32).toString(36).slice(0, 3 + (i % 5))}`);

interface Contender {
  name: string;
  /** Makes `n` string-key and `n` int-key counters, keeps them, returns them. */
  fill(n: number): unknown[];
}

const contenders: Contender[] = [
  {
    name: 'Map',
    fill(n) {
      const out: unknown[] = new Array(2 * n);
      for (let i = 0; i < n; i++) {
        const s = new Map<string, number>();
        const d = new Map<number, number>();
        for (let j = 0; j < KEYS_PER_MAP; j++) {
          const w = vocab[(i * 7 + j * 131) % VOCABULARY]!;
          s.set(w, (s.get(w) ?? 0) + 1);
          const id = i * 31 + j * 977;
          d.set(id, (d.get(id) ?? 0) + 1);
        }
        out[2 * i] = s;
        out[2 * i + 1] = d;
      }
      return out;
    },
  },
  {
    name: 'tophash',
    fill(n) {
      const out: unknown[] = new Array(2 * n);
      for (let i = 0; i < n; i++) {
        const s = new CounterMap();
        const d = new IntCounterMap();
        for (let j = 0; j < KEYS_PER_MAP; j++) {
          s.incr(vocab[(i * 7 + j * 131) % VOCABULARY]!);
          d.incr(i * 31 + j * 977);
        }
        out[2 * i] = s;
        out[2 * i + 1] = d;
      }
      return out;
    },
  },
];

function wasmMemory(): number {
  const s = memoryStats();
  return s.poolBytes + s.ownBytes;
}

/**
 * Lets the FinalizationRegistry run after full GCs: its callbacks come in
 * later tasks, a batch at a time, so with a million dropped maps this waits
 * until the count of maps not yet reclaimed stops falling (at most ~10 s).
 */
async function settle(): Promise<void> {
  let last = Infinity;
  for (let i = 0; i < 500; i++) {
    fullGc();
    await new Promise((r) => setTimeout(r, 20));
    const s = memoryStats();
    const left = s.pooledMaps + s.ownMaps;
    if (left >= last && i >= 3) return;
    last = left;
  }
}

interface Sample {
  ms: number;
  heap: number;
  wasm: number;
}

/** One fill of `n` + `n` maps in its own frame: time, then memory while they live. */
function sampleOnce(c: Contender, n: number): Sample {
  const heap0 = heapUsed();
  const wasm0 = wasmMemory();
  const t0 = performance.now();
  const maps = c.fill(n);
  const ms = performance.now() - t0;
  const heap = heapUsed() - heap0;
  const wasm = wasmMemory() - wasm0;
  if (maps.length !== 2 * n) throw new Error('lost maps');
  // The maps die with this frame; the caller's settle() reclaims them.
  return { ms, heap, wasm };
}

/** Fills `n` + `n` maps and returns heap + wasm memory while they live; they die with the frame. */
function liveRound(c: Contender, n: number): number {
  const maps = c.fill(n);
  const bytes = heapUsed() + wasmMemory();
  if (maps.length !== 2 * n) throw new Error('lost maps');
  return bytes;
}

async function sample(c: Contender, n: number, reps: number): Promise<Sample> {
  const runs: Sample[] = [];
  for (let r = 0; r < reps; r++) {
    runs.push(sampleOnce(c, n));
    await settle();
  }
  return { ms: median(runs.map((s) => s.ms)), heap: median(runs.map((s) => s.heap)), wasm: median(runs.map((s) => s.wasm)) };
}

export const manyMaps: Workload = {
  id: 'many-maps',
  title: '9. Many small counters',
  sizeMeans: 'maps of each kind at the largest size (default 500k + 500k; --quick 20k + 20k)',
  heapMb: 6144,
  timeoutMs: (o) => (o.quick ? 120_000 : 900_000),
  async run(ctx) {
    const largest = ctx.size ?? (ctx.quick ? 20_000 : 500_000);
    const sizes = [...new Set([500, Math.min(50_000, largest), Math.min(100_000, largest), largest])].sort((a, b) => a - b);
    const rows: Row[] = [];
    const results = new Map<string, Sample>();
    for (const n of sizes) {
      const reps = n <= 50_000 ? 5 : n <= 100_000 ? 3 : 1;
      // Interleaved, warm: the first small size also warms both code paths.
      for (const c of contenders) {
        ctx.progress(`  many maps ${(2 * n).toLocaleString('en-US')}: ${c.name}`);
        results.set(`${c.name} ${n}`, await sample(c, n, reps));
      }
      const map = results.get(`Map ${n}`)!;
      for (const c of contenders) {
        const s = results.get(`${c.name} ${n}`)!;
        const bytes = (s.heap + s.wasm) / (2 * n);
        const mapBytes = (map.heap + map.wasm) / (2 * n);
        rows.push({
          maps: `${n.toLocaleString('en-US')} + ${n.toLocaleString('en-US')}`,
          contender: c.name,
          usPerMap: (s.ms * 1000) / (2 * n),
          timeVsMap: s.ms / map.ms,
          bytesPerMap: bytes,
          bytesVsMap: bytes / mapBytes,
          heap: s.heap,
          wasm: s.wasm,
          runs: reps,
        });
      }
    }

    // Three rounds of create + fill + drop at 100k + 100k (or the largest size if smaller).
    const n = Math.min(100_000, largest);
    const roundRows: Row[] = [];
    const live: number[] = [];
    const after: number[] = [];
    const heap0 = heapUsed();
    const wasm0 = wasmMemory();
    for (let round = 1; round <= 3; round++) {
      ctx.progress(`  many maps: create-and-drop round ${round}`);
      const liveBytes = liveRound(contenders[1]!, n) - heap0 - wasm0;
      await settle();
      const s = memoryStats();
      const afterBytes = heapUsed() - heap0 + s.poolBytes + s.ownBytes - wasm0;
      live.push(liveBytes);
      after.push(afterBytes);
      roundRows.push({ round, live: liveBytes, after: afterBytes, pools: s.pools, inUse: s.poolBytesInUse, maps: s.pooledMaps + s.ownMaps });
    }

    const at = (name: string, size: number): Row | undefined => rows.find((r) => r.contender === name && r.maps === `${size.toLocaleString('en-US')} + ${size.toLocaleString('en-US')}`);
    const target = at('tophash', 100_000);
    const headlines: Headline[] = [];
    if (target) {
      headlines.push(figure('many-maps', '100k + 100k maps of 25 keys: create + fill time vs Map', '×', target.timeVsMap as number, 2));
      headlines.push(figure('many-maps', '100k + 100k maps of 25 keys: memory vs Map', '×', target.bytesVsMap as number, 2));
    }
    headlines.push(figure('many-maps', `create-and-drop ${n.toLocaleString('en-US')} + ${n.toLocaleString('en-US')} maps: live memory round 3 / round 1`, '×', live[2]! / live[0]!, 2));
    const biggest = at('tophash', largest);
    if (biggest) headlines.push(ratioInfo('many-maps', `${(2 * largest).toLocaleString('en-US')} live maps: create + fill time vs Map`, (biggest.timeVsMap as number) ** -1));

    const tables: Table[] = [
      {
        title: 'Many small counters: 25 keys each, all kept alive',
        caption: 'Half the maps count 25 words of a shared 20k-word vocabulary, half 25 int ids. Per map; "vs Map" is time or bytes over Map\'s (lower is better).',
        columns: [
          { key: 'maps', label: 'maps (str + int)', format: 'text' },
          { key: 'contender', label: 'contender', format: 'text' },
          { key: 'usPerMap', label: 'µs/map', format: 'ms' },
          { key: 'timeVsMap', label: 'time vs Map', format: 'ratio' },
          { key: 'bytesPerMap', label: 'bytes/map', format: 'bytes' },
          { key: 'bytesVsMap', label: 'bytes vs Map', format: 'ratio' },
          { key: 'heap', label: 'JS heap (MB)', format: 'mb' },
          { key: 'wasm', label: 'wasm (MB)', format: 'mb' },
          { key: 'runs', label: 'runs', format: 'int' },
        ],
        rows,
      },
      {
        title: `Create, fill and drop ${n.toLocaleString('en-US')} + ${n.toLocaleString('en-US')} tophash maps, three rounds`,
        caption: 'Dropped without dispose(): the FinalizationRegistry gives their blocks back. Memory = JS heap + all WebAssembly memory, against before round 1.',
        columns: [
          { key: 'round', label: 'round', format: 'int' },
          { key: 'live', label: 'live (MB)', format: 'mb' },
          { key: 'after', label: 'after drop + GC (MB)', format: 'mb' },
          { key: 'pools', label: 'pools after', format: 'int' },
          { key: 'inUse', label: 'pool bytes in use after', format: 'int' },
          { key: 'maps', label: 'maps not yet reclaimed', format: 'int' },
        ],
        rows: roundRows,
      },
    ];
    return {
      tables,
      notes: [
        'tophash memory counts whole pool memories (free heap included), not just the blocks maps hold; bytes per map = (JS heap growth + wasm growth) / maps.',
        `Largest size: ${(2 * largest).toLocaleString('en-US')} live maps in one process, with no error.`,
      ],
      headlines,
    };
  },
};
