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
// Keys listed twice are found while loading (records_load): a table is the
// set that tells, and the table being loaded is dropped when it does.

/** A snapshot or merge stream that no writer makes. */
export class CorruptRecordsError extends TypeError {}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** The outcome of reading one varint: its value and where it ended. */
let value = 0;

/**
 * Reads the varint at `at` (within `end`) into `value`; returns its end, or
 * throws `fail(what)`. `half` reads it halved (the zigzag key's magnitude,
 * exact up to 2^54 where the whole value would not be); bit 0 is then lost.
 */
function readVarint(u8: Uint8Array, at: number, end: number, half: boolean, fail: (what: string) => never): number {
  let b = at < end ? u8[at]! : -1;
  if (b < 0) fail('cut short by the end of the body');
  if (b < 0x80) {
    value = half ? b >>> 1 : b;
    return at + 1;
  }
  let v = half ? (b & 0x7f) >>> 1 : b & 0x7f;
  let scale = half ? 64 : 128;
  for (let i = 1; ; i++) {
    if (i === 8) fail('a varint longer than 8 bytes (no safe integer needs more)');
    if (at + i >= end) fail('cut short by the end of the body');
    b = u8[at + i]!;
    v += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (b === 0) fail('a varint in a longer form than its shortest (it ends in a 0 byte)');
      value = v;
      return at + i + 1;
    }
    scale *= 128;
  }
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
    const where = `key byte ${p - at} (0x${b.toString(16)})`;
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
    } else if (b >= 0x80 && b <= 0xbf) return `${where}: a continuation byte with no lead byte`;
    else if (b === 0xc0 || b === 0xc1) return `${where}: an overlong 2-byte sequence`;
    else return `${where}: a byte that is never in UTF-8`;
    if (p + need >= end) return `${where}: a ${need + 1}-byte sequence cut short by the end of the key`;
    const b1 = u8[p + 1]!;
    if (b1 < lo || b1 > hi) {
      if (b1 < 0x80 || b1 > 0xbf) return `${where}: a lead byte not followed by a continuation byte`;
      if (b === 0xe0 || b === 0xf0) return `${where}: an overlong ${need + 1}-byte sequence`;
      return `${where}: a code point past U+10FFFF`;
    }
    for (let k = 2; k <= need; k++) {
      const c = u8[p + k]!;
      if (c < 0x80 || c > 0xbf) return `${where}: a lead byte not followed by a continuation byte`;
    }
    if (b === 0xed && b1 >= 0xa0) {
      // A surrogate: ED A0-AF high, ED B0-BF low.
      if (b1 >= 0xb0 && highEnd === p) return `${where}: a surrogate pair written as two 3-byte sequences (a writer makes one 4-byte sequence)`;
      p += 3;
      if (b1 < 0xb0) highEnd = p;
      continue;
    }
    p += need + 1;
  }
  return '';
}

/**
 * Checks the records of `body` (string keys if `strings`) and that there are
 * `count` of them; throws CorruptRecordsError naming the first record that
 * no writer makes (its index and byte offset in the body) and what is wrong.
 */
export function checkRecords(body: Uint8Array, strings: boolean, count: number): void {
  const n = body.length;
  let index = 0;
  let at = 0;
  const fail = (what: string): never => {
    throw new CorruptRecordsError(`record ${index} at body offset ${at}: ${what}`);
  };
  const failLength = (what: string): never => fail(`its key length is ${what}`);
  const failKey = (what: string): never => fail(`its key is ${what}`);
  const failCount = (what: string): never => fail(`its count is ${what}`);
  while (at < n) {
    if (index === count) fail(`more records than the ${count} the header lists`);
    let p: number;
    if (strings) {
      p = readVarint(body, at, n, false, failLength);
      const len = value;
      if (len > n - p) fail(`its key of ${len} bytes runs past the end of the body`);
      // ASCII keys are the common case: only bytes >= 0x80 need the full check.
      let q = p;
      const keyEnd = p + len;
      while (q < keyEnd && body[q]! < 0x80) q++;
      if (q < keyEnd) {
        const problem = wtf8Problem(body, p, len);
        if (problem !== '') fail(`its key is not WTF-8 as tophash writes it: ${problem}`);
      }
      p = keyEnd;
    } else {
      p = readVarint(body, at, n, true, failKey);
      // value is floor(zigzag / 2): the key is value, or -(value + 1) when bit 0 was set.
      const negative = (body[at]! & 1) === 1;
      if (value > (negative ? MAX_SAFE - 1 : MAX_SAFE)) failKey('not a safe integer');
    }
    p = readVarint(body, p, n, false, failCount);
    if (value < 1) failCount('0 (a map holds counts of 1 or more)');
    if (value > MAX_SAFE) failCount('past Number.MAX_SAFE_INTEGER');
    index++;
    at = p;
  }
  if (index !== count) throw new CorruptRecordsError(`the header says ${count} entries, the body holds ${index} records`);
}

/** The index of the record that starts at byte `offset` of a body checkRecords accepted. */
export function recordIndexAt(body: Uint8Array, strings: boolean, offset: number): number {
  let index = 0;
  let at = 0;
  const fail = (what: string): never => {
    throw new CorruptRecordsError(what);
  };
  while (at < offset) {
    at = readVarint(body, at, body.length, false, fail);
    if (strings) at += value;
    at = readVarint(body, at, body.length, false, fail);
    index++;
  }
  return index;
}
