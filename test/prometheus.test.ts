// tophash/prometheus against the real prom-client: trackMaps() on a registry,
// scraped over a real node:http server on 127.0.0.1 (examples/metrics-server.mjs).
// Imports the built package (`npm test` builds first), as a user would.
import { createRequire } from 'node:module';
import { Registry, type Counter, type Gauge, type OpenMetricsContentType, type RegistryContentType } from 'prom-client';
import { CounterMap, IntCounterMap, memoryStats } from 'tophash';
import { DEFAULT_PREFIX, trackMaps, type TrackedMaps } from 'tophash/prometheus';
import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: a plain .mjs example without declarations
import { serveMetrics } from '../examples/metrics-server.mjs';

const require = createRequire(import.meta.url);

const NAMES = ['entries', 'capacity_slots', 'tombstones', 'bytes', 'load_factor', 'rebuilds_total'];
/** The process-wide gauges of memoryStats(), with no map label. */
const MEMORY_NAMES = ['pools', 'pool_bytes', 'pool_bytes_in_use', 'pooled_maps', 'own_maps', 'own_bytes'];
const ALL_NAMES = [...NAMES, ...MEMORY_NAMES];

/** The samples of an exposition text: `name{map="x"}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function track(maps: TrackedMaps | (() => TrackedMaps), options: Parameters<typeof trackMaps>[1] = {}): Registry<RegistryContentType> {
  const register = options.register ?? new Registry();
  stops.push(trackMaps(maps, { ...options, register }));
  return register;
}

describe('trackMaps over HTTP (examples/metrics-server.mjs)', () => {
  it('serves the tophash_* metrics before counting, after counting and after dispose', async () => {
    const words = new CounterMap();
    const ids = new IntCounterMap();
    const register = track({ words, ids });
    const server = await serveMetrics(register, { seconds: 30 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const scrape = async (): Promise<string> => {
        const res = await fetch(server.url);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe(Registry.PROMETHEUS_CONTENT_TYPE);
        return res.text();
      };

      // Before counting: every series is there, at 0 (an empty map holds no memory).
      const before = await scrape();
      for (const n of NAMES) {
        expect(before).toContain(`# HELP tophash_${n} `);
        expect(before).toContain(`# TYPE tophash_${n} ${n.endsWith('_total') ? 'counter' : 'gauge'}\n`);
        for (const map of ['words', 'ids']) expect(samples(before).get(`tophash_${n}{map="${map}"}`)).toBe(0);
      }

      for (const w of 'to be or not to be that is the question'.split(' ')) words.incr(w);
      ids.incrMany(Array.from({ length: 5000 }, (_, i) => i));
      for (let i = 0; i < 1000; i++) ids.delete(i);
      const after = samples(await scrape());
      for (const [name, map] of [['words', words], ['ids', ids]] as const) {
        const s = map.stats();
        expect(after.get(`tophash_entries{map="${name}"}`)).toBe(s.size);
        expect(after.get(`tophash_capacity_slots{map="${name}"}`)).toBe(s.capacity);
        expect(after.get(`tophash_tombstones{map="${name}"}`)).toBe(s.tombstones);
        expect(after.get(`tophash_bytes{map="${name}"}`)).toBe(s.bytes);
        expect(after.get(`tophash_load_factor{map="${name}"}`)).toBeCloseTo(s.loadFactor, 12);
        expect(after.get(`tophash_rebuilds_total{map="${name}"}`)).toBe(s.rebuilds);
      }
      expect(after.get('tophash_entries{map="words"}')).toBe(8);
      expect(after.get('tophash_entries{map="ids"}')).toBe(4000);
      expect(after.get('tophash_bytes{map="ids"}')).toBeGreaterThanOrEqual(65536);
      expect(after.get('tophash_rebuilds_total{map="ids"}')).toBeGreaterThan(1);
      // The process-wide memory, as memoryStats() says, with no map label.
      const ms = memoryStats();
      expect(after.get('tophash_pools')).toBe(ms.pools);
      expect(after.get('tophash_pool_bytes')).toBe(ms.poolBytes);
      expect(after.get('tophash_pool_bytes_in_use')).toBe(ms.poolBytesInUse);
      expect(after.get('tophash_pooled_maps')).toBe(ms.pooledMaps);
      expect(after.get('tophash_own_maps')).toBe(ms.ownMaps);
      expect(after.get('tophash_own_bytes')).toBe(ms.ownBytes);
      expect(ms.poolBytesInUse).toBeGreaterThanOrEqual(words.stats().bytes + ids.stats().bytes);

      // After dispose: that map reads 0 everywhere and the scrape still works.
      words.dispose();
      const disposed = samples(await scrape());
      for (const n of NAMES) expect(disposed.get(`tophash_${n}{map="words"}`)).toBe(0);
      expect(disposed.get('tophash_entries{map="ids"}')).toBe(4000);

      // Anything but GET /metrics is a 404.
      expect((await fetch(server.url.replace('/metrics', '/'))).status).toBe(404);
    } finally {
      await server.close();
    }
    // Closed: the port no longer answers.
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('stops by itself after its time', async () => {
    const server = await serveMetrics(new Registry(), { seconds: 0.2 });
    expect((await fetch(server.url)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    await expect(fetch(server.url)).rejects.toThrow();
    await server.close(); // a second close is harmless
  });
});

describe('trackMaps', () => {
  it('unregisters its metrics, and only its own', async () => {
    const register = new Registry();
    const stop = trackMaps({ a: new CounterMap() }, { register });
    expect(register.getMetricsAsArray().map((m) => m.name).sort()).toEqual(ALL_NAMES.map((n) => DEFAULT_PREFIX + n).sort());
    stop();
    expect(register.getMetricsAsArray()).toEqual([]);
    expect(await register.metrics()).toBe('\n');
    // Tracking again after unregistering works; the first stop() no longer touches it.
    const again = trackMaps({ a: new CounterMap() }, { register });
    stop();
    expect(register.getMetricsAsArray()).toHaveLength(ALL_NAMES.length);
    again();
    expect(register.getMetricsAsArray()).toHaveLength(0);
  });

  it('uses prom-client\'s global register by default', async () => {
    const { register } = require('prom-client') as typeof import('prom-client');
    const m = new IntCounterMap();
    m.incr(7, 3);
    const stop = trackMaps({ global: m });
    try {
      expect(samples(await register.metrics()).get('tophash_entries{map="global"}')).toBe(1);
    } finally {
      stop();
    }
    expect(register.getSingleMetric('tophash_entries')).toBeUndefined();
  });

  it('prefix replaces tophash_ in every name', async () => {
    const m = new CounterMap();
    m.incr('x');
    const register = track({ m }, { prefix: 'myapp_counters_' });
    const text = await register.metrics();
    for (const n of NAMES) expect(samples(text).has(`myapp_counters_${n}{map="m"}`)).toBe(true);
    expect(text).not.toContain('tophash_');
  });

  it('a function lets maps come and go: a name no longer returned drops its series', async () => {
    const live = new Map<string, CounterMap>([['a', new CounterMap()]]);
    const register = track(() => Object.fromEntries(live));
    live.get('a')!.incr('x');
    expect([...samples(await register.metrics()).keys()].filter((k) => k.startsWith('tophash_entries'))).toEqual(['tophash_entries{map="a"}']);
    live.set('b', new CounterMap());
    live.get('b')!.incrMany(['x', 'y']);
    live.delete('a');
    const s = samples(await register.metrics());
    expect([...s.keys()].filter((k) => k.startsWith('tophash_entries'))).toEqual(['tophash_entries{map="b"}']);
    expect(s.get('tophash_entries{map="b"}')).toBe(2);
  });

  it('a record is read once: a map added to it later is not tracked', async () => {
    const maps: Record<string, CounterMap> = { a: new CounterMap() };
    const register = track(maps);
    maps.b = new CounterMap();
    expect(samples(await register.metrics()).has('tophash_entries{map="b"}')).toBe(false);
  });

  it('reads each map once per scrape, however many metrics', async () => {
    const m = new CounterMap();
    const spy = vi.spyOn(m, 'stats');
    const register = track({ m });
    await register.metrics();
    expect(spy).toHaveBeenCalledTimes(1);
    await register.metrics();
    expect(spy).toHaveBeenCalledTimes(2);
    // A single metric on its own reads afresh too.
    await register.getSingleMetricAsString('tophash_bytes');
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it('works with an OpenMetrics registry and getMetricsAsJSON', async () => {
    // prom-client's declarations omit the constructor's content-type argument.
    const OpenMetricsRegistry = Registry as unknown as new (type: OpenMetricsContentType) => Registry<OpenMetricsContentType>;
    const register = new OpenMetricsRegistry(Registry.OPENMETRICS_CONTENT_TYPE);
    const m = new IntCounterMap();
    m.incrMany([1, 2, 3]);
    track({ m }, { register });
    const text = await register.metrics();
    expect(text).toContain('tophash_rebuilds_total{map="m"} 1\n');
    expect(text).toContain('# TYPE tophash_rebuilds counter');
    expect(text.endsWith('# EOF\n')).toBe(true);
    const json = await register.getMetricsAsJSON();
    expect(json.find((x) => x.name === 'tophash_entries')?.values).toEqual([{ value: 3, labels: { map: 'm' } }]);
  });

  it('a disposed map never makes a scrape throw, nor the map given by a function', async () => {
    const m = new CounterMap();
    m.incr('a');
    const register = track(() => ({ m }));
    m.dispose();
    const s = samples(await register.metrics());
    for (const n of NAMES) expect(s.get(`tophash_${n}{map="m"}`)).toBe(0);
  });

  it('the CommonJS build works the same, and accepts maps from the ESM build', async () => {
    const cjs = require('tophash/prometheus') as typeof import('tophash/prometheus');
    const { IntCounterMap: CjsIntCounterMap } = require('tophash') as typeof import('tophash');
    const register = new Registry();
    const esmMap = new CounterMap();
    esmMap.incr('x');
    const cjsMap = new CjsIntCounterMap();
    cjsMap.incrMany([1, 2]);
    stops.push(cjs.trackMaps({ esmMap, cjsMap }, { register }));
    const s = samples(await register.metrics());
    expect(s.get('tophash_entries{map="esmMap"}')).toBe(1);
    expect(s.get('tophash_entries{map="cjsMap"}')).toBe(2);
  });
});

describe('trackMaps: bad arguments', () => {
  const register = new Registry();
  const bad = trackMaps as (maps: unknown, options?: unknown) => () => void;
  it.each([
    ['null', null, /maps must be an object of name → CounterMap \| IntCounterMap \| TopK \| IntTopK, got null/],
    ['a number', 5, /maps must be an object.*got number 5/],
    ['an array', [new CounterMap()], /maps must be an object.*got an array/],
    ['a Map of maps (not a record)', new Map([['a', new CounterMap()]]), /maps must be an object.*got an object \(\[object Map\]\)/],
    ['a plain Map as a value', { a: new Map() }, /maps\["a"\] must be a CounterMap, IntCounterMap, TopK or IntTopK, got an object \(\[object Map\]\)/],
    ['a string as a value', { a: 'words' }, /maps\["a"\] must be a CounterMap, IntCounterMap, TopK or IntTopK, got string "words"/],
    ['a look-alike with a stats() method', { a: { stats: () => ({}) } }, /maps\["a"\] must be a CounterMap, IntCounterMap, TopK or IntTopK/],
  ])('maps = %s: TypeError', (_what, maps, message) => {
    expect(() => bad(maps, { register })).toThrow(TypeError);
    expect(() => bad(maps, { register })).toThrow(message);
  });

  it('a function returning a bad value: TypeError at the call, not at the first scrape', () => {
    expect(() => bad(() => ({ a: 1 }), { register })).toThrow(/maps\(\)\["a"\] must be a CounterMap, IntCounterMap, TopK or IntTopK, got number 1/);
    expect(() => bad(() => null, { register })).toThrow(TypeError);
    // Records with a null prototype are records too.
    stops.push(bad(Object.assign(Object.create(null) as object, { a: new CounterMap() }), { register: new Registry() }));
  });

  it.each([
    ['not a string', 42, TypeError, /options\.prefix must be a string, got number 42/],
    ['empty', '', RangeError, /options\.prefix must be a Prometheus metric name ending in "_"/],
    ['without the trailing _', 'myapp', RangeError, /ending in "_".*got string "myapp"/],
    ['with a dash', 'my-app_', RangeError, /got string "my-app_"/],
    ['starting with a digit', '1app_', RangeError, /got string "1app_"/],
  ])('prefix %s: %s', (_what, prefix, type, message) => {
    expect(() => bad({}, { register, prefix })).toThrow(type);
    expect(() => bad({}, { register, prefix })).toThrow(message);
  });

  it('options and register of the wrong kind: TypeError', () => {
    expect(() => bad({}, 'tophash_')).toThrow(/options must be an object, got string/);
    expect(() => bad({}, { register: {} })).toThrow(/options\.register must be a prom-client Registry/);
  });

  it('a name already registered: an Error that says what to do, and nothing registered', () => {
    const r = new Registry();
    stops.push(trackMaps({}, { register: r }));
    expect(() => trackMaps({}, { register: r })).toThrow(/already has a metric tophash_entries: track every map in one trackMaps call/);
    expect(r.getMetricsAsArray()).toHaveLength(ALL_NAMES.length);
    // A different prefix on the same registry is fine.
    stops.push(trackMaps({}, { register: r, prefix: 'other_' }));
    expect(r.getMetricsAsArray()).toHaveLength(2 * ALL_NAMES.length);
  });

  it('the metric objects are prom-client\'s own Gauge and Counter', () => {
    const r = track({});
    const prom = require('prom-client') as typeof import('prom-client');
    expect(r.getSingleMetric('tophash_entries')).toBeInstanceOf(prom.Gauge as unknown as new () => Gauge);
    expect(r.getSingleMetric('tophash_rebuilds_total')).toBeInstanceOf(prom.Counter as unknown as new () => Counter);
  });
});
