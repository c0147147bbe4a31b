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
import type { CounterMap } from './counter-map.js';
import type { ByteSource, TokenOptions } from './tokens.js';

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
 * Counts the tokens of every range `claim` hands out into `map`, a segment
 * at a time, yielding to the event loop between segments. Each range must
 * start and end at a token boundary (countFile cuts after separator bytes).
 * On failure `map` holds part of the work: the caller drops it.
 */
export async function countRanges(
  map: CounterMap,
  fd: number,
  claim: Claim,
  options: TokenOptions,
  hooks: RangeHooks = {},
): Promise<void> {
  const counter = map.tokenCounter(options);
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
 * The bytes of a file kept in memory as they were read (from offset 0, one
 * array per segment): a source that reads them back by file offset, so that
 * a count from them can be replayed exactly, whatever the file does since.
 */
class KeptSource implements ByteSource {
  readonly noun = 'file';
  constructor(
    private readonly _kept: readonly Uint8Array[],
    public pos: number,
    public end: number,
  ) {}
  fill(u8: Uint8Array, at: number, max: number): number {
    let k = 0;
    // Segments are SEGMENT bytes each, but the last.
    while (k < max && this.pos < this.end) {
      const seg = this._kept[Math.floor(this.pos / SEGMENT)]!;
      const off = this.pos % SEGMENT;
      const n = Math.min(max - k, this.end - this.pos, seg.length - off);
      u8.set(seg.subarray(off, off + n), at + k);
      k += n;
      this.pos += n;
    }
    return k;
  }
}

/** Reads up to `n` bytes at `pos` (fewer only at the end of the file). */
function readFully(fd: number, pos: number, n: number): Uint8Array {
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const k = readSync(fd, buf, got, n - got, pos + got);
    if (k === 0) return buf.subarray(0, got);
    got += k;
  }
  return buf;
}

/**
 * Counts bytes [0, size) of `fd` straight into `map`, the caller's map,
 * keeping every byte read: on failure (and when the returned function is
 * called) the count is taken back by replaying those bytes with a step of
 * -1, never by reading the file again. The memory is the file's size, so
 * countFile takes this path for files of up to KEEP_LIMIT bytes; it spares
 * a map of the file's own and its merge.
 */
export async function countKeeping(
  map: CounterMap,
  fd: number,
  size: number,
  options: TokenOptions,
  hooks: RangeHooks = {},
): Promise<() => void> {
  const counter = map.tokenCounter(options);
  const kept: Uint8Array[] = [];
  let pos = 0;
  let counted = 0;
  const undo = (): void => {
    if (counted > 0) counter._undo(new KeptSource(kept, 0, pos), counted);
    counted = 0;
  };
  try {
    for (;;) {
      const bytes = readFully(fd, pos, Math.min(SEGMENT, size - pos));
      kept.push(bytes);
      const src = new KeptSource(kept, pos, pos + bytes.length);
      pos += bytes.length;
      // A short read: the file was truncated meanwhile, it ends here.
      const final = pos >= size || bytes.length < SEGMENT;
      counted += counter._feedSource(src, final, 'countFile');
      hooks.progress?.(pos);
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
