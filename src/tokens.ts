// Counting tokens from UTF-8 bytes (CounterMap#countTokens, #tokenCounter,
// #countStream). The input goes into wasm a scratch-full at a time; a token
// cut by the end of a piece (or of a stream chunk) is carried over in JS and
// put in front of the next piece, so it is counted once, whole.
//
// Each call is atomic: the bytes are checked to be UTF-8 first (on a shared
// validator instance, so the map is not touched), then counted; if counting
// fails part way (maxBytes, overflow) the tokens already counted are replayed
// with a step of -1, which cannot fail, and the error is rethrown.

import { Core } from './core.js';
import { describe } from './errors.js';

/** Options of countTokens / tokenCounter / countStream. */
export interface TokenOptions {
  /** ASCII characters that separate tokens. Default: ASCII whitespace " \t\n\v\f\r". */
  separators?: string;
  /** Lowercase ASCII A–Z in each token before counting (other letters are kept). Default false. */
  lowercase?: boolean;
}

/** @internal */
export const DEFAULT_SEPARATORS = ' \t\n\v\f\r';

/** @internal */
export interface ParsedTokenOptions {
  separators: string;
  /** 1 at each separator byte value. */
  table: Uint8Array;
  lowercase: boolean;
}

/** @internal */
export function parseTokenOptions(options: TokenOptions | undefined, where: string): ParsedTokenOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  const { separators = DEFAULT_SEPARATORS, lowercase = false } = options;
  if (typeof separators !== 'string') throw new TypeError(`${where}: separators must be a string of ASCII characters, got ${describe(separators)}`);
  if (separators.length === 0) throw new RangeError(`${where}: separators must hold at least one ASCII character, got ""`);
  const table = new Uint8Array(256);
  for (let i = 0; i < separators.length; i++) {
    const c = separators.charCodeAt(i);
    if (c >= 0x80) throw new RangeError(`${where}: separators must be ASCII characters (code < 128), got ${JSON.stringify(separators[i])} at index ${i}`);
    table[c] = 1;
  }
  if (typeof lowercase !== 'boolean') throw new TypeError(`${where}: lowercase must be a boolean, got ${describe(lowercase)}`);
  return { separators, table, lowercase };
}

/** @internal */
export function checkBytes(bytes: unknown, where: string): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${where} needs a Uint8Array (or Buffer) of UTF-8 text, got ${describe(bytes)}`);
  }
}

/** @internal What a CounterMap lends the token counter. */
export interface TokenSink {
  _alive(): void;
  _touch(): void;
  /** The table tokens are counted into (in the core _coreFor returned). */
  _table(): number;
  /** The core, created when `create`; null when empty and not created. */
  _coreFor(create: boolean): Core | null;
  /** Rebuilds for ERR_GROW/ERR_WIDEN, or returns the error to throw. */
  _recover(code: number): unknown;
  /** Adds `by` to the key whose bytes are given (any length). */
  _incrBytes(bytes: Uint8Array, by: number): number;
  _maybeShrink(): void;
  /** Whether the map holds a core now. */
  _hasCore(): boolean;
  /** Drops the core if it holds no entry (a call that counted nothing). */
  _releaseIfEmpty(): void;
}

const EMPTY = new Uint8Array(0);
let validatorCore: Core | undefined;

/** An instance of the core with no table, for its scratch and utf8_validate. */
function validator(): Core {
  return (validatorCore ??= new Core());
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Throws a TypeError at the first byte of `carry + bytes` that is not UTF-8. */
function validateUtf8(carry: Uint8Array, bytes: Uint8Array, final: boolean, where: string): void {
  const v = validator();
  const total = carry.length + bytes.length;
  let src = 0;
  let pending = EMPTY;
  do {
    const u8 = v.view();
    u8.set(pending, v.scratch);
    const start = src - pending.length;
    let n = pending.length;
    const take = Math.min(v.scratchBytes - n, total - src);
    if (src < carry.length) {
      const fromCarry = Math.min(take, carry.length - src);
      u8.set(carry.subarray(src, src + fromCarry), v.scratch + n);
      u8.set(bytes.subarray(0, take - fromCarry), v.scratch + n + fromCarry);
    } else {
      u8.set(bytes.subarray(src - carry.length, src - carry.length + take), v.scratch + n);
    }
    src += take;
    n += take;
    const bad = v.ex.utf8_validate(n, final && src === total ? 1 : 0);
    if (bad >= 0) {
      const at = start + bad - carry.length;
      throw new TypeError(
        at >= 0
          ? `${where}: invalid UTF-8 at byte ${at} of the input (0x${bytes[at]!.toString(16)}); nothing was counted`
          : `${where}: invalid UTF-8 in the token carried over from the previous chunk; nothing was counted`,
      );
    }
    const p = v.ex.utf8_pending();
    pending = u8.slice(v.scratch + n - p, v.scratch + n);
  } while (src < total);
}

/** Whether `carry + bytes[pos..]` holds a token that this pass would count. */
function hasToken(carry: Uint8Array, bytes: Uint8Array, pos: number, final: boolean, table: Uint8Array): boolean {
  if (carry.length > 0) return true;
  let end = bytes.length;
  // Without `final`, bytes after the last separator are carried, not counted.
  if (!final) while (end > pos && table[bytes[end - 1]!] === 0) end--;
  for (let i = pos; i < end; i++) if (table[bytes[i]!] === 0) return true;
  return false;
}

function lowercaseAscii(b: Uint8Array): void {
  for (let i = 0; i < b.length; i++) if (b[i]! - 65 < 26 && b[i]! >= 65) b[i] = b[i]! | 0x20;
}

/** A pass that stopped part way: how many tokens it counted, and why (rethrown after the undo). */
class CountStop extends Error {
  constructor(readonly counted: number, readonly error: unknown) {
    super('token count stopped');
  }
}

/**
 * Counts the tokens of UTF-8 text fed to it chunk by chunk. A token cut
 * across two chunks is counted once; end() counts the last one. Obtained from
 * CounterMap#tokenCounter().
 */
export class TokenCounter {
  private _carry: Uint8Array = EMPTY;
  private _ended = false;
  private readonly _sink: TokenSink;
  private readonly _opts: ParsedTokenOptions;
  private _counted = 0;

  /** @internal */
  constructor(sink: TokenSink, opts: ParsedTokenOptions) {
    this._sink = sink;
    this._opts = opts;
  }

  /** Tokens counted so far by this counter. */
  get tokens(): number {
    return this._counted;
  }

  /** Counts the complete tokens of `chunk`; returns how many. */
  write(chunk: Uint8Array): number {
    if (this._ended) throw new Error('TokenCounter.write after end()');
    checkBytes(chunk, 'TokenCounter.write');
    return this._feed(chunk, false, 'TokenCounter.write');
  }

  /** Counts the token the last chunk ended in, if any; returns how many (0 or 1). */
  end(): number {
    if (this._ended) return 0;
    const n = this._feed(EMPTY, true, 'TokenCounter.end');
    this._ended = true;
    return n;
  }

  /** @internal one whole call: validate, count, undo on failure. */
  _feed(bytes: Uint8Array, final: boolean, where: string): number {
    const sink = this._sink;
    sink._alive();
    validateUtf8(this._carry, bytes, final, where);
    sink._touch();
    const carry0 = this._carry;
    const hadCore = sink._hasCore();
    try {
      const { carry, counted } = this._pass(carry0, bytes, final, 1, Infinity);
      this._carry = carry;
      this._counted += counted;
      // Nothing but separators: a map that held no memory still holds none.
      if (!hadCore) sink._releaseIfEmpty();
      return counted;
    } catch (e) {
      if (!(e instanceof CountStop)) throw e;
      if (e.counted > 0) this._pass(carry0, bytes, final, -1, e.counted);
      if (!hadCore) sink._releaseIfEmpty();
      throw e.error;
    }
  }

  private _pass(carry: Uint8Array, bytes: Uint8Array, final: boolean, by: number, limit: number): { carry: Uint8Array; counted: number } {
    const sink = this._sink;
    const { table, lowercase } = this._opts;
    let counted = 0;
    let pos = 0;
    while (counted < limit && !(pos === bytes.length && (!final || carry.length === 0))) {
      let c: Core | null;
      // A map that holds no table yet makes none for input with no token.
      if (!sink._hasCore() && !hasToken(carry, bytes, pos, final, table)) {
        // Nothing to count yet: only a token the input ends in, carried over.
        if (!final) {
          let start = bytes.length;
          while (start > pos && table[bytes[start - 1]!] === 0) start--;
          carry = bytes.slice(start);
        }
        break;
      }
      try {
        c = sink._coreFor(by > 0);
      } catch (error) {
        throw new CountStop(counted, error);
      }
      if (c === null) break;
      if (carry.length >= c.scratchBytes) {
        // A token longer than the scratch: gather it in JS up to its end.
        let end = pos;
        while (end < bytes.length && table[bytes[end]!] === 0) end++;
        if (end === bytes.length && !final) {
          carry = concat(carry, bytes.subarray(pos));
          break;
        }
        const token = concat(carry, bytes.subarray(pos, end));
        if (lowercase) lowercaseAscii(token);
        try {
          sink._incrBytes(token, by);
        } catch (error) {
          throw new CountStop(counted, error);
        }
        counted++;
        carry = EMPTY;
        pos = end;
        continue;
      }
      this._useSeparators(c);
      let u8 = c.view();
      u8.set(carry, c.scratch);
      const take = Math.min(c.scratchBytes - carry.length, bytes.length - pos);
      u8.set(bytes.subarray(pos, pos + take), c.scratch + carry.length);
      pos += take;
      let n = carry.length + take;
      const last = final && pos === bytes.length;
      for (;;) {
        const r = c.ex.count_tokens(sink._table(), n, by, last ? 1 : 0, lowercase ? 1 : 0, limit - counted);
        counted += c.ex.tokens_done();
        if (r >= 0) {
          u8 = c.view();
          carry = u8.slice(c.scratch + r, c.scratch + n);
          break;
        }
        // Stopped at a token: rebuild (grow/widen) and go on from it, or fail.
        const at = c.ex.token_err_at() >>> 0;
        const rest = c.view().slice(c.scratch + at, c.scratch + n);
        const error = sink._recover(r);
        if (error !== null) throw new CountStop(counted, error);
        c = sink._coreFor(true)!;
        this._useSeparators(c);
        c.view().set(rest, c.scratch);
        n = rest.length;
      }
    }
    if (by < 0) sink._maybeShrink();
    return { carry, counted };
  }

  private _useSeparators(c: Core): void {
    if (c.separators === this._opts.separators) return;
    const u8 = c.view();
    let n = 0;
    for (let b = 0; b < 128; b++) if (this._opts.table[b]) u8[c.scratch + n++] = b;
    c.ex.set_separators(n);
    c.separators = this._opts.separators;
  }
}
