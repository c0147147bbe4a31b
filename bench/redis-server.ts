// A redis-server of the benchmark's own, on 127.0.0.1 and a free port, with
// no persistence (the comparison is of commands and round trips, not of
// disks), stopped by its pid. Null, with the reason, when redis-server is
// not installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchRedis {
  port: number;
  version: string;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 now (the tests' server uses it too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** One PING over a raw socket: true on +PONG (false while Redis loads its AOF, or is down). */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let got = '';
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('error', () => done(false));
    sock.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) done(got.startsWith('+PONG'));
    });
    sock.once('connect', () => sock.write('PING\r\n'));
  });
}

export async function startRedis(): Promise<BenchRedis | string> {
  const v = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) return 'redis-server is not installed (Debian: apt-get install redis-server)';
  const version = /v=(\S+)/.exec(v.stdout)?.[1] ?? 'unknown';
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tophash-bench-redis-'));
  const proc: ChildProcess = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no',
  ], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let t = 0; !(await ping(port)); t++) {
    if (t > 400 || proc.exitCode !== null) {
      await stop();
      return `redis-server did not start on port ${port}`;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { port, version, stop };
}
