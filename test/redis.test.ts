// tophash/redis against a real redis-server (test/helpers/redis-server.ts),
// with both clients: ioredis and node-redis (the `redis` package). Faults
// that a healthy server cannot be made to produce on cue (a reply lost after
// Redis applied the batch, a refused call) come from a wrapper around the
// real client; the server itself is killed and restarted where that is the
// point. The fault test with many processes is test/redis-faults.test.ts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { createClient as createClientV4 } from 'redis-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CounterMap } from '../src/maps/counter-map.js';
import { RedisCounter, loadCounts, type RedisCounterOptions } from '../src/redis.js';
import { APPLY_BATCH } from '../src/integrations/redis-script.js';
import { Rng } from './helpers/model.js';
import { findRedisServer, noteSkipped, RedisServer } from './helpers/redis-server.js';

const run = promisify(execFile);
const HEAVY = !!process.env.TOPHASH_HEAVY;
const MAX = Number.MAX_SAFE_INTEGER;

const installed = findRedisServer() !== null;
if (!installed) noteSkipped('test/redis.test.ts');

let server: RedisServer;
/** ioredis, for looking at the hash. */
let admin: Redis;

beforeAll(async () => {
  if (!installed) return;
  server = await RedisServer.start();
  admin = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true });
  await admin.connect();
});

afterAll(async () => {
  if (!installed) return;
  await admin?.quit().catch(() => {});
  await server?.stop();
});

interface Client {
  client: object;
  quit(): Promise<unknown>;
}

const CLIENTS: Record<'ioredis' | 'node-redis' | 'node-redis v4', () => Promise<Client>> = {
  async ioredis() {
    const c = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    await c.connect();
    return { client: c, quit: () => c.quit().catch(() => {}) };
  },
  async 'node-redis'() {
    const c = createClient({ socket: { host: '127.0.0.1', port: server.port } });
    c.on('error', () => {});
    await c.connect();
    return { client: c, quit: () => c.quit().catch(() => {}) };
  },
  // v4's replies differ (HSCAN: { cursor: number, tuples }): the devDependency redis-v4 is redis@4.
  async 'node-redis v4'() {
    const c = createClientV4({ socket: { host: '127.0.0.1', port: server.port } });
    c.on('error', () => {});
    await c.connect();
    return { client: c, quit: () => c.quit().catch(() => {}) };
  },
};

/** The hash as field → number. */
async function hash(key: string): Promise<Map<string, number>> {
  const h = await admin.hgetall(key);
  return new Map(Object.entries(h).map(([k, v]) => [k, Number(v)]));
}

function sorted(m: Map<string, number> | CounterMap): Array<[string, number]> {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The script calls of a client (EVALSHA and EVAL, in either client's spelling). */
const SCRIPT_CALLS = new Set(['evalsha', 'evalSha', 'eval']);

/**
 * The real client, with faults on its script calls: `fault(n)` is asked
 * before the n-th call (from 1): 'refuse' fails it without sending it (a
 * refused connection), 'lose' sends it and fails after Redis answered (a
 * reply lost on the way back), null passes it through.
 */
function faulty(client: object, fault: (n: number) => 'refuse' | 'lose' | null): object & { calls: number } {
  const state = { calls: 0 };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'calls') return state.calls;
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      if (typeof prop === 'string' && SCRIPT_CALLS.has(prop)) {
        return async (...args: unknown[]) => {
          const what = fault(++state.calls);
          if (what === 'refuse') throw new Error('connect ECONNREFUSED 127.0.0.1 (injected)');
          const r = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (what === 'lose') throw new Error('Connection is closed (injected: the reply was lost)');
          return r;
        };
      }
      return (v as (...a: unknown[]) => unknown).bind(target);
    },
  }) as object & { calls: number };
}

let n = 0;
/** A fresh key for each test. */
function freshKey(): string {
  return `t${process.pid}:${++n}`;
}

describe.skipIf(!installed).each(['ioredis', 'node-redis', 'node-redis v4'] as const)('RedisCounter with %s', (kind) => {
  let c: Client;
  let key: string;
  const open: RedisCounter[] = [];
  beforeAll(async () => {
    c = await CLIENTS[kind]();
  });
  afterAll(async () => {
    for (const rc of open.splice(0)) await rc.close().catch(() => {});
    await c.quit();
  });
  beforeEach(async () => {
    key = freshKey();
    // Loaded, so that call counts below do not depend on the order of the tests (one flushes it).
    await admin.script('LOAD', APPLY_BATCH);
  });

  function counter(options: Partial<RedisCounterOptions> = {}, client: object = c.client): RedisCounter {
    const rc = new RedisCounter(client, { key, flushIntervalMs: 0, ...options });
    open.push(rc);
    return rc;
  }

  it('counts locally with no I/O until flush; flush applies the net deltas; 0 or below deletes the field', async () => {
    const io = faulty(c.client, () => null);
    const rc = counter({}, io);
    rc.incr('a');
    rc.incr('a', 4);
    rc.incr('b', 2);
    rc.decr('b', 2); // cancels out: never sent
    rc.decr('c', 3); // below 0 on an absent field: no field
    rc.incr('ü', 7);
    rc.incr('');
    expect(io.calls).toBe(0);
    expect(rc.pendingKeys).toBe(4);
    await rc.flush();
    expect(io.calls).toBe(1);
    expect(rc.pendingKeys).toBe(0);
    expect(sorted(await hash(key))).toEqual([['', 1], ['a', 5], ['ü', 7]]);

    rc.decr('a', 5); // reaches 0 exactly
    rc.decr('ü', 10); // below 0
    rc.incr('d', MAX); // the largest count
    await rc.flush();
    expect(sorted(await hash(key))).toEqual([['', 1], ['d', MAX]]);
    expect(rc.stats()).toMatchObject({ flushes: 2, failedFlushes: 0, batches: 2, duplicateBatches: 0, pendingKeys: 0, lastError: null });

    // Nothing pending: no call at all.
    await rc.flush();
    expect(io.calls).toBe(2);
  });

  it('matches a model of the hash under random signed deltas and flushes (seeded)', async () => {
    const rng = new Rng(kind === 'ioredis' ? 11 : kind === 'node-redis' ? 12 : 13);
    const rc = counter({ batchKeys: 7 });
    const model = new Map<string, number>(); // the hash as it must be
    const pending = new Map<string, number>(); // net deltas not flushed yet
    const keys = Array.from({ length: 60 }, (_, i) => (i % 5 === 0 ? `long key number ${i} ${'x'.repeat(i)}` : `k${i}`));
    for (let round = 0; round < (HEAVY ? 200 : 40); round++) {
      for (let i = 0, ops = rng.range(0, 80); i < ops; i++) {
        const k = rng.pick(keys);
        const by = rng.chance(0.45) ? -rng.range(1, 5) : rng.range(1, 5);
        if (by > 0 || rng.chance(0.5)) rc.incr(k, by);
        else rc.decr(k, -by);
        const p = (pending.get(k) ?? 0) + by;
        if (p === 0) pending.delete(k);
        else pending.set(k, p);
      }
      expect(rc.pendingKeys).toBe(pending.size);
      await rc.flush();
      for (const [k, d] of pending) {
        const v = (model.get(k) ?? 0) + d;
        if (v > 0) model.set(k, v);
        else model.delete(k);
      }
      pending.clear();
      expect(sorted(await hash(key))).toEqual(sorted(model));
    }
    expect(rc.stats().batches).toBeGreaterThan(40);
  });

  it('adds up the counts of several counters on one key (each a writer of its own)', async () => {
    const a = counter();
    const b = counter();
    for (let i = 0; i < 100; i++) {
      a.incr(`k${i % 10}`);
      b.incr(`k${i % 7}`, 2);
    }
    b.decr('k6', 1000);
    await Promise.all([a.flush(), b.flush()]);
    const want = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      want.set(`k${i % 10}`, (want.get(`k${i % 10}`) ?? 0) + 1);
      want.set(`k${i % 7}`, (want.get(`k${i % 7}`) ?? 0) + 2);
    }
    // b's -1000 on k6 went in the same batch as its +2s: net negative, and
    // applied in whichever order the two batches arrived.
    const h = await hash(key);
    const k6 = h.get('k6');
    want.delete('k6');
    h.delete('k6');
    expect(sorted(h)).toEqual(sorted(want));
    expect(k6 === undefined || k6 === 10).toBe(true);
  });

  it('a batch whose reply was lost is not applied again; deltas counted meanwhile go to a new batch', async () => {
    const io = faulty(c.client, (n) => (n === 1 ? 'lose' : null));
    const rc = counter({}, io);
    rc.incr('a', 3);
    rc.decr('b', 1);
    await expect(rc.flush()).rejects.toThrow(/reply was lost/);
    // Redis applied it; the counter cannot know and keeps the batch.
    expect(sorted(await hash(key))).toEqual([['a', 3]]);
    expect(rc.pendingKeys).toBe(2);
    expect(rc.stats()).toMatchObject({ failedFlushes: 1, batches: 0, lastError: expect.any(Error) });
    rc.incr('a', 10);
    rc.incr('c', 1);
    await rc.flush();
    // The kept batch went again with its sequence number and was skipped; the new deltas were applied once.
    expect(sorted(await hash(key))).toEqual([['a', 13], ['c', 1]]);
    expect(rc.stats()).toMatchObject({ batches: 1, duplicateBatches: 1, calls: 3, pendingKeys: 0 });
  });

  it('a refused flush keeps its deltas, in order, and the next flush applies them once', async () => {
    let down = true;
    const io = faulty(c.client, () => (down ? 'refuse' : null));
    const rc = counter({ batchKeys: 2 }, io);
    for (let i = 0; i < 5; i++) rc.incr(`k${i}`, i + 1);
    await expect(rc.flush()).rejects.toThrow(/ECONNREFUSED/);
    rc.decr('k0', 1); // after the kept batch, in a later one: the field goes away
    rc.incr('k1', 5);
    await expect(rc.flush()).rejects.toThrow(/ECONNREFUSED/);
    expect(await hash(key)).toEqual(new Map());
    expect(rc.pendingKeys).toBe(7); // 5 being sent (one batch kept), 2 pending
    down = false;
    await rc.flush();
    expect(sorted(await hash(key))).toEqual([['k1', 7], ['k2', 3], ['k3', 4], ['k4', 5]]);
    expect(rc.stats()).toMatchObject({ failedFlushes: 2, duplicateBatches: 0, pendingKeys: 0 });
  });

  it('pipelined batches: one not applied holds back those behind it, which are sent again in order', async () => {
    // Batch 2 of 4 is refused before it is sent; 3 and 4 reach Redis and must not apply.
    let first = true;
    const io = faulty(c.client, (n) => (first && n === 2 ? 'refuse' : null));
    const rc = counter({ batchKeys: 3 }, io);
    for (let i = 0; i < 12; i++) rc.incr(`k${i}`, i + 1);
    await expect(rc.flush()).rejects.toThrow(/ECONNREFUSED/);
    expect((await hash(key)).size).toBe(3);
    expect(rc.pendingKeys).toBe(9);
    first = false;
    rc.incr('k0', 100);
    await rc.flush();
    const want = new Map<string, number>();
    for (let i = 0; i < 12; i++) want.set(`k${i}`, i + 1);
    want.set('k0', 101);
    expect(sorted(await hash(key))).toEqual(sorted(want));
    expect(rc.stats()).toMatchObject({ batches: 5, duplicateBatches: 0, calls: 8, pendingKeys: 0 });
  });

  it('pipelined batches: a lost reply before an applied batch counts as applied (nothing resent)', async () => {
    const io = faulty(c.client, (n) => (n === 1 ? 'lose' : null));
    const rc = counter({ batchKeys: 2 }, io);
    for (let i = 0; i < 6; i++) rc.incr(`k${i}`);
    await rc.flush();
    expect((await hash(key)).size).toBe(6);
    expect(rc.stats()).toMatchObject({ batches: 3, failedFlushes: 0, calls: 3, pendingKeys: 0 });
  });

  it('the script: a batch id seen before (the same, or an older one) is skipped', async () => {
    const writer = `${key}:writer-test`;
    const call = (seq: number, ...fd: string[]): Promise<unknown> =>
      admin.eval(APPLY_BATCH, 2, key, writer, String(seq), '60000', JSON.stringify(fd), '0');
    const pipelined = (seq: number, ...fd: string[]): Promise<unknown> =>
      admin.eval(APPLY_BATCH, 2, key, writer, String(seq), '60000', JSON.stringify(fd), '1');
    expect(await call(1, 'a', '5', 'b', '2')).toBe(1);
    expect(await call(1, 'a', '5', 'b', '2')).toBe(0); // the retry of a batch whose reply was lost
    expect(await call(2, 'a', '-5')).toBe(1);
    expect(await call(1, 'a', '5', 'b', '2')).toBe(0); // a stale attempt arriving late
    expect(await pipelined(4, 'c', '1')).toBe(2); // behind batch 3, which was not applied: skipped
    expect(await pipelined(3, 'c', '1')).toBe(1);
    expect(await pipelined(4, 'c', '1')).toBe(1);
    expect(await pipelined(3, 'c', '1')).toBe(0);
    expect(await call(6, 'c', '1')).toBe(1); // all before it acknowledged: the mark (4) may lag (lost writes)
    expect(sorted(await hash(key))).toEqual([['b', 2], ['c', 3]]);
    expect(Number(await admin.get(writer))).toBe(6);
    const ttl = await admin.pttl(writer);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('a refused batch changes nothing (a field that is not a count, an overflow, a key of another type), then applies once fixed', async () => {
    const rc = counter();
    // Many fields, so that the refused one comes after fields already
    // written (whose writes the script must undo), whatever the batch order.
    await admin.hset(key, 'bad', 'abc', 'big', String(MAX - 1), 'ok', '1', 'neg', '-5');
    const before = await admin.hgetall(key);
    for (let i = 0; i < 40; i++) rc.incr(`k${i}`, i + 1);
    rc.incr('ok', 1);
    rc.decr('k0', 2); // to -1: a new field that would be deleted
    rc.incr('neg', 5); // to 0: an old field that would be deleted
    rc.incr('bad', 1);
    await expect(rc.flush()).rejects.toThrow(/TOPHASH field "bad" of .*: ERR hash value is not an integer; no delta of this batch was applied/);
    expect(await admin.hgetall(key)).toEqual(before);
    await admin.hdel(key, 'bad');
    await rc.flush();
    const want = new Map<string, number>([['bad', 1], ['big', MAX - 1], ['ok', 2]]);
    for (let i = 1; i < 40; i++) want.set(`k${i}`, i + 1);
    expect(sorted(await hash(key))).toEqual(sorted(want));

    for (let i = 0; i < 40; i++) rc.decr(`k${i}`, 1);
    rc.incr('ok', 1);
    rc.incr('big', 2);
    const before2 = await admin.hgetall(key);
    await expect(rc.flush()).rejects.toThrow(/TOPHASH field "big" of .*: its count would pass 2\^53 - 1 \(adding 2\); no delta of this batch was applied/);
    expect(await admin.hgetall(key)).toEqual(before2);
    rc.decr('big', 2); // the kept batch still holds +2: it is sent as it was, and refused again
    await expect(rc.flush()).rejects.toThrow(/would pass/);
    await admin.hset(key, 'big', '5');
    await rc.flush();
    want.set('big', 5);
    want.set('ok', 3);
    for (let i = 1; i < 40; i++) want.set(`k${i}`, i); // k0 stays absent: -1 applied to nothing
    expect(sorted(await hash(key))).toEqual(sorted(want));

    const other = freshKey();
    await admin.set(other, 'a string');
    const rs = new RedisCounter(c.client, { key: other, flushIntervalMs: 0 });
    rs.incr('x');
    await expect(rs.flush()).rejects.toThrow(/WRONGTYPE/);
    expect(await admin.get(other)).toBe('a string');
    await admin.del(other);
    await rs.close();
    expect(await hash(other)).toEqual(new Map([['x', 1]]));
  });

  it('loads the script again when Redis lost it (SCRIPT FLUSH: NOSCRIPT, then EVAL)', async () => {
    const rc = counter();
    rc.incr('a');
    await rc.flush();
    await admin.script('FLUSH');
    rc.incr('a');
    const calls = rc.stats().calls;
    await rc.flush();
    expect(rc.stats().calls).toBe(calls + 2);
    rc.incr('a');
    await rc.flush();
    expect(rc.stats().calls).toBe(calls + 3); // EVAL cached it: EVALSHA again
    expect(await hash(key)).toEqual(new Map([['a', 3]]));
  });

  it('splits a flush into atomic batches of at most batchKeys fields, each with its own id', async () => {
    const rc = counter({ batchKeys: 10 });
    for (let i = 0; i < 95; i++) rc.incr(`k${i}`, i + 1);
    await rc.flush();
    expect(rc.stats()).toMatchObject({ batches: 10, calls: 10 });
    const h = await hash(key);
    expect(h.size).toBe(95);
    for (let i = 0; i < 95; i++) expect(h.get(`k${i}`)).toBe(i + 1);
    // Long keys: a batch holds at most 2^20 characters of keys.
    const rl = counter({ batchKeys: 1000 });
    for (let i = 0; i < 5; i++) rl.incr(`${i}${'x'.repeat(400_000)}`);
    await rl.flush();
    expect(rl.stats().batches).toBe(3);
    expect((await hash(key)).size).toBe(100);
  });

  it('back-pressure: past maxPendingKeys a new key throws and counts nothing; pending keys still count; room returns after a flush', async () => {
    let down = true;
    const io = faulty(c.client, () => (down ? 'refuse' : null));
    const rc = counter({ maxPendingKeys: 3 }, io);
    rc.incr('a');
    rc.incr('b');
    await expect(rc.flush()).rejects.toThrow(/ECONNREFUSED/);
    rc.incr('c');
    expect(() => rc.incr('d')).toThrow(RangeError);
    expect(() => rc.incr('d')).toThrow(/3 keys are waiting for Redis \(maxPendingKeys\), so the new key string "d" was not counted; the last flush failed: connect ECONNREFUSED/);
    expect(() => rc.decr('e')).toThrow(RangeError);
    rc.incr('c', 5); // has a delta waiting: still counts
    expect(() => rc.incr('a')).toThrow(RangeError); // a is in the batch kept for the retry, not pending
    rc.decr('c', 6); // back to 0: frees its place
    rc.incr('d', 2);
    expect(rc.pendingKeys).toBe(3);
    down = false;
    await rc.flush();
    expect(sorted(await hash(key))).toEqual([['a', 1], ['b', 1], ['d', 2]]);
    rc.incr('e');
    rc.incr('f');
    rc.incr('g');
    expect(rc.pendingKeys).toBe(3);
  });

  it('rejects bad input with a clear error and counts nothing', async () => {
    const rc = counter();
    rc.incr('a', 2);
    const bad: Array<[() => unknown, new (...a: never[]) => Error, RegExp]> = [
      [() => rc.incr(5 as unknown as string), TypeError, /key must be a string, got number 5/],
      [() => rc.incr(null as unknown as string), TypeError, /key must be a string, got null/],
      [() => rc.incr('a', 1.5), RangeError, /step must be a safe integer, got number 1.5/],
      [() => rc.incr('a', NaN), RangeError, /safe integer/],
      [() => rc.incr('a', 2 ** 53), RangeError, /safe integer/],
      [() => rc.incr('a', '1' as unknown as number), TypeError, /step must be a number/],
      [() => rc.decr('a', 1.5), RangeError, /step must be a safe integer/],
      [() => rc.decr('a', '1' as unknown as number), TypeError, /step must be a number/],
      [() => rc.incr('x\ud800'), TypeError, /lone surrogate/],
      [() => rc.incr('a', MAX), RangeError, /pending delta of key "a" would pass ±Number.MAX_SAFE_INTEGER/],
    ];
    for (const [fn, type, msg] of bad) {
      expect(fn).toThrow(type);
      expect(fn).toThrow(msg);
    }
    expect(rc.pendingKeys).toBe(1);
    rc.decr('b', MAX);
    expect(() => rc.decr('b', 1)).toThrow(/would pass ±Number.MAX_SAFE_INTEGER \(adding -1\)/);
    rc.incr('b', MAX); // back to 0
    await rc.flush();
    expect(sorted(await hash(key))).toEqual([['a', 2]]);

    const opts: Array<[unknown, unknown, new (...a: never[]) => Error, RegExp]> = [
      [null, { key }, TypeError, /needs a connected ioredis client .* or node-redis v4\+ client .*, got null/],
      [{}, { key }, TypeError, /needs a connected ioredis client/],
      [{ evalsha: () => 1 }, { key }, TypeError, /needs a connected ioredis client/],
      [c.client, undefined, TypeError, /needs options with at least \{ key \}/],
      [c.client, {}, TypeError, /options.key must be a string .*, got undefined/],
      [c.client, { key: '' }, RangeError, /options.key must not be empty/],
      [c.client, { key, flushIntervalMs: -1 }, RangeError, /flushIntervalMs must be an integer >= 0, got number -1/],
      [c.client, { key, flushIntervalMs: '5' }, TypeError, /flushIntervalMs must be a number/],
      [c.client, { key, maxPendingKeys: 0 }, RangeError, /maxPendingKeys must be an integer >= 1/],
      [c.client, { key, batchKeys: 1.5 }, RangeError, /batchKeys must be an integer >= 1/],
      [c.client, { key, timeoutMs: 0 }, RangeError, /timeoutMs must be an integer >= 1/],
      [c.client, { key, writerTtlMs: 10 }, RangeError, /writerTtlMs must be an integer >= 1000/],
      [c.client, { key, onError: 'log' }, TypeError, /onError must be a function/],
    ];
    for (const [client, o, type, msg] of opts) {
      const make = (): unknown => new RedisCounter(client, o as RedisCounterOptions);
      expect(make).toThrow(type);
      expect(make).toThrow(msg);
    }
    await expect(loadCounts({}, key)).rejects.toThrow(/loadCounts needs a connected ioredis client/);
    await expect(loadCounts(c.client, 7 as unknown as string)).rejects.toThrow(TypeError);
    await expect(loadCounts(c.client, key, { count: 0 })).rejects.toThrow(/options.count must be an integer >= 1/);
  });

  it('close() flushes, stops counting, and can be called again; a failed close keeps the deltas for the next one', async () => {
    let down = true;
    const io = faulty(c.client, () => (down ? 'refuse' : null));
    const rc = new RedisCounter(io, { key, flushIntervalMs: 0 });
    rc.incr('a', 2);
    await expect(rc.close()).rejects.toThrow(/ECONNREFUSED/);
    expect(() => rc.incr('a')).toThrow(/was closed: it counts no more/);
    down = false;
    await rc.close();
    await rc.close();
    expect(sorted(await hash(key))).toEqual([['a', 2]]);
  });

  it('flushes on its timer, and reports a failed timer flush to onError', async () => {
    let down = false;
    const errors: unknown[] = [];
    const io = faulty(c.client, () => (down ? 'refuse' : null));
    const rc = counter({ flushIntervalMs: 20, onError: (e) => errors.push(e) }, io);
    rc.incr('a', 3);
    const until = async (cond: () => Promise<boolean> | boolean): Promise<void> => {
      for (let t = 0; !(await cond()); t++) {
        if (t > 200) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await until(async () => (await hash(key)).get('a') === 3);
    down = true;
    rc.incr('a');
    await until(() => errors.length > 0);
    expect(String(errors[0])).toMatch(/ECONNREFUSED/);
    down = false;
    await until(async () => (await hash(key)).get('a') === 4);
    expect(rc.stats().failedFlushes).toBeGreaterThan(0);
  });

  it('flush() calls made while one runs wait for it, and each covers what was counted before it', async () => {
    const rc = counter({ batchKeys: 5 });
    for (let i = 0; i < 50; i++) rc.incr(`k${i}`);
    const p1 = rc.flush();
    rc.incr('late');
    const p2 = rc.flush();
    rc.incr('later');
    const p3 = rc.flush();
    expect(p3).toBe(p2); // one waits; later calls share it
    await p1;
    await p2;
    expect((await hash(key)).size).toBe(52);
  });

  it('a timeout counts as a failed flush, and the late reply does no harm (the retry is skipped)', async () => {
    const rc = counter({ timeoutMs: 100 });
    rc.incr('a', 5);
    server.signal('SIGSTOP');
    try {
      await expect(rc.flush()).rejects.toThrow(/no reply from Redis within 100 ms; the batch is kept/);
    } finally {
      server.signal('SIGCONT');
    }
    rc.incr('a', 1);
    await rc.flush();
    expect(sorted(await hash(key))).toEqual([['a', 6]]);
    // The first attempt's reply came after the timeout: only the retry's (skipped) and the next batch's count.
    expect(rc.stats()).toMatchObject({ duplicateBatches: 1, batches: 1, failedFlushes: 1 });
  });

  it('loadCounts reads a hash into a CounterMap', async () => {
    await admin.hset(key, 'a', '3', 'é', '1', 'zero', '0', 'neg', '-4', 'max', String(MAX));
    const m = await loadCounts(c.client, key);
    expect(m).toBeInstanceOf(CounterMap);
    expect(sorted(m)).toEqual(sorted(new Map([['a', 3], ['é', 1], ['max', MAX]])));
    expect((await loadCounts(c.client, `${key}:absent`)).size).toBe(0);
    await admin.hset(key, 'junk', '1.5');
    await expect(loadCounts(c.client, key)).rejects.toThrow(/loadCounts: field "junk" of ".*" holds "1.5", not an integer count/);
    await admin.hset(key, 'junk', String(2n ** 60n));
    await expect(loadCounts(c.client, key)).rejects.toThrow(RangeError);
    const s = freshKey();
    await admin.set(s, 'x');
    await expect(loadCounts(c.client, s)).rejects.toThrow(/WRONGTYPE/);
  });

  it(`loadCounts walks a large hash with HSCAN, in many round trips (${HEAVY ? '1M' : '100k'} fields)`, async () => {
    const size = HEAVY ? 1_000_000 : 100_000;
    for (let i = 0; i < size; i += 10_000) {
      const args: string[] = [];
      for (let j = i; j < Math.min(size, i + 10_000); j++) args.push(`field:${j}`, String((j % 97) + 1));
      await admin.hset(key, ...args);
    }
    const scans = { n: 0 };
    const counting = new Proxy(c.client, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function') return v;
        if (prop === 'hscan' || prop === 'hScan') {
          return (...args: unknown[]) => {
            scans.n++;
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return (v as (...a: unknown[]) => unknown).bind(target);
      },
    });
    const m = await loadCounts(counting, key, { count: 1000 });
    expect(m.size).toBe(size);
    let sum = 0;
    const wrong: Array<[string, number]> = [];
    for (const [k, v] of m) {
      if (v !== (Number(k.slice(6)) % 97) + 1) wrong.push([k, v]);
      sum += v;
    }
    expect(wrong).toEqual([]);
    let want = 0;
    for (let j = 0; j < size; j++) want += (j % 97) + 1;
    expect(sum).toBe(want);
    expect(scans.n).toBeGreaterThan(size / 2000);
    m.dispose();
    await admin.del(key);
  });
});

describe.skipIf(!installed)('tophash/redis as a package', () => {
  it('loads from ESM and CommonJS, and its timer never keeps a process alive', async () => {
    const key = freshKey();
    // Counts, flushes, and never closes: the process must still exit by itself.
    const body = (load: string): string => `${load}
const c = new Redis({ host: '127.0.0.1', port: ${server.port} });
const rc = new RedisCounter(c, { key: process.argv[1], flushIntervalMs: 3_600_000 });
rc.incr('x', 2);
rc.flush().then(() => c.quit());`;
    const esm = body(`import { RedisCounter } from 'tophash/redis';\nimport { Redis } from 'ioredis';`);
    const cjs = body(`const { RedisCounter } = require('tophash/redis');\nconst { Redis } = require('ioredis');`);
    const t0 = Date.now();
    await run(process.execPath, ['--input-type=module', '-e', esm, `${key}`], { cwd: process.cwd(), timeout: 20_000 });
    await run(process.execPath, ['-e', cjs, `${key}`], { cwd: process.cwd(), timeout: 20_000 });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(await hash(key)).toEqual(new Map([['x', 4]]));
  });
});
