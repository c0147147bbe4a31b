// The child process that runs one workload (or one scale probe) and sends
// its result to the CLI over IPC. See cli.ts for why workloads run in
// children.
import { loadLibs } from './contenders.js';
import { workloads } from './workloads/index.js';
import { runProbe } from './workloads/scale.js';
import type { Context, Options, WorkloadResult } from './types.js';

function send(msg: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      process.stdout.write(JSON.stringify(msg) + '\n');
      resolve();
      return;
    }
    process.send(msg, () => {
      process.disconnect?.();
      resolve();
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--probe') {
    await send(await runProbe(args[1]!, Number(args[2])));
    return;
  }
  const { id, opts } = JSON.parse(args[0]!) as { id: string; opts: Options };
  const w = workloads.find((x) => x.id === id);
  if (!w) throw new Error(`no workload ${id}`);
  const ctx: Context = {
    ...opts,
    libs: await loadLibs(),
    progress: (msg) => process.stderr.write(msg + '\n'),
    progressPart: (msg) => process.stderr.write(msg),
  };
  const t0 = performance.now();
  let result: WorkloadResult;
  try {
    const r = await w.run(ctx);
    result = { id: w.id, title: w.title, ...r, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    result = {
      id: w.id,
      title: w.title,
      tables: [],
      notes: [],
      headlines: [],
      error: (e as Error).stack ?? String(e),
      seconds: (performance.now() - t0) / 1000,
    };
  }
  await send(result);
}

main().catch((e) => {
  process.stderr.write(`worker failed: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
