// Reading entries out of a table and loading them into a fresh one: the JS
// side iterates, and rebuilds (grow, shrink, widen, compact) by streaming
// chunks from the old instance's scratch to the new one's.
//
// Entry references (iteration, mostCommon), 16 bytes each:
//   integer keys  [f64 key][f64 count]
//   string keys   [u32 key address][u32 key length][f64 count]  (JS reads the
//                 key bytes straight out of the arena: no copy)
// Rebuild stream for string keys: [u32 length][key bytes][f64 count] records.

import { scratch, SCRATCH_BYTES } from "./memory";
import { slotAt, countAt, nextFull, capacity, insertUnique, isStr } from "./table";
import { keyLen, keyPtr, appendRecord, copyKey, commitRecord, arenaEnd, varintSize } from "./arena";
import { hashInt, hashBytes } from "./hash";

// @ts-ignore: decorator
@inline export const REF_BYTES: u32 = 16;
// @ts-ignore: decorator
@inline export const REFS_PER_CHUNK: u32 = SCRATCH_BYTES / REF_BYTES;

/** Entries written by the last chunked call, and their bytes. */
export let chunkCount: u32 = 0;
export let chunkBytes: u32 = 0;

/** Writes the reference of the entry in slot i at `out`. */
export function writeRef<K, C>(out: usize, i: u32): void {
  const s = slotAt<K, C>(i);
  if (isStr<K>()) {
    const rec = <usize>load<u32>(s);
    const len = keyLen(rec);
    store<u32>(out, <u32>keyPtr(rec, len));
    store<u32>(out, len, 4);
  } else {
    store<f64>(out, <f64>load<K>(s));
  }
  store<f64>(out, countAt<K, C>(i), 8);
}

/** References of the live entries from slot `cursor` on; returns the next cursor. */
export function readRefs<K, C>(cursor: u32): u32 {
  let n: u32 = 0;
  let i = nextFull(cursor);
  while (i < capacity && n < REFS_PER_CHUNK) {
    writeRef<K, C>(scratch + n * REF_BYTES, i);
    n++;
    i = nextFull(i + 1);
  }
  chunkCount = n;
  return i;
}

/**
 * Rebuild records of string entries from slot `cursor` on, as many as fit the
 * scratch. Returns the next cursor; when a single key is too long for the
 * scratch, no record is written and the cursor stays on it (JS moves it alone).
 */
export function exportStream<C>(cursor: u32): u32 {
  let p = scratch;
  const end = scratch + SCRATCH_BYTES;
  let n: u32 = 0;
  let i = nextFull(cursor);
  while (i < capacity) {
    const rec = <usize>load<u32>(slotAt<u32, C>(i));
    const len = keyLen(rec);
    if (p + 12 + <usize>len > end) break;
    store<u32>(p, len);
    copyKey(p + 4, keyPtr(rec, len), len);
    store<f64>(p + 4 + len, countAt<u32, C>(i));
    p += 12 + len;
    n++;
    i = nextFull(i + 1);
  }
  chunkCount = n;
  chunkBytes = <u32>(p - scratch);
  return i;
}

/** Loads `n` integer entries [f64 key][f64 count] from scratch. */
export function importInts<K, C>(n: u32): void {
  let p = scratch;
  for (let j: u32 = 0; j < n; j++) {
    const key = <i64>load<f64>(p);
    const i = insertUnique<K, C>(hashInt(key));
    const s = slotAt<K, C>(i);
    store<K>(s, <K>key);
    store<C>(s + sizeof<K>(), <C>load<f64>(p, 8));
    p += 16;
  }
}

/** Loads one string entry whose key bytes are at `ptr` (the arena has room). */
export function importString<C>(ptr: usize, len: u32, count: f64): void {
  const i = insertUnique<u32, C>(hashBytes(ptr, len));
  const s = slotAt<u32, C>(i);
  store<u32>(s, <u32>appendRecord(ptr, len));
  store<C>(s + 4, <C>count);
}

/** Loads one string entry whose key bytes JS already wrote in place in the arena. */
export function importRecord<C>(len: u32, count: f64): void {
  const i = insertUnique<u32, C>(hashBytes(arenaEnd + varintSize(len), len));
  const s = slotAt<u32, C>(i);
  store<u32>(s, <u32>commitRecord(len));
  store<C>(s + 4, <C>count);
}

/** Loads `n` rebuild records from scratch. */
export function importStream<C>(n: u32): void {
  let p = scratch;
  for (let j: u32 = 0; j < n; j++) {
    const len = load<u32>(p);
    importString<C>(p + 4, len, load<f64>(p + 4 + len));
    p += 12 + len;
  }
}
