/**
 * The order mostCommon ranks equal counts by, as the core does it
 * (assembly/select.ts): integers by value, strings by code point, which is
 * the order of their UTF-8 bytes (a lone surrogate counts as its own code
 * unit, as it is encoded). Negative when `a` comes first.
 */
export function compareKeys(a: string | number, b: string | number): number {
  if (typeof a === 'number' || typeof b === 'number') return (a as number) - (b as number);
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  // UTF-16 order is not code point order where surrogates meet U+E000-FFFF:
  // compare the code points that hold the first differing unit.
  const high = a.charCodeAt(i - 1);
  if (i > 0 && high >= 0xd800 && high <= 0xdbff) {
    const d = a.codePointAt(i - 1)! - b.codePointAt(i - 1)!;
    if (d !== 0) return d;
  }
  return a.codePointAt(i)! - b.codePointAt(i)!;
}
