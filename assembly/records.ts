// Portable entry records: what merge and snapshots move between tables.
// A record depends only on the entry (never on the table's layout, seed or
// slot order), so the same bytes load into any table of the same kind, in
// this instance or another, in this version or a later one.
//
//   integer keys  [zigzag LEB128 key][LEB128 count]         2-16 bytes
//   string keys   [LEB128 byte length][key bytes][LEB128 count]
//
// A safe integer has 53 bits (54 zigzagged), so each varint is at most 8
// bytes. Writing goes slot by slot into scratch until the next record might
// not fit; reading applies records with incr semantics (count * by added),
// so the same call merges one map into another and loads a snapshot.

import { scratch, SCRATCH_BYTES } from "./heap";
import { countAt, slotAt, nextFull } from "./table";
import { capacityOf } from "./header";
import { keyAddr, keyLength } from "./entries";
import { copyKey } from "./arena";
import { packKey } from "./keys";
import { incr, insertNew, insertMoved, isSafe, MAX_SAFE, ERR_OVERFLOW, ERR_WIDEN, ERR_KEY, DONE_REBUILD } from "./ops";
import { RECORDS_LOAD, RECORDS_MOVE } from "./abi";

/** Longest varint of a safe integer (54 bits zigzagged, 7 per byte). */
// @ts-ignore: decorator
@inline const MAX_VARINT: usize = 8;
/** Room an integer record may need. */
// @ts-ignore: decorator
@inline const MAX_INT_RECORD: usize = 2 * MAX_VARINT;

/** Records and bytes written by the last writeRecords call; where applyRecords stopped. */
export let recordBytes: u32 = 0;
export let recordStop: u32 = 0;

// @ts-ignore: decorator
@inline function putVarint(p: usize, v: u64): usize {
  while (v >= 0x80) {
    store<u8>(p++, <u8>(v | 0x80));
    v >>= 7;
  }
  store<u8>(p++, <u8>v);
  return p;
}

/** Where the varint at `p` ended (0 when it runs past `end` or past 8 bytes); its value in `varintValue`. */
let varintValue: u64 = 0;
// @ts-ignore: decorator
@inline function getVarint(p: usize, end: usize): usize {
  let v: u64 = 0;
  let shift: u64 = 0;
  const stop = min(end, p + MAX_VARINT);
  while (p < stop) {
    const b = <u64>load<u8>(p++);
    v |= (b & 0x7f) << shift;
    if (b < 0x80) {
      varintValue = v;
      return p;
    }
    shift += 7;
  }
  // Past 8 bytes a varint is no safe integer: signalled by p == end + 1.
  return p == end ? 0 : end + 1;
}

// @ts-ignore: decorator
@inline function zigzag(k: i64): u64 {
  return <u64>((k << 1) ^ (k >> 63));
}

// @ts-ignore: decorator
@inline function unzigzag(z: u64): i64 {
  return <i64>(z >> 1) ^ -<i64>(z & 1);
}

/**
 * Records of the live entries from slot `cursor` on, into scratch, as many as
 * surely fit. Returns the next cursor; recordBytes says how many bytes were
 * written. A string key too long to fit the scratch alone is left for JS
 * (nothing written, the cursor on it).
 */
export function writeRecords<K, C>(t: usize, cursor: u32): u32 {
  const cap = capacityOf(t);
  const end = scratch + SCRATCH_BYTES;
  let p = scratch;
  let i = nextFull(t, cursor);
  while (i < cap) {
    const s = slotAt<K, C>(t, i);
    const count = <u64>countAt<K, C>(t, i);
    if (isSigned<K>()) {
      if (p + MAX_INT_RECORD > end) break;
      p = putVarint(p, zigzag(<i64>load<K>(s)));
    } else {
      const len = keyLength(t, s);
      if (p + 5 + <usize>len + MAX_VARINT > end) break;
      p = putVarint(p, <u64>len);
      copyKey(p, keyAddr(t, s), len);
      p += len;
    }
    p = putVarint(p, count);
    i = nextFull(t, i + 1);
  }
  recordBytes = <u32>(p - scratch);
  return i;
}

/**
 * Applies the records in scratch[from, n) to the table: each key's count
 * times `by` is added, as incr does. Returns the offset after the last whole
 * record (a record cut by `n` is left for the next chunk), or a status code
 * with recordStop at the offset of the record that stopped it: records
 * before it are applied, it and the rest are not. ERR_KEY means a record
 * that no writer makes (a key or count that is not a safe integer, a count
 * of 0), or a range past the scratch: the bytes are corrupt.
 *
 * `mode` RECORDS_LOAD (a snapshot into its new table, by = 1): a key already in
 * the table is ERR_DUPLICATE instead of being added to, since no writer
 * lists a key twice. RECORDS_MOVE (the records of a live table, into a new table in
 * another instance): the keys are known to be distinct, so none is looked
 * up before it is inserted.
 *
 * Every read stays inside the scratch whatever `from` and `n` say: the
 * bytes after it are other static data and the heap, i.e. other tables, and
 * a key read from there would copy their bytes into this one.
 */
export function applyRecords<K, C>(t: usize, from: u32, n: u32, by: f64, mode: i32): f64 {
  if (n > SCRATCH_BYTES || from > n) {
    recordStop = from;
    return ERR_KEY;
  }
  const end = scratch + <usize>n;
  let p = scratch + <usize>from;
  while (p < end) {
    const at = p;
    let q = getVarint(p, end);
    if (q == 0) break;
    if (q > end) return stopAt(at, ERR_KEY);
    let key: i64 = 0;
    let ptr: usize = 0;
    let len: u32 = 0;
    if (isSigned<K>()) {
      key = unzigzag(varintValue);
      if (<f64>key > MAX_SAFE || <f64>key < -MAX_SAFE) return stopAt(at, ERR_KEY);
    } else {
      if (varintValue > 0xffffffff) return stopAt(at, ERR_KEY);
      len = <u32>varintValue;
      if (<u64>(end - q) < <u64>len) break;
      ptr = q;
      q += len;
      key = <i64>packKey(ptr, len);
    }
    const r = getVarint(q, end);
    if (r == 0) break;
    if (r > end) return stopAt(at, ERR_KEY);
    const count = <f64>varintValue;
    if (count < 1 || count > MAX_SAFE) return stopAt(at, ERR_KEY);
    const step = count * by;
    let res: f64;
    if (!isSafe(step)) res = ERR_OVERFLOW;
    else if (isSigned<K>() && sizeof<K>() == 4 && key != <i64><i32>key) res = step > 0 ? ERR_WIDEN : 0;
    else if (mode == RECORDS_LOAD) res = insertNew<K, C>(t, key, ptr, len, step);
    else if (mode == RECORDS_MOVE) res = insertMoved<K, C>(t, key, ptr, len, step);
    else res = incr<K, C>(t, key, ptr, len, step);
    if (res < 0 && res != DONE_REBUILD) return stopAt(at, res);
    p = r;
  }
  return <f64>(p - scratch);
}

function stopAt(at: usize, code: f64): f64 {
  recordStop = <u32>(at - scratch);
  return code;
}
