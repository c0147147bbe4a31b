// 2. Integer ids: 10M increments over 1M distinct ids, uniform and Zipf
// (s = 1), per call and in one batch. The ids are scattered over [0, 2^30),
// so they are V8 small integers (no boxing penalty for Map).
import { intStream, type Distribution } from '../data/generators.js';
import { intContenders, type Contender } from '../contenders.js';
import { compare, type Task } from '../measure.js';
import { ratioOf, ratioInfo, throughputTable } from '../report.js';
import type { Context, Table } from '../types.js';
import type { Workload } from '../types.js';

/** Times every int contender on one key stream; a throughput table. */
export async function intTable(ctx: Context, title: string, label: string, keys: Int32Array, distinct: string): Promise<Table> {
  const contenders: Contender<Int32Array, number>[] = intContenders(ctx.libs);
  const ref = new Map<number, number>();
  for (let i = 0; i < keys.length; i++) ref.set(keys[i]!, (ref.get(keys[i]!) ?? 0) + 1);
  const probe = keys[0]!;
  const tasks: Task[] = contenders.map((c) => ({
    name: c.name,
    run: () => c.count(keys),
    check: (r) => {
      const v = c.view(r);
      if (v.size !== ref.size) return `${v.size} keys, expected ${ref.size}`;
      if (v.get(probe) !== ref.get(probe)) return `count of ${probe} is ${v.get(probe)}, expected ${ref.get(probe)}`;
      return null;
    },
  }));
  const rounds = ctx.quick ? { warmup: 1, rounds: 3 } : { warmup: 1, rounds: 7 };
  ctx.progress(`${label}: ${keys.length} increments`);
  const stats = await compare(ctx, label, tasks, rounds);
  const caption = `${keys.length.toLocaleString('en-US')} increments over ${distinct} (${ref.size.toLocaleString('en-US')} present). ops = increments. incrMany gets the keys as one Int32Array.`;
  return throughputTable(title, caption, stats, keys.length);
}

export const intIds: Workload = {
  id: 'int-ids',
  title: '2. Integer ids',
  sizeMeans: 'increments per run; distinct ids = size / 10 (default 10M over 1M; --quick 1M over 100k)',
  heapMb: 4096,
  async run(ctx) {
    const n = ctx.size ?? (ctx.quick ? 1_000_000 : 10_000_000);
    const distinct = Math.max(1, Math.floor(n / 10));
    const tables: Table[] = [];
    const headlines = [];
    for (const dist of ['uniform', 'zipf'] as Distribution[]) {
      const keys = intStream(n, distinct, dist, dist === 'uniform' ? 1 : 2);
      const name = dist === 'uniform' ? 'uniform' : 'Zipf s=1';
      const t = await intTable(ctx, `Integer ids, ${name}`, `int ids ${name}`, keys, `${distinct.toLocaleString('en-US')} ids, ${name}`);
      tables.push(t);
      headlines.push(
        ratioInfo(`int ids ${name}`, 'per-call incr', ratioOf(t, 'tophash incr')),
        ratioInfo(`int ids ${name}`, 'incrMany', ratioOf(t, 'tophash incrMany')),
      );
    }
    return { tables, notes: [], headlines };
  },
};
