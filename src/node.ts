// tophash/node: what only Node can do. The main entry stays browser-safe.
//
// countFile reads a file with fs.readSync straight into the scratch of the
// wasm instance the map lives in (Core.scratch), a scratch-full at a time, and
// counts each piece in place: the bytes never pass through a JS buffer (a
// token longer than the scratch, 32 KiB, is the one exception). It yields to
// the event loop between segments of SEGMENT bytes, so a long file neither
// freezes the process nor starves onProgress.
//
// Atomic like countTokens: on any failure (invalid UTF-8, a read error, the
// map's maxBytes) the tokens already counted are taken back by reading the
// file again from its start and counting them with a step of -1; a map
// countFile made itself is simply dropped.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CounterMap } from './counter-map.js';
import { describe } from './errors.js';
import type { ByteSource, TokenCounter, TokenOptions } from './tokens.js';


/** Options of countFile. */
export interface CountFileOptions extends TokenOptions {
  /** Count into this map (adding to its counts) instead of a new one. */
  into?: CounterMap;
  /**
   * Called as the file is read (every few MiB, and once at the end) with the
   * bytes counted so far and the file's size.
   */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

/** Bytes counted between two yields to the event loop (and onProgress calls). */
const SEGMENT = 4 << 20;

/** A file read by position: readSync straight into the destination (wasm memory). */
class FileSource implements ByteSource {
  pos = 0;
  end = 0;
  readonly noun = 'file';
  constructor(
    private readonly _fd: number,
    /** The file's size when opened; lowered if it turns out shorter. */
    public size: number,
  ) {}
  fill(u8: Uint8Array, at: number, max: number): number {
    const want = Math.min(max, this.end - this.pos);
    if (want <= 0) return 0;
    const k = readSync(this._fd, u8, at, want, this.pos);
    if (k === 0) {
      // The file was truncated while we read it: it ends here.
      this.size = this.end = this.pos;
    }
    this.pos += k;
    return k;
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Counts the tokens of a UTF-8 text file (split on ASCII whitespace unless
 * `options.separators` says otherwise; ASCII-lowercased with `lowercase`),
 * exactly as `countTokens` would count its bytes. Resolves to the map: a new
 * `CounterMap`, or `options.into`.
 *
 * Rejects with the fs error for a missing file, a directory or a failed read,
 * with a TypeError naming the byte offset for invalid UTF-8, and with a
 * RangeError past the map's maxBytes; in every case nothing from the file is
 * counted (`into` is left exactly as it was).
 */
export async function countFile(path: string | URL, options?: CountFileOptions): Promise<CounterMap> {
  if (typeof path !== 'string' && !(path instanceof URL)) {
    throw new TypeError(`countFile: path must be a string or a file: URL, got ${describe(path)}`);
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`countFile: options must be an object, got ${describe(options)}`);
  }
  const { into, onProgress, ...tokenOptions } = options ?? {};
  if (into !== undefined && !(into instanceof CounterMap)) {
    throw new TypeError(`countFile: into must be a CounterMap, got ${describe(into)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError(`countFile: onProgress must be a function, got ${describe(onProgress)}`);
  }
  const map = into ?? new CounterMap();
  const counter = map.tokenCounter(tokenOptions);
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) readSync(fd, new Uint8Array(1), 0, 1, 0); // throws EISDIR
    if (!st.isFile()) {
      throw new TypeError(`countFile: ${String(path)} is not a regular file; use CounterMap#countStream for pipes and devices`);
    }
    const src = new FileSource(fd, st.size);
    let counted = 0;
    try {
      for (;;) {
        src.end = Math.min(src.pos + SEGMENT, src.size);
        const final = src.end >= src.size;
        counted += counter._feedSource(src, final, 'countFile');
        onProgress?.(src.pos, src.size);
        if (final) break;
        await yieldToEventLoop();
      }
    } catch (e) {
      if (into === undefined) {
        map.dispose();
      } else if (counted > 0) {
        // Take back what the earlier segments counted: the same tokens, from the start.
        try {
          undo(counter, new FileSource(fd, st.size), counted);
        } catch {
          // (the map was disposed meanwhile, or the file can no longer be read)
        }
      }
      throw e;
    }
    return map;
  } finally {
    closeSync(fd);
  }
}

function undo(counter: TokenCounter, src: FileSource, tokens: number): void {
  src.end = src.size;
  counter._undo(src, tokens);
}
