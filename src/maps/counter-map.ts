import { CounterMapBase, NOT_RUN, OP_DELETE, OP_GET, OP_INCR, OP_SET, type BatchStop, type Op } from './base.js';
import { Core } from '../table/core.js';
import { DONE_REBUILD, LAYOUT_STR32, LAYOUT_STR64 } from '../table/codes.js';
import { TokenCounter, parseTokenOptions, type TokenOptions } from '../tokens/tokens.js';
import { checkStep, describe } from '../table/errors.js';
import { readBytes, readOptions, stringKeySource } from '../table/input.js';
import { decode, encodeInto, maxEncodedBytes } from '../records/utf8.js';
import type { CounterMapOptions } from '../table/types.js';
import { snapshotOptions, checkSnapshot, KIND_STRING } from '../records/snapshot.js';
import { readStringKey } from '../records/records.js';
import { BYTES_WORD, R_CANDIDATES_AT, R_ERR_INDEX, R_SLOT_COUNT, R_SLOT_KEY_PTR, SCRATCH_BYTES, WRITE_DELETE, WRITE_INCR, WRITE_SET } from '../table/abi.js';

/** Whether `u8` holds `key` at `at`. */
function bytesAt(u8: Uint8Array, at: number, key: Uint8Array): boolean {
  for (let i = 0; i < key.length; i++) if (u8[at + i] !== key[i]) return false;
  return true;
}

// A key of up to 8 ASCII characters crosses into wasm as two i32 (its inline
// form in a slot, assembly/keys.ts), written here instead of into scratch:
// lo holds chars 0-3, hi chars 4-6 and the length in its top byte (or chars
// 4-7 for an 8-char key, whose last char is then never below 8).
export let packLo = 0;
export let packHi = 0;

/**
 * Packs a short ASCII key into packLo/packHi; false for any other key.
 * Reading the characters is the cost of a string key, so this is unrolled:
 * measured on 1M fresh WordNet tokens (Node 20, ns a token, reading only):
 * this switch 19.7, a charCodeAt loop packing the same words 26.9, a
 * charCodeAt loop writing a Uint8Array 22.1, TextEncoder.encodeInto per key
 * 66.9.
 */
export function pack(key: string): boolean {
  const n = key.length;
  if (n > 8) return false;
  let a = 0;
  let b = 0;
  let or = 0;
  let c: number;
  // Falls through: chars n-1 down to 0.
  switch (n) {
    case 8: c = key.charCodeAt(7); b |= c << 24; or |= c;
    // falls through
    case 7: c = key.charCodeAt(6); b |= c << 16; or |= c;
    // falls through
    case 6: c = key.charCodeAt(5); b |= c << 8; or |= c;
    // falls through
    case 5: c = key.charCodeAt(4); b |= c; or |= c;
    // falls through
    case 4: c = key.charCodeAt(3); a |= c << 24; or |= c;
    // falls through
    case 3: c = key.charCodeAt(2); a |= c << 16; or |= c;
    // falls through
    case 2: c = key.charCodeAt(1); a |= c << 8; or |= c;
    // falls through
    case 1: c = key.charCodeAt(0); a |= c; or |= c;
  }
  if (or >= 0x80) return false;
  if (n < 8) b |= n << 24;
  else if (b >>> 24 < 8) return false;
  packLo = a;
  packHi = b;
  return true;
}


/**
 * A batch of string keys encoded once, while it was read, as the core's
 * batch words (8 bytes: a short ASCII key's inline form; or a
 * [length][BYTES_WORD] word and the key's bytes, padded to 8), in chunks
 * that each fit a scratch: applying it copies a chunk into the scratch and
 * calls the core, and undoing it copies the same bytes again.
 */
interface EncodedBatch {
  /** Keys in the batch. */
  readonly n: number;
  readonly bytes: Uint8Array;
  readonly u32: Uint32Array;
  /**
   * Chunk k is keys [cuts[2k + 1], cuts[2k + 3]) at bytes [cuts[2k],
   * cuts[2k + 2]); the last pair is (the end, n).
   */
  readonly cuts: number[];
  /** Keys too long for a scratch, by chunk (null: none): such a key is a chunk of its own with no bytes. */
  readonly long: Map<number, string> | null;
}

/** The staging buffer a batch borrows (kept up to 256 KiB); a batch read inside another's getter makes its own. */
let spareStaging: Uint32Array | null = null;
/** Its byte view. */
let spareBytes: Uint8Array | null = null;
const STAGING_MAX = 1 << 18;
/** A chunk of up to this many words is copied word by word (a subarray to copy it costs more). */
const COPY_WORDS = 64;

/**
 * Reads a batch of string keys (each element once) and encodes it. The
 * elements' getters, a Proxy's traps or an iterator run here, before
 * anything is written into wasm.
 */
function encodeBatch(keys: unknown, where: string): EncodedBatch {
  const { src, n } = stringKeySource(keys, where);
  let u32: Uint32Array;
  let bytes: Uint8Array;
  if (spareStaging !== null && spareBytes !== null) {
    u32 = spareStaging;
    bytes = spareBytes;
    spareStaging = spareBytes = null;
  } else {
    u32 = new Uint32Array(1 << 10);
    bytes = new Uint8Array(u32.buffer);
  }
  const cuts = [0, 0];
  let long: Map<number, string> | null = null;
  let p = 0;
  let chunkAt = 0;
  for (let i = 0; i < n; i++) {
    const key = src[i];
    if (typeof key !== 'string') throw new TypeError(`${where}: keys[${i}] must be a string, got ${describe(key)}`);
    const short = pack(key);
    const most = short ? 8 : 16 + maxEncodedBytes(key.length);
    if (most > SCRATCH_BYTES) {
      // Alone, by the long-key path: a chunk of its own, with no bytes.
      if (cuts[cuts.length - 1]! < i) cuts.push(p, i);
      (long ??= new Map()).set((cuts.length >> 1) - 1, key);
      cuts.push((chunkAt = p), i + 1);
      continue;
    }
    if (p - chunkAt + most > SCRATCH_BYTES) cuts.push((chunkAt = p), i);
    if (p + most > bytes.length) {
      const grown = new Uint32Array(Math.max(bytes.length * 2, p + most) >> 2);
      grown.set(u32.subarray(0, p >> 2));
      u32 = grown;
      bytes = new Uint8Array(u32.buffer);
    }
    const w = p >> 2;
    if (short) {
      u32[w] = packLo;
      u32[w + 1] = packHi;
      p += 8;
    } else {
      const len = encodeInto(key, bytes, p + 8) - p - 8;
      u32[w] = len;
      u32[w + 1] = BYTES_WORD;
      p += 8 + ((len + 7) & ~7);
    }
  }
  cuts.push(p, n);
  return { n, bytes, u32, cuts, long };
}

function releaseBatch(batch: EncodedBatch): void {
  if (batch.bytes.length > STAGING_MAX) return;
  spareStaging = batch.u32;
  spareBytes = batch.bytes;
}

export function checkStringKey(key: unknown, where = 'CounterMap key'): void {
  if (typeof key !== 'string') throw new TypeError(`${where} must be a string, got ${describe(key)}`);
}

/**
 * Counts per string key: any JS string (empty, any unicode, lone surrogates,
 * any length). A count that reaches 0 deletes its key; get() of an absent
 * key is 0.
 */
export class CounterMap<K extends string = string> extends CounterMapBase<K> {
  /** @internal */
  protected get _name(): string {
    return 'CounterMap';
  }
  /** @internal */
  protected get _narrowLayout(): number {
    return LAYOUT_STR32;
  }
  /** @internal */
  protected get _wideLayout(): number {
    return LAYOUT_STR64;
  }

  /** @internal */
  protected get _kind(): number {
    return KIND_STRING;
  }

  /**
   * A new CounterMap holding the entries of `bytes`, a snapshot() of a CounterMap
   * (from this process, another one, a file). Truncated, corrupt,
   * other-kind or unknown-version bytes throw a TypeError naming what is
   * wrong, and nothing is created. `options` as for the constructor; the
   * table is sized for the snapshot's entries unless initialCapacity is given.
   */
  static fromSnapshot<K extends string = string>(bytes: Uint8Array, options?: CounterMapOptions): CounterMap<K> {
    // The options first (their getters may run code), then the bytes, read
    // once: nothing runs between the checks and the load.
    const opts = readOptions(options);
    const { count, body } = checkSnapshot(readBytes(bytes, 'CounterMap.fromSnapshot', 'holding a snapshot'), KIND_STRING, 'CounterMap.fromSnapshot');
    return new CounterMap<K>(snapshotOptions(opts, count))._load(body, count, 'CounterMap.fromSnapshot');
  }

  /**
   * Counts each string of `iterable`, or adds each [key, count] pair's count
   * (counts <= 0 add nothing, so a Map's zero entries are dropped).
   */
  static from(iterable: Iterable<string | readonly [string, number]>, options?: CounterMapOptions): CounterMap;
  /** With a key type: `CounterMap.from<Method>(['GET', 'POST'])` is a `CounterMap<Method>`. */
  static from<K extends string>(iterable: Iterable<K | readonly [K, number]>, options?: CounterMapOptions): CounterMap<K>;
  static from<K extends string>(iterable: Iterable<K | readonly [K, number]>, options?: CounterMapOptions): CounterMap<K> {
    return new CounterMap<K>(options)._addAll(iterable);
  }

  /** The key's count; 0 when absent. */
  get(key: K): number {
    const c = this._c;
    if (c !== null && typeof key === 'string') {
      if (pack(key)) return c.ex.short_get(this._t, packLo, packHi);
      if (key.length <= c.inlineChars) {
        const at = c.scratch;
        return c.ex.str_get(this._t, at, encodeInto(key, c.view(), at) - at);
      }
    }
    return this._settle(NOT_RUN, OP_GET, key, 0);
  }

  /** Adds `by` (a safe integer, may be negative); returns the new count. At 0 or below the key is deleted and 0 returned. */
  incr(key: K, by: number = 1): number {
    const c = this._c;
    if (c !== null && typeof key === 'string' && typeof by === 'number' && key.length <= c.inlineChars) {
      let r: number;
      if (pack(key)) r = c.ex.short_incr(this._t, packLo, packHi, by);
      else {
        const at = c.scratch;
        r = c.ex.str_incr(this._t, at, encodeInto(key, c.view(), at) - at, by);
      }
      if (r >= 0) return r;
      return this._settle(r, OP_INCR, key, by);
    }
    return this._settle(NOT_RUN, OP_INCR, key, by);
  }

  /** Sets the count (a safe integer >= 0); 0 deletes the key. */
  set(key: K, count: number): this {
    const c = this._c;
    if (c !== null && typeof key === 'string' && typeof count === 'number' && key.length <= c.inlineChars) {
      const at = c.scratch;
      const r = pack(key) ? c.ex.short_write(this._t, packLo, packHi, count, WRITE_SET) : c.ex.str_write(this._t, at, encodeInto(key, c.view(), at) - at, count, WRITE_SET);
      if (r < 0) this._settle(r, OP_SET, key, count);
    } else {
      this._settle(NOT_RUN, OP_SET, key, count);
    }
    return this;
  }

  /** Removes the key; true when it was present. */
  delete(key: K): boolean {
    const c = this._c;
    if (c !== null && typeof key === 'string' && key.length <= c.inlineChars) {
      const at = c.scratch;
      const r = pack(key) ? c.ex.short_write(this._t, packLo, packHi, 0, WRITE_DELETE) : c.ex.str_write(this._t, at, encodeInto(key, c.view(), at) - at, 0, WRITE_DELETE);
      if (r >= 0) return r === 1;
      return this._settle(r, OP_DELETE, key, 0) === 1;
    }
    return this._settle(NOT_RUN, OP_DELETE, key, 0) === 1;
  }

  /**
   * Adds `by` to the count of every string in `keys` (an array or any
   * iterable; a key listed twice is counted twice). Keys cross into wasm a
   * scratch-full (32 KiB) at a time. Atomic: a non-string anywhere, an
   * overflow or running out of memory throws and leaves the map as it was.
   */
  incrMany(keys: Iterable<K> | ArrayLike<K>, by: number = 1): void {
    this._alive();
    checkStep(by);
    const batch = this._reading('incrMany', () => encodeBatch(keys, 'incrMany'));
    try {
      this._batch((from, to, step) => this._applyMany(batch, from, to, step), batch.n, by);
    } finally {
      releaseBatch(batch);
    }
  }

  /** @internal Applies keys [0, to) of an encoded batch (`from` is always 0: a batch or its undo). */
  private _applyMany(batch: EncodedBatch, _from: number, to: number, by: number): BatchStop | null {
    const { bytes, u32, cuts, long } = batch;
    for (let k = 0; 2 * k + 2 < cuts.length && cuts[2 * k + 1]! < to; k++) {
      const key0 = cuts[2 * k + 1]!;
      const longKey = long?.get(k);
      if (longKey !== undefined) {
        try {
          this._settle(NOT_RUN, OP_INCR, longKey as K, by);
        } catch (error) {
          return { done: key0, error };
        }
        continue;
      }
      const count = Math.min(cuts[2 * k + 3]!, to) - key0;
      const end = cuts[2 * k + 2]!;
      let off = cuts[2 * k]!;
      let done = 0;
      while (done < count) {
        const c = this._coreOrStop(by > 0, key0 + done);
        if (c === null) return null;
        if (!(c instanceof Core)) return c;
        // A chunk is cut to fit SCRATCH_BYTES; checked against this instance's scratch all the same.
        if (end - off > c.scratchBytes) {
          return { done: key0 + done, error: new Error(`CounterMap: a batch chunk of ${end - off} bytes does not fit the ${c.scratchBytes}-byte scratch`) };
        }
        const words = (end - off) >> 2;
        if (words > COPY_WORDS) c.view().set(bytes.subarray(off, end), c.scratch);
        else {
          const to32 = c.u8.length === 0 ? (c.refresh(), c.u32) : c.u32;
          for (let j = 0, w = off >> 2; j < words; j++) to32[j] = u32[w + j]!;
        }
        const r = c.ex.str_incr_many(this._t, count - done, by);
        if (r >= 0) break;
        // Resume at the key that stopped: skip the words before it.
        for (let e = c.result(R_ERR_INDEX); e > 0; e--, done++) {
          off += u32[(off >> 2) + 1] === BYTES_WORD ? 8 + ((u32[off >> 2]! + 7) & ~7) : 8;
        }
        const stop = this._recoverOrStop(r, key0 + done);
        if (stop !== null) return stop;
      }
    }
    if (by < 0) this._maybeShrink();
    return null;
  }

  /**
   * Counts the tokens of UTF-8 text: `bytes` is split on separator bytes
   * (ASCII whitespace unless options.separators says otherwise), optionally
   * ASCII-lowercased, and each token counted exactly as incr(token) would
   * count it decoded — without making a JS string per token. The end of
   * `bytes` ends the last token. Invalid UTF-8 throws a TypeError and counts
   * nothing. Returns the number of tokens counted.
   */
  countTokens(bytes: Uint8Array, options?: TokenOptions): number {
    this._alive();
    const input = readBytes(bytes, 'countTokens', 'of UTF-8 text');
    const opts = this._reading('countTokens', () => parseTokenOptions(options, 'countTokens'));
    return new TokenCounter(this, opts)._feed(input, true, 'countTokens');
  }

  /**
   * A counter for text that arrives in chunks (a file or network stream):
   * write(chunk) counts the complete tokens, carrying a token cut by the end
   * of a chunk over to the next, and end() counts the last one.
   */
  tokenCounter(options?: TokenOptions): TokenCounter {
    const opts = this._reading('tokenCounter', () => parseTokenOptions(options, 'tokenCounter'));
    return new TokenCounter(this, opts);
  }

  /**
   * Counts the tokens of a whole stream of UTF-8 chunks: a Node readable
   * (or any async iterable of Uint8Array) or a web ReadableStream. Resolves
   * to the number of tokens counted.
   */
  async countStream(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStream<Uint8Array>,
    options?: TokenOptions,
  ): Promise<number> {
    const counter = this.tokenCounter(options);
    const src = source as { getReader?: () => ReadableStreamDefaultReader<Uint8Array> };
    if (source !== null && typeof source === 'object' && typeof src.getReader === 'function' && !(Symbol.asyncIterator in source)) {
      const reader = src.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          counter.write(value);
        }
      } finally {
        reader.releaseLock();
      }
    } else if (source !== null && typeof source === 'object' && (Symbol.asyncIterator in source || Symbol.iterator in source)) {
      for await (const chunk of source as AsyncIterable<Uint8Array>) counter.write(chunk);
    } else {
      throw new TypeError(`countStream needs a ReadableStream or an (async) iterable of Uint8Array, got ${describe(source)}`);
    }
    counter.end();
    return counter.tokens;
  }

  /** @internal Adds `by` to the key whose UTF-8 bytes are given, of any length. */
  override _incrBytes(bytes: Uint8Array, by: number): number {
    for (;;) {
      const c = this._coreFor(by > 0);
      if (c === null) return 0;
      let r: number;
      if (bytes.length <= c.scratchBytes) {
        c.view().set(bytes, c.scratch);
        r = c.ex.str_incr(this._t, c.scratch, bytes.length, by);
      } else {
        r = this._long(c, OP_INCR, bytes, by);
      }
      if (r >= 0) return r;
      // Room made, and the op runs again; or DONE_REBUILD (done), or the error.
      this._recover(r);
      if (r === DONE_REBUILD) return 0;
    }
  }

  /**
   * @internal An op on a key too long for the scratch (assembly/longkeys.ts):
   * its bytes are streamed through the scratch to hash them, and compared in
   * place with the candidates the table lists, so only inserting it takes
   * memory. Returns the core's result or status code, like the other ops.
   */
  private _long(c: Core, op: Op, bytes: Uint8Array, arg: number): number {
    const ex = c.ex;
    const t = this._t;
    const len = bytes.length;
    const piece = c.scratchBytes & ~7;
    ex.long_begin(t, len);
    let p = 0;
    for (; len - p > piece; p += piece) {
      c.view().set(bytes.subarray(p, p + piece), c.scratch);
      c.ex.long_update(piece, false);
    }
    c.view().set(bytes.subarray(p), c.scratch);
    c.ex.long_update(len - p, true);
    let slot = -1;
    const u8 = c.view();
    for (let j = 0, n = ex.long_candidates(t); j < n && slot < 0; j++) {
      const s = c.h32(c.scratch + SCRATCH_BYTES + R_CANDIDATES_AT, 4 * j);
      ex.slot_read(t, s);
      if (bytesAt(u8, c.result(R_SLOT_KEY_PTR), bytes)) slot = s;
    }
    if (slot >= 0) {
      if (op === OP_GET) {
        ex.slot_read(t, slot);
        return c.result(R_SLOT_COUNT);
      }
      if (op === OP_INCR) return ex.slot_write(t, slot, arg, WRITE_INCR);
      if (op === OP_SET) return ex.slot_write(t, slot, arg, WRITE_SET);
      return ex.slot_write(t, slot, 0, WRITE_DELETE);
    }
    if (op === OP_GET || op === OP_DELETE || arg <= 0) return 0;
    // Arena room first (ERR_ARENA: JS grows it, then the op runs again).
    const at = ex.arena_reserve(t, len) >>> 0;
    if (at === 0) return ex.long_insert(t, arg);
    c.view().set(bytes, at);
    return ex.long_insert(t, arg);
  }

  /** @internal */
  protected _run(op: Op, key: string, arg: number): number {
    const c = this._c!;
    const t = this._t;
    if (maxEncodedBytes(key.length) > c.scratchBytes) {
      const buf = new Uint8Array(maxEncodedBytes(key.length));
      return this._long(c, op, buf.subarray(0, encodeInto(key, buf, 0)), arg);
    }
    const at = c.scratch;
    const len = encodeInto(key, c.view(), at) - at;
    switch (op) {
      case OP_GET: return c.ex.str_get(t, at, len);
      case OP_INCR: return c.ex.str_incr(t, at, len, arg);
      case OP_SET: return c.ex.str_write(t, at, len, arg, WRITE_SET);
      default: return c.ex.str_write(t, at, len, 0, WRITE_DELETE);
    }
  }

  /** @internal */
  protected _checkKey(key: string): void {
    checkStringKey(key);
  }

  /** @internal */
  protected _blank(): CounterMap<K> {
    return new CounterMap<K>();
  }

  /** @internal */
  protected _recordKey(u8: Uint8Array, at: number): K {
    return readStringKey(u8, at) as K;
  }

  /** @internal */
  protected _refKey(core: Core, index: number): K {
    const u32 = core.u32;
    return decode(core.u8, u32[4 * index]!, u32[4 * index + 1]!) as K;
  }
}
