import { instantiateCore, type CoreExports } from './wasm.js';
import { SCRATCH_BYTES, RESULT_BYTES, STATS_SIZES } from './abi.js';

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
  /** The result block (abi.ts R_*): f64 slots that calls fill after the scratch. */
  res!: Float64Array;
  /** All of memory as u32, for header fields (abi.ts H_*). */
  m32!: Uint32Array;
  /** All of memory, for f64 header fields that are not 8-aligned (abi.ts TOPK_H_*). */
  dv!: DataView;
  /** The separator set last given to set_separators (tokens.ts). */
  separators: string | undefined;

  constructor() {
    const ex = instantiateCore();
    this.ex = ex;
    this.scratch = ex.scratch_ptr() >>> 0;
    this.scratchBytes = SCRATCH_BYTES;
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
    this.res = new Float64Array(buf, this.scratch + SCRATCH_BYTES, RESULT_BYTES >> 3);
    this.m32 = new Uint32Array(buf, 0, Math.floor(buf.byteLength / 4));
    this.dv = new DataView(buf);
    return this.u8;
  }

  /** Slot `r` of the result block, which the last call filled (abi.ts R_*). */
  result(r: number): number {
    return (this.u8.length === 0 ? (this.refresh(), this.res) : this.res)[r]!;
  }

  /** One of the sizes table_stats(t, STATS_SIZES) gives (R_CAPACITY_SLOTS, R_TABLE_BYTES, R_HELD_BYTES). */
  stat(t: number, r: number): number {
    this.ex.table_stats(t, STATS_SIZES);
    return this.result(r);
  }

  /** The u32 header field at byte `offset` (abi.ts H_*) of the table `t`. */
  h32(t: number, offset: number): number {
    const i = (t + offset) >>> 2;
    const m = this.m32;
    // A grown memory detaches the view (length 0): re-take it.
    return i < m.length ? m[i]! : (this.refresh(), this.m32[i]!);
  }

  /** The f64 header field at byte `offset` (abi.ts TOPK_H_*) of the summary `t`. */
  hf64(t: number, offset: number): number {
    if (this.u8.length === 0) this.refresh();
    return this.dv.getFloat64(t + offset, true);
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
