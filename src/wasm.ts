import { WASM_BASE64 } from './wasm-bytes.js';

/** The numeric ABI of the core (assembly/index.ts). */
export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  init(layout: number, groups: number, seedLo: number, seedHi: number, arenaBytes: number, pages: number): number;
  bytes_needed(layout: number, groups: number, arenaBytes: number): number;
  scratch_ptr(): number;
  scratch_bytes(): number;
  int_get(key: number): number;
  int_incr(key: number, by: number): number;
  int_set(key: number, count: number): number;
  int_delete(key: number): number;
  int_incr_many(src: number, n: number, by: number): number;
  str_get(ptr: number, len: number): number;
  str_incr(ptr: number, len: number, by: number): number;
  str_set(ptr: number, len: number, count: number): number;
  str_delete(ptr: number, len: number): number;
  str_incr_many(n: number, by: number): number;
  long_begin(len: number): void;
  long_update(n: number): void;
  long_finish(n: number): void;
  long_candidates(): number;
  candidate_at(j: number): number;
  long_reserve(): number;
  long_insert(count: number): number;
  slot_incr(slot: number, by: number): number;
  slot_set(slot: number, count: number): number;
  slot_delete(slot: number): number;
  arena_reserve(len: number): number;
  import_record(len: number, count: number): void;
  size(): number;
  capacity_slots(): number;
  tombstone_count(): number;
  arena_bytes(): number;
  arena_garbage(): number;
  table_bytes(): number;
  advice(): number;
  layout_id(): number;
  err_index(): number;
  chunk_count(): number;
  chunk_bytes(): number;
  probe_stats(): void;
  probe_sum(): number;
  probe_max(): number;
  read_refs(cursor: number): number;
  export_stream(cursor: number): number;
  import_ints(n: number): void;
  import_stream(n: number): void;
  slot_key_ptr(slot: number): number;
  slot_key_len(slot: number): number;
  slot_count(slot: number): number;
  top_k(k: number): number;
  read_top(from: number): number;
  set_separators(n: number): void;
  count_tokens(n: number, by: number, flags: number, limit: number): number;
  tokens_done(): number;
  token_err_at(): number;
  segment_tokens(): number;
  tally_ptr(): number;
  tally_entries(): number;
  tally_next(): number;
  tally_load(n: number, next: number): void;
  tally_flush(by: number): number;
  tally_undo(by: number): void;
}

/**
 * The fastest decoder the platform has: Uint8Array.fromBase64 (new engines),
 * Node's Buffer, else an atob loop. Measured on the 22 KB core: ~0.1 ms for
 * the first two against 1-2.5 ms for the loop, most of a first map's cost.
 */
function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const U8 = Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array<ArrayBuffer> };
  if (typeof U8.fromBase64 === 'function') return U8.fromBase64(b64);
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B !== undefined) {
    const b = B.from(b64, 'base64');
    return new Uint8Array(b.buffer, b.byteOffset, b.length) as Uint8Array<ArrayBuffer>;
  }
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

let compiled: WebAssembly.Module | undefined;

/**
 * The core, compiled once per process (or page) on first use and shared by
 * every map. The module is small (~20 KB), so a synchronous compile is allowed
 * everywhere, Chromium's main thread included: that is why `require` works
 * and no init call is needed.
 */
export function coreModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(decodeBase64(WASM_BASE64)));
}

/** A fresh instance: its own memory, so dropping it gives the memory back. */
export function instantiateCore(): CoreExports {
  return new WebAssembly.Instance(coreModule(), {}).exports as unknown as CoreExports;
}
