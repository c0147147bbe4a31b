// tophash/redis: counts from many processes meet in one Redis hash. Each
// process counts locally (in wasm, no I/O per event) and flushes the net
// deltas in batches, each applied atomically by one script (redis-script.ts).
//
//   incr/decr ──► pending (SignedDeltas) ──flush: swap──► draining ──► batches of ≤ batchKeys
//                                                                      │  seq 1, 2, 3 ... (one writer id)
//                                                                      ▼
//                                              EVALSHA: skip if seq <= writer's mark, else check all,
//                                              HINCRBY / HDEL, mark = seq (all or nothing)
//
// Up to PIPELINE batches are sent at once, in sequence order; Redis applies
// a batch only after its predecessor. A batch that was not acknowledged
// (refused connection, timeout, an error reply, or a predecessor that was
// not applied) is kept as it is, sequence number included, with every batch
// after it, and sent again first by the next flush; deltas counted meanwhile
// go to later batches. So a batch whose reply was lost after Redis applied
// it is recognised by its sequence number and skipped, and one that was
// never applied is applied once.
import { createHash, randomBytes } from 'node:crypto';
import { CounterMap } from './maps/counter-map.js';
import { describe } from './table/errors.js';
import { isNoScript, scriptClient, type ScriptClient } from './integrations/redis-client.js';
import { APPLY_BATCH } from './integrations/redis-script.js';
import { SignedDeltas } from './integrations/signed-deltas.js';

const SHA = createHash('sha1').update(APPLY_BATCH).digest('hex');

/**
 * Batches sent at once, without waiting for replies. One round trip per
 * batch is what a flush costs most on a busy machine (a reply waits for
 * both processes to be scheduled): a flush of 10,000 keys in batches of
 * 1,000 took 64 ms instead of 98-106 ms with one in flight (Node 20 and
 * Redis 7.0 sharing 2 cores under a load average of 13-19).
 * It also bounds the synchronous work of a flush step (PIPELINE × batchKeys keys).
 */
const PIPELINE = 8;

/** The most keys a new pending map makes room for up front (after an outage, pending maps can be much larger than one interval's keys). */
const ROOM_KEYS = 1 << 16;

/** A batch's fields take at most this many UTF-16 code units (one longer key goes alone). */
const BATCH_CHARS = 1 << 20;

/** Options of {@link RedisCounter}. */
export interface RedisCounterOptions {
  /** The Redis hash the counts go to. */
  key: string;
  /**
   * Flush this often (ms) while there is something to send; 0 for no timer
   * (flush() and close() only). The timer is unref'd: it never keeps a
   * process alive. Default 1000.
   */
  flushIntervalMs?: number;
  /**
   * The most keys with a delta not yet acknowledged by Redis (pending, being
   * sent, or kept for a retry). Past it, counting a key that has no delta
   * yet throws a RangeError and counts nothing; a key that already has a
   * delta waiting to be sent still counts. Default 1,000,000 (about 20-40 MB of wasm memory for short keys).
   */
  maxPendingKeys?: number;
  /** Fields per script call (each call is one atomic batch). Default 1000. */
  batchKeys?: number;
  /** A script call with no answer after this long (ms) counts as failed, and its batch is kept for a retry. Default 5000. */
  timeoutMs?: number;
  /**
   * How long (ms) Redis remembers the last batch this counter had applied,
   * renewed by each batch: the window in which a retried batch is
   * recognised as already applied. Default 86,400,000 (24 h).
   */
  writerTtlMs?: number;
  /** Called with the error of each flush the timer started that failed (they are also in stats().lastError). */
  onError?: (error: unknown) => void;
}

/** What {@link RedisCounter.stats} reports. */
export interface RedisCounterStats {
  /** Keys with a delta not yet acknowledged by Redis (pending, being sent, or kept for a retry). */
  pendingKeys: number;
  /** Flushes that completed. */
  flushes: number;
  /** Flushes that failed (their deltas were kept). */
  failedFlushes: number;
  /** Batches Redis applied. */
  batches: number;
  /** Retried batches Redis had already applied (their first reply was lost), so skipped. */
  duplicateBatches: number;
  /** Bytes of the script calls sent, retries included (the Redis protocol's encoding). */
  bytesSent: number;
  /** Script calls sent, retries included. */
  calls: number;
  /** Milliseconds the last completed flush took. */
  lastFlushMs: number;
  /** The error of the last failed flush, or null. */
  lastError: unknown;
}

/** One script call's worth of deltas, kept as sent until Redis acknowledges it. */
interface Batch {
  /** [sequence, writer key life, the fields and deltas as JSON] (redis-script.ts; the pipelined flag is added per call) */
  readonly args: string[];
  readonly keys: number;
  /** Bytes of the call in the Redis protocol (RESP), with EVALSHA. */
  readonly bytes: number;
}

/** Bytes of one RESP bulk string of `len` bytes: $<len>\r\n<bytes>\r\n. */
function bulk(len: number): number {
  return len + String(len).length + 5;
}

function checkPositiveInt(v: unknown, what: string, min: number): number {
  if (typeof v !== 'number') throw new TypeError(`RedisCounter: options.${what} must be a number, got ${describe(v)}`);
  if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`RedisCounter: options.${what} must be an integer >= ${min}, got ${describe(v)}`);
  return v;
}

function checkKeyName(key: unknown, where: string): string {
  if (typeof key !== 'string') throw new TypeError(`${where} must be a string (the Redis hash's name), got ${describe(key)}`);
  if (key === '') throw new RangeError(`${where} must not be empty`);
  return key;
}

const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * A counter whose counts live in a Redis hash shared by any number of
 * processes. incr()/decr() count locally, synchronously, with no I/O; the
 * net deltas go to Redis every `flushIntervalMs`, on flush(), and on
 * close(). A count that reaches 0 or below in Redis deletes its field.
 *
 * Each delta is applied exactly once while Redis keeps what it acknowledged
 * (see the README, "Counting across processes"): a flush that fails keeps
 * its deltas for the next one, and a batch whose reply was lost is
 * recognised and not applied again.
 */
export class RedisCounter {
  private readonly _client: ScriptClient;
  private readonly _key: string;
  /** [the hash, this writer's key]: the script's KEYS. */
  private readonly _keys: string[];
  /** Their bytes in a script call. */
  private readonly _keyBytes: number;
  private readonly _ttl: string;
  private readonly _max: number;
  private readonly _batchKeys: number;
  private readonly _timeoutMs: number;
  private readonly _onError: ((error: unknown) => void) | undefined;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _closed = false;

  /** Where incr() counts. */
  private _pending = new SignedDeltas();
  /** The deltas being sent (taken from _pending by a flush), or null. */
  private _draining: SignedDeltas | null = null;
  /** _draining's entries not yet in a batch; null once all are. */
  private _drainIt: Iterator<[string, number]> | null = null;
  /** An entry read from _drainIt that did not fit the last batch. */
  private _peek: [string, number] | null = null;
  /** _draining's keys not yet acknowledged by Redis. */
  private _drainLeft = 0;
  /** Batches formed and not yet acknowledged, in sequence order: being sent, or to send again. */
  private readonly _queue: Batch[] = [];
  private _seq = 0;

  private _running: Promise<void> | null = null;
  private _queued: Promise<void> | null = null;

  private _flushes = 0;
  private _failed = 0;
  private _applied = 0;
  private _duplicates = 0;
  private _bytes = 0;
  private _calls = 0;
  private _lastMs = 0;
  private _lastError: unknown = null;

  /**
   * @param client a connected ioredis (`new Redis()`) or node-redis v4+
   *   (`await createClient().connect()`) client; the counter never closes it.
   * @throws TypeError/RangeError for a client of neither kind or bad options.
   */
  constructor(client: unknown, options: RedisCounterOptions) {
    this._client = scriptClient(client, 'RedisCounter');
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`RedisCounter needs options with at least { key }, got ${describe(options)}`);
    }
    this._key = checkKeyName(options.key, 'RedisCounter: options.key');
    const interval = checkPositiveInt(options.flushIntervalMs ?? 1000, 'flushIntervalMs', 0);
    this._max = checkPositiveInt(options.maxPendingKeys ?? 1_000_000, 'maxPendingKeys', 1);
    this._batchKeys = checkPositiveInt(options.batchKeys ?? 1000, 'batchKeys', 1);
    this._timeoutMs = checkPositiveInt(options.timeoutMs ?? 5000, 'timeoutMs', 1);
    this._ttl = String(checkPositiveInt(options.writerTtlMs ?? 86_400_000, 'writerTtlMs', 1000));
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw new TypeError(`RedisCounter: options.onError must be a function, got ${describe(options.onError)}`);
    }
    this._onError = options.onError;
    // 96 random bits: writers never share a key, so their sequences never meet.
    this._keys = [this._key, `${this._key}:tophash-writer:${randomBytes(12).toString('base64url')}`];
    this._keyBytes = bulk(Buffer.byteLength(this._keys[0]!)) + bulk(Buffer.byteLength(this._keys[1]!));
    if (interval > 0) {
      this._timer = setInterval(() => this._tick(), interval);
      this._timer.unref();
    }
  }

  /** The Redis hash the counts go to. */
  get key(): string {
    return this._key;
  }

  /** Keys with a delta not yet acknowledged by Redis. */
  get pendingKeys(): number {
    return this._pending.size + this._drainLeft;
  }

  /**
   * Adds `by` (a safe integer, may be negative) to the key's count: locally,
   * now; in Redis at the next flush.
   * @throws TypeError for a key that is not a string or holds a lone
   *   surrogate (Redis fields are UTF-8), TypeError/RangeError for a bad
   *   `by`, RangeError when `maxPendingKeys` keys are pending and this one
   *   is new, Error after close(). Nothing is counted then.
   */
  incr(key: string, by: number = 1): void {
    if (typeof key !== 'string' || !Number.isSafeInteger(by) || this._closed || !wellFormed(key)) this._reject(key, by);
    if (by === 0) return;
    if (this._pending.add(key, by) === 1 && this._pending.size + this._drainLeft > this._max) {
      this._pending.add(key, -by);
      throw this._full(key);
    }
  }

  /** Same as incr(key, -by). */
  decr(key: string, by: number = 1): void {
    if (typeof by !== 'number' || !Number.isSafeInteger(by)) this._reject(key, by);
    this.incr(key, -by);
  }

  /**
   * Sends every delta counted before this call to Redis. Resolves when Redis
   * has acknowledged all of them; rejects with the first error (a refused
   * connection, a timeout, an error reply), keeping every delta not
   * acknowledged for the next flush. Calls made while one runs queue up
   * behind it (at most one waits; later calls share it).
   */
  flush(): Promise<void> {
    if (this._running === null) return this._start();
    if (this._queued === null) {
      const after = (): Promise<void> => {
        this._queued = null;
        return this._start();
      };
      this._queued = this._running.then(after, after);
    }
    return this._queued;
  }

  /**
   * Stops the timer, refuses further counting and flushes. If the final
   * flush fails it rejects, and the deltas stay: call close() (or flush())
   * again. The client is left open.
   */
  async close(): Promise<void> {
    this._closed = true;
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
    await this.flush();
  }

  /** Counters of what was sent, for monitoring. */
  stats(): RedisCounterStats {
    return {
      pendingKeys: this.pendingKeys,
      flushes: this._flushes,
      failedFlushes: this._failed,
      batches: this._applied,
      duplicateBatches: this._duplicates,
      bytesSent: this._bytes,
      calls: this._calls,
      lastFlushMs: this._lastMs,
      lastError: this._lastError,
    };
  }

  get [Symbol.toStringTag](): string {
    return 'RedisCounter';
  }

  private _reject(key: unknown, by: unknown): never {
    if (this._closed) throw new Error(`RedisCounter ${JSON.stringify(this._key)} was closed: it counts no more`);
    if (typeof key !== 'string') throw new TypeError(`RedisCounter key must be a string, got ${describe(key)}`);
    if (!wellFormed(key)) {
      throw new TypeError(`RedisCounter key ${describe(key)} holds a lone surrogate: Redis stores fields as UTF-8, where it has no encoding`);
    }
    if (typeof by !== 'number') throw new TypeError(`step must be a number (a safe integer), got ${describe(by)}`);
    throw new RangeError(`step must be a safe integer, got ${describe(by)}`);
  }

  private _full(key: string): RangeError {
    const why = this._lastError === null ? '' : `; the last flush failed: ${this._lastError instanceof Error ? this._lastError.message : describe(this._lastError)}`;
    return new RangeError(
      `RedisCounter ${JSON.stringify(this._key)}: ${this._max} keys are waiting for Redis (maxPendingKeys), so the new key ${describe(key)} was not counted${why}`,
    );
  }

  private _tick(): void {
    if (this._running !== null || (this._queue.length === 0 && this._drainIt === null && this._pending.size === 0)) return;
    this.flush().catch((e: unknown) => this._onError?.(e));
  }

  private _start(): Promise<void> {
    const p = this._flushNow().finally(() => {
      this._running = null;
    });
    this._running = p;
    return p;
  }

  private async _flushNow(): Promise<void> {
    const t0 = performance.now();
    try {
      // What was pending when this flush started is behind what an earlier
      // flush left (kept batches, draining keys not yet sent): those go
      // first, then one swap. Deltas counted during the flush wait for the
      // next one, so a flush under steady counting still ends.
      let swapped = false;
      for (;;) {
        if (this._queue.length === 0 && this._drainIt === null) {
          if (this._draining !== null) {
            this._draining.dispose();
            this._draining = null;
            this._drainLeft = 0;
          }
          if (swapped || this._pending.size === 0) break;
          // The next interval likely touches as many keys: room for them
          // up front (up to ROOM_KEYS), so the new maps do not rebuild
          // while they fill. Measured on 500k events over 10k keys flushed
          // every 100 ms: counting took 160-210 ms instead of 290-680 ms
          // into maps that grew from empty at each swap.
          const d = this._pending;
          this._pending = new SignedDeltas(Math.min(d.pos.size, ROOM_KEYS), Math.min(d.neg.size, ROOM_KEYS));
          this._draining = d;
          this._drainLeft = d.size;
          this._drainIt = d.entries();
          swapped = true;
        }
        while (this._queue.length < PIPELINE && this._drainIt !== null) {
          const b = this._nextBatch();
          if (b !== null) this._queue.push(b);
        }
        if (this._queue.length > 0) await this._sendQueue();
      }
      this._flushes++;
      this._lastMs = performance.now() - t0;
    } catch (e) {
      this._failed++;
      this._lastError = e;
      throw e;
    }
  }

  /**
   * Sends every queued batch at once and drops those Redis acknowledged;
   * throws (keeping the rest, in order) unless all were. The first goes as
   * "every batch before me was acknowledged", the others as "apply me only
   * right after my predecessor".
   */
  private async _sendQueue(): Promise<void> {
    const q = this._queue.slice();
    const results = await Promise.allSettled(q.map((b, i) => this._send(b, i > 0)));
    // A batch applied or found applied means every batch before it was
    // applied too (a pipelined batch applies only after its predecessor),
    // whatever their own replies said (a timeout, a lost connection).
    let acked = -1;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled' && r.value !== 2) acked = i;
    });
    for (let i = 0; i <= acked; i++) {
      const r = results[i]!;
      if (r.status === 'fulfilled' && r.value === 0) this._duplicates++;
      else this._applied++;
      this._drainLeft -= q[i]!.keys;
    }
    this._queue.splice(0, acked + 1);
    if (this._queue.length > 0) {
      const failed = results.slice(acked + 1).find((r): r is PromiseRejectedResult => r.status === 'rejected');
      throw failed !== undefined
        ? failed.reason
        : new Error(`RedisCounter ${JSON.stringify(this._key)}: Redis skipped batches whose predecessor it had not applied; they are kept and sent again by the next flush`);
    }
  }

  /** The next batch of _draining's entries, or null (and _drainIt null) when none are left. */
  private _nextBatch(): Batch | null {
    const it = this._drainIt!;
    const parts: string[] = [];
    let chars = 0;
    let n = 0;
    while (n < this._batchKeys) {
      let e = this._peek;
      this._peek = null;
      if (e === null) {
        const r = it.next();
        if (r.done) {
          this._drainIt = null;
          break;
        }
        e = r.value;
      }
      if (n > 0 && chars + e[0].length > BATCH_CHARS) {
        this._peek = e;
        break;
      }
      parts.push(e[0], String(e[1]));
      chars += e[0].length;
      n++;
    }
    if (n === 0) return null;
    const seq = String(++this._seq);
    const json = JSON.stringify(parts);
    // *9 EVALSHA sha 2 key writer-key seq ttl json pipelined
    const bytes = 4 + bulk(7) + bulk(40) + bulk(1) + this._keyBytes + bulk(seq.length) + bulk(this._ttl.length) + bulk(Buffer.byteLength(json)) + bulk(1);
    return { args: [seq, this._ttl, json], keys: n, bytes };
  }

  /**
   * Sends a batch (EVALSHA, or EVAL when Redis lacks the script). Resolves to
   * the script's reply: 1 applied, 0 applied before, 2 not applied (its
   * predecessor was not); rejects when there is no reply.
   */
  private async _send(b: Batch, pipelined: boolean): Promise<number> {
    const args = [...b.args, pipelined ? '1' : '0'];
    let reply: unknown;
    this._calls++;
    this._bytes += b.bytes;
    try {
      reply = await this._timed(this._client.evalsha(SHA, this._keys, args));
    } catch (e) {
      if (!isNoScript(e)) throw e;
      this._calls++;
      this._bytes += b.bytes - bulk(40) + bulk(Buffer.byteLength(APPLY_BATCH)) - 3;
      reply = await this._timed(this._client.eval(APPLY_BATCH, this._keys, args));
    }
    if (reply === 0 || reply === 1 || reply === 2) return reply;
    throw new TypeError(`RedisCounter: unexpected reply to the batch script: ${describe(reply)} (a Redis without Lua scripting?)`);
  }

  /** The call's result, or a rejection after timeoutMs (the call may still complete later: its batch's sequence number makes that harmless). */
  private _timed<T>(call: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`RedisCounter ${JSON.stringify(this._key)}: no reply from Redis within ${this._timeoutMs} ms; the batch is kept and sent again by the next flush`));
      }, this._timeoutMs);
      call.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the client's own error, as it gave it
          reject(e);
        },
      );
    });
  }
}

/** Options of {@link loadCounts}. */
export interface LoadCountsOptions {
  /** HSCAN's COUNT: fields asked per round trip (a hint to Redis). Default 1000. */
  count?: number;
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/** A reply value in an error message: a string quoted (cut at 40 chars), anything else described. */
function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v) : describe(v);
}

/**
 * A CounterMap of the Redis hash `key` (field → count), read with HSCAN a
 * `count` of fields at a time, so a large hash neither blocks Redis nor
 * arrives as one huge reply. Fields written meanwhile may or may not be
 * seen (HSCAN's guarantee); a field HSCAN returns twice is counted once.
 * Values of 0 or below are left out, as counts <= 0 are in a CounterMap.
 * @throws TypeError for a bad client or a value that is not an integer
 *   (nothing is returned then); RangeError for one past
 *   Number.MAX_SAFE_INTEGER; the client's error if Redis fails (WRONGTYPE
 *   for a key that is not a hash).
 */
export async function loadCounts(client: unknown, key: string, options: LoadCountsOptions = {}): Promise<CounterMap> {
  const c = scriptClient(client, 'loadCounts');
  checkKeyName(key, 'loadCounts: key');
  if (options === null || typeof options !== 'object') throw new TypeError(`loadCounts: options must be an object, got ${describe(options)}`);
  const count = options.count ?? 1000;
  if (typeof count !== 'number') throw new TypeError(`loadCounts: options.count must be a number, got ${describe(count)}`);
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`loadCounts: options.count must be an integer >= 1, got ${describe(count)}`);
  const m = new CounterMap();
  try {
    let cursor = '0';
    do {
      const [next, flat] = await c.hscan(key, cursor, count);
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const field = flat[i]!;
        const value = flat[i + 1]!;
        if (typeof field !== 'string' || typeof value !== 'string' || !INTEGER.test(value)) {
          throw new TypeError(`loadCounts: field ${quote(field)} of ${JSON.stringify(key)} holds ${quote(value)}, not an integer count`);
        }
        const n = Number(value);
        if (!Number.isSafeInteger(n)) {
          throw new RangeError(`loadCounts: field ${quote(field)} of ${JSON.stringify(key)} holds ${value}, past Number.MAX_SAFE_INTEGER`);
        }
        // set, not incr: HSCAN may return a field twice.
        m.set(field, n > 0 ? n : 0);
      }
      cursor = next;
    } while (cursor !== '0');
  } catch (e) {
    m.dispose();
    throw e;
  }
  return m;
}
