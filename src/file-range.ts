// Counting a byte range of an open file into a map: the loop behind
// countFile, run by the calling thread (the whole file) or by each worker
// (its range; count-worker.ts). The bytes go from fs.readSync straight into
// the scratch of the map's wasm instance, never through a JS buffer.

import { readSync } from 'node:fs';
import type { CounterMap } from './counter-map.js';
import type { ByteSource, TokenCounter, TokenOptions } from './tokens.js';

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
      // The file was truncated while we read it: it ends here.
      this.size = this.end = this.pos;
    }
    this.pos += k;
    return k;
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Counts the tokens of bytes [start, end) of `fd` into `map`, atomically: on
 * failure the tokens already counted are taken back (read again from
 * `start`, counted with a step of -1) and the error rethrown. `progress` is
 * called after each segment with the bytes done in the range; it may throw
 * to stop the count.
 */
export async function countRange(
  map: CounterMap,
  fd: number,
  start: number,
  end: number,
  options: TokenOptions,
  progress?: (bytesDone: number) => void,
  /** False for a map the caller drops on failure: nothing to take back. */
  undoOnError = true,
): Promise<number> {
  const counter = map.tokenCounter(options);
  const src = new FileSource(fd, start, end);
  let counted = 0;
  try {
    for (;;) {
      src.end = Math.min(src.pos + SEGMENT, src.size);
      const final = src.end >= src.size;
      counted += counter._feedSource(src, final, 'countFile');
      progress?.(src.pos - start);
      if (final) return counted;
      await yieldToEventLoop();
    }
  } catch (e) {
    if (undoOnError && counted > 0) {
      try {
        undo(counter, new FileSource(fd, start, end), counted);
      } catch {
        // (the map was disposed meanwhile, or the file can no longer be read)
      }
    }
    throw e;
  }
}

function undo(counter: TokenCounter, src: FileSource, tokens: number): void {
  src.end = src.size;
  counter._undo(src, tokens);
}
