// A real redis-server for the tests (Debian's package: apt-get install
// redis-server), on 127.0.0.1 and a free port, with an append-only file
// fsynced at every write in a temp dir, stopped by its pid. It can be killed
// (SIGKILL) and started again on the same port and dir, and frozen
// (SIGSTOP/SIGCONT).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort, ping } from '../../bench/redis-server.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The redis-server binary, or null when it is not installed and this is not
 * CI. In CI a missing server is an error: the Redis tests must run there
 * (.ci/run installs the package).
 */
export function findRedisServer(): string | null {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.status === 0 && /Redis server/.test(r.stdout)) return 'redis-server';
  if (process.env.CI) {
    throw new Error('redis-server is not installed, and CI must run the Redis tests: apt-get install -y redis-server (.ci/run does it)');
  }
  return null;
}

/** Says once, on stderr, why the Redis tests were skipped. */
export function noteSkipped(file: string): void {
  process.stderr.write(`${file}: SKIPPED: redis-server is not installed (apt-get install -y redis-server); CI installs it and fails without it\n`);
}


export class RedisServer {
  readonly port: number;
  readonly dir: string;
  private proc: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** The server's output, for a failing test's message. */
  log = '';

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  static async start(): Promise<RedisServer> {
    const s = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'tophash-redis-')));
    await s.start();
    return s;
  }

  get pid(): number {
    if (this.proc?.pid === undefined) throw new Error('redis-server is not running');
    return this.proc.pid;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and dir, and waits until it answers PING (its AOF loaded). */
  async start(): Promise<void> {
    if (this.proc !== null) throw new Error('redis-server is already running');
    const proc = spawn('redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes',
      '--appendfsync', 'always', '--dir', this.dir, '--daemonize', 'no', '--loglevel', 'warning',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    const onOut = (d: Buffer): void => {
      this.log += d.toString();
    };
    proc.stdout.on('data', onOut);
    proc.stderr.on('data', onOut);
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const gone = this.exited.then(() => 'exited' as const);
    const t0 = Date.now();
    for (;;) {
      if (await Promise.race([ping(this.port), gone]) === true) return;
      if (this.proc !== proc || proc.exitCode !== null || proc.signalCode !== null) {
        this.proc = null;
        throw new Error(`redis-server exited on start:\n${this.log}`);
      }
      if (Date.now() - t0 > 20_000) throw new Error(`redis-server did not answer on port ${this.port} within 20 s:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Sends a signal to the server's pid. */
  signal(sig: NodeJS.Signals): void {
    process.kill(this.pid, sig);
  }

  /** SIGKILL, as a crash: no shutdown, no final AOF rewrite. Waits for the exit. */
  async kill(): Promise<void> {
    if (this.proc === null) return;
    this.proc.kill('SIGKILL');
    await this.exited;
    this.proc = null;
  }

  /** SIGTERM (SIGKILL after 5 s), then removes the data dir unless `keepDir`. */
  async stop(keepDir = false): Promise<void> {
    if (this.proc !== null) {
      const proc = this.proc;
      if (proc.signalCode === null && proc.exitCode === null) {
        process.kill(proc.pid!, 'SIGCONT');
        proc.kill('SIGTERM');
      }
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(timer);
      this.proc = null;
    }
    if (!keepDir) rmSync(this.dir, { recursive: true, force: true });
  }
}
