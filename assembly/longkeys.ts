// Keys too long for the scratch (over 32 KiB of UTF-8). A lookup never copies
// one whole into wasm, so reading, decrementing or deleting a long key needs
// no memory even in a map at its maxBytes budget:
//
//   1. JS streams the key's bytes through the scratch: longBegin, longUpdate
//      for each full piece, longFinish for the last; the hash is the one
//      hashBytes gives.
//   2. longCandidates lists the slots on the key's probe sequence whose tag
//      and key length match (one, almost always).
//   3. JS compares each candidate's bytes where they lie in the arena, then
//      works on the slot it found (slot* in ops.ts), or inserts: arena_reserve
//      says where the record's bytes go (after arena_grow when they do not
//      fit), JS writes them there, and longInsert claims a slot for them.

import { scratch, result } from "./heap";
import { MAX_CANDIDATES, R_CANDIDATES_AT } from "./abi";
import { sipBegin, sipRun, hashBytes } from "./hash";
import { claimSlot, RESEEDED, slotAt, listCandidates } from "./table";
import { fitsRecord, commitRecord, nextKeyPtr } from "./arena";
import { seedOf, touch, addTotal } from "./header";
import { arenaKey } from "./keys";
import { ERR_GROW, ERR_ARENA, ERR_WIDEN } from "./ops";

/** The candidates' slot indexes (u32), in the result block for JS to read. */
// @ts-ignore: decorator
@inline function candidates(): usize {
  return result + R_CANDIDATES_AT;
}

let longLen: u32 = 0;
let longHash: u64 = 0;

export function longBegin(t: usize, len: u32): void {
  longLen = len;
  sipBegin(seedOf(t));
}

/** Folds `n` (a multiple of 8) bytes of the key from scratch. */
export function longUpdate(n: u32): void {
  sipRun(scratch, n, 0, false);
}

/** Folds the last `n` bytes of the key from scratch and finishes the hash. */
export function longFinish(n: u32): void {
  longHash = sipRun(scratch, n, longLen, true);
}

/**
 * Slots whose tag and key length match the streamed key; their count. At
 * most 64 are listed: more would take 64 keys of that exact length sharing a
 * 7-bit tag on one probe run of a table at most 7/8 full.
 */
export function longCandidates<C>(t: usize): u32 {
  return listCandidates<C>(t, longHash, longLen, candidates(), MAX_CANDIDATES);
}

/** Inserts the streamed key, whose bytes JS wrote at arena_reserve(len), with count `n`. */
export function longInsert<C>(t: usize, n: f64): f64 {
  if (sizeof<C>() == 4 && n > 4294967295) return ERR_WIDEN;
  if (!fitsRecord(t, longLen)) return ERR_ARENA;
  let i = claimSlot<u64, C>(t, longHash);
  // The seed changed: the key's bytes are already where its record goes.
  while (i == RESEEDED) {
    longHash = hashBytes(nextKeyPtr(t, longLen), longLen, seedOf(t));
    i = claimSlot<u64, C>(t, longHash);
  }
  if (i < 0) return ERR_GROW;
  const s = slotAt<u64, C>(t, <u32>i);
  store<u64>(s, arenaKey(commitRecord(t, longLen)));
  store<C>(s + 8, <C>n);
  addTotal(t, <i64>n);
  touch(t);
  return n;
}
