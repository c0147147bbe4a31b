// 5. Memory: bytes per live entry at 1M int keys and 1M string keys.
// Keys are made in the filling loop and not kept anywhere else, so a JS
// counter's heap growth includes its key strings, as it would in a program.
// JS counters: JS heap growth after a full GC. tophash: stats().bytes (its
// whole wasm memory) plus its (tiny) JS heap growth.
import { CounterMap, IntCounterMap } from 'tophash';
import { STRING_KEY_LENGTH, intId, stringKey } from '../data/generators.js';
import { heapUsed, held } from '../memory.js';
import { figure } from '../report.js';
import type { Context, Row, Table, Workload } from '../types.js';

export interface Filler {
  name: string;
  fill(n: number): unknown;
}

function intFillers(ctx: Context): Filler[] {
  const list: Filler[] = [
    {
      name: 'Map',
      fill(n) {
        const m = new Map<number, number>();
        for (let i = 0; i < n; i++) {
          const k = intId(i);
          m.set(k, (m.get(k) ?? 0) + 1);
        }
        return m;
      },
    },
  ];
  const { MultiSet, Counter } = ctx.libs;
  if (MultiSet) list.push({ name: 'mnemonist MultiSet', fill(n) { const s = new MultiSet<number>(); for (let i = 0; i < n; i++) s.add(intId(i)); return s; } });
  if (Counter) list.push({ name: '@remusao/counter', fill(n) { const c = new Counter<number>(); for (let i = 0; i < n; i++) c.incr(intId(i)); return c; } });
  list.push({ name: 'tophash', fill(n) { const m = new IntCounterMap(); for (let i = 0; i < n; i++) m.incr(intId(i)); return m; } });
  return list;
}

/** Every contender filling `n` string keys built in the loop (also the GC workload's). */
export function stringFillers(ctx: Context, tophashName = 'tophash'): Filler[] {
  const list: Filler[] = [
    {
      name: 'Map',
      fill(n) {
        const m = new Map<string, number>();
        for (let i = 0; i < n; i++) {
          const k = stringKey(i);
          m.set(k, (m.get(k) ?? 0) + 1);
        }
        return m;
      },
    },
    {
      name: 'plain object',
      fill(n) {
        const o = Object.create(null) as Record<string, number>;
        for (let i = 0; i < n; i++) {
          const k = stringKey(i);
          o[k] = (o[k] ?? 0) + 1;
        }
        return o;
      },
    },
  ];
  const { MultiSet, Counter } = ctx.libs;
  if (MultiSet) list.push({ name: 'mnemonist MultiSet', fill(n) { const s = new MultiSet<string>(); for (let i = 0; i < n; i++) s.add(stringKey(i)); return s; } });
  if (Counter) list.push({ name: '@remusao/counter', fill(n) { const c = new Counter<string>(); for (let i = 0; i < n; i++) c.incr(stringKey(i)); return c; } });
  list.push({ name: tophashName, fill(n) { const m = new CounterMap(); for (let i = 0; i < n; i++) m.incr(stringKey(i)); return m; } });
  return list;
}

const COLUMNS = [
  { key: 'contender', label: 'contender', format: 'text' as const },
  { key: 'perEntry', label: 'bytes/entry', format: 'bytes' as const },
  { key: 'vsMap', label: 'vs Map', format: 'ratio' as const },
  { key: 'heap', label: 'JS heap (MB)', format: 'mb' as const },
  { key: 'wasm', label: 'wasm (MB)', format: 'mb' as const },
  { key: 'detail', label: 'tophash stats()', format: 'text' as const },
];

/**
 * One contender, measured in its own call frame so that nothing but the
 * counter being measured is alive: a stale interpreter register holding the
 * previous contender's counter would count against the next one.
 */
function measureOne(f: Filler, n: number): Row {
  const before = heapUsed();
  let c: unknown = f.fill(n);
  const h = held(c, before);
  let detail: string | null = null;
  if (c instanceof CounterMap || c instanceof IntCounterMap) {
    const s = c.stats();
    detail = `table ${(s.tableBytes / s.size).toFixed(1)} B + keys ${(s.keyBytes / s.size).toFixed(1)} B per entry, load ${s.loadFactor.toFixed(2)}, ${s.layout}`;
  }
  // eslint-disable-next-line no-useless-assignment -- dead for JS, not for the engine: drops the reference before the next contender is measured (see above)
  c = null;
  return { contender: f.name, perEntry: h.total / n, vsMap: null, heap: h.heap, wasm: h.wasm, detail };
}

function measure(ctx: Context, label: string, fillers: Filler[], n: number): Row[] {
  const rows: Row[] = [];
  for (const f of fillers) {
    ctx.progress(`  memory ${label}: ${f.name}`);
    rows.push(measureOne(f, n));
  }
  const map = rows.find((r) => r.contender === 'Map');
  for (const r of rows) if (map) r.vsMap = (r.perEntry as number) / (map.perEntry as number);
  return rows;
}

export const memory: Workload = {
  id: 'memory',
  title: '5. Memory per live entry',
  sizeMeans: 'live keys (default 1M; --quick 200k)',
  heapMb: 4096,
  async run(ctx) {
    const n = ctx.size ?? (ctx.quick ? 200_000 : 1_000_000);
    const ints = measure(ctx, 'int keys', intFillers(ctx), n);
    const strs = measure(ctx, 'string keys', stringFillers(ctx), n);
    const tables: Table[] = [
      {
        title: `Memory: ${n.toLocaleString('en-US')} int keys`,
        caption: 'Distinct ids scattered over [0, 2^30) (V8 small integers), each counted once. "vs Map" here is the size ratio: lower is better.',
        columns: COLUMNS,
        rows: ints,
      },
      {
        title: `Memory: ${n.toLocaleString('en-US')} string keys`,
        caption: `Keys like "${stringKey(1)}" (${STRING_KEY_LENGTH} ASCII chars), made in the loop; a JS counter's figure includes its key strings. "vs Map" is the size ratio: lower is better.`,
        columns: COLUMNS,
        rows: strs,
      },
    ];
    const th = (rows: Row[]): number | null => {
      const r = rows.find((x) => x.contender === 'tophash');
      return r ? (r.perEntry as number) : null;
    };
    return {
      tables,
      notes: [
        'JS heap = process.memoryUsage().heapUsed growth after a full GC (global.gc twice); wasm = stats().bytes, the whole WebAssembly memory the map holds (table, key arena, scratch, allocator slack).',
      ],
      headlines: [
        figure('memory', 'int keys', 'B/entry', th(ints)),
        figure('memory', `string keys (${STRING_KEY_LENGTH} chars)`, 'B/entry', th(strs)),
      ],
    };
  },
};
