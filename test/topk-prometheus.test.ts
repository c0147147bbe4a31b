// tophash/prometheus's trackMaps with bounded summaries: a TopK's tracked
// keys, capacity and bytes on the same gauges as the maps'.
import { Registry } from 'prom-client';
import { CounterMap, IntTopK, TopK } from 'tophash';
import { trackMaps } from 'tophash/prometheus';
import { describe, expect, it } from 'vitest';

function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('trackMaps with TopK and IntTopK', () => {
  it('reports tracked keys, capacity, bytes and the fill; a disposed summary reads 0', async () => {
    const register = new Registry();
    const urls = new TopK({ capacity: 50 });
    const ids = new IntTopK({ capacity: 8 });
    const words = new CounterMap();
    const stop = trackMaps({ urls, ids, words }, { register });
    try {
      for (let i = 0; i < 1000; i++) urls.incr(`/page/${i % 70}`);
      for (let i = 0; i < 5; i++) ids.incr(i);
      words.incr('x');
      const s = samples(await register.metrics());
      expect(s.get('tophash_entries{map="urls"}')).toBe(50);
      expect(s.get('tophash_capacity_slots{map="urls"}')).toBe(50);
      expect(s.get('tophash_bytes{map="urls"}')).toBe(urls.stats().bytes);
      expect(s.get('tophash_load_factor{map="urls"}')).toBe(1);
      expect(s.get('tophash_entries{map="ids"}')).toBe(5);
      expect(s.get('tophash_load_factor{map="ids"}')).toBe(5 / 8);
      expect(s.get('tophash_tombstones{map="ids"}')).toBe(0);
      expect(s.get('tophash_rebuilds_total{map="ids"}')).toBe(0);
      expect(s.get('tophash_entries{map="words"}')).toBe(1);
      ids.dispose();
      expect(samples(await register.metrics()).get('tophash_bytes{map="ids"}')).toBe(0);
    } finally {
      stop();
    }
    expect(() => trackMaps({ bad: {} as never }, { register })).toThrow(/CounterMap, IntCounterMap, TopK or IntTopK/);
  });
});
