// The SIMD tokenizer (assembly/tokens.ts, scan.ts, utf8.ts, tally.ts) at its
// edges: 16-byte blocks, 64-byte windows, 32 KiB pieces, the tally's
// capacity, and UTF-8 checked in the same pass. Every case is compared with
// the plain reference: decode, split on the separator characters, incr.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CounterMap } from '../src/index.js';
import { WS, reference, sorted } from './helpers/tokens.js';

const enc = new TextEncoder();
/** The scratch a piece goes through (assembly/heap.ts). */
const PIECE = 32768;

function expectCounts(text: string, opts: { separators?: string; lowercase?: boolean } = {}): void {
  const m = new CounterMap();
  const n = m.countTokens(enc.encode(text), opts);
  const ref = reference(text, opts.separators ?? WS, opts.lowercase ?? false);
  expect(sorted(m.entries())).toEqual(sorted(ref));
  expect(n).toBe([...ref.values()].reduce((a, b) => a + b, 0));
}

/** Offset of the first byte where `bytes` stops being UTF-8, by the platform's strict decoder. */
function firstInvalid(bytes: Uint8Array): number {
  const strict = new TextDecoder('utf-8', { fatal: true });
  const ok = (n: number): boolean => {
    try {
      strict.decode(bytes.subarray(0, n));
      return true;
    } catch {
      return false;
    }
  };
  if (ok(bytes.length)) return -1;
  // The longest prefix that decodes (it ends on a character boundary): the
  // first bad sequence starts there. (Not a binary search: a prefix that cuts
  // a character does not decode either.)
  let n = bytes.length - 1;
  while (n > 0 && !ok(n)) n--;
  return n;
}

describe('block and window edges', () => {
  it('a token starting at each offset 0-31 of a block (and of a 64-byte window), each length 1-40', () => {
    for (let off = 0; off < 70; off++) {
      for (const len of [1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40]) {
        const tok = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ'.slice(0, len);
        expectCounts(`${' '.repeat(off)}${tok} x${tok}\n${tok}`);
        expectCounts(`${'y'.repeat(off)} ${tok}`, { lowercase: true });
      }
    }
  });

  it('tokens ending exactly on a window edge, at the end of the input', () => {
    for (let n = 1; n <= 130; n++) {
      expectCounts('q'.repeat(n));
      expectCounts(`${' '.repeat(Math.max(0, n - 3))}abc`);
      expectCounts(`${'z '.repeat(n)}`);
    }
  });

  it('multi-byte sequences cut by every block edge, window edge and piece edge', () => {
    for (const ch of ['é', '日', '😀', '\u00a0', '\u{10ffff}']) {
      for (let pad = 0; pad < 70; pad++) {
        expectCounts(`${'a'.repeat(pad)}${ch}${ch}b ${ch} c${ch}`);
        expectCounts(`${' '.repeat(pad)}${ch.repeat(20)}`, { lowercase: true });
      }
      for (let pad = PIECE - 70; pad < PIECE + 10; pad += 1) {
        expectCounts(`${'w '.repeat(pad >> 1)}${'x'.repeat(pad & 1)}${ch}Q${ch} end`, { lowercase: true });
      }
    }
  });

  it('a piece full of distinct tokens fills the tally (flushes mid-piece) and the table grows during the flush', () => {
    const words: string[] = [];
    for (let i = 0; i < 30_000; i++) words.push(`w${(i * 7919) % 12_000}`);
    expectCounts(words.join(' '));
    expectCounts(words.join('\n').toUpperCase(), { lowercase: true });
  });

  it('tokens crafted to collide in the tally (unseeded) are counted right, probe chains capped', () => {
    // The tally's slot is the top 12 bits of (head8 ^ len) * 0x9e3779b97f4a7c15
    // (assembly/tally.ts): find 7-byte tokens that all land in slot 1234.
    const C = 0x9e3779b97f4a7c15n;
    const M = (1n << 64n) - 1n;
    const found: string[] = [];
    for (let i = 0; found.length < 150; i++) {
      const tok = 'c' + i.toString(36).padStart(6, '0');
      const b = enc.encode(tok);
      let k0 = 0n;
      for (let j = b.length - 1; j >= 0; j--) k0 = (k0 << 8n) | BigInt(b[j]!);
      if ((((k0 ^ 7n) * C) & M) >> 52n === 1234n) found.push(tok);
    }
    const words: string[] = [];
    for (let r = 0; r < 5; r++) for (let i = 0; i < found.length; i++) words.push(found[(i * 7 + r * 31) % found.length]!);
    expectCounts(words.join(' '));
    expectCounts(words.join('\n').toUpperCase(), { lowercase: true });
  });

  it('separators whose lowercase letter is one and uppercase is not, through rebuilds', () => {
    // "a" separates; "A" does not, so "xAy" is one token, counted as "xay".
    const words: string[] = [];
    for (let i = 0; i < 20_000; i++) words.push(`k${i % 5000}A${i % 7}`);
    const text = words.join('a');
    expectCounts(text, { separators: 'a', lowercase: true });
  });
});

describe('separator sets', () => {
  it('bytes >= 0x80 are refused with a RangeError, nothing counted', () => {
    const m = new CounterMap();
    m.incr('keep');
    for (const bad of ['\u0080', ' \u00e9', 'a\u00ff', '\u0100']) {
      expect(() => m.countTokens(enc.encode('a b'), { separators: bad })).toThrow(RangeError);
    }
    expect(sorted(m.entries())).toEqual([['keep', 1]]);
  });

  it('every ASCII byte a separator: only runs of non-ASCII text are tokens', () => {
    let all = '';
    for (let c = 0; c < 128; c++) all += String.fromCharCode(c);
    const text = `abc é日本 x😀y\u0000ü\u007fñ Straße`;
    expectCounts(text, { separators: all });
    expectCounts(text, { separators: all, lowercase: true });
  });

  it('each ASCII byte alone as the separator', () => {
    const text = 'The quick,brown;fox\tjumps|over\u0000the/lazy dog.\r\nA-B_C~é';
    for (let c = 0; c < 128; c++) {
      expectCounts(text, { separators: String.fromCharCode(c) });
    }
  });
});

describe('invalid UTF-8 in the same pass: TypeError at its offset, nothing counted', () => {
  const BAD: [string, number[]][] = [
    ['0xff', [0xff]],
    ['a stray continuation', [0x80]],
    ['an overlong 2-byte', [0xc0, 0xaf]],
    ['an overlong 3-byte', [0xe0, 0x80, 0xaf]],
    ['an overlong 4-byte', [0xf0, 0x8f, 0xbf, 0xbf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a lead byte then ASCII', [0xe6, 0x97, 0x41]],
    ['0xf5', [0xf5, 0x80, 0x80, 0x80]],
  ];

  it.each(BAD)('%s at each position of a block (and past a piece of counted tokens)', (_name, bad) => {
    const m = new CounterMap();
    m.incr('keep', 3);
    const before = sorted(m.entries());
    for (const lead of [0, 40_000]) {
      for (let pos = 0; pos < 80; pos++) {
        const prefix = enc.encode(`${'many words here '.repeat(lead >> 4)}${'v'.repeat(pos % 3)} ${'u'.repeat(pos)}`).subarray(0, lead + pos);
        const input = new Uint8Array([...prefix, ...bad, ...enc.encode(` after words${' ascii'.repeat(15)} é end`)]);
        const at = firstInvalid(input);
        expect(at).toBeGreaterThanOrEqual(0);
        expect(() => m.countTokens(input)).toThrow(new RegExp(`^countTokens: invalid UTF-8 at byte ${at} of the input`));
        expect(() => m.countTokens(input, { lowercase: true })).toThrow(TypeError);
        expect(sorted(m.entries())).toEqual(before);
      }
    }
  });

  it('a sequence truncated by the end of the input', () => {
    for (const tail of [[0xc3], [0xe6], [0xe6, 0x97], [0xf0, 0x9f], [0xf0, 0x9f, 0x98]]) {
      for (let pad = 0; pad < 66; pad++) {
        const input = new Uint8Array([...enc.encode('x'.repeat(pad)), ...tail]);
        const m = new CounterMap();
        expect(() => m.countTokens(input)).toThrow(`invalid UTF-8 at byte ${pad} of the input`);
        expect(m.size).toBe(0);
        expect(m.stats().bytes).toBe(0);
      }
    }
  });
});

describe('the table refusing part way: the map exactly as before', () => {
  it('a count passing MAX_SAFE_INTEGER during a flush', () => {
    const m = new CounterMap();
    m.set('x', Number.MAX_SAFE_INTEGER - 1);
    m.incr('keep');
    const before = sorted(m.entries());
    const text = `${'a b c '.repeat(20_000)}x y x z`;
    expect(() => m.countTokens(enc.encode(text))).toThrow(RangeError);
    expect(sorted(m.entries())).toEqual(before);
  });
});

// Random bytes biased towards what breaks tokenizers: separators, letters of
// both cases, every kind of UTF-8 sequence (valid, truncated, overlong,
// surrogate, too large), and lengths that straddle blocks.
const PARTS: number[][] = [
  [0x20], [0x0a], [0x09], [0x0d], [0x0b], [0x0c], [0x2c], [0x3b],
  [0x61], [0x41], [0x7a], [0x5a], [0x30], [0x7f], [0x00],
  [0xc3, 0xa9], [0xe6, 0x97, 0xa5], [0xf0, 0x9f, 0x98, 0x80], [0xc2, 0xa0], [0xef, 0xbf, 0xbd], [0xf4, 0x8f, 0xbf, 0xbf],
  [0xed, 0x9f, 0xbf], [0xee, 0x80, 0x80],
];
const BAD_PARTS: number[][] = [[0x80], [0xbf], [0xc3], [0xe6, 0x97], [0xf0, 0x9f, 0x98], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xf8]];

const bytesArb = fc
  .array(
    fc.oneof(
      { weight: 30, arbitrary: fc.constantFrom(...PARTS) },
      { weight: 1, arbitrary: fc.constantFrom(...BAD_PARTS) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => new Array<number>(n).fill(0x6d)) },
    ),
    { maxLength: 300 },
  )
  .map((parts) => new Uint8Array(parts.flat()));

describe('property: countTokens equals decode + split + incr on random bytes', () => {
  it('valid or not, whole or in chunks, any separators, lowercase or not', () => {
    fc.assert(
      fc.property(
        bytesArb,
        fc.constantFrom(WS, ' ', ',;', 'a', WS + ',.!?'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 4 }),
        (bytes, separators, lowercase, cuts) => {
          const at = firstInvalid(bytes);
          const m = new CounterMap();
          m.incr('pre-existing', 2);
          if (at >= 0) {
            expect(() => m.countTokens(bytes, { separators, lowercase })).toThrow(`invalid UTF-8 at byte ${at} of the input`);
            expect(sorted(m.entries())).toEqual([['pre-existing', 2]]);
            return;
          }
          const text = new TextDecoder().decode(bytes);
          const want = reference(text, separators, lowercase);
          want.set('pre-existing', (want.get('pre-existing') ?? 0) + 2);
          m.countTokens(bytes, { separators, lowercase });
          expect(sorted(m.entries())).toEqual(sorted(want));
          // The same bytes in chunks cut anywhere (a sequence cut too).
          const s = new CounterMap();
          s.incr('pre-existing', 2);
          const tc = s.tokenCounter({ separators, lowercase });
          const points = [0, ...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
          for (let i = 1; i < points.length; i++) tc.write(bytes.subarray(points[i - 1], points[i]));
          tc.end();
          expect(sorted(s.entries())).toEqual(sorted(want));
        },
      ),
      { numRuns: 1500 },
    );
  });
});
