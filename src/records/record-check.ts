// Checks a stream of portable records (records.ts) held in JS, a snapshot's
// body, before anything is made from it. A checksum proves nothing against
// tampering (anyone can recompute a CRC-32), so a reader accepts exactly the
// bytes a writer makes and nothing else:
//
//   - varints: unsigned LEB128 of at most 8 bytes, in their shortest form
//     (a varint of two or more bytes never ends in a 0 byte);
//   - integer keys: the zigzag of a safe integer;
//   - string keys: a length that stays inside the body, and bytes that are
//     WTF-8 as utf8.ts writes a JS string: UTF-8 in its shortest form, with a
//     lone surrogate as its own 3-byte sequence, but a surrogate pair always
//     as one 4-byte sequence (never two 3-byte ones), nothing past U+10FFFF;
//   - counts: 1 to 2^53 - 1;
//   - as many records as the header says.
//
// Keys listed twice are found while loading (records_apply with `load`): a table is the
// set that tells, and the table being loaded is dropped when it does.

/** A snapshot or merge stream that no writer makes. */
export class CorruptRecordsError extends TypeError {}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const HIGH_BITS = 0x80808080 | 0;
const NO_WORDS = new Int32Array(0);

/** The value of the varint readVarint read last. */
let value = 0;

const CUT = -1;
const TOO_LONG = -2;
const NOT_SHORTEST = -3;

/**
 * Reads the varint at `at` (within `end`) into `value`; returns its end, or
 * CUT, TOO_LONG or NOT_SHORTEST. `half` reads it halved (the zigzag key's
 * magnitude, exact up to 2^54 where the whole value would not be); bit 0 is
 * then lost.
 */
function readVarint(u8: Uint8Array, at: number, end: number, half: boolean): number {
  if (at >= end) return CUT;
  let b = u8[at]!;
  if (b < 0x80) {
    value = half ? b >>> 1 : b;
    return at + 1;
  }
  let v = half ? (b & 0x7f) >>> 1 : b & 0x7f;
  let scale = half ? 64 : 128;
  for (let i = 1; i < 8; i++) {
    if (at + i >= end) return CUT;
    b = u8[at + i]!;
    v += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (b === 0) return NOT_SHORTEST;
      value = v;
      return at + i + 1;
    }
    scale *= 128;
  }
  return TOO_LONG;
}

function varintProblem(code: number): string {
  if (code === CUT) return 'cut short by the end of the body';
  if (code === TOO_LONG) return 'a varint longer than 8 bytes (no safe integer needs more)';
  return 'a varint in a longer form than its shortest (it ends in a 0 byte)';
}

/**
 * Why the `len` key bytes at `at` are not WTF-8 as a writer makes it, or ''
 * when they are.
 */
export function wtf8Problem(u8: Uint8Array, at: number, len: number): string {
  const end = at + len;
  let p = at;
  // After a 3-byte high surrogate: where it ended (a low one starting there
  // would make a pair, which the writer encodes as one 4-byte sequence).
  let highEnd = -1;
  while (p < end) {
    const b = u8[p]!;
    if (b < 0x80) {
      p++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else if (b <= 0xbf) return badByte(u8, at, p, 'a continuation byte with no lead byte');
    else if (b <= 0xc1) return badByte(u8, at, p, 'an overlong 2-byte sequence');
    else return badByte(u8, at, p, 'a byte that is never in UTF-8');
    if (p + need >= end) return badByte(u8, at, p, `a ${need + 1}-byte sequence cut short by the end of the key`);
    const b1 = u8[p + 1]!;
    if (b1 < lo || b1 > hi) {
      if (b1 < 0x80 || b1 > 0xbf) return badByte(u8, at, p, 'a lead byte not followed by a continuation byte');
      return badByte(u8, at, p, b === 0xf4 ? 'a code point past U+10FFFF' : `an overlong ${need + 1}-byte sequence`);
    }
    for (let k = 2; k <= need; k++) {
      const c = u8[p + k]!;
      if (c < 0x80 || c > 0xbf) return badByte(u8, at, p, 'a lead byte not followed by a continuation byte');
    }
    if (b === 0xed && b1 >= 0xa0) {
      // A surrogate: ED A0-AF high, ED B0-BF low.
      if (b1 >= 0xb0 && highEnd === p) return badByte(u8, at, p, 'a surrogate pair written as two 3-byte sequences (a writer makes one 4-byte sequence)');
      p += 3;
      if (b1 < 0xb0) highEnd = p;
      continue;
    }
    p += need + 1;
  }
  return '';
}

function badByte(u8: Uint8Array, at: number, p: number, what: string): string {
  return `key byte ${p - at} (0x${u8[p]!.toString(16)}): ${what}`;
}

/**
 * Checks the records of `body` (string keys if `strings`) and that there are
 * `count` of them; throws CorruptRecordsError naming the first record that
 * no writer makes (its index and byte offset in the body) and what is wrong.
 */
export function checkRecords(body: Uint8Array, strings: boolean, count: number): void {
  const n = body.length;
  // The body's whole aligned words: byte q of the body is in words[(q + shift) >> 2].
  const first = (body.byteOffset + 3) & ~3;
  const shift = body.byteOffset - first;
  const words = n >= 8 ? new Int32Array(body.buffer, first, (body.byteOffset + n - first) >> 2) : NO_WORDS;
  let index = 0;
  let at = 0;
  while (at < n) {
    if (index === count) throw corrupt(index, at, `more records than the ${count} the header lists`);
    let p: number;
    let v: number;
    // One-byte varints (short keys, small counts) are read inline: the loop
    // runs once per entry of the snapshot.
    if (strings) {
      v = body[at]!;
      if (v < 0x80) p = at + 1;
      else {
        p = readVarint(body, at, n, false);
        if (p < 0) throw corrupt(index, at, `its key length is ${varintProblem(p)}`);
        v = value;
      }
      if (v > n - p) throw corrupt(index, at, `its key of ${v} bytes runs past the end of the body`);
      // ASCII keys are the common case: only bytes >= 0x80 need the full
      // check, and keys of 8 bytes or more are scanned 4 bytes at a time.
      const keyEnd = p + v;
      let q = p;
      if (v >= 8) {
        while (((q + shift) & 3) !== 0 && body[q]! < 0x80) q++;
        if (((q + shift) & 3) === 0) while (q + 4 <= keyEnd && (words[(q + shift) >> 2]! & HIGH_BITS) === 0) q += 4;
      }
      while (q < keyEnd && body[q]! < 0x80) q++;
      if (q < keyEnd) {
        const problem = wtf8Problem(body, q, keyEnd - q);
        if (problem !== '') throw corrupt(index, at, `its key is not WTF-8 as tophash writes it: ${problem.replace(/^key byte (\d+)/, (_, k: string) => `key byte ${Number(k) + q - p}`)}`);
      }
      p = keyEnd;
    } else {
      p = readVarint(body, at, n, true);
      if (p < 0) throw corrupt(index, at, `its key is ${varintProblem(p)}`);
      // value is floor(zigzag / 2): the key is value, or -(value + 1) when bit 0 was set.
      if (value > ((body[at]! & 1) === 1 ? MAX_SAFE - 1 : MAX_SAFE)) throw corrupt(index, at, 'its key is not a safe integer');
    }
    v = p < n ? body[p]! : 0x80;
    if (v < 0x80) p++;
    else {
      p = readVarint(body, p, n, false);
      if (p < 0) throw corrupt(index, at, `its count is ${varintProblem(p)}`);
      v = value;
      if (v > MAX_SAFE) throw corrupt(index, at, 'its count is past Number.MAX_SAFE_INTEGER');
    }
    if (v < 1) throw corrupt(index, at, 'its count is 0 (a map holds counts of 1 or more)');
    index++;
    at = p;
  }
  if (index !== count) throw new CorruptRecordsError(`the header says ${count} entries, the body holds ${index} records`);
}

function corrupt(index: number, at: number, what: string): CorruptRecordsError {
  return new CorruptRecordsError(`record ${index} at body offset ${at}: ${what}`);
}

/** The index of the record that starts at byte `offset` of a body checkRecords accepted. */
export function recordIndexAt(body: Uint8Array, strings: boolean, offset: number): number {
  let index = 0;
  let at = 0;
  while (at < offset) {
    at = readVarint(body, at, body.length, false);
    if (at < 0) break;
    if (strings) at += value;
    at = readVarint(body, at, body.length, false);
    if (at < 0) break;
    index++;
  }
  return index;
}
