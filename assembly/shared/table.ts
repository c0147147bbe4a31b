// The table: open addressing with linear probing over 16-byte slots
// ([u64 key word][i64 count word], layout.ts), in the shared memory.
//
// Why delete-on-zero is safe without locks. A key's slots along its probe
// sequence are claimed in probe order and never emptied (until a rebuild,
// which stops the world). A slot's count only moves 0 -> n > 0 -> ... ->
// DEAD, each step one compare-and-swap, and DEAD is final. So at any moment
// a key has at most one slot that is not DEAD, the one claimed last:
// a thread claims a new slot for a key only at the first EMPTY slot of its
// probe, after it read every earlier slot of that key as DEAD; two threads
// that race for that EMPTY slot meet in the key word's compare-and-swap and
// the loser goes on with the winner's slot. A decrement that takes the
// count to 0 swaps it to DEAD in the same compare-and-swap (the decrement
// and the delete are one step); an increment that loses to it reads DEAD,
// probes on and claims a new slot. No increment is lost, and no reader ever
// sees a count of 0 or below as a live entry.

import { hashBytes, hashInt } from '../hash';
import {
  ARENA_REF, DATA, DEAD, HDR, H_CAP, H_EPOCH, H_LIVE, H_SEED, H_TABLE, H_TOP, H_USED,
  MAX_COUNT, MIN_CAP, SLOT_BYTES, usedLimit,
} from './layout';
import { E_FULL, E_MEMORY, E_OVERFLOW, OP_DELETE, OP_GET, OP_INCR } from './abi';

/** This instance's copy of the map's seed (the header's never changes). */
let seed: u64 = 0;

export function loadSeed(): void {
  seed = load<u64>(HDR + H_SEED);
}

// @ts-ignore: decorator
@inline export function hashWord(kw: u64): u64 {
  return hashInt(<i64>kw, seed);
}

export function hashKeyBytes(ptr: usize, len: u32): u64 {
  return hashBytes(ptr, len, seed);
}

/** The arena-ref key word for a record at `rec` of a key hashed `h`. */
// @ts-ignore: decorator
@inline function refWord(h: u64, rec: usize): u64 {
  return ARENA_REF | ((h >> 33) << 32) | <u64>rec;
}

/**
 * Byte by byte: with an 8-bytes-at-a-time loop here, string keys lost
 * updates under contention on Node 20 while V8 11.3 ran this module in its
 * baseline compiler (Liftoff): the concurrency test failed in nearly every
 * round with --liftoff-only, and passed with this loop, with --no-liftoff,
 * and on Node 24 and 26 either way. Keys are short; the hash tag has
 * already filtered out all but the right key.
 */
function bytesEqual(a: usize, b: usize, n: usize): bool {
  for (let i: usize = 0; i < n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

/** Whether key word `k` is the key: `kw` itself, or (when `len` >= 0) the bytes at `ptr` hashed `h`. */
// @ts-ignore: decorator
@inline function matches(k: u64, kw: u64, h: u64, ptr: usize, len: i32): bool {
  if (len < 0) return k == kw;
  if ((k & ARENA_REF) == 0 || (k >> 32) != (refWord(h, 0) >> 32)) return false;
  const rec = <usize>(<u32>k);
  reach(rec + 4 + <usize>len);
  return load<u32>(rec) == <u32>len && bytesEqual(rec + 4, ptr, <usize>len);
}

/**
 * The end of the memory as this instance's bounds checks know it. A grow by
 * another thread reaches each instance later, asynchronously (V8 updates the
 * other threads' instances at their next interrupt check; where bounds are
 * checked explicitly, as in Chromium's renderer, an access past the stale
 * end traps). So before touching memory past `known`, an instance calls
 * memory.grow(0), which makes the engine re-read the memory's length for
 * the calling thread.
 */
let known: usize = 0;

// @ts-ignore: decorator
@inline export function reach(end: usize): void {
  if (end > known) refreshEnd();
}

function refreshEnd(): void {
  memory.grow(0);
  known = <usize>memory.size() << 16;
}

/** Bytes the memory has now. */
// @ts-ignore: decorator
@inline function memBytes(): usize {
  return <usize>memory.size() << 16;
}

/** Grows the memory to hold `end` bytes; false when it cannot (its maximum, or the engine). */
export function ensureMemory(end: usize): bool {
  refreshEnd();
  const have = memBytes();
  if (end <= have) return true;
  const pages = <i32>((end - have + 0xffff) >> 16);
  // Some slack, so a growing arena does not call memory.grow per key.
  const slack = <i32>(have >> 19) + 1;
  const ok = memory.grow(pages + slack) >= 0 || memory.grow(pages) >= 0;
  refreshEnd();
  return ok || known >= end;
}

/** Reserves `n` bytes (4-aligned) of arena; 0 when the memory cannot grow. */
function arenaAlloc(n: usize): usize {
  n = (n + 3) & ~3;
  while (true) {
    const top = <usize>atomic.load<u32>(HDR + H_TOP);
    if (!ensureMemory(top + n)) return 0;
    if (atomic.cmpxchg<u32>(HDR + H_TOP, <u32>top, <u32>(top + n)) == <u32>top) return top;
  }
}

/**
 * Applies `op` to a key: the word `kw` (len < 0), or the `len` bytes at
 * `ptr` (hash `h`). Runs between enter() and leave(). Returns the new or
 * current count, 1/0 for a delete, or an E_ code with the map unchanged.
 */
// @ts-ignore: decorator
@inline export function apply(kw: u64, h: u64, ptr: usize, len: i32, op: i32, arg: i64): f64 {
  const table = <usize>load<u32>(HDR + H_TABLE);
  const mask = load<u32>(HDR + H_CAP) - 1;
  reach(table + ((<usize>mask + 1) << 4));
  let i = <u32>h & mask;
  while (true) {
    const s = table + (<usize>i << 4);
    let k = atomic.load<u64>(s);
    if (k == 0) {
      // The key is absent: nothing to do unless a count above 0 goes in.
      if (op == OP_GET || op == OP_DELETE || arg <= 0) return 0;
      const used = atomic.add<u32>(HDR + H_USED, 1);
      if (used + 1 > usedLimit(mask + 1)) {
        atomic.sub<u32>(HDR + H_USED, 1);
        return E_FULL;
      }
      let nk = kw;
      if (len >= 0) {
        const rec = arenaAlloc(4 + <usize>len);
        if (rec == 0) {
          atomic.sub<u32>(HDR + H_USED, 1);
          return E_MEMORY;
        }
        store<u32>(rec, <u32>len);
        memory.copy(rec + 4, ptr, <usize>len);
        nk = refWord(h, rec);
      }
      const was = atomic.cmpxchg<u64>(s, 0, nk);
      if (was != 0) {
        // Another thread claimed this slot first (a record we wrote stays
        // unused in the arena until the next rebuild drops it).
        atomic.sub<u32>(HDR + H_USED, 1);
        k = was;
      } else {
        k = nk;
      }
    }
    if (matches(k, kw, h, ptr, len)) {
      const c = s + 8;
      while (true) {
        const n = atomic.load<i64>(c);
        if (n == DEAD) break;
        if (op == OP_GET) return <f64>n;
        let next: i64;
        if (op == OP_INCR) {
          if (arg > 0 && n > MAX_COUNT - arg) return E_OVERFLOW;
          next = n + arg;
        } else if (op == OP_DELETE) {
          next = 0;
        } else {
          next = arg;
        }
        if (n == 0 && next <= 0) return 0;
        const to = next <= 0 ? DEAD : next;
        if (atomic.cmpxchg<i64>(c, n, to) == n) {
          if (n == 0) atomic.add<i32>(HDR + H_LIVE, 1);
          else if (to == DEAD) atomic.sub<i32>(HDR + H_LIVE, 1);
          if (op == OP_DELETE) return n > 0 ? 1 : 0;
          return to == DEAD ? 0 : <f64>to;
        }
      }
    }
    i = (i + 1) & mask;
  }
  return 0;
}

/** The slots a table holding `live` entries gets: a power of two, at most half full. */
// @ts-ignore: decorator
@inline function capFor(live: u32): u32 {
  let cap = MIN_CAP;
  while (cap < (live + 1) * 2) cap <<= 1;
  return cap;
}

/** Empties the table to MIN_CAP slots and the arena (the world is stopped). */
export function resetTable(): void {
  memory.fill(DATA, 0, <usize>MIN_CAP * SLOT_BYTES);
  store<u32>(HDR + H_TABLE, <u32>DATA);
  store<u32>(HDR + H_CAP, MIN_CAP);
  atomic.store<u32>(HDR + H_TOP, <u32>(DATA + <usize>MIN_CAP * SLOT_BYTES));
  atomic.store<i32>(HDR + H_LIVE, 0);
  atomic.store<u32>(HDR + H_USED, 0);
  atomic.add<u32>(HDR + H_EPOCH, 1);
}

/**
 * Rebuilds the table for its live entries, dropping DEAD slots and the
 * arena records of dead or never-published keys (the world is stopped).
 * The new table and its compacted arena are built past the arena top, then
 * moved down to DATA in one memory.copy, so key references are written with
 * their final addresses. Peak memory is the old image plus the new one.
 * False, with nothing changed, when the memory cannot grow that far.
 */
export function rebuild(minCap: u32): bool {
  const table = <usize>load<u32>(HDR + H_TABLE);
  const cap = load<u32>(HDR + H_CAP);
  const live = <u32>atomic.load<i32>(HDR + H_LIVE);
  reach(<usize>atomic.load<u32>(HDR + H_TOP));
  let newCap = capFor(live);
  if (newCap < minCap) newCap = minCap;
  let keyBytes: usize = 0;
  for (let i: u32 = 0; i < cap; i++) {
    const s = table + (<usize>i << 4);
    const k = load<u64>(s);
    if (k != 0 && (k & ARENA_REF) != 0 && load<i64>(s + 8) > 0) keyBytes += (4 + <usize>load<u32>(<usize>(<u32>k)) + 3) & ~3;
  }
  const tableBytes = <usize>newCap * SLOT_BYTES;
  const need = tableBytes + keyBytes;
  const at = (<usize>atomic.load<u32>(HDR + H_TOP) + 15) & ~15;
  if (at + need > 0xffffffff || !ensureMemory(at + need)) return false;
  memory.fill(at, 0, tableBytes);
  const mask = newCap - 1;
  let arena = at + tableBytes;
  for (let i: u32 = 0; i < cap; i++) {
    const s = table + (<usize>i << 4);
    let k = load<u64>(s);
    const n = load<i64>(s + 8);
    if (k == 0 || n <= 0) continue;
    let h: u64;
    if ((k & ARENA_REF) != 0) {
      const rec = <usize>(<u32>k);
      const len = load<u32>(rec);
      h = hashKeyBytes(rec + 4, len);
      memory.copy(arena, rec, 4 + <usize>len);
      k = refWord(h, arena - at + DATA);
      arena += (<usize>len + 7) & ~3;
    } else {
      h = hashWord(k);
    }
    let j = <u32>h & mask;
    while (load<u64>(at + (<usize>j << 4)) != 0) j = (j + 1) & mask;
    store<u64>(at + (<usize>j << 4), k);
    store<i64>(at + (<usize>j << 4) + 8, n);
  }
  memory.copy(DATA, at, need);
  store<u32>(HDR + H_TABLE, <u32>DATA);
  store<u32>(HDR + H_CAP, newCap);
  atomic.store<u32>(HDR + H_TOP, <u32>(DATA + need));
  atomic.store<u32>(HDR + H_USED, live);
  atomic.add<u32>(HDR + H_EPOCH, 1);
  return true;
}
