// Keys with structure (strides, shared prefixes, dotted quads) must spread
// like random ones: the mean probe length (groups a lookup of a live key
// visits, stats().probeLengthMean) at 1M keys stays at what random keys get
// at the same load. Every table is made with the same load (initialCapacity),
// since the mean probe grows with load for any hash (~1.02 at 0.7, ~1.12 at
// 7/8, the most a table holds).
import { describe, expect, test } from 'vitest';
import { CounterMap, IntCounterMap } from '../src/index.js';

const N = 1_000_000;
/** initialCapacity for a table 70% full at N keys (it is sized for 7/8). */
const CAPACITY = Math.round((N / 0.7) * (7 / 8));

function intProbe(key: (i: number) => number): { mean: number; load: number } {
  const m = new IntCounterMap({ initialCapacity: CAPACITY });
  const keys = new Float64Array(N);
  for (let i = 0; i < N; i++) keys[i] = key(i);
  m.incrMany(keys);
  const s = m.stats();
  m.dispose();
  expect(s.size).toBe(N);
  return { mean: s.probeLengthMean, load: s.loadFactor };
}

function strProbe(key: (i: number) => string): { mean: number; load: number } {
  const m = new CounterMap({ initialCapacity: CAPACITY });
  const keys: string[] = [];
  for (let i = 0; i < N; i++) keys.push(key(i));
  m.incrMany(keys);
  const s = m.stats();
  m.dispose();
  expect(s.size).toBe(N);
  return { mean: s.probeLengthMean, load: s.loadFactor };
}

describe('hash quality: structured keys probe like random ones (1M keys, load 0.7)', () => {
  // Random keys: the yardstick.
  let x = 0x9e3779b9;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const random = intProbe((i) => rnd() * 2 ** 21 + i);

  test('random keys: the yardstick', () => {
    expect(random.load).toBeCloseTo(0.7, 1);
    expect(random.mean).toBeLessThan(1.05);
  });

  test('int strides i * 2^k + c for every k from 0 to 40, sequential ids, timestamps, ids with a sequence in the low bits, IPv4 addresses', () => {
    const families: Record<string, (i: number) => number> = {
      sequential: (i) => i,
      'timestamps (ms, one a second)': (i) => 1_700_000_000_000 + i * 1000,
      'timestamp * 65536 + sequence': (i) => (1_700_000_000 + (i >> 4)) * 65536 + (i & 15),
      'IPv4 addresses 10.x.y.z': (i) => 10 * 2 ** 24 + i,
    };
    for (let k = 0; k <= 40; k++) {
      // Past 2^33, 1M strided keys would leave the safe integers: wrap and offset.
      const period = Math.min(N, 2 ** (53 - k) - 1);
      families[`i * 2^${k} + 7`] = (i) => (i % period) * 2 ** k + 7 + Math.floor(i / period);
    }
    for (const [name, key] of Object.entries(families)) {
      const { mean } = intProbe(key);
      expect(mean, name).toBeLessThanOrEqual(Math.min(1.1, random.mean + 0.02));
    }
  });

  test('string families: user<i>, zero-padded hex, dotted IPs, keys that differ in one char', () => {
    const families: Record<string, (i: number) => string> = {
      'user<i>': (i) => `user${i}`,
      'zero-padded hex': (i) => i.toString(16).padStart(8, '0'),
      'dotted IPs': (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      'one char apart (long keys)': (i) => `a-long-common-prefix-${String.fromCharCode(33 + (i % 90))}${Math.floor(i / 90)}`,
      'one char apart (short keys)': (i) => String.fromCharCode(33 + (i % 90), 33 + ((i / 90) % 90), 33 + ((i / 8100) % 90), 33 + Math.floor(i / 729000)),
    };
    for (const [name, key] of Object.entries(families)) {
      const { mean } = strProbe(key);
      expect(mean, name).toBeLessThanOrEqual(Math.min(1.1, random.mean + 0.02));
    }
  });
});
