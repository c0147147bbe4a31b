// Reading entries out of a table and loading them into another: the JS side
// iterates, and moves a table between instances (a pool and an own instance,
// or two own instances) by streaming chunks from one scratch to the other.
// Inside one pool a rebuild needs none of this (lifecycle.ts).
//
// Entry references (iteration, mostCommon), 16 bytes each:
//   integer keys  [f64 key][f64 count]
//   string keys   [u32 key address][u32 key length][f64 count]  (JS reads the
//                 key bytes straight out of the arena: no copy)
// Stream records for string keys: [u32 length][key bytes][f64 count].

import { scratch, SCRATCH_BYTES } from "./heap";
import { slotAt, countAt, nextFull, insertUnique, isStr } from "./table";
import { keyLen, keyPtr, appendRecord, copyKey, commitRecord, nextKeyPtr } from "./arena";
import { hashInt, hashBytes } from "./hash";
import { isArenaKey, arenaKey, inlineLen, packKey, hashKeyBytes, NOT_INLINE } from "./keys";
import { capacityOf, arenaOf, seedOf, touch, addTotal } from "./header";

// @ts-ignore: decorator
@inline export const REF_BYTES: u32 = 16;
// @ts-ignore: decorator
@inline export const REFS_PER_CHUNK: u32 = SCRATCH_BYTES / REF_BYTES;

/** Entries written by the last chunked call, and their bytes. */
export let chunkCount: u32 = 0;
export let chunkBytes: u32 = 0;

/** Where the bytes of the string key in the slot at `s` are: the slot itself, or its arena record. */
export function keyAddr(t: usize, s: usize): usize {
  const k = load<u64>(s);
  if (!isArenaKey(k)) return s;
  const rec = arenaOf(t) + <usize><u32>k;
  return keyPtr(rec, keyLen(rec));
}

/** Length of the string key in the slot at `s`. */
export function keyLength(t: usize, s: usize): u32 {
  const k = load<u64>(s);
  return isArenaKey(k) ? keyLen(arenaOf(t) + <usize><u32>k) : inlineLen(k);
}

/** Writes the reference of the entry in slot i at `out`. */
export function writeRef<K, C>(t: usize, out: usize, i: u32): void {
  const s = slotAt<K, C>(t, i);
  if (isStr<K>()) {
    store<u32>(out, <u32>keyAddr(t, s));
    store<u32>(out, keyLength(t, s), 4);
  } else {
    store<f64>(out, <f64>load<K>(s));
  }
  store<f64>(out, countAt<K, C>(t, i), 8);
}

/** References of the live entries from slot `cursor` on; returns the next cursor. */
export function readRefs<K, C>(t: usize, cursor: u32): u32 {
  const cap = capacityOf(t);
  let n: u32 = 0;
  let i = nextFull(t, cursor);
  while (i < cap && n < REFS_PER_CHUNK) {
    writeRef<K, C>(t, scratch + n * REF_BYTES, i);
    n++;
    i = nextFull(t, i + 1);
  }
  chunkCount = n;
  return i;
}

/**
 * Stream records of string entries from slot `cursor` on, as many as fit the
 * scratch. Returns the next cursor; when a single key is too long for the
 * scratch, no record is written and the cursor stays on it (JS moves it alone).
 */
export function exportStream<C>(t: usize, cursor: u32): u32 {
  const cap = capacityOf(t);
  let p = scratch;
  const end = scratch + SCRATCH_BYTES;
  let n: u32 = 0;
  let i = nextFull(t, cursor);
  while (i < cap) {
    const s = slotAt<u64, C>(t, i);
    const len = keyLength(t, s);
    if (p + 12 + <usize>len > end) break;
    store<u32>(p, len);
    copyKey(p + 4, keyAddr(t, s), len);
    store<f64>(p + 4 + len, countAt<u64, C>(t, i));
    p += 12 + len;
    n++;
    i = nextFull(t, i + 1);
  }
  chunkCount = n;
  chunkBytes = <u32>(p - scratch);
  return i;
}

/** Loads `n` integer entries [f64 key][f64 count] from scratch (room made beforehand). */
export function importInts<K, C>(t: usize, n: u32): void {
  let p = scratch;
  const seed = seedOf(t);
  for (let j: u32 = 0; j < n; j++) {
    const key = <i64>load<f64>(p);
    const s = slotAt<K, C>(t, insertUnique<K, C>(t, hashInt(key, seed)));
    store<K>(s, <K>key);
    const count = load<f64>(p, 8);
    store<C>(s + sizeof<K>(), <C>count);
    addTotal(t, <i64>count);
    p += 16;
  }
  touch(t);
}

/** Loads `n` stream records from scratch (table and arena room made beforehand). */
export function importStream<C>(t: usize, n: u32): void {
  let p = scratch;
  const seed = seedOf(t);
  for (let j: u32 = 0; j < n; j++) {
    const len = load<u32>(p);
    const k = packKey(p + 4, len);
    const s = slotAt<u64, C>(t, insertUnique<u64, C>(t, hashKeyBytes(k, p + 4, len, seed)));
    store<u64>(s, k == NOT_INLINE ? arenaKey(appendRecord(t, p + 4, len)) : k);
    const count = load<f64>(p + 4 + len);
    store<C>(s + 8, <C>count);
    addTotal(t, <i64>count);
    p += 12 + len;
  }
  touch(t);
}

/** Loads one string entry whose key bytes JS already wrote at nextKeyPtr (room made beforehand). */
export function importRecord<C>(t: usize, len: u32, count: f64): void {
  // Only keys longer than the scratch come this way: never inline.
  const s = slotAt<u64, C>(t, insertUnique<u64, C>(t, hashBytes(nextKeyPtr(t, len), len, seedOf(t))));
  store<u64>(s, arenaKey(commitRecord(t, len)));
  store<C>(s + 8, <C>count);
  addTotal(t, <i64>count);
  touch(t);
}
