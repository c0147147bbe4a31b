// A pool gives memory back when its tables use little of it: it is copied
// into a smaller memory at the same addresses (src/table/pools.ts,
// assembly/compact.ts), as a microtask after the call that freed the blocks.
// Every map, iterator and stale reference must behave as if nothing moved,
// and memory the engine refuses must end as the library's RangeError with
// every map unchanged.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { CounterMap, IntCounterMap, memoryStats } from '../src/index.js';
import { Pool, compactPool, pools } from '../src/table/pools.js';
import { Model, Rng, compareToModel, type AnyMap } from './helpers/model.js';

const HEAVY = process.env.TOPHASH_HEAVY !== undefined;
/** Lets queued pool copies (microtasks) run. */
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

type Entry = { map: AnyMap; model: Model<string | number>; kind: 'int' | 'str' };

function make(kind: 'int' | 'str'): Entry {
  return { map: kind === 'int' ? new IntCounterMap() : new CounterMap(), model: new Model(), kind };
}

function incr(e: Entry, k: string | number, by: number): void {
  const got = (e.map.incr as (k: unknown, by: number) => number)(k, by);
  const want = e.model.incr(k, by);
  if (got !== want) throw new Error(`incr(${String(k)}, ${by}) gave ${got}, model ${String(want)}`);
}

/** Grows a map past 1 MiB of slots: it moves out of its pool into its own memory. */
function growOut(e: Entry, n: number): void {
  const keys = Array.from({ length: n }, (_, i) => (e.kind === 'int' ? i * 13 : `big-key-${i}`));
  (e.map.incrMany as (k: unknown[]) => void)(keys);
  e.model.incrMany(keys, 1);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a pool whose tables use little of it gives its memory back', () => {
  // First in the file: the process holds no pool yet, as in the report.
  test('two big maps move out, one tiny map stays: the pool shrinks to a page or two, every map intact', async () => {
    const before = memoryStats();
    expect(before.pools).toBe(0);
    const tiny = make('str');
    incr(tiny, 'hello', 3);
    incr(tiny, 'a key longer than eight bytes', 2);
    const bystanders = [make('int'), make('str'), make('int')];
    for (const [i, e] of bystanders.entries()) for (let j = 0; j < 20; j++) incr(e, e.kind === 'int' ? j * 5 + i : `b${i}-${j}`, j + 1);
    const a = make('int');
    const b = make('str');
    growOut(a, 120_000);
    growOut(b, 70_000);
    expect(a.map.stats().memory).toBe('own');
    expect(b.map.stats().memory).toBe('own');
    const grown = memoryStats();
    expect(grown.pools).toBe(1);
    expect(grown.poolBytes).toBeGreaterThanOrEqual(2 << 20);
    expect(grown.poolBytesInUse).toBeLessThan(4096);
    await tick();
    const after = memoryStats();
    expect(after.pools).toBe(1);
    expect(after.poolBytes).toBeLessThanOrEqual(2 * 65536);
    expect(after.poolBytesInUse).toBe(grown.poolBytesInUse);
    expect(after.pooledMaps).toBe(grown.pooledMaps);
    for (const e of [tiny, ...bystanders]) compareToModel(e.map, e.model, { mostCommon: true });
    for (const e of [a, b]) compareToModel(e.map, e.model, { mostCommon: false });
    // The smaller pool works as the old one did: tables grow (its memory
    // grows again), shrink, move out and back, and new maps come in.
    for (let i = 0; i < 3000; i++) incr(tiny, `more-${i}`, 1);
    const fresh = Array.from({ length: 200 }, (_, i) => make(i % 2 ? 'int' : 'str'));
    for (const [i, e] of fresh.entries()) for (let j = 0; j < 10; j++) incr(e, e.kind === 'int' ? i * 100 + j : `f${i}-${j}`, 1);
    const down = Array.from({ length: 120_000 - 100 }, (_, i) => i * 13);
    a.map.incrMany(down as never, -1);
    a.model.incrMany(down, -1);
    expect(a.map.stats().memory).toBe('shared');
    for (const e of [tiny, ...bystanders, a, b, ...fresh]) compareToModel(e.map, e.model, { mostCommon: false });
    for (const e of [tiny, ...bystanders, a, b, ...fresh]) e.map.dispose();
  });

  test('an iterator started before the copy goes on after it; a disposed map still throws "disposed"', async () => {
    const small = make('str');
    for (let i = 0; i < 300; i++) incr(small, `w${i}`, i + 1);
    const gone = make('int');
    incr(gone, 1, 1);
    gone.map.dispose();
    const big = make('int');
    growOut(big, 200_000);
    const it = small.map.entries();
    const seen = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      const r = it.next();
      seen.set(r.value![0] as string, r.value![1]);
    }
    const bytes = memoryStats().poolBytes;
    big.map.dispose();
    await tick();
    expect(memoryStats().poolBytes).toBeLessThan(bytes);
    for (let r = it.next(); !r.done; r = it.next()) seen.set(r.value[0] as string, r.value[1]);
    expect(seen).toEqual(small.model.m);
    expect(() => gone.map.get(1 as never)).toThrow(/disposed/);
    expect(() => big.map.size).toThrow(/disposed/);
    small.map.dispose();
  });

  test('model: maps made, dropped, disposed, cleared and moved across rounds, every map checked after each copy', async () => {
    const r = new Rng(17);
    const rounds = HEAVY ? 24 : 6;
    const live: Entry[] = [];
    const disposed: AnyMap[] = [];
    let copies = 0;
    for (let round = 0; round < rounds; round++) {
      // New small maps, and one that grows far enough to leave its pool.
      for (let i = 0; i < 150; i++) {
        const e = make(r.chance(0.5) ? 'int' : 'str');
        const n = r.range(1, 40);
        for (let j = 0; j < n; j++) incr(e, e.kind === 'int' ? r.int(1000) - 500 : `k${r.int(500)}`, r.range(1, 4));
        live.push(e);
      }
      const big = make(r.chance(0.5) ? 'int' : 'str');
      growOut(big, big.kind === 'int' ? 160_000 : 100_000);
      live.push(big);
      // Most maps go: dropped, disposed, cleared, or big ones shrunk back.
      for (let i = live.length - 1; i >= 0; i--) {
        const e = live[i]!;
        const what = r.int(10);
        if (what < 4) {
          live.splice(i, 1);
        } else if (what < 7) {
          e.map.dispose();
          disposed.push(e.map);
          live.splice(i, 1);
        } else if (what === 7) {
          e.map.clear();
          e.model.clear();
        } else if (e.map.stats().memory === 'own') {
          const gone = [...e.model.m.keys()].slice(50);
          (e.map.incrMany as (k: unknown[], by: number) => void)(gone, -1);
          e.model.incrMany(gone, -1);
          expect(e.map.stats().memory).toBe('shared');
        }
      }
      const bytes = memoryStats().poolBytes;
      await tick();
      if (memoryStats().poolBytes < bytes) copies++;
      for (const e of live) compareToModel(e.map, e.model, { mostCommon: false });
      for (const m of disposed) expect(() => m.size).toThrow(/disposed/);
      // Every pool's allocator is consistent, copied ones included.
      for (const p of pools) expect(p.ex.heap_check()).toBe(1);
    }
    expect(copies).toBeGreaterThan(0);
    for (const e of live) e.map.dispose();
  });

  test('maps collected by the FinalizationRegistry leave a sparse pool: it is copied smaller, survivors intact (child with --expose-gc)', () => {
    const script = fileURLToPath(new URL('./fixtures/sparse-pool.mjs', import.meta.url));
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8', timeout: 60_000 })) as {
      full: { pools: number; poolBytes: number }; after: { pools: number; poolBytes: number; poolBytesInUse: number; pooledMaps: number }; bad: number;
    };
    expect(out.full.poolBytes).toBeGreaterThanOrEqual(8 << 20);
    expect(out.after.pooledMaps).toBe(1500);
    expect(out.after.pools).toBe(1);
    // The oldest maps sit at the bottom of the first pool: the rest goes back.
    expect(out.after.poolBytes).toBeLessThanOrEqual(2 * out.after.poolBytesInUse);
    expect(out.bad).toBe(0);
  });

  test('the heap check that guards each copy sees a broken block chain', () => {
    const pool = new Pool();
    const t = Array.from({ length: 20 }, () => pool.ex.header_new(0, 1, 2) >>> 0);
    for (const h of t.slice(5, 12)) pool.ex.header_free(h);
    expect(pool.ex.heap_check()).toBe(1);
    // The size word of the block at t[3]: its FREE bit set, as if it were free but unlisted.
    const u32 = new Uint32Array(pool.ex.memory.buffer);
    const at = (t[3]! - 4) >> 2;
    u32[at] = u32[at]! | 1;
    expect(pool.ex.heap_check()).toBe(0);
    u32[at] = u32[at] & ~1;
    expect(pool.ex.heap_check()).toBe(1);
    // A size that runs past the tail.
    u32[at] = u32[at] + 16;
    expect(pool.ex.heap_check()).toBe(0);
  });

  test('a copy the engine refuses leaves the pool as it was', async () => {
    const tiny = make('int');
    incr(tiny, 42, 7);
    const big = make('int');
    growOut(big, 200_000);
    const pool = pools.find((p) => p.bytes >= 1 << 20)!;
    expect(pool).toBeDefined();
    const bytes = pool.bytes;
    const spy = vi.spyOn(WebAssembly, 'Instance').mockImplementation(function () {
      throw new RangeError('WebAssembly.Instance(): Out of memory: Cannot allocate Wasm memory for new instance');
    });
    expect(compactPool(pool)).toBe(0);
    expect(pool.bytes).toBe(bytes);
    spy.mockRestore();
    compareToModel(tiny.map, tiny.model, { mostCommon: true });
    expect(compactPool(pool)).toBeGreaterThan(0);
    compareToModel(tiny.map, tiny.model, { mostCommon: true });
    compareToModel(big.map, big.model, { mostCommon: false });
    tiny.map.dispose();
    big.map.dispose();
    await tick();
  });
});

describe('memory the engine refuses', () => {
  test('a big map whose own instance is refused stays in its pool, unchanged; the error says what tophash holds and what to do', () => {
    const bystander = make('str');
    for (let i = 0; i < 50; i++) incr(bystander, `b${i}`, i + 1);
    const e = make('int');
    let n = 0;
    vi.spyOn(WebAssembly, 'Instance').mockImplementation(function () {
      throw new RangeError('WebAssembly.Instance(): Out of memory: Cannot allocate Wasm memory for new instance');
    });
    let err: unknown;
    try {
      for (; n < 300_000; n++) incr(e, n, 1);
    } catch (x) {
      err = x;
    }
    vi.restoreAllMocks();
    expect(err).toBeInstanceOf(RangeError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^IntCounterMap needs \d+ bytes of memory to grow, and the engine refused the memory/);
    expect(msg).toMatch(/tophash holds [\d.]+ MiB in \d+ shared pools/);
    expect(msg).toMatch(/dispose\(\)/);
    expect(msg).toMatch(/`using`/);
    expect(msg).toMatch(/every entry already counted is kept/);
    expect(((err as Error).cause as Error).message).toMatch(/Out of memory/);
    // The key that hit the refusal was not counted; all before it were.
    expect(e.map.stats().memory).toBe('shared');
    compareToModel(e.map, e.model, { mostCommon: false });
    compareToModel(bystander.map, bystander.model, { mostCommon: true });
    // With memory back, the same call goes through.
    incr(e, n, 1);
    for (let i = n + 1; i < 300_000; i++) incr(e, i, 1);
    expect(e.map.stats().memory).toBe('own');
    compareToModel(e.map, e.model, { mostCommon: false });
    e.map.dispose();
    bystander.map.dispose();
  });

  test('a refused new pool: new tables go to the pool with the most free heap, and the engine is not asked again on every map', () => {
    const pools0 = memoryStats().pools;
    let asked = 0;
    vi.spyOn(WebAssembly, 'Instance').mockImplementation(function () {
      asked++;
      throw new RangeError('WebAssembly.Instance(): Out of memory: Cannot allocate Wasm memory for new instance');
    });
    // More than one pool takes (8 MiB at ~230 bytes a map).
    const maps: IntCounterMap[] = [];
    for (let i = 0; i < 45_000; i++) {
      const m = new IntCounterMap();
      m.incr(i, 3);
      maps.push(m);
    }
    vi.restoreAllMocks();
    expect(asked).toBe(1);
    expect(memoryStats().pools).toBe(Math.max(pools0, 1));
    for (let i = 0; i < maps.length; i++) if (maps[i]!.get(i) !== 3 || maps[i]!.size !== 1) throw new Error(`map ${i} changed`);
    for (const m of maps) m.dispose();
  });

  const fixture = fileURLToPath(new URL('./fixtures/out-of-memory.mjs', import.meta.url));
  type Report = {
    maps: number; grownKeys: number; grownIntact: boolean; bad: number; refusedMapSize: number;
    createError: { name: string; message: string } | null;
    firstInsert: { name: string; message: string } | null;
    growError: { name: string; message: string } | null;
  };
  const run = (cmd: string, args: string[]): Report =>
    JSON.parse(execFileSync(cmd, args, { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' })) as Report;
  const libraryError = /^(Int)?CounterMap needs \d+ bytes of memory to grow, and the engine refused the memory \(tophash holds .*dispose\(\).*; every entry already counted is kept$/;

  test('a pool that may not grow (--wasm-max-mem-pages): the allocator trap becomes the RangeError; every map unchanged', () => {
    const out = run(process.execPath, ['--wasm-max-mem-pages=4', fixture]);
    expect(out.grownKeys).toBeGreaterThan(1000);
    expect(out.growError?.name).toBe('RangeError');
    expect(out.growError?.message).toMatch(libraryError);
    expect(out.grownIntact).toBe(true);
    expect(out.maps).toBeGreaterThan(100);
    expect(out.createError?.message).toMatch(libraryError);
    expect(out.firstInsert?.message).toMatch(libraryError);
    expect(out.refusedMapSize).toBe(0);
    expect(out.bad).toBe(0);
  });

  // Whether this engine refuses a wasm memory under a 4 GB address-space
  // limit. Node 20's V8 reserves guard regions far larger than that for each
  // memory, so it refuses; newer V8s (Node 24 and later) fall back to
  // bounds-checked memories and never refuse there, so the refusal this test
  // is about cannot happen on them (the --wasm-max-mem-pages test above
  // covers the engine refusing on every Node).
  const refusesUnderLimit = process.platform === 'linux' && (() => {
    try {
      execFileSync('/bin/sh', ['-c', 'ulimit -v 4000000 && exec "$0" -e "new WebAssembly.Memory({ initial: 1 })"', process.execPath], { stdio: 'ignore', timeout: 30_000 });
      return false;
    } catch {
      return true;
    }
  })();

  test.runIf(refusesUnderLimit)('no address space for a first pool (ulimit -v): the RangeError, not the engine\'s; nothing counted', () => {
    // 4 GB of address space: Node starts, a wasm memory's reservation does not fit.
    const out = run('/bin/sh', ['-c', 'ulimit -v 4000000 && exec "$0" "$1"', process.execPath, fixture]);
    for (const e of [out.growError, out.createError, out.firstInsert]) {
      expect(e?.name).toBe('RangeError');
      expect(e?.message).toMatch(libraryError);
      expect(e?.message).not.toMatch(/^WebAssembly/);
    }
    expect(out.grownKeys).toBe(0);
    expect(out.maps).toBe(0);
    expect(out.refusedMapSize).toBe(0);
  });
});

describe('own instances are held by their map alone', () => {
  test('memoryStats() counts each own memory from its move out to its dispose, clear or move back, and follows its growth', () => {
    const base = memoryStats();
    const maps = [make('int'), make('str'), make('int')];
    growOut(maps[0]!, 120_000);
    growOut(maps[1]!, 70_000);
    growOut(maps[2]!, 120_000);
    const own = () => maps.filter((e) => e.map.stats().memory === 'own');
    const check = () => {
      const s = memoryStats();
      expect(s.ownMaps - base.ownMaps).toBe(own().length);
      expect(s.ownBytes - base.ownBytes).toBe(own().reduce((n, e) => n + e.map.stats().bytes, 0));
    };
    expect(own().length).toBe(3);
    check();
    // Its arena grows in the tail of its memory.
    growOut(maps[1]!, 150_000);
    check();
    maps[0]!.map.clear();
    maps[0]!.model.clear();
    check();
    const gone = [...maps[2]!.model.m.keys()].slice(10);
    (maps[2]!.map.incrMany as (k: unknown[], by: number) => void)(gone, -1);
    maps[2]!.model.incrMany(gone, -1);
    expect(maps[2]!.map.stats().memory).toBe('shared');
    check();
    maps[1]!.map.dispose();
    expect(memoryStats().ownMaps).toBe(base.ownMaps);
    expect(memoryStats().ownBytes).toBe(base.ownBytes);
    for (const e of [maps[0]!, maps[2]!]) compareToModel(e.map, e.model, { mostCommon: false });
  });

  test('big maps made and dropped in one synchronous job give their memory back at each garbage collection (child with --expose-gc)', () => {
    const script = fileURLToPath(new URL('./fixtures/drop-big.mjs', import.meta.url));
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8', timeout: 120_000 })) as {
      made: number; ownBytesEach: number; peakRss: number; startRss: number;
    };
    // Kept alive, 40 maps would hold 40 × 2.2 MB; dropped ones are collected with their map.
    expect(out.made * out.ownBytesEach).toBeGreaterThan(60 << 20);
    expect(out.peakRss - out.startRss).toBeLessThan((out.made * out.ownBytesEach) / 2.5);
  });

  test.runIf(process.platform === 'linux')('under an address-space limit, big maps dropped in one synchronous job do not run the process out of wasm memories (ulimit -v)', () => {
    // Each wasm memory reserves ~10 GB of address space: 38 GB hold three.
    // Kept alive by their pool, the second dropped map was already refused.
    const script = fileURLToPath(new URL('./fixtures/drop-big-limited.mjs', import.meta.url));
    const out = JSON.parse(execFileSync('/bin/sh', ['-c', 'ulimit -v 40000000 && exec "$0" "$1"', process.execPath, script], {
      encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL',
    })) as { want: number; made: number; error: string | null };
    expect(out.error).toBeNull();
    expect(out.made).toBe(out.want);
  });
});
