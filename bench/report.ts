// Turns timing stats into table rows and the summary's headline figures.
import { formatRatio } from './format.js';
import type { TaskStats } from './measure.js';
import type { Column, Row, Table, Headline } from './types.js';

export const THROUGHPUT_COLUMNS: Column[] = [
  { key: 'contender', label: 'contender', format: 'text' },
  { key: 'opsPerSec', label: 'ops/s', format: 'ops' },
  { key: 'spreadPct', label: '± (MAD)', format: 'pct' },
  { key: 'vsMap', label: 'vs Map', format: 'ratio' },
  { key: 'medianMs', label: 'ms/run', format: 'ms' },
  { key: 'gcMs', label: 'GC ms/run', format: 'ms' },
  { key: 'samples', label: 'runs', format: 'int' },
];

/** Rows for a throughput table: ops = operations in one run (one sample). */
export function throughputTable(title: string, caption: string, stats: TaskStats[], ops: number, baseline = 'Map'): Table {
  const base = stats.find((s) => s.name === baseline);
  const rows: Row[] = stats.map((s) => {
    if (s.error || s.samples.length === 0) {
      return { contender: `${s.name} (${s.error ?? 'no samples'})`, opsPerSec: null, spreadPct: null, vsMap: null, medianMs: null, gcMs: null, samples: 0 };
    }
    return {
      contender: s.name,
      opsPerSec: (ops / s.medianMs) * 1000,
      spreadPct: s.spreadPct,
      vsMap: base && !base.error ? base.medianMs / s.medianMs : null,
      medianMs: s.medianMs,
      gcMs: s.gcMs,
      samples: s.samples.length,
    };
  });
  return { title, caption, columns: THROUGHPUT_COLUMNS, rows };
}

/** The ratio vs Map of one contender in a throughput table (null when absent). */
export function ratioOf(t: Table, contender: string): number | null {
  const r = t.rows.find((x) => x.contender === contender);
  return r && typeof r.vsMap === 'number' ? r.vsMap : null;
}

/** A figure with its unit for the summary (bytes per entry, ms, a ratio that is not against Map). */
export function figure(workload: string, what: string, unit: string, value: number | null, digits = 1): Headline {
  return { workload, what, value, measured: value === null ? 'not measured' : `${value.toFixed(digits)} ${unit}` };
}

/** A ratio shown in the summary. */
export function ratioInfo(workload: string, what: string, value: number | null): Headline {
  return {
    workload,
    what,
    value,
    measured: value === null ? 'not measured' : formatRatio(value),
  };
}
