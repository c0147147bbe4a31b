// Counting byte ranges of an open file into a map: the loop behind
// countFile, run by the calling thread and by each worker (count-worker.ts).
// The bytes go from fs.readSync straight into the scratch of the map's wasm
// instance, never through a JS buffer.
//
// Nothing is ever taken back by reading the file again (it may have changed
// since): countRanges counts into a map countFile made for the call, which
// is dropped on failure; countKeeping counts into the caller's map and keeps
// the bytes it read, to replay them if the count must be taken back.

import { readSync } from 'node:fs';
import type { CounterMap } from '../maps/counter-map.js';
import type { TopK } from '../maps/topk.js';
import { TokenCounter, type ByteSource, type ParsedTokenOptions } from '../tokens/tokens.js';

/** Bytes counted between two yields to the event loop (and progress reports). */
export const SEGMENT = 4 << 20;

/** A file read by position: readSync straight into the destination (wasm memory). */
export class FileSource implements ByteSource {
  end = 0;
  readonly noun = 'file';
  constructor(
    private readonly _fd: number,
    /** Where the range starts: offsets in errors are offsets in the file. */
    public pos: number,
    /** Where the range ends; lowered if the file turns out shorter. */
    public size: number,
  ) {}
  fill(u8: Uint8Array, at: number, max: number): number {
    const want = Math.min(max, this.end - this.pos);
    if (want <= 0) return 0;
    const k = readSync(this._fd, u8, at, want, this.pos);
    if (k === 0) {
      // The file was truncated while we read it: it ends here (countFile
      // sees the new size when it checks the file after counting).
      this.size = this.end = this.pos;
    }
    this.pos += k;
    return k;
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Hands out the next byte range [start, end) to count, or null when none is left. */
export type Claim = () => readonly [number, number] | null;

/** What the count loop reports and asks between segments. */
export interface RangeHooks {
  /** Called after each segment with the bytes this loop has counted so far; may throw to stop. */
  progress?: (bytesDone: number) => void;
  /** Called after each yield to the event loop, before the next segment; throws to stop (an abort). */
  check?: () => void;
}

/**
 * Counts the tokens of every range `claim` hands out into `map` (a map or a
 * TopK), a segment at a time, yielding to the event loop between segments.
 * Each range must start and end at a token boundary (countFile cuts after
 * separator bytes). On failure `map` holds part of the work: the caller
 * drops it.
 */
export async function countRanges(
  map: CounterMap | TopK,
  fd: number,
  claim: Claim,
  options: ParsedTokenOptions,
  hooks: RangeHooks = {},
): Promise<void> {
  const counter = new TokenCounter(map, options);
  let before = 0;
  for (let range = claim(); range !== null; range = claim()) {
    const [start, end] = range;
    const src = new FileSource(fd, start, end);
    for (;;) {
      src.end = Math.min(src.pos + SEGMENT, src.size);
      const final = src.end >= src.size;
      counter._feedSource(src, final, 'countFile');
      hooks.progress?.(before + src.pos - start);
      await yieldToEventLoop();
      hooks.check?.();
      if (final) break;
    }
    before += src.pos - start;
  }
}

/** One range, [start, end), then none: countRanges over a single range. */
export function once(start: number, end: number): Claim {
  let given = false;
  return () => {
    if (given) return null;
    given = true;
    return [start, end];
  };
}

/**
 * A file read by position straight into the destination, as FileSource, and
 * each byte read also copied into `kept` (at its offset in the file). Bytes
 * read once are served from `kept` ever after (a failed segment replays its
 * bytes to take them back), so every replay sees exactly the bytes counted.
 */
class KeepingSource extends FileSource {
  /** Bytes [0, read) are in `kept`. */
  read = 0;
  constructor(fd: number, size: number, private readonly _kept: Uint8Array) {
    super(fd, 0, size);
  }
  override fill(u8: Uint8Array, at: number, max: number): number {
    const from = this.pos;
    if (from < this.read) {
      const k = Math.min(max, this.end - from, this.read - from);
      if (k <= 0) return 0;
      u8.set(this._kept.subarray(from, from + k), at);
      this.pos += k;
      return k;
    }
    const k = super.fill(u8, at, max);
    this._kept.set(u8.subarray(at, at + k), from);
    this.read = this.pos;
    return k;
  }
}

/** The kept bytes read back by file offset: what an undo replays. */
class KeptSource implements ByteSource {
  readonly noun = 'file';
  pos = 0;
  constructor(private readonly _kept: Uint8Array, public end: number) {}
  fill(u8: Uint8Array, at: number, max: number): number {
    const k = Math.min(max, this.end - this.pos);
    if (k <= 0) return 0;
    u8.set(this._kept.subarray(this.pos, this.pos + k), at);
    this.pos += k;
    return k;
  }
}

/**
 * Counts bytes [0, size) of `fd` straight into `map`, the caller's map,
 * keeping a copy of every byte read: on failure (and when the returned
 * function is called) the count is taken back by replaying that copy with a
 * step of -1, never by reading the file again. The copy is the file's size,
 * so countFile takes this path for files of up to KEEP_LIMIT bytes; it
 * spares a map of the file's own and its merge.
 */
export async function countKeeping(
  map: CounterMap,
  fd: number,
  size: number,
  options: ParsedTokenOptions,
  hooks: RangeHooks = {},
): Promise<() => void> {
  const counter = new TokenCounter(map, options);
  const kept = new Uint8Array(size);
  const src = new KeepingSource(fd, size, kept);
  let counted = 0;
  const undo = (): void => {
    // (The source's position is where the count got to; a segment that
    // failed has taken its own tokens back already.)
    if (counted > 0) counter._undo(new KeptSource(kept, src.pos), counted);
    counted = 0;
  };
  try {
    for (;;) {
      src.end = Math.min(src.pos + SEGMENT, src.size);
      const final = src.end >= src.size;
      counted += counter._feedSource(src, final, 'countFile');
      hooks.progress?.(src.pos);
      await yieldToEventLoop();
      hooks.check?.();
      if (final) return undo;
    }
  } catch (e) {
    try {
      undo();
    } catch {
      // (the map was disposed meanwhile)
    }
    throw e;
  }
}

/** Files up to this size counted into a caller's map are kept in memory for the undo (countKeeping). */
export const KEEP_LIMIT = 64 << 20;

/**
 * @internal
 * Cuts [0, size) into at most `n` ranges of about equal size, each ending
 * just after a separator byte (or at the end of the file), so that no token
 * spans two ranges. Ranges a long token swallowed whole are dropped.
 */
export function cutRanges(fd: number, size: number, n: number, separators: Uint8Array): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const buf = new Uint8Array(64 << 10);
  let start = 0;
  for (let k = 1; k <= n && start < size; k++) {
    let cut = k === n ? size : Math.max(start, Math.floor((size * k) / n));
    // The first separator at or after the nominal cut ends the range.
    search: while (cut < size) {
      const got = readSync(fd, buf, 0, Math.min(buf.length, size - cut), cut);
      if (got === 0) {
        cut = size;
        break;
      }
      for (let i = 0; i < got; i++) {
        if (separators[buf[i]!] === 1) {
          cut += i + 1;
          break search;
        }
      }
      cut += got;
    }
    if (cut > start) ranges.push([start, cut]);
    start = cut;
  }
  return ranges;
}
