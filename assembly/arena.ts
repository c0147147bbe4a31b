// The key arena of a string table: keys as UTF-8 (WTF-8 for lone surrogates,
// see src/records/utf8.ts) records of [LEB128 length][bytes], appended at arenaUsed.
// A slot holds its record's offset from the arena's start, so the arena can
// move (a pooled table's arena is a heap block that is reallocated as it
// grows; heap.ts) without touching the table.
//
// Appending never grows memory by itself: when a record does not fit, the op
// returns ERR_ARENA having changed nothing, JS calls arena_grow (which may
// fail cleanly against the map's maxBytes budget), and the op is retried.
// Erasing a key leaves its record behind as garbage, until a compaction.

import { arenaOf, arenaUsedOf, setArenaUsed, arenaCapOf, garbageOf, setGarbage } from "./header";
import { putResult } from "./heap";
import { R_ARENA_NEED } from "./abi";

// @ts-ignore: decorator
@inline export function varintSize(n: u32): u32 {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Length of the key in the record at `rec`. */
export function keyLen(rec: usize): u32 {
  let b = <u32>load<u8>(rec);
  if (b < 0x80) return b;
  let n = b & 0x7f;
  let shift: u32 = 7;
  let p = rec + 1;
  while (true) {
    b = <u32>load<u8>(p++);
    n |= (b & 0x7f) << shift;
    if (b < 0x80) return n;
    shift += 7;
  }
}

/** Address of the key bytes in the record at `rec` whose key is `len` long. */
// @ts-ignore: decorator
@inline export function keyPtr(rec: usize, len: u32): usize {
  return rec + varintSize(len);
}

// @ts-ignore: decorator
@inline export function recordSize(rec: usize): u32 {
  const len = keyLen(rec);
  return varintSize(len) + len;
}

export function bytesEqual(a: usize, b: usize, n: u32): bool {
  while (n >= 8) {
    if (load<u64>(a) != load<u64>(b)) return false;
    a += 8;
    b += 8;
    n -= 8;
  }
  if (n >= 4) {
    if (load<u32>(a) != load<u32>(b)) return false;
    a += 4;
    b += 4;
    n -= 4;
  }
  while (n != 0) {
    if (load<u8>(a) != load<u8>(b)) return false;
    a++;
    b++;
    n--;
  }
  return true;
}

/**
 * memmove for keys. V8 compiles memory.copy to a call into the runtime, which
 * costs more than copying a short key word by word; most keys are short.
 */
// @ts-ignore: decorator
@inline export function copyKey(dst: usize, src: usize, n: u32): void {
  if (n > 32) {
    memory.copy(dst, src, n);
    return;
  }
  while (n >= 8) {
    store<u64>(dst, load<u64>(src));
    dst += 8;
    src += 8;
    n -= 8;
  }
  while (n != 0) {
    store<u8>(dst, load<u8>(src));
    dst++;
    src++;
    n--;
  }
}

/** Whether the record at `rec` holds the `len` bytes at `ptr`. */
// @ts-ignore: decorator
@inline export function recordEquals(rec: usize, ptr: usize, len: u32): bool {
  const b = <u32>load<u8>(rec);
  if (b < 0x80) return b == len && bytesEqual(rec + 1, ptr, len);
  return keyLen(rec) == len && bytesEqual(rec + varintSize(len), ptr, len);
}

/** Bytes a record of a `len`-byte key takes. */
// @ts-ignore: decorator
@inline export function recordBytes(len: u32): u64 {
  return <u64>varintSize(len) + <u64>len;
}

/** Whether a record of a `len`-byte key fits the arena; if not, notes what it needs (R_ARENA_NEED). */
// @ts-ignore: decorator
@inline export function fitsRecord(t: usize, len: u32): bool {
  if (<u64>arenaUsedOf(t) + recordBytes(len) <= <u64>arenaCapOf(t)) return true;
  putResult(R_ARENA_NEED, <f64>recordBytes(len));
  return false;
}

/** Appends the key at `ptr` (after fitsRecord); returns the record's offset. */
export function appendRecord(t: usize, ptr: usize, len: u32): u32 {
  copyKey(arenaOf(t) + arenaUsedOf(t) + varintSize(len), ptr, len);
  return commitRecord(t, len);
}

/**
 * Makes a record of the `len` key bytes already written just past the length
 * prefix's place at the arena's end (after fitsRecord); returns its offset.
 */
export function commitRecord(t: usize, len: u32): u32 {
  const off = arenaUsedOf(t);
  let p = arenaOf(t) + off;
  let n = len;
  while (n >= 0x80) {
    store<u8>(p++, <u8>(n | 0x80));
    n >>= 7;
  }
  store<u8>(p++, <u8>n);
  setArenaUsed(t, off + varintSize(len) + len);
  return off;
}

/** Where the key bytes of the next record of a `len`-byte key go. */
// @ts-ignore: decorator
@inline export function nextKeyPtr(t: usize, len: u32): usize {
  return arenaOf(t) + arenaUsedOf(t) + varintSize(len);
}

export function dropRecord(t: usize, rec: usize): void {
  setGarbage(t, garbageOf(t) + recordSize(rec));
}
