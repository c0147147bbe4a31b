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
import { slotSize, homeGroup, growthLeftOf } from "./table";
import { capacityOf, groupsOf, tableOf, seedOf, itemsOf, setItems, addTotal, arenaOf } from "./header";
import { groupBytes } from "./layout";
import { matchFull, matchFree, tagOf, GROUP_SHIFT } from "./control";
import { hashInt } from "./hash";
import { copyKey, fitsRecord, appendRecord, keyLen, keyPtr } from "./arena";
import { packKey, hashKeyBytes, arenaKey, isArenaKey, inlineLen, NOT_INLINE } from "./keys";
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

/**
 * Writes `v` (< 2^56) as a LEB128 varint at `p` with one 8-byte store (the
 * caller leaves 8 bytes of room): its 7-bit groups spread to bytes, the
 * continuation bits set on all but the last. A byte loop costs a mispredicted
 * branch wherever the lengths vary (keys of 1-4 bytes beside counts of 1).
 */
// @ts-ignore: decorator
@inline function putVarint(p: usize, v: u64): usize {
  let x = (v & 0xfffffff) | ((v & 0xfffffff0000000) << 4);
  x = (x & 0x00003fff00003fff) | ((x & 0x0fffc0000fffc000) << 2);
  x = (x & 0x007f007f007f007f) | ((x & 0x3f803f803f803f80) << 1);
  const n = <usize>((70 - <u32>clz(v | 1)) / 7);
  store<u64>(p, x | (0x8080808080808080 & ((<u64>1 << (<u64>(n << 3) - 8)) - 1)));
  return p + n;
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
  if (cursor >= cap) {
    recordBytes = 0;
    return cap;
  }
  // Group by group over the FULL bits (moveEntries' walk), not slot by slot.
  const stride = groupBytes(slotSize<K, C>());
  const groups = groupsOf(t);
  const arena = arenaOf(t);
  let g = cursor >> GROUP_SHIFT;
  let group = tableOf(t) + <usize>g * stride;
  let m = matchFull(group) & (<u32>0xffffffff << (cursor & 15));
  while (true) {
    while (m != 0) {
      const j = ctz(m);
      const s = group + 16 + <usize>j * slotSize<K, C>();
      const count = <u64>load<C>(s + sizeof<K>());
      if (isSigned<K>()) {
        if (p + MAX_INT_RECORD > end) {
          recordBytes = <u32>(p - scratch);
          return (g << GROUP_SHIFT) + j;
        }
        p = putVarint(p, zigzag(<i64>load<K>(s)));
      } else {
        // keyLength and keyAddr in one: the arena record's length read once.
        const k = load<u64>(s);
        let src = s;
        let len: u32;
        if (isArenaKey(k)) {
          const rec = arena + <usize><u32>k;
          len = keyLen(rec);
          src = keyPtr(rec, len);
        } else {
          len = inlineLen(k);
        }
        if (p + 5 + <usize>len + MAX_VARINT > end) {
          recordBytes = <u32>(p - scratch);
          return (g << GROUP_SHIFT) + j;
        }
        p = putVarint(p, <u64>len);
        copyKey(p, src, len);
        p += len;
      }
      p = putVarint(p, count);
      m &= m - 1;
    }
    if (++g >= groups) break;
    group += stride;
    m = matchFull(group);
  }
  recordBytes = <u32>(p - scratch);
  return cap;
}

/**
 * The varint at `p` read with one 8-byte load (`p` + 8 inside the scratch):
 * its length in bytes, 0 when it runs past 8 bytes; its value in
 * `varintValue`. The bytes after it in the load are masked off.
 */
// @ts-ignore: decorator
@inline function loadVarint(p: usize): usize {
  const x = load<u64>(p);
  const stops = ~x & 0x8080808080808080;
  if (stops == 0) return 0;
  const bits = ctz(stops) + 1;
  let v = x & (<u64>0xffffffffffffffff >> (64 - bits));
  v = (v & 0x007f007f007f007f) | ((v & 0x7f007f007f007f00) >> 1);
  v = (v & 0x00003fff00003fff) | ((v & 0x3fff00003fff0000) >> 2);
  v = (v & 0x000000000fffffff) | ((v & 0x0fffffff00000000) >> 4);
  varintValue = v;
  return <usize>(bits >> 3);
}

/**
 * The start of applyRecords in mode RECORDS_MOVE: the records from `p` into
 * a new table, in one loop with the table's fields, seed and growth budget
 * in locals and the total added once (as incrBatch does). It stops at the
 * first record it does not surely apply (one near `end`, one the general
 * loop would refuse or that needs room) and returns its offset: the general
 * loop takes the rest, so every code and check stays that loop's.
 */
function moveRecords<K, C>(t: usize, p: usize, end: usize): usize {
  const base = tableOf(t);
  const groups = groupsOf(t);
  const seed = seedOf(t);
  const stride = groupBytes(slotSize<K, C>());
  const room = growthLeftOf(t);
  let placed: u32 = 0;
  let sum: i64 = 0;
  while (placed < room) {
    let key: i64;
    let ptr: usize = 0;
    let len: u32 = 0;
    let q: usize;
    if (isSigned<K>()) {
      if (p + MAX_INT_RECORD > end) break;
      const a = loadVarint(p);
      if (a == 0) break;
      key = unzigzag(varintValue);
      if (sizeof<K>() == 4 ? key != <i64><i32>key : (<f64>key > MAX_SAFE || <f64>key < -MAX_SAFE)) break;
      q = p + a;
    } else {
      if (p + MAX_VARINT > end) break;
      const a = loadVarint(p);
      if (a == 0 || varintValue > <u64>(end - p)) break;
      len = <u32>varintValue;
      ptr = p + a;
      q = ptr + <usize>len;
      if (q + MAX_VARINT > end) break;
      key = <i64>packKey(ptr, len);
    }
    const b = loadVarint(q);
    if (b == 0) break;
    const n = varintValue;
    if (n < 1 || <f64>n > (sizeof<C>() == 4 ? <f64>u32.MAX_VALUE : MAX_SAFE)) break;
    let h: u64;
    if (isSigned<K>()) {
      h = hashInt(key, seed);
    } else {
      if (<u64>key == NOT_INLINE && !fitsRecord(t, len)) break;
      h = hashKeyBytes(<u64>key, ptr, len, seed);
    }
    // findFree with the fields in locals: a new table has no tombstones.
    let g = homeGroup(h, groups);
    let group = base + <usize>g * stride;
    let m = matchFree(group);
    while (m == 0) {
      g = g + 1 == groups ? 0 : g + 1;
      group = base + <usize>g * stride;
      m = matchFree(group);
    }
    const j = <usize>ctz(m);
    store<u8>(group + j, tagOf(h));
    const s = group + 16 + j * slotSize<K, C>();
    if (isSigned<K>()) store<K>(s, <K>key);
    else store<u64>(s, <u64>key == NOT_INLINE ? arenaKey(appendRecord(t, ptr, len)) : <u64>key);
    store<C>(s + sizeof<K>(), <C>n);
    placed++;
    // Below 2^62 a sum of counts (each below 2^53) cannot wrap.
    sum += <i64>n;
    if (sum > 0x4000000000000000) {
      addTotal(t, sum);
      sum = 0;
    }
    p = q + b;
  }
  setItems(t, itemsOf(t) + placed);
  addTotal(t, sum);
  return p;
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
  if (mode == RECORDS_MOVE) p = moveRecords<K, C>(t, p, end);
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
