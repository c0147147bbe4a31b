import { instantiateCore, type CoreExports } from './wasm.js';

/** wasm32 can address 4 GiB: the default and largest budget. */
export const MAX_MEMORY_BYTES = 65536 * 65536;
export const PAGE = 65536;

/**
 * One instance of the core and the memory it owns, with typed views of that
 * memory. An instance is either a pool, hosting many small tables (pools.ts),
 * or "own": the one big table of one map. Maps refer to their instance and
 * never cache a view of their own: a grow detaches the ArrayBuffer under every
 * view, and the instance re-takes its views for all of its maps at once.
 */
export class Core {
  /** The instance's exports; a pool moved into a smaller memory swaps them (pools.ts). */
  ex: CoreExports;
  /** Address of the scratch region, where keys and batches are written. */
  readonly scratch: number;
  readonly scratchBytes: number;
  /** Longest string (in UTF-16 units) whose encoding surely fits the scratch. */
  readonly inlineChars: number;
  u8!: Uint8Array;
  f64!: Float64Array;
  i32!: Int32Array;
  u32!: Uint32Array;
  /** The separator set last given to set_separators (tokens.ts). */
  separators: string | undefined;

  constructor() {
    const ex = instantiateCore();
    this.ex = ex;
    this.scratch = ex.scratch_ptr() >>> 0;
    this.scratchBytes = ex.scratch_bytes();
    this.inlineChars = Math.floor(this.scratchBytes / 3);
    this.refresh();
  }

  /**
   * Re-takes the views. memory.grow detaches the old ArrayBuffer and every
   * view on it reads as length 0, so callers check `u8.length === 0` after
   * anything that may have grown memory.
   */
  refresh(): Uint8Array {
    const buf = this.ex.memory.buffer;
    const words = this.scratchBytes >> 2;
    this.u8 = new Uint8Array(buf);
    this.f64 = new Float64Array(buf, this.scratch, this.scratchBytes >> 3);
    this.i32 = new Int32Array(buf, this.scratch, words);
    this.u32 = new Uint32Array(buf, this.scratch, words);
    return this.u8;
  }

  /** The byte view, re-taken if memory grew since. */
  view(): Uint8Array {
    return this.u8.length === 0 ? this.refresh() : this.u8;
  }

  /** Bytes of memory this instance holds. */
  get bytes(): number {
    return this.ex.memory.buffer.byteLength;
  }
}
