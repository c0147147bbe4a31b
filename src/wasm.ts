import { WASM_BASE64 } from './wasm-bytes.js';
import { HASH_KEY } from './hash-key.js';

/**
 * The numeric ABI of the core (assembly/index.ts). `t` is a table: the
 * address of its header in the instance's memory.
 */
export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  scratch_ptr(): number;
  scratch_bytes(): number;
  header_new(layout: number): number;
  header_free(t: number): void;
  table_release(t: number): void;
  table_resize(t: number, layout: number, groups: number, maxBytes: number): number;
  arena_grow(t: number, need: number, maxBytes: number): number;
  arena_compact(t: number, room: number, maxBytes: number): number;
  arena_capacity(t: number): number;
  arena_need(): number;
  held_bytes(t: number): number;
  refused_bytes(): number;
  heap_in_use(): number;
  own_init(layout: number, groups: number, seedLo: number, seedHi: number, arenaBytes: number, pages: number): number;
  own_bytes_needed(layout: number, groups: number, arenaBytes: number): number;
  int_get(t: number, key: number): number;
  int_incr(t: number, key: number, by: number): number;
  int_set(t: number, key: number, count: number): number;
  int_delete(t: number, key: number): number;
  int_incr_many(t: number, src: number, n: number, by: number): number;
  str_get(t: number, ptr: number, len: number): number;
  str_incr(t: number, ptr: number, len: number, by: number): number;
  str_set(t: number, ptr: number, len: number, count: number): number;
  str_delete(t: number, ptr: number, len: number): number;
  str_incr_many(t: number, n: number, by: number): number;
  short_get(t: number, lo: number, hi: number): number;
  short_incr(t: number, lo: number, hi: number, by: number): number;
  short_set(t: number, lo: number, hi: number, count: number): number;
  short_delete(t: number, lo: number, hi: number): number;
  long_begin(t: number, len: number): void;
  long_update(n: number): void;
  long_finish(n: number): void;
  long_candidates(t: number): number;
  candidate_at(j: number): number;
  long_insert(t: number, count: number): number;
  slot_incr(t: number, slot: number, by: number): number;
  slot_set(t: number, slot: number, count: number): number;
  slot_delete(t: number, slot: number): number;
  arena_reserve(t: number, len: number): number;
  import_record(t: number, len: number, count: number): void;
  size(t: number): number;
  capacity_slots(t: number): number;
  walk_slots(t: number): number;
  tombstone_count(t: number): number;
  arena_bytes(t: number): number;
  arena_garbage(t: number): number;
  table_bytes(t: number): number;
  table_version(t: number): number;
  table_rebuilds(t: number): number;
  bump_version(t: number): void;
  count_rebuild(t: number): void;
  seed_lo(t: number): number;
  seed_hi(t: number): number;
  set_seed(t: number, lo: number, hi: number): void;
  advice(t: number): number;
  layout_id(t: number): number;
  count_total(t: number): number;
  prune_below(t: number, min: number): number;
  err_index(): number;
  chunk_count(): number;
  chunk_bytes(): number;
  probe_stats(t: number): void;
  probe_sum(): number;
  probe_max(): number;
  read_refs(t: number, cursor: number): number;
  export_stream(t: number, cursor: number): number;
  import_ints(t: number, n: number): void;
  import_stream(t: number, n: number): void;
  slot_key_ptr(t: number, slot: number): number;
  slot_key_len(t: number, slot: number): number;
  slot_count(t: number, slot: number): number;
  top_k(t: number, k: number): number;
  read_top(t: number, from: number): number;
  top_free(): void;
  records_write(t: number, cursor: number): number;
  records_count(): number;
  records_bytes(): number;
  records_apply(t: number, from: number, n: number, by: number): number;
  records_stop(): number;
  records_load(t: number, from: number, n: number): number;
  set_separators(n: number): void;
  count_tokens(t: number, n: number, by: number, flags: number, limit: number): number;
  tokens_done(): number;
  token_err_at(): number;
  segment_tokens(): number;
  tally_ptr(): number;
  tally_entries(): number;
  tally_next(): number;
  tally_load(n: number, next: number): void;
  tally_flush(t: number, by: number): number;
  tally_undo(t: number, by: number): void;
  tally_reset(): void;
  heap_top(): number;
  heap_adopt(pages: number): number;
  heap_cut(top: number, inUse: number): void;
  heap_check(): number;
  topk_new(layout: number): number;
  topk_init(t: number, capacity: number, maxBytes: number): number;
  topk_table_bytes(capacity: number): number;
  topk_swap(a: number, b: number): void;
  topk_copy(dst: number, src: number): void;
  topk_capacity(t: number): number;
  topk_inserted(t: number): number;
  topk_deleted(t: number): number;
  topk_floor(t: number): number;
  topk_set_totals(t: number, inserted: number, deleted: number, floor: number): void;
  topk_int_incr(t: number, key: number, by: number): number;
  topk_str_incr(t: number, ptr: number, len: number, by: number): number;
  topk_short_incr(t: number, lo: number, hi: number, by: number): number;
  topk_int_get(t: number, key: number): number;
  topk_str_get(t: number, ptr: number, len: number): number;
  topk_short_get(t: number, lo: number, hi: number): number;
  topk_int_find(t: number, key: number): number;
  topk_str_find(t: number, ptr: number, len: number): number;
  topk_estimate(t: number, slot: number): number;
  topk_error(t: number, slot: number): number;
  topk_decr_at(t: number, slot: number, by: number): number;
  topk_int_put(t: number, key: number, est: number, err: number): number;
  topk_str_put(t: number, ptr: number, len: number, est: number, err: number): number;
  topk_read(t: number, cursor: number): number;
  topk_chunk(): number;
  set_hash_key(a: number, b: number, c: number, d: number): void;
  next_seed(t: number): void;
}

/**
 * The fastest decoder the platform has: Uint8Array.fromBase64 (new engines),
 * Node's Buffer, else an atob loop. Measured on an earlier, 22 KB core: ~0.1 ms for
 * the first two against 1-2.5 ms for the loop, most of a first map's cost.
 */
export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
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
  if (compiled !== undefined) return compiled;
  try {
    compiled = new WebAssembly.Module(decodeBase64(WASM_BASE64));
  } catch (e) {
    throw compileError(e);
  }
  return compiled;
}

/**
 * The engine's compile errors name neither the library nor the fix. Pages
 * whose Content-Security-Policy lacks 'wasm-unsafe-eval' get an EvalError
 * (what the engine throws for eval under CSP) that says what to add; any
 * other compile failure says which module failed and keeps the cause.
 */
const compileFailures = new WeakSet<object>();

/** Whether `e` is the core's compile failure (not the engine refusing memory). */
export function isCompileFailure(e: unknown): boolean {
  return typeof e === 'object' && e !== null && compileFailures.has(e);
}

function compileError(e: unknown): Error {
  const error = describeCompileError(e);
  compileFailures.add(error);
  return error;
}

function describeCompileError(e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e);
  if (/Content[ -]Security[ -]Policy|unsafe-eval|CSP/i.test(message)) {
    return new EvalError(
      "tophash: this page's Content-Security-Policy does not allow WebAssembly. Add 'wasm-unsafe-eval' " +
      "to its script-src directive (e.g. Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'); " +
      `the engine said: ${message}`,
      { cause: e },
    );
  }
  return new (e instanceof RangeError ? RangeError : Error)(`tophash: the WebAssembly core could not be compiled: ${message}`, { cause: e });
}

/**
 * @internal Uses a module compiled by another thread (countFile's workers get
 * the calling thread's): a module posted to a worker shares its compiled,
 * already optimized code, so the worker neither compiles nor warms up.
 */
export function adoptCoreModule(m: WebAssembly.Module): void {
  compiled ??= m;
}

/**
 * The core's one import. The allocator calls it only on a broken invariant
 * (a block too large, a double free): never in normal use, and an
 * allocation the engine refuses traps instead (see assembly/heap.ts).
 */
const imports = {
  env: {
    abort(): never {
      throw new Error('tophash: the core aborted (an allocator invariant failed)');
    },
  },
};

/** A fresh instance: its own memory, so dropping it gives the memory back. */
export function instantiateCore(): CoreExports {
  const ex = new WebAssembly.Instance(coreModule(), imports).exports as unknown as CoreExports;
  ex.set_hash_key(HASH_KEY[0]!, HASH_KEY[1]!, HASH_KEY[2]!, HASH_KEY[3]!);
  return ex;
}
