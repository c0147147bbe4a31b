// 6. GC: total GC pause while filling 1M string keys built in the loop.
// The keys are garbage for every contender that copies them (tophash) and
// live for those that keep them (Map…); the "keys only" row builds the same
// strings, reads them (which flattens them, as counting does) and counts
// nothing: the floor no counter can go under.
// "attributable" = contender − keys only.
import { stringKey } from '../data/generators.js';
import { GcWatch, fullGc, median } from '../measure.js';
import { figure } from '../report.js';
import type { Row, Workload } from '../types.js';
import { stringFillers, type Filler } from './memory.js';

export const gc: Workload = {
  id: 'gc',
  title: '6. GC pauses while filling string keys',
  sizeMeans: 'string keys filled (default 1M; --quick 200k)',
  heapMb: 4096,
  async run(ctx) {
    const n = ctx.size ?? (ctx.quick ? 200_000 : 1_000_000);
    const reps = ctx.quick ? 2 : 5;
    let sink = 0;
    const fillers: Filler[] = [
      {
        name: 'keys only (no counter)',
        fill(n) {
          // Reads a character of each key, as every counter does: a key is
          // built as a cons string, and reading it flattens it (a copy).
          for (let i = 0; i < n; i++) {
            const k = stringKey(i);
            sink += k.charCodeAt(0) + k.charCodeAt(k.length - 1);
          }
          return null;
        },
      },
      ...stringFillers(ctx, 'tophash incr'),
    ];

    const watch = new GcWatch();
    const total: number[][] = fillers.map(() => []);
    const longest: number[][] = fillers.map(() => []);
    const count: number[][] = fillers.map(() => []);
    const major: number[][] = fillers.map(() => []);
    const wall: number[][] = fillers.map(() => []);
    // One warm-up pass, then `reps` passes, contenders interleaved.
    for (let rep = -1; rep < reps; rep++) {
      ctx.progressPart(`  gc ${rep < 0 ? 'warm-up' : `pass ${rep + 1}/${reps}`}:`);
      for (let j = 0; j < fillers.length; j++) {
        const i = (j + Math.max(rep, 0)) % fillers.length;
        const f = fillers[i]!;
        fullGc();
        await watch.flush();
        watch.clear();
        const t0 = performance.now();
        // eslint-disable-next-line no-useless-assignment -- the map must stay reachable while its GC pauses are measured; it is dropped (c = null) after
        let c = f.fill(n);
        const t1 = performance.now();
        await watch.flush();
        const p = watch.pauseIn(t0, t1);
        ctx.progressPart(` ${f.name} ${p.total.toFixed(0)}ms ·`);
        c = null;
        void c;
        if (rep < 0) continue;
        total[i]!.push(p.total);
        longest[i]!.push(p.longest);
        count[i]!.push(p.count);
        major[i]!.push(p.major);
        wall[i]!.push(t1 - t0);
      }
      ctx.progressPart('\n');
    }
    watch.stop();
    if (sink < 0) console.error(sink);
    const floor = median(total[0]!);
    const rows: Row[] = fillers.map((f, i) => ({
      contender: f.name,
      total: median(total[i]!),
      attributable: i === 0 ? null : median(total[i]!) - floor,
      longest: median(longest[i]!),
      count: median(count[i]!),
      major: median(major[i]!),
      wall: median(wall[i]!),
    }));
    const th = rows.find((r) => r.contender === 'tophash incr');
    const map = rows.find((r) => r.contender === 'Map');
    return {
      tables: [
        {
          title: `GC pauses while filling ${n.toLocaleString('en-US')} string keys`,
          caption: `Medians of ${reps} passes (after one warm-up pass), PerformanceObserver entry type "gc". Keys like "${stringKey(1)}" built in the loop.`,
          columns: [
            { key: 'contender', label: 'contender', format: 'text' },
            { key: 'total', label: 'GC pause total (ms)', format: 'ms' },
            { key: 'attributable', label: 'attributable (ms)', format: 'ms' },
            { key: 'longest', label: 'longest (ms)', format: 'ms' },
            { key: 'count', label: 'GCs', format: 'int' },
            { key: 'major', label: 'of which mark-compact', format: 'int' },
            { key: 'wall', label: 'fill time (ms)', format: 'ms' },
          ],
          rows,
        },
      ],
      notes: [
        `attributable = the contender's total minus the "keys only" row (the garbage of building and reading the keys), in the same process and passes. Map's is ${typeof map?.attributable === 'number' ? map.attributable.toFixed(1) : '—'} ms.`,
      ],
      headlines: [figure('gc', 'GC pause attributable to tophash (~0)', 'ms', typeof th?.attributable === 'number' ? th.attributable : null)],
    };
  },
};
