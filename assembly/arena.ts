// The key arena: string keys as UTF-8 (WTF-8 for lone surrogates, see
// src/utf8.ts) records of [LEB128 length][bytes], appended at arenaEnd. A slot
// holds the record's address. Erasing a key leaves its record behind as
// garbage; the arena is compacted when the table is rebuilt into a fresh
// instance (src/), which the table asks for once garbage outweighs live keys.

import { ensureMemory } from "./memory";

export let arenaStart: usize = 0;
export let arenaEnd: usize = 0;
/** Bytes of records whose key was erased. */
export let garbage: usize = 0;

export function resetArena(start: usize): void {
  arenaStart = start;
  arenaEnd = start;
  garbage = 0;
}

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

/** Room for one more record of a `len`-byte key, or false (nothing changed). */
export function reserveRecord(len: u32): bool {
  return ensureMemory(<u64>arenaEnd + varintSize(len) + len, true);
}

/** Appends the key at `ptr` (in scratch) to the arena (after reserveRecord). */
export function appendRecord(ptr: usize, len: u32): usize {
  copyKey(arenaEnd + varintSize(len), ptr, len);
  return commitRecord(len);
}

/**
 * Makes a record of the `len` key bytes already written just past the length
 * prefix's place at arenaEnd (after reserveRecord), and returns it.
 */
export function commitRecord(len: u32): usize {
  const rec = arenaEnd;
  let p = rec;
  let n = len;
  while (n >= 0x80) {
    store<u8>(p++, <u8>(n | 0x80));
    n >>= 7;
  }
  store<u8>(p++, <u8>n);
  arenaEnd = p + len;
  return rec;
}

export function dropRecord(rec: usize): void {
  garbage += recordSize(rec);
}

/** A region of `bytes` past the arena for the length of one call (mostCommon's heap), or 0. */
export function reserveTail(bytes: u32): usize {
  const p = ((arenaEnd + 7) & ~7) + 8;
  return ensureMemory(<u64>p + bytes, false) ? p : 0;
}
