// 4. Zero vs delete (the classic leak): rounds of counting fresh keys up to
// 1 and back down to 0. A Map that stores the 0 keeps every key it ever saw;
// a Map that deletes at 0 stays small; tophash deletes at 0 by design.
// Timed: all rounds from a fresh counter. Then, untimed, one more pass per
// contender measures memory at the peak of round 1, at the peak of the last
// round, and at the end.
import { intRange } from '../data/generators.js';
import { IntCounterMap } from 'tophash';
import { compare, type Task } from '../measure.js';
import { heapUsed, held } from '../memory.js';
import { formatRatio } from '../format.js';
import { ratioInfo, throughputTable } from '../report.js';
import type { Row, Headline, Workload } from '../types.js';

type Phase = (keys: Int32Array) => void;
interface Churner {
  name: string;
  make(): { up: Phase; down: Phase; size(): number; self: unknown };
}

const churners: Churner[] = [
  {
    name: 'Map storing 0',
    make() {
      const m = new Map<number, number>();
      return {
        self: m,
        size: () => m.size,
        up(keys) {
          for (let i = 0; i < keys.length; i++) {
            const k = keys[i]!;
            m.set(k, (m.get(k) ?? 0) + 1);
          }
        },
        down(keys) {
          for (let i = 0; i < keys.length; i++) {
            const k = keys[i]!;
            // eslint-disable-next-line tophash/no-zero-count -- this contender is the zero-storing counter the benchmark measures
            m.set(k, (m.get(k) ?? 0) - 1);
          }
        },
      };
    },
  },
  {
    name: 'Map deleting at 0',
    make() {
      const m = new Map<number, number>();
      return {
        self: m,
        size: () => m.size,
        up(keys) {
          for (let i = 0; i < keys.length; i++) {
            const k = keys[i]!;
            m.set(k, (m.get(k) ?? 0) + 1);
          }
        },
        down(keys) {
          for (let i = 0; i < keys.length; i++) {
            const k = keys[i]!;
            const c = (m.get(k) ?? 0) - 1;
            if (c <= 0) m.delete(k);
            else m.set(k, c);
          }
        },
      };
    },
  },
  {
    name: 'tophash incr/decr',
    make() {
      const m = new IntCounterMap();
      return {
        self: m,
        size: () => m.size,
        up(keys) {
          for (let i = 0; i < keys.length; i++) m.incr(keys[i]!);
        },
        down(keys) {
          for (let i = 0; i < keys.length; i++) m.decr(keys[i]!);
        },
      };
    },
  },
  {
    name: 'tophash incrMany ±1',
    make() {
      const m = new IntCounterMap();
      return {
        self: m,
        size: () => m.size,
        up: (keys) => m.incrMany(keys, 1),
        down: (keys) => m.incrMany(keys, -1),
      };
    },
  },
];

export const churn: Workload = {
  id: 'churn',
  title: '4. Zero vs delete (the classic leak)',
  sizeMeans: 'fresh keys per round (default 50k; 60 rounds, --quick 10)',
  heapMb: 4096,
  async run(ctx) {
    const perRound = ctx.size ?? 50_000;
    const roundsOfKeys = ctx.quick ? 10 : 60;
    const all = intRange(0, perRound * roundsOfKeys);
    const round = (r: number): Int32Array => all.subarray(r * perRound, (r + 1) * perRound);
    const runAll = (c: ReturnType<Churner['make']>): void => {
      for (let r = 0; r < roundsOfKeys; r++) {
        c.up(round(r));
        c.down(round(r));
      }
    };

    const tasks: Task[] = churners.map((ch) => ({
      name: ch.name,
      run: () => {
        const c = ch.make();
        runAll(c);
        return c.self;
      },
    }));
    ctx.progress(`churn: ${roundsOfKeys} rounds x ${perRound} fresh keys`);
    const ops = 2 * perRound * roundsOfKeys;
    const table = throughputTable(
      'Zero vs delete: time',
      `${roundsOfKeys} rounds, each counting ${perRound.toLocaleString('en-US')} fresh int keys up to 1 and back to 0. ops = increments + decrements. Ratios vs Map deleting at 0 (the idiomatic counter).`,
      await compare(ctx, 'churn', tasks, ctx.quick ? { warmup: 1, rounds: 3 } : { warmup: 1, rounds: 5 }),
      ops,
      'Map deleting at 0',
    );

    // Memory, untimed: peaks of the first and last round, and the end. One
    // call frame per contender, so no stale reference to the previous
    // contender's counter is alive while this one is measured.
    const memOf = (ch: Churner): Row => {
      const before = heapUsed();
      let c: ReturnType<Churner['make']> | null = ch.make();
      let first = 0;
      let last = 0;
      for (let r = 0; r < roundsOfKeys; r++) {
        c.up(round(r));
        if (r === 0) first = held(c.self, before).total;
        if (r === roundsOfKeys - 1) last = held(c.self, before).total;
        c.down(round(r));
      }
      const end = held(c.self, before).total;
      const size = c.size();
      // eslint-disable-next-line no-useless-assignment -- dead for JS, not for the engine: no stale reference to this counter while the next one is measured (see above)
      c = null;
      return { contender: ch.name, size, first, last, end, flat: last <= first * 1.25 + 65536 };
    };
    const memRows: Row[] = [];
    for (const ch of churners) {
      ctx.progress(`  churn memory: ${ch.name}`);
      memRows.push(memOf(ch));
    }
    const memTable = {
      title: 'Zero vs delete: size and memory',
      caption: `Memory = JS heap growth after a full GC + wasm memory (tophash). Peak = after counting a round's ${perRound.toLocaleString('en-US')} keys up.`,
      columns: [
        { key: 'contender', label: 'contender', format: 'text' as const },
        { key: 'size', label: 'final size', format: 'int' as const },
        { key: 'first', label: 'peak round 1 (MB)', format: 'mb' as const },
        { key: 'last', label: `peak round ${roundsOfKeys} (MB)`, format: 'mb' as const },
        { key: 'end', label: 'at end (MB)', format: 'mb' as const },
        { key: 'flat', label: 'flat', format: 'text' as const },
      ],
      rows: memRows,
    };

    const perCall = table.rows.find((r) => r.contender === 'tophash incr/decr');
    const ratio = typeof perCall?.vsMap === 'number' ? perCall.vsMap : null;
    const batch = table.rows.find((r) => r.contender === 'tophash incrMany ±1');
    const leak = table.rows.find((r) => r.contender === 'Map storing 0');
    const flat = memRows.find((r) => r.contender === 'tophash incr/decr')?.flat === true;
    const churn: Headline = {
      workload: 'zero vs delete',
      what: 'per-call churn, flat memory',
      value: ratio,
      measured: ratio === null ? 'not measured' : `${formatRatio(ratio)}${flat ? ', flat' : ', memory grows'}`,
    };
    return {
      tables: [table, memTable],
      notes: ['"flat": the peak of the last round is within 25% (+64 KiB) of the peak of round 1.'],
      headlines: [
        churn,
        ratioInfo('zero vs delete', 'incrMany ±1', typeof batch?.vsMap === 'number' ? batch.vsMap : null),
        ratioInfo('zero vs delete', 'Map storing 0 (the leak)', typeof leak?.vsMap === 'number' ? leak.vsMap : null),
      ],
    };
  },
};
