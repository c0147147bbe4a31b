// 3. Hot small table: 10M increments over 1,000 ids, uniform. The table
// stays in cache: what is left is per-operation overhead.
import { intStream } from '../data/generators.js';
import { ratioInfo, ratioOf } from '../report.js';
import type { Workload } from '../types.js';
import { intTable } from './int-ids.js';

export const hotSmall: Workload = {
  id: 'hot-small',
  title: '3. Hot small table',
  sizeMeans: 'increments per run over 1,000 ids (default 10M; --quick 1M)',
  heapMb: 2048,
  async run(ctx) {
    const n = ctx.size ?? (ctx.quick ? 1_000_000 : 10_000_000);
    const keys = intStream(n, 1000, 'uniform', 3);
    const t = await intTable(ctx, 'Hot small table: 1,000 ids', 'hot small', keys, '1,000 ids, uniform');
    return { tables: [t], notes: ['A table that stays in cache: what is left is the cost of a call.'], headlines: [ratioInfo('hot small table', 'per-call incr', ratioOf(t, 'tophash incr')), ratioInfo('hot small table', 'incrMany', ratioOf(t, 'tophash incrMany'))] };
  },
};
