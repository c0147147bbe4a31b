// The two Redis clients of Node, told apart by their methods: the client is
// passed in, so tophash/redis imports neither (both are optional peer
// dependencies) and works with whichever the program already has.
//
//   ioredis             evalsha(sha, numkeys, ...keys, ...args)   hscan(key, cursor, 'COUNT', n) → [cursor, [f, v, ...]]
//   node-redis (redis)  evalSha(sha, { keys, arguments })          hScan(key, cursor, { COUNT: n })
//                         v4: → { cursor: number, tuples: [{ field, value }] }
//                         v5+: → { cursor: string, entries: [{ field, value }] }
import { describe } from '../table/errors.js';

/** What tophash/redis asks of a client. */
export interface ScriptClient {
  readonly kind: 'ioredis' | 'node-redis';
  evalsha(sha: string, keys: string[], args: string[]): Promise<unknown>;
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
  /** One HSCAN step: the next cursor ('0' when done) and [field, value, field, value, ...]. */
  hscan(key: string, cursor: string, count: number): Promise<[string, string[]]>;
}

type Fn = (...args: unknown[]) => Promise<unknown>;

interface IoRedisLike {
  evalsha: Fn;
  eval: Fn;
  hscan: Fn;
}

interface NodeRedisLike {
  evalSha: Fn;
  eval: Fn;
  hScan: Fn;
}

function has<T extends object>(c: object, names: readonly string[]): c is T {
  return names.every((n) => typeof (c as Record<string, unknown>)[n] === 'function');
}

function badReply(what: string, got: unknown): TypeError {
  return new TypeError(`tophash/redis: unexpected ${what} reply from the Redis client: ${describe(got)}`);
}

function fromIoRedis(c: IoRedisLike): ScriptClient {
  return {
    kind: 'ioredis',
    evalsha: (sha, keys, args) => c.evalsha(sha, keys.length, ...keys, ...args),
    eval: (script, keys, args) => c.eval(script, keys.length, ...keys, ...args),
    async hscan(key, cursor, count) {
      const r = await c.hscan(key, cursor, 'COUNT', count);
      if (!Array.isArray(r) || r.length !== 2 || !Array.isArray(r[1])) throw badReply('HSCAN', r);
      return [String(r[0]), r[1] as string[]];
    },
  };
}

function fromNodeRedis(c: NodeRedisLike): ScriptClient {
  return {
    kind: 'node-redis',
    evalsha: (sha, keys, args) => c.evalSha(sha, { keys, arguments: args }),
    eval: (script, keys, args) => c.eval(script, { keys, arguments: args }),
    async hscan(key, cursor, count) {
      const r = (await c.hScan(key, cursor, { COUNT: count })) as {
        cursor?: string | number;
        entries?: Array<{ field: string; value: string }>;
        tuples?: Array<{ field: string; value: string }>;
      } | null;
      const pairs = r?.entries ?? r?.tuples;
      if (r === null || typeof r !== 'object' || r.cursor === undefined || !Array.isArray(pairs)) throw badReply('HSCAN', r);
      const flat = new Array<string>(pairs.length * 2);
      for (let i = 0; i < pairs.length; i++) {
        flat[2 * i] = pairs[i]!.field;
        flat[2 * i + 1] = pairs[i]!.value;
      }
      return [String(r.cursor), flat];
    },
  };
}

/** The client's calls, or a TypeError saying what was expected. */
export function scriptClient(client: unknown, where: string): ScriptClient {
  if (client !== null && (typeof client === 'object' || typeof client === 'function')) {
    // node-redis first: its commands are camelCase (evalSha, hScan), ioredis's lowercase.
    if (has<NodeRedisLike>(client, ['evalSha', 'eval', 'hScan'])) return fromNodeRedis(client);
    if (has<IoRedisLike>(client, ['evalsha', 'eval', 'hscan'])) return fromIoRedis(client);
  }
  throw new TypeError(
    `${where} needs a connected ioredis client (new Redis()) or node-redis v4+ client (createClient() from the redis package), got ${describe(client)}`,
  );
}

/** Whether a failed EVALSHA means "Redis does not have the script" (a restart, SCRIPT FLUSH). */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
