import { instantiateCore, type CoreExports } from './wasm.js';
import { memoryError } from './errors.js';

/** wasm32 can address 4 GiB: the default and largest budget. */
export const MAX_MEMORY_BYTES = 65536 * 65536;
const PAGE = 65536;

/**
 * One instance of the core: a table and the memory it lives in, plus typed
 * views of that memory. A map swaps its Core for a fresh one whenever the
 * table is rebuilt; the old one, memory and all, is left to the GC.
 */
export class Core {
  readonly ex: CoreExports;
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

  private constructor(ex: CoreExports) {
    this.ex = ex;
    this.scratch = ex.scratch_ptr() >>> 0;
    this.scratchBytes = ex.scratch_bytes();
    this.inlineChars = Math.floor(this.scratchBytes / 3);
    this.refresh();
  }

  /**
   * A fresh instance with `groups` groups of 16 slots in `layout` and room for
   * `arenaBytes` of keys, or a RangeError (nothing else changes) when that
   * would pass `maxBytes` or the engine refuses the memory.
   */
  static create(name: string, layout: number, groups: number, seed: Uint32Array, arenaBytes: number, maxBytes: number): Core {
    let ex: CoreExports;
    try {
      ex = instantiateCore();
    } catch (e) {
      throw memoryError(name, PAGE, maxBytes, e);
    }
    const need = Math.ceil(ex.bytes_needed(layout, groups, arenaBytes) / PAGE) * PAGE;
    if (need > maxBytes || need > MAX_MEMORY_BYTES) throw memoryError(name, need, maxBytes);
    if (ex.init(layout, groups, seed[0]!, seed[1]!, arenaBytes, Math.floor(maxBytes / PAGE)) < 0) {
      throw memoryError(name, need, maxBytes, 'memory.grow failed');
    }
    return new Core(ex);
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

  get bytes(): number {
    return this.ex.memory.buffer.byteLength;
  }
}
