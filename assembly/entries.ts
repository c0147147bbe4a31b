// Where an entry's key lies, and the entry references mostCommon reads
// (select.ts), 16 bytes each:
//   integer keys  [f64 key][f64 count]
//   string keys   [u32 key address][u32 key length][f64 count]  (JS reads the
//                 key bytes straight out of the arena: no copy)
// Entries move between instances as portable records (records.ts); a key too
// long for the scratch goes alone, its bytes straight into the arena
// (importRecord).

import { SCRATCH_BYTES } from "./heap";
import { slotAt, countAt, insertUnique, isStr } from "./table";
import { keyLen, keyPtr, commitRecord, nextKeyPtr } from "./arena";
import { hashBytes } from "./hash";
import { isArenaKey, arenaKey, inlineLen } from "./keys";
import { arenaOf, seedOf, touch, addTotal } from "./header";

// @ts-ignore: decorator
@inline export const REF_BYTES: u32 = 16;
// @ts-ignore: decorator
@inline export const REFS_PER_CHUNK: u32 = SCRATCH_BYTES / REF_BYTES;

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

/** Loads one string entry whose key bytes JS already wrote at nextKeyPtr (room made beforehand). */
export function importRecord<C>(t: usize, len: u32, count: f64): void {
  // Only keys longer than the scratch come this way: never inline.
  const s = slotAt<u64, C>(t, insertUnique<u64, C>(t, hashBytes(nextKeyPtr(t, len), len, seedOf(t))));
  store<u64>(s, arenaKey(commitRecord(t, len)));
  store<C>(s + 8, <C>count);
  addTotal(t, <i64>count);
  touch(t);
}
