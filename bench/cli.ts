#!/usr/bin/env node
// tophash-bench: how tophash counts against what JS programs count with
// today (Map, a plain object, mnemonist's MultiSet, @remusao/counter).
//
//   npx tophash-bench [--quick] [--json] [--only <workload,...>] [--size <n>]
//
// Tables go to stdout (Markdown), progress to stderr. --json prints one JSON
// document on stdout instead of the tables.
//
// Each workload runs in its own child node process, started with
// --expose-gc (memory is measured after a full GC, and every timed run starts
// from a collected heap) and a big --max-old-space-size (1M-key maps, 10M-key
// streams). A fresh process per workload also keeps one workload's JIT
// feedback and heap garbage from colouring the next, gives each a timeout,
// and lets the scale workload run out of memory without taking the run down.
import { execFileSync, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLibs } from './contenders.js';
import { renderHeadlines, renderWorkload } from './format.js';
import { workloads } from './workloads/index.js';
import type { Options, Headline, Workload, WorkloadResult } from './types.js';

const HELP = `tophash-bench: tophash vs Map, object, mnemonist MultiSet, @remusao/counter

Usage: tophash-bench [options]     (in the repo: npm run bench -- [options])

  --quick          small sizes, few runs: the whole run in under a minute
  --json           machine-readable results on stdout (no tables)
  --only <ids>     run only these workloads (comma-separated)
  --size <n>       the main size of each workload run (see below)
  --list           list the workloads
  -h, --help       this help

Workloads:
${workloads.map((w) => `  ${w.id.padEnd(13)} ${w.title}\n  ${''.padEnd(13)} --size: ${w.sizeMeans}`).join('\n')}

Ratios are against the idiomatic Map counter (m.set(k, (m.get(k) ?? 0) + 1))
in the same run; ops/s are medians of interleaved runs after warm-up.`;

interface Args extends Options {
  json: boolean;
  only: string[] | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, json: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick': a.quick = true; break;
      case '--json': a.json = true; break;
      case '--only': a.only = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--size': {
        const v = value();
        const n = Number(v.replace(/_/g, ''));
        if (!Number.isSafeInteger(n) || n < 1) fail(`--size must be a positive integer, got ${v}`);
        a.size = n;
        break;
      }
      case '--list':
        for (const w of workloads) process.stdout.write(`${w.id}\t${w.title}\n`);
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      case '-h':
      case '--help':
        process.stdout.write(HELP + '\n');
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default:
        fail(`unknown option ${arg}`);
    }
  }
  if (a.only) {
    const unknown = a.only.filter((id) => !workloads.some((w) => w.id === id));
    if (unknown.length) fail(`unknown workload ${unknown.join(', ')} (known: ${workloads.map((w) => w.id).join(', ')})`);
  }
  return a;
}

function fail(msg: string): never {
  process.stderr.write(`tophash-bench: ${msg}\n(try --help)\n`);
  process.exit(2);
}

function runInChild(w: Workload, opts: Options): Promise<WorkloadResult> {
  const worker = fileURLToPath(new URL('./worker.js', import.meta.url));
  const timeoutMs = w.timeoutMs?.(opts) ?? (opts.quick ? 120_000 : 900_000);
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = fork(worker, [JSON.stringify({ id: w.id, opts })], {
      execArgv: ['--expose-gc', `--max-old-space-size=${w.heapMb ?? 4096}`],
      // The child's stdout goes to our stderr: stdout is for results only.
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.stdout?.pipe(process.stderr);
    let result: WorkloadResult | null = null;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('message', (m) => (result = m as WorkloadResult));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(
        result ?? {
          id: w.id,
          title: w.title,
          tables: [],
          notes: [],
          headlines: [],
          error: signal === 'SIGKILL' ? `killed after the ${timeoutMs / 1000} s timeout` : `child process exited (code ${code}, signal ${signal}) without a result`,
          seconds: (performance.now() - t0) / 1000,
        },
      );
    });
  });
}

/** How this run was started: the bin name, or `node <path to cli.js>`. */
function invokedAs(): string {
  const script = process.argv[1] ?? '';
  return basename(script) === 'cli.js' ? `node ${relative(process.cwd(), script) || script}` : 'tophash-bench';
}

/** The git commit of the checkout this runs from (dist/bench/ -> repo root), when it is one. */
function gitCommit(): string | null {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  if (!existsSync(`${root}/.git`)) return null;
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function version(): string {
  try {
    return (createRequire(import.meta.url)('tophash/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const selected = workloads.filter((w) => !args.only || args.only.includes(w.id));
  const opts: Options = { quick: args.quick, ...(args.size !== undefined ? { size: args.size } : {}) };
  const libs = await loadLibs();
  const tinybench = await import('tinybench').then(
    () => 'tinybench',
    () => 'performance.now() directly: tinybench is not installed (npm i tinybench to time with it)',
  );
  const cpu = cpus();
  const env = {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    tophash: version(),
    git: gitCommit(),
    command: [invokedAs(), ...process.argv.slice(2)].join(' '),
    timing: tinybench,
    loadAvgAtStart: loadavg().map((x) => +x.toFixed(2)),
  };
  const out = (s: string): void => {
    if (!args.json) process.stdout.write(s + '\n');
  };
  out(`## tophash-bench results\n`);
  out(`- date: ${env.date}`);
  out(`- node ${env.node} (V8 ${env.v8}), ${env.platform}`);
  out(`- CPU: ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB RAM; load average at start ${env.loadAvgAtStart.join(' / ')} (1 / 5 / 15 min)`);
  out(`- tophash ${env.tophash}${env.git ? ` (git ${env.git})` : ''}; timing: ${env.timing}; medians of interleaved runs after warm-up, each workload in a fresh \`node --expose-gc\` process`);
  out(`- command: \`${env.command}\`${args.quick ? ' (quick: small sizes, few runs; not for publishing)' : ''}`);
  for (const n of libs.notes) out(`- ${n}`);
  out('');
  process.stderr.write(`tophash-bench: ${selected.map((w) => w.id).join(', ')}${args.quick ? ' (quick)' : ''}\n`);

  const results: WorkloadResult[] = [];
  const t0 = performance.now();
  for (const w of selected) {
    process.stderr.write(`\n[${w.id}] ${w.title}\n`);
    const r = await runInChild(w, opts);
    results.push(r);
    process.stderr.write(`[${w.id}] ${r.error ? 'FAILED' : r.skipped ? `skipped: ${r.skipped}` : 'done'} in ${r.seconds.toFixed(1)} s\n`);
    out(renderWorkload(r) + '\n');
  }
  const headlines: Headline[] = results.flatMap((r) => r.headlines);
  if (headlines.length) out(renderHeadlines(headlines) + '\n');
  const seconds = (performance.now() - t0) / 1000;
  const loadAvgAtEnd = loadavg().map((x) => +x.toFixed(2));
  out(`_Total: ${seconds.toFixed(0)} s; load average at end ${loadAvgAtEnd.join(' / ')}._`);
  if (args.json) {
    process.stdout.write(JSON.stringify({ tool: 'tophash-bench', ...env, loadAvgAtEnd, quick: args.quick, size: args.size ?? null, seconds, missingContenders: libs.notes, workloads: results, headlines }, null, 2) + '\n');
  }
  const failed = results.filter((r) => r.error);
  if (failed.length) {
    process.stderr.write(`tophash-bench: ${failed.length} workload(s) failed: ${failed.map((r) => r.id).join(', ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  process.stderr.write(`tophash-bench: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
