// String keys cross into wasm as WTF-8: UTF-8, except that a lone surrogate
// is written as the 3-byte sequence of its code point instead of being
// replaced by U+FFFD as TextEncoder does. That keeps every JS string a
// distinct key ("\uD800" and "\uFFFD" must not collide) while valid text is
// byte for byte the UTF-8 a file or network stream holds (countTokens relies
// on this). A charCodeAt loop with an ASCII fast path measured faster than
// TextEncoder.encodeInto per key (which adds ~25 ns a key: a call into C++
// and a result object).

/** Most bytes a string of `n` UTF-16 units can need. */
export function maxEncodedBytes(n: number): number {
  return n * 3;
}

/** Writes `s` at `at`; returns the end offset. `u8` must have room. */
export function encodeInto(s: string, u8: Uint8Array, at: number): number {
  let p = at;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      u8[p++] = c;
    } else if (c < 0x800) {
      u8[p++] = 0xc0 | (c >> 6);
      u8[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) {
          i++;
          c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          u8[p++] = 0xf0 | (c >> 18);
          u8[p++] = 0x80 | ((c >> 12) & 0x3f);
          u8[p++] = 0x80 | ((c >> 6) & 0x3f);
          u8[p++] = 0x80 | (c & 0x3f);
          continue;
        }
      }
      u8[p++] = 0xe0 | (c >> 12);
      u8[p++] = 0x80 | ((c >> 6) & 0x3f);
      u8[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}

const CHUNK = 4096;

/** Reads `len` bytes of WTF-8 at `at` back into the string that wrote them. */
export function decode(u8: Uint8Array, at: number, len: number): string {
  const end = at + len;
  let p = at;
  // ASCII keys are the common case: no intermediate array.
  if (len <= 16) {
    let s = '';
    while (p < end && u8[p]! < 0x80) s += String.fromCharCode(u8[p++]!);
    if (p === end) return s;
    return s + decodeSlow(u8, p, end);
  }
  return decodeSlow(u8, p, end);
}

function decodeSlow(u8: Uint8Array, p: number, end: number): string {
  const units: number[] = [];
  let out = '';
  while (p < end) {
    const b = u8[p]!;
    if (b < 0x80) {
      units.push(b);
      p += 1;
    } else if (b < 0xe0) {
      units.push(((b & 0x1f) << 6) | (u8[p + 1]! & 0x3f));
      p += 2;
    } else if (b < 0xf0) {
      units.push(((b & 0x0f) << 12) | ((u8[p + 1]! & 0x3f) << 6) | (u8[p + 2]! & 0x3f));
      p += 3;
    } else {
      const cp = (((b & 0x07) << 18) | ((u8[p + 1]! & 0x3f) << 12) | ((u8[p + 2]! & 0x3f) << 6) | (u8[p + 3]! & 0x3f)) - 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      p += 4;
    }
    if (units.length >= CHUNK) {
      out += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode.apply(null, units);
}
