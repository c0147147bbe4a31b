// The benchmark's "redis" workload must not rot: run it on a tiny size and
// check the shape of its --json output (no timing is asserted). It starts a
// redis-server of its own; without one it must say it skipped.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findRedisServer, noteSkipped } from './helpers/redis-server.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../dist/bench/cli.js', import.meta.url));

const installed = findRedisServer() !== null;
if (!installed) noteSkipped('test/redis-bench.test.ts');

describe.skipIf(!installed)('tophash-bench --only redis', () => {
  it('reports events/s against the HINCRBY pipeline, commands and bytes per event, and flush latency', async () => {
    const { stdout } = await run(process.execPath, [CLI, '--quick', '--json', '--only', 'redis', '--size', '5000'], { maxBuffer: 64 << 20, timeout: 120_000 });
    const w = JSON.parse(stdout).workloads[0];
    expect(w.id).toBe('redis');
    expect(w.error).toBeUndefined();
    expect(w.skipped).toBeUndefined();
    const [throughput, flushes] = w.tables;
    expect(throughput.rows.map((r: { contender: string }) => r.contender)).toEqual(['HINCRBY per event, pipelined by 1,000', 'RedisCounter (flush every 100 ms)']);
    const [pipe, counter] = throughput.rows;
    expect(pipe.clientCallsPerK).toBe(1000);
    expect(pipe.commandsPerK).toBe(1000);
    expect(counter.eventsPerSec).toBeGreaterThan(0);
    expect(counter.clientCallsPerK).toBeGreaterThan(0);
    expect(counter.clientCallsPerK).toBeLessThan(pipe.clientCallsPerK);
    expect(counter.bytesPerEvent).toBeGreaterThan(0);
    expect(flushes.rows.map((r: { keys: number }) => r.keys)).toEqual([100, 1000, 10_000]);
    for (const r of flushes.rows) {
      expect(r.calls).toBe(Math.ceil(r.keys / 1000));
      expect(r.bytes).toBeGreaterThan(r.keys * 8);
      expect(r.serverBytes).toBeGreaterThanOrEqual(r.bytes);
    }
    expect(w.headlines[0]).toMatchObject({ workload: 'redis', what: expect.stringMatching(/RedisCounter vs one HINCRBY per event/) });
  });
});
