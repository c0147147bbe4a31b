import { describe, expect, test } from 'vitest';
import { CounterMap } from '../src/index.js';
import { MAX_SAFE, SPECIAL_STRINGS, checkInvariants, compareToModel, Model, snapshot } from './helpers/model.js';

describe('CounterMap basics', () => {
  test('a new map is empty', () => {
    const m = new CounterMap();
    expect(m.size).toBe(0);
    expect(m.get('a')).toBe(0);
    expect(m.has('a')).toBe(false);
    expect(m.delete('a')).toBe(false);
    expect([...m]).toEqual([]);
    expect(m.mostCommon()).toEqual([]);
    expect(m.mostCommon(3)).toEqual([]);
    expect(m.stats().bytes).toBe(0);
    expect(m.stats().layout).toBe('none');
  });

  test('incr / decr / set / delete / get / has', () => {
    const m = new CounterMap();
    expect(m.incr('the')).toBe(1);
    expect(m.incr('the')).toBe(2);
    expect(m.incr('cat', 5)).toBe(5);
    expect(m.decr('cat', 2)).toBe(3);
    expect(m.decr('cat')).toBe(2);
    expect(m.set('dog', 7)).toBe(m);
    expect(m.get('dog')).toBe(7);
    expect(m.delete('dog')).toBe(true);
    expect(m.delete('dog')).toBe(false);
    expect(m.has('dog')).toBe(false);
    expect(m.incr('the', -2)).toBe(0);
    expect(m.has('the')).toBe(false);
    expect(m.decr('cat', 100)).toBe(0);
    expect(m.size).toBe(0);
    expect([...m]).toEqual([]);
    m.set('x', 3).set('x', 0);
    expect(m.size).toBe(0);
    expect(m.incr('nope', -1)).toBe(0);
    expect(m.incr('nope', 0)).toBe(0);
    expect(m.size).toBe(0);
  });

  test('the empty string is a key', () => {
    const m = new CounterMap();
    m.incr('');
    m.incr('', 2);
    expect(m.get('')).toBe(3);
    expect(m.has('')).toBe(true);
    expect(m.has(' ')).toBe(false);
    expect([...m]).toEqual([['', 3]]);
    expect(m.mostCommon()).toEqual([['', 3]]);
    expect(m.delete('')).toBe(true);
    expect(m.size).toBe(0);
  });

  test('every special key (unicode, emoji, lone surrogates, U+FFFD, NUL) is distinct and round-trips exactly', () => {
    const m = new CounterMap();
    SPECIAL_STRINGS.forEach((k, i) => m.incr(k, i + 1));
    expect(m.size).toBe(SPECIAL_STRINGS.length);
    SPECIAL_STRINGS.forEach((k, i) => expect(m.get(k), JSON.stringify(k)).toBe(i + 1));
    const back = new Map(m.entries());
    expect(back.size).toBe(SPECIAL_STRINGS.length);
    SPECIAL_STRINGS.forEach((k, i) => expect(back.get(k), JSON.stringify(k)).toBe(i + 1));
    const top = new Map(m.mostCommon());
    SPECIAL_STRINGS.forEach((k, i) => expect(top.get(k), JSON.stringify(k)).toBe(i + 1));
    checkInvariants(m);
  });

  test('lone surrogates are distinct from U+FFFD and from each other', () => {
    const m = new CounterMap();
    m.incr('\uD800');
    expect(m.get('\uFFFD')).toBe(0);
    expect(m.get('\uDC00')).toBe(0);
    expect(m.get('\uD800\uDC00')).toBe(0);
    m.incr('\uFFFD', 2);
    m.incr('a\uD800b', 3);
    expect(m.get('a\uFFFDb')).toBe(0);
    m.incr('a\uFFFDb', 4);
    expect(m.get('\uD800')).toBe(1);
    expect(m.get('\uFFFD')).toBe(2);
    expect(m.get('a\uD800b')).toBe(3);
    expect(m.get('a\uFFFDb')).toBe(4);
    const keys = [...m.keys()].sort();
    expect(keys).toEqual(['\uD800', '\uFFFD', 'a\uD800b', 'a\uFFFDb'].sort());
    // A surrogate pair written as two lone halves is the pair: the same JS string.
    m.incr('\uD83D' + '\uDE00');
    expect(m.get('😀')).toBe(1);
    // Reversed halves are two lone surrogates, not the emoji.
    expect(m.get('\uDE00\uD83D')).toBe(0);
  });

  test('a surrogate pair and its halves, at the ends of keys, all differ', () => {
    const keys = ['😀', '\uD83D', '\uDE00', 'x\uD83D', '\uDE00x', 'x😀', '😀x', '\uD83D\uD83D', '\uDE00\uDE00'];
    const m = new CounterMap();
    keys.forEach((k, i) => m.set(k, i + 1));
    expect(m.size).toBe(keys.length);
    keys.forEach((k, i) => expect(m.get(k)).toBe(i + 1));
    expect(new Map(m.entries())).toEqual(new Map(keys.map((k, i) => [k, i + 1])));
  });

  test('keys differing only in case, whitespace or a trailing NUL are distinct', () => {
    const keys = ['key', 'Key', 'KEY', 'key ', ' key', 'key\u0000', 'key\n'];
    const m = CounterMap.from(keys);
    expect(m.size).toBe(keys.length);
    for (const k of keys) expect(m.get(k)).toBe(1);
  });

  test('keys of every length around the decode fast-path (16) and varint (127/128, 16383/16384) boundaries', () => {
    const m = new CounterMap();
    const lens = [0, 1, 15, 16, 17, 31, 32, 33, 126, 127, 128, 129, 255, 256, 16383, 16384, 16385];
    for (const n of lens) {
      m.set('a'.repeat(n), n + 1);
      m.set('é'.repeat(n) + 'z', n + 2); // 2-byte chars: the byte length is about twice n
    }
    for (const n of lens) {
      expect(m.get('a'.repeat(n))).toBe(n + 1);
      expect(m.get('é'.repeat(n) + 'z')).toBe(n + 2);
    }
    const e = new Map(m.entries());
    for (const n of lens) {
      expect(e.get('a'.repeat(n))).toBe(n + 1);
      expect(e.get('é'.repeat(n) + 'z')).toBe(n + 2);
    }
    checkInvariants(m);
  });

  test('many keys survive growth, with special keys among them', () => {
    const m = new CounterMap();
    const model = new Model<string>();
    for (const k of SPECIAL_STRINGS) {
      m.incr(k, 2);
      model.incr(k, 2);
    }
    for (let i = 0; i < 20000; i++) {
      const k = `w${i % 7000}-${'日'.repeat(i % 5)}`;
      expect(m.incr(k)).toBe(model.incr(k, 1));
    }
    expect(m.stats().rebuilds).toBeGreaterThan(3);
    compareToModel(m, model, { probes: SPECIAL_STRINGS, mostCommonN: 10 });
  });

  test('counts up to Number.MAX_SAFE_INTEGER are exact', () => {
    const m = new CounterMap();
    m.set('big', MAX_SAFE - 2);
    expect(m.incr('big', 2)).toBe(MAX_SAFE);
    expect(m.get('big')).toBe(MAX_SAFE);
    expect(m.decr('big', MAX_SAFE)).toBe(0);
    expect(m.has('big')).toBe(false);
  });

  test('from(strings) counts; from([key, count]) adds; from(Map) drops count 0', () => {
    expect(snapshot(CounterMap.from(['a', 'b', 'a', '', '']))).toEqual([
      ['', 2],
      ['a', 2],
      ['b', 1],
    ]);
    expect(
      snapshot(
        CounterMap.from([
          ['a', 2],
          ['b', 0],
          ['a', 3],
        ] as Array<[string, number]>),
      ),
    ).toEqual([['a', 5]]);
    const src = new Map([
      ['x', 0],
      ['y', 4],
      ['\uD800', 1],
      ['z', 0],
    ]);
    const m = CounterMap.from(src);
    expect(snapshot(m)).toEqual([
      ['y', 4],
      ['\uD800', 1],
    ]);
    expect(m.has('x')).toBe(false);
    checkInvariants(m);
    const gen = CounterMap.from(
      (function* () {
        yield 'p';
        yield 'q';
        yield 'p';
      })(),
    );
    expect(gen.get('p')).toBe(2);
  });

  test('toJSON round-trips through JSON (lone surrogates included) and from()', () => {
    const m = new CounterMap();
    SPECIAL_STRINGS.forEach((k, i) => m.incr(k, i + 1));
    const back = CounterMap.from(JSON.parse(JSON.stringify(m)) as Array<[string, number]>);
    expect(snapshot(back)).toEqual(snapshot(m));
    expect(m.toJSON()).toEqual([...m.entries()]);
  });

  test('clear frees memory; the map is usable afterwards', () => {
    const m = new CounterMap();
    for (let i = 0; i < 5000; i++) m.incr(`k${i}`);
    m.clear();
    expect(m.size).toBe(0);
    // Slots and keys freed: only the map's 64-byte header stays in its pool.
    expect(m.stats().bytes).toBe(64);
    expect(m.stats().capacity).toBe(0);
    expect(m.get('k1')).toBe(0);
    m.incr('k1');
    expect(snapshot(m)).toEqual([['k1', 1]]);
  });

  test('initialCapacity: counting that many keys does not rebuild', () => {
    for (const n of [1, 14, 100, 5000]) {
      const m = new CounterMap({ initialCapacity: n });
      for (let i = 0; i < n; i++) m.incr(`key number ${i}`);
      expect(m.stats().rebuilds, `initialCapacity ${n}`).toBe(1);
      expect(m.size).toBe(n);
    }
  });

  test('Symbol.toStringTag names the class', () => {
    expect(Object.prototype.toString.call(new CounterMap())).toBe('[object CounterMap]');
  });
});
