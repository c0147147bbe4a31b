// Tables as Markdown (readable in a terminal, pasteable into the README).
import type { Cell, Column, Format, Table, Headline, WorkloadResult } from './types.js';

function group3(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatOps(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : n >= 1e7 ? 1 : 2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

export function formatRatio(r: number): string {
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

export function formatCell(v: Cell, f: Format): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (!Number.isFinite(v)) return String(v);
  switch (f) {
    case 'int': return group3(v);
    case 'ops': return formatOps(v);
    case 'pct': return `±${v < 10 ? v.toFixed(1) : v.toFixed(0)}%`;
    case 'ratio': return formatRatio(v);
    case 'bytes': return v >= 100 ? group3(v) : v.toFixed(1);
    case 'ms': return v >= 100 ? group3(v) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
    case 'mb': return (v / 2 ** 20).toFixed(1);
    case 'decimal': return v.toFixed(2);
    default: return String(v);
  }
}

export function renderTable(t: Table): string {
  const cols: Column[] = t.columns;
  const cells = t.rows.map((r) => cols.map((c) => formatCell(r[c.key] ?? null, c.format)));
  const head = cols.map((c) => c.label);
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const right = cols.map((c) => c.format !== 'text');
  const line = (vals: string[]): string =>
    '| ' + vals.map((v, i) => (right[i] ? v.padStart(width[i]!) : v.padEnd(width[i]!))).join(' | ') + ' |';
  const sep = '|' + width.map((w, i) => (right[i] ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|';
  const out = [`#### ${t.title}`, ''];
  if (t.caption) out.push(t.caption, '');
  out.push(line(head), sep, ...cells.map(line));
  return out.join('\n');
}

export function renderWorkload(w: WorkloadResult): string {
  const out = [`### ${w.title}`, ''];
  if (w.skipped) {
    out.push(`Skipped: ${w.skipped}`);
    return out.join('\n');
  }
  if (w.error) out.push(`**Failed:** ${w.error}`, '');
  for (const t of w.tables) out.push(renderTable(t), '');
  for (const n of w.notes) out.push(`- ${n}`);
  if (w.notes.length) out.push('');
  out.push(`_(${w.seconds.toFixed(0)} s)_`);
  return out.join('\n');
}

export function renderHeadlines(headlines: Headline[]): string {
  return renderTable({
    title: 'Summary (medians; ratios are against the Map counter in the same run)',
    columns: [
      { key: 'workload', label: 'workload', format: 'text' },
      { key: 'what', label: 'what', format: 'text' },
      { key: 'measured', label: 'measured', format: 'text' },
    ],
    rows: headlines.map((h) => ({ workload: h.workload, what: h.what, measured: h.measured })),
  });
}
