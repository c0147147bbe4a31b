// Counting byte ranges of an open file into a map: the loop behind
// countFile, run by the calling thread and by each worker (count-worker.ts).
// The bytes go from fs.readSync straight into the scratch of the map's wasm
// instance, never through a JS buffer.
//
// The map is always one countFile made for the call (never the caller's
// `into`): on failure it is dropped, so nothing is taken back by reading the
// file again, and a file that changes meanwhile cannot make the undo wrong.

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
