// Counting tokens from UTF-8 bytes (CounterMap#countTokens, #tokenCounter,
// #countStream). The input goes into wasm a scratch-full at a time; a token
// cut by the end of a piece (or of a stream chunk) is carried over in JS and
// put in front of the next piece, so it is counted once, whole.
//
// One pass in wasm (assembly/tokens.ts) validates the UTF-8, splits, lowercases
// and counts; the input is copied into the map's own scratch once (countFile
// reads it there straight from the file). Each call is atomic: if the pass
// fails part way (invalid UTF-8, maxBytes, overflow) the tokens it already
// counted are replayed from the same input with a step of -1, which cannot
// fail, and the error is rethrown.

import type { Core } from '../table/core.js';
import type { Table } from '../table/table.js';
import { describe } from '../table/errors.js';
import { readBytes } from '../table/input.js';
import { ERR_GROW, ERR_UTF8, H_ITEMS, R_SEGMENT_TOKENS, R_TALLY_ENTRIES, R_TALLY_NEXT, R_TALLY_PTR, R_TOKENS_DONE, R_TOKEN_ERR_AT, TOKENS_CHECK, TOKENS_COUNT, TOKENS_FINAL, TOKENS_LOWER } from '../table/abi.js';

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
  /** Lowercasing may turn a token byte into a separator: 'a' is one, 'A' is not. */
  lowerMakesSeparators: boolean;
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
  let lowerMakesSeparators = false;
  for (let c = 0x61; c <= 0x7a; c++) if (lowercase && table[c] && !table[c - 0x20]) lowerMakesSeparators = true;
  return { separators, table, lowercase, lowerMakesSeparators };
}

/**
 * @internal The table tokens are counted into: a map (its Table), or a TopK
 * summary, which has the same members and never takes a negative pass (it
 * gives no core for one: the caller keeps a backup instead).
 */
export type TokenTable = Pick<Table, '_t' | '_c' | '_alive' | '_coreFor' | '_recover' | '_incrBytes' | '_maybeShrink' | '_abandon'> & Partial<Pick<Table, '_growAhead'>>;

const EMPTY = new Uint8Array(0);


/**
 * @internal Where a pass reads its bytes: an array in memory, or a file
 * (src/node.ts). Reads are positional, so a pass can be replayed (to undo it)
 * by setting `pos` back.
 */
export interface ByteSource {
  /** Offset in the input of the next byte to read. */
  pos: number;
  /** Offset at which this feed's bytes end. */
  end: number;
  /** What the offsets count bytes of, for error messages: "input", "file". */
  readonly noun: string;
  /** Writes up to `max` of the next bytes at `u8[at]`; returns how many (0 at the end). */
  fill(u8: Uint8Array, at: number, max: number): number;
  /**
   * Offset at which the whole input ends, when this source is all of it
   * (a file, one countTokens call): growth is then sized from what is left.
   */
  readonly size?: number;
}

/** @internal A Uint8Array as a ByteSource: a plain one (input.ts readBytes), whose length and subarray are the intrinsic ones. */
export class BytesSource implements ByteSource {
  pos = 0;
  end: number;
  readonly size: number | undefined;
  readonly noun = 'input';
  constructor(private readonly _bytes: Uint8Array, whole = false) {
    this.end = _bytes.length;
    this.size = whole ? _bytes.length : undefined;
  }
  fill(u8: Uint8Array, at: number, max: number): number {
    const k = Math.min(max, this.end - this.pos);
    if (k <= 0) return 0;
    u8.set(this._bytes.subarray(this.pos, this.pos + k), at);
    this.pos += k;
    return k;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

/**
 * The offset of the first byte of `b` that does not start or continue valid
 * UTF-8 (a sequence cut by the end is bad at its lead byte), or -1. For
 * tokens longer than the scratch only; everything else is checked in wasm.
 */
function utf8ErrorAt(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c === 0xe0) {
      len = 3;
      lo = 0xa0;
    }
    else if (c === 0xed) {
      len = 3;
      hi = 0x9f;
    }
    else if (c >= 0xe1 && c <= 0xef) len = 3;
    else if (c === 0xf0) {
      len = 4;
      lo = 0x90;
    }
    else if (c >= 0xf1 && c <= 0xf3) len = 4;
    else if (c === 0xf4) {
      len = 4;
      hi = 0x8f;
    }
    else return i;
    for (let k = 1; k < len; k++) {
      if (i + k >= n) return i;
      const d = b[i + k]!;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += len;
  }
  return -1;
}

function utf8Error(where: string, src: ByteSource, at: number, byte: number): TypeError {
  return new TypeError(
    at >= 0
      ? `${where}: invalid UTF-8 at byte ${at} of the ${src.noun} (0x${byte.toString(16)}); nothing was counted`
      : `${where}: invalid UTF-8 in the token carried over from the previous chunk; nothing was counted`,
  );
}

function lowercaseAscii(b: Uint8Array): void {
  for (let i = 0; i < b.length; i++) if (b[i]! - 65 < 26 && b[i]! >= 65) b[i] = b[i]! | 0x20;
}

/**
 * Vocabulary grows about as the square root of the text read (Heaps' law,
 * exponent ~0.4-0.6 on English): a table full at `pos` bytes of a `size`-byte
 * input will likely hold sqrt(size / pos) times its entries by the end.
 * Growing to that at once (at most 4x per step) spares the rebuilds of
 * growing by ~1.5x at a time (each a move to a new instance for a table
 * past 1 MiB: 34 ms of a 100 ms countTokens of 9 MB of English). Where the
 * estimate is too high the table ends emptier, never wrong; a table that
 * refuses it (a budget, no memory) falls back to the ordinary growth.
 */
/**
 * Bytes still to come below which growing ahead does not pay: on a few MB
 * the bigger table's fresh memory costs more than the rebuilds it spares
 * (countTokens of 2 MB of English: 11% slower ahead, 6 MB: 8-13% faster).
 */
const GROW_AHEAD_MIN_LEFT = 4 << 20;

function grewAhead(into: TokenTable, c: Core, src: ByteSource): boolean {
  const size = src.size;
  if (size === undefined || into._growAhead === undefined || src.pos <= 0 || size - src.pos < GROW_AHEAD_MIN_LEFT) return false;
  const factor = Math.min(4, Math.sqrt(size / src.pos));
  if (factor < 2) return false;
  return into._growAhead(Math.ceil(c.h32(into._t, H_ITEMS) * factor));
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
  private readonly _table: TokenTable;
  private readonly _opts: ParsedTokenOptions;
  private _counted = 0;

  /** @internal */
  constructor(table: TokenTable, opts: ParsedTokenOptions) {
    this._table = table;
    this._opts = opts;
  }

  /** Tokens counted so far by this counter. */
  get tokens(): number {
    return this._counted;
  }

  /** Counts the complete tokens of `chunk`; returns how many. */
  write(chunk: Uint8Array): number {
    if (this._ended) throw new Error('TokenCounter.write after end()');
    return this._feed(readBytes(chunk, 'TokenCounter.write', 'of UTF-8 text'), false, 'TokenCounter.write');
  }

  /** Counts the token the last chunk ended in, if any; returns how many (0 or 1). */
  end(): number {
    if (this._ended) return 0;
    const n = this._feed(EMPTY, true, 'TokenCounter.end');
    this._ended = true;
    return n;
  }

  /** @internal one whole call over bytes in memory. */
  _feed(bytes: Uint8Array, final: boolean, where: string): number {
    // A fresh counter's final feed is the whole input (countTokens).
    const whole = final && this._counted === 0 && this._carry.length === 0;
    return this._feedSource(new BytesSource(bytes, whole), final, where);
  }

  /**
   * @internal one whole call: the bytes of `src` from `pos` to `end` (after
   * the carried token), counted in one pass, undone on failure.
   */
  _feedSource(src: ByteSource, final: boolean, where: string): number {
    const table = this._table;
    table._alive();
    const carry0 = this._carry;
    const pos0 = src.pos;
    const hadCore = table._c !== null;
    try {
      const { carry, counted } = this._pass(carry0, src, final, 1, Infinity, where);
      this._carry = carry;
      this._counted += counted;
      // Nothing but separators: a map that held no memory still holds none.
      if (!hadCore) table._abandon();
      return counted;
    } catch (e) {
      if (!(e instanceof CountStop)) throw e;
      if (e.counted > 0) {
        src.pos = pos0;
        this._pass(carry0, src, final, -1, e.counted, where);
      }
      if (!hadCore) table._abandon();
      throw e.error;
    }
  }

  /**
   * @internal Takes back the first `tokens` tokens of `src` (read from its
   * start, with no carry): what earlier feeds of a failed countFile counted.
   */
  _undo(src: ByteSource, tokens: number): void {
    if (tokens > 0) this._pass(EMPTY, src, true, -1, tokens, 'undo');
  }

  /**
   * @internal The tokenizer alone, for the benchmark: validates and splits
   * `bytes` in wasm exactly as countTokens does, counting nothing. Returns the
   * number of tokens. Tokens longer than the scratch are not supported.
   */
  _scan(bytes: Uint8Array): number {
    // (count_tokens without COUNT never touches the table.)
    const c = this._table._coreFor(true, true)!;
    this._useSeparators(c);
    const u8 = c.view();
    const flags = TOKENS_CHECK | (this._opts.lowercase ? TOKENS_LOWER : 0);
    let tokens = 0;
    let carry = 0;
    let pos = 0;
    for (;;) {
      const take = Math.min(c.scratchBytes - carry, bytes.length - pos);
      u8.set(bytes.subarray(pos, pos + take), c.scratch + carry);
      pos += take;
      const n = carry + take;
      const last = pos === bytes.length;
      const r = c.ex.count_tokens(this._table._t, n, 1, flags | (last ? TOKENS_FINAL : 0), Infinity);
      if (r < 0) throw new Error(`_scan: status ${r}`);
      tokens += c.result(R_TOKENS_DONE);
      if (last) return tokens;
      if (r === 0 && n === c.scratchBytes) throw new Error('_scan: a token longer than the scratch');
      u8.copyWithin(c.scratch, c.scratch + r, c.scratch + n);
      carry = n - r;
    }
  }

  private _pass(carry: Uint8Array, src: ByteSource, final: boolean, by: number, limit: number, where: string): { carry: Uint8Array; counted: number } {
    const into = this._table;
    const { table, lowercase } = this._opts;
    // Undoing replays bytes already checked.
    const flags = TOKENS_COUNT | (lowercase ? TOKENS_LOWER : 0) | (by > 0 ? TOKENS_CHECK : 0);
    let counted = 0;
    // Offset in the input of scratch[0]: negative while it holds a token
    // carried over from an earlier call.
    let base = src.pos - carry.length;
    while (counted < limit && !(src.pos >= src.end && (!final || carry.length === 0))) {
      let c: Core | null;
      try {
        c = into._coreFor(by > 0, true);
      } catch (error) {
        throw new CountStop(counted, error);
      }
      if (c === null) break;
      if (carry.length >= c.scratchBytes) {
        // A token longer than the scratch: gather it in JS up to its end.
        const parts = [carry];
        const buf = new Uint8Array(65536);
        let ended = false;
        while (!ended) {
          let k: number;
          try {
            k = src.fill(buf, 0, buf.length);
          } catch (error) {
            throw new CountStop(counted, error);
          }
          if (k === 0) break;
          let j = 0;
          while (j < k && table[buf[j]!] === 0) j++;
          parts.push(buf.slice(0, j));
          if (j < k) {
            src.pos -= k - j;
            ended = true;
          }
        }
        const token = concat(parts);
        if (!ended && !final) {
          carry = token;
          break;
        }
        if (by > 0) {
          const bad = utf8ErrorAt(token);
          if (bad >= 0) throw new CountStop(counted, utf8Error(where, src, base + bad, token[bad]!));
        }
        if (lowercase) lowercaseAscii(token);
        try {
          into._incrBytes(token, by);
        } catch (error) {
          throw new CountStop(counted, error);
        }
        counted++;
        carry = EMPTY;
        base += token.length;
        continue;
      }
      this._useSeparators(c);
      let u8 = c.view();
      u8.set(carry, c.scratch);
      let take: number;
      try {
        take = src.fill(u8, c.scratch + carry.length, c.scratchBytes - carry.length);
      } catch (error) {
        throw new CountStop(counted, error);
      }
      let n = carry.length + take;
      const last = final && src.pos >= src.end;
      // Lowercasing is done in place, and a rebuild resumes from the bytes in
      // scratch: when lowercasing could turn a token byte into a separator
      // (a set with 'a' but not 'A'), keep the piece as it came.
      let original = this._opts.lowerMakesSeparators && by > 0 ? u8.slice(c.scratch, c.scratch + n) : null;
      for (;;) {
        // The one call into the kernel: validate, split, count.
        let r = c.ex.count_tokens(into._t, n, by, flags | (last ? TOKENS_FINAL : 0), limit - counted);
        counted += c.result(R_TOKENS_DONE);
        if (r >= 0) {
          u8 = c.view();
          carry = u8.slice(c.scratch + r, c.scratch + n);
          base += r;
          break;
        }
        const at = c.result(R_TOKEN_ERR_AT) >>> 0;
        if (r === ERR_UTF8) throw new CountStop(counted, utf8Error(where, src, base + at, c.view()[c.scratch + at]!));
        const segmentTokens = c.result(R_SEGMENT_TOKENS);
        // The table refused a token of a segment being flushed: grow it (in
        // its pool, or moved into an instance of its own), move the piece and
        // the tally over if it moved, and finish the flush; or take the
        // segment back and fail. (A move streams entries through the old
        // scratch: keep copies.)
        const piece = c.view().slice(c.scratch, c.scratch + n);
        for (;;) {
          const tallyAt = c.result(R_TALLY_PTR) >>> 0;
          const tally = c.view().slice(tallyAt, tallyAt + 8 * (c.result(R_TALLY_ENTRIES) >>> 0));
          const next = c.result(R_TALLY_NEXT);
          let error: unknown;
          let failed = false;
          try {
            if (!(r === ERR_GROW && grewAhead(into, c, src))) into._recover(r);
          } catch (e) {
            error = e;
            failed = true;
          }
          if (failed) {
            c.view().set(piece, c.scratch);
            c.ex.tally_undo(into._t, by);
            throw new CountStop(counted, error);
          }
          const now = into._coreFor(true, true)!;
          if (now !== c) {
            c = now;
            this._useSeparators(c);
            const to = c.view();
            to.set(piece, c.scratch);
            to.set(tally, c.result(R_TALLY_PTR) >>> 0);
            c.ex.tally_load(tally.length / 8, next);
          }
          r = c.ex.tally_flush(into._t, by);
          if (r >= 0) break;
        }
        counted += segmentTokens;
        // Go on with the rest of the piece (as it came, when lowercasing in
        // place may have turned a byte of the next token into a separator).
        const u = c.view();
        const rest = original !== null ? (original = original.subarray(at)) : piece.subarray(at);
        u.set(rest, c.scratch);
        n -= at;
        base += at;
      }
    }
    if (by < 0) into._maybeShrink();
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
