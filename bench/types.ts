// Shapes shared by the CLI, the worker and the workloads. A workload's
// result is plain data (it crosses a process boundary as JSON).

import type { Libs } from './contenders.js';

export type Format = 'text' | 'int' | 'ops' | 'pct' | 'ratio' | 'bytes' | 'ms' | 'mb' | 'decimal';

export interface Column {
  key: string;
  label: string;
  format: Format;
}

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface Table {
  title: string;
  /** One line under the title: what was measured, how much. */
  caption?: string;
  columns: Column[];
  rows: Row[];
}

/** A headline figure of a workload, for the summary at the end of a run. */
export interface Headline {
  workload: string;
  what: string;
  /** The measured value (ratio, bytes, ms), or null when not measured. */
  value: number | null;
  /** How it reads, e.g. "1.62x", "14.2 B/entry". */
  measured: string;
}

export interface WorkloadResult {
  id: string;
  title: string;
  tables: Table[];
  notes: string[];
  headlines: Headline[];
  /** Set when the workload did not run (the reason). */
  skipped?: string;
  error?: string;
  seconds: number;
}

export interface Options {
  quick: boolean;
  /** --size: the workload's main size (see each workload's `sizeMeans`). */
  size?: number;
}

export interface Context extends Options {
  libs: Libs;
  /** A progress line on stderr (never stdout). */
  progress(msg: string): void;
  /** Partial progress on stderr, without a newline. */
  progressPart(msg: string): void;
}

export interface Workload {
  id: string;
  title: string;
  /** What --size sets for this workload. */
  sizeMeans: string;
  /** Old-space limit (MB) for the child process that runs it. */
  heapMb?: number;
  /** Wall-clock limit for its child (ms); it is killed and reported after. */
  timeoutMs?(opts: Options): number;
  run(ctx: Context): Promise<Omit<WorkloadResult, 'id' | 'title' | 'seconds'>>;
}
