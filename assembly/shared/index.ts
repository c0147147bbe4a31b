// The shared counter map's ABI: one instance per thread over one imported
// shared memory (layout.ts). `me` is the caller's thread record (attach()).
// Compiled on its own (asconfig.shared.json) with the threads feature, so
// the single-thread core never pays for atomics.

import { setHashKey } from '../hash';
import { enter, leave, stopWorld, resumeWorld, claimThread, releaseThread } from './gate';
import { apply, hashKeyBytes, hashWord, loadSeed, rebuild, resetTable, ensureMemory, reach } from './table';
import {
  DATA, HDR, H_CAP, H_EPOCH, H_HANDLES, H_KEY0, H_KEY1, H_KIND, H_LIVE, H_MAGIC, H_SEED, H_TABLE,
  H_TOP, H_USED, MAGIC, MIN_CAP, SCRATCH, SCRATCH_BYTES, SLOT_BYTES, usedLimit,
} from './layout';
import { E_FULL, E_MEMORY } from './abi';

/** Bytes the memory needs before init(). */
export function min_bytes(): u32 {
  return <u32>(DATA + <usize>MIN_CAP * SLOT_BYTES);
}

export function scratch_bytes(): u32 {
  return <u32>SCRATCH_BYTES;
}

/** Lays out a fresh memory (zeroed, min_bytes() long): the creator calls it once. */
export function init(kind: i32, k0lo: u32, k0hi: u32, k1lo: u32, k1hi: u32, sLo: u32, sHi: u32): i32 {
  if (__heap_base > HDR || !ensureMemory(DATA + <usize>MIN_CAP * SLOT_BYTES)) return -1;
  store<i32>(HDR + H_KIND, kind);
  store<u64>(HDR + H_KEY0, (<u64>k0hi << 32) | k0lo);
  store<u64>(HDR + H_KEY1, (<u64>k1hi << 32) | k1lo);
  store<u64>(HDR + H_SEED, (<u64>sHi << 32) | sLo);
  resetTable();
  atomic.store<u32>(HDR + H_MAGIC, MAGIC);
  return 0;
}

/** The kind init() was given, or -1 when this memory was never laid out by init(). */
export function kind(): i32 {
  return atomic.load<u32>(HDR + H_MAGIC) == MAGIC ? load<i32>(HDR + H_KIND) : -1;
}

/** Takes a thread record for this instance; its index, or -1 when all are taken. */
export function attach(canWait: i32): i32 {
  setHashKey(load<u64>(HDR + H_KEY0), load<u64>(HDR + H_KEY1));
  loadSeed();
  const me = claimThread(canWait != 0);
  if (me >= 0) atomic.add<i32>(HDR + H_HANDLES, 1);
  return me;
}

/** Gives the thread record back; returns the handles still open. */
export function detach(me: u32): i32 {
  releaseThread(me);
  return atomic.sub<i32>(HDR + H_HANDLES, 1) - 1;
}

export function scratch_ptr(me: u32): u32 {
  return <u32>(SCRATCH + <usize>me * SCRATCH_BYTES);
}

/** Rebuilds a table that is at its load limit; false when the memory cannot grow. */
function grow(me: u32): bool {
  stopWorld(me);
  let ok = true;
  if (atomic.load<u32>(HDR + H_USED) + 1 > usedLimit(load<u32>(HDR + H_CAP))) ok = rebuild(0);
  resumeWorld();
  return ok;
}

// @ts-ignore: decorator
@inline function run(me: u32, kw: u64, h: u64, ptr: usize, len: i32, op: i32, arg: f64): f64 {
  const a = <i64>arg;
  while (true) {
    enter(me);
    const r = apply(kw, h, ptr, len, op, a);
    leave(me);
    if (r != E_FULL) return r;
    if (!grow(me)) return E_MEMORY;
  }
  return 0;
}

/** An integer key's word: offset by 2^53, so a safe integer is 1 .. 2^54 - 1, never EMPTY. */
// @ts-ignore: decorator
@inline function intWord(key: f64): u64 {
  return <u64>(<i64>key + 0x20000000000000);
}

export function int_op(me: u32, key: f64, op: i32, arg: f64): f64 {
  const kw = intWord(key);
  return run(me, kw, hashWord(kw), 0, -1, op, arg);
}

/** A short ASCII string key in its packed form (src/counter-map.ts pack). */
export function short_op(me: u32, lo: u32, hi: u32, op: i32, arg: f64): f64 {
  const kw = (<u64>hi << 32) | lo;
  return run(me, kw, hashWord(kw), 0, -1, op, arg);
}

/** A string key as `len` bytes of WTF-8 in the thread's scratch. */
export function str_op(me: u32, len: u32, op: i32, arg: f64): f64 {
  const ptr = SCRATCH + <usize>me * SCRATCH_BYTES;
  return run(me, 0, hashKeyBytes(ptr, len), ptr, <i32>len, op, arg);
}

export function size(): i32 {
  return atomic.load<i32>(HDR + H_LIVE);
}

export function capacity(): u32 {
  return atomic.load<u32>(HDR + H_CAP);
}

export function table_ptr(): u32 {
  return atomic.load<u32>(HDR + H_TABLE);
}

/** Bytes of the memory in use: header, scratch, table and arena. */
export function used_bytes(): u32 {
  return atomic.load<u32>(HDR + H_TOP);
}

/** Rebuilds so far (grow, clear): a reader can tell that the table moved. */
export function epoch(): u32 {
  return atomic.load<u32>(HDR + H_EPOCH);
}

export function handles(): i32 {
  return atomic.load<i32>(HDR + H_HANDLES);
}

/** Stops every other thread's operations (they wait), for a consistent read of every entry. */
export function stop(me: u32): void {
  stopWorld(me);
  reach(<usize>atomic.load<u32>(HDR + H_TOP));
}

export function resume(): void {
  resumeWorld();
}

/** Empties the map (the memory keeps its size: a shared memory cannot shrink). */
export function clear(me: u32): void {
  stopWorld(me);
  resetTable();
  resumeWorld();
}
