// no-zero-count under ESLint's own RuleTester (vitest runs its describe/it).
// Each case is a pattern from real counting code: counters that store their
// zeros (invalid, with the suggestion's exact output), and the look-alikes
// the rule must leave alone (valid): maps and objects that delete at 0,
// arrays and typed arrays, unrelated `set` calls, maps of non-numbers.
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import rule from '../src/eslint/no-zero-count.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const TS = { parser: tseslint.parser };
const COMMONJS = { sourceType: 'commonjs' as const };

const tester = new RuleTester({ languageOptions: { ecmaVersion: 'latest', sourceType: 'module' } });

tester.run('no-zero-count', rule, {
  valid: [
    { name: "Map counter that deletes when the count reaches 0 (a temp)", code: `const counts = new Map();
export function release(key) {
  const n = (counts.get(key) ?? 0) - 1;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
}
` },
    { name: "Map counter: delete at 1, else decrement", code: `export function release(refs, id) {
  if (refs.get(id) === 1) {
    refs.delete(id);
  } else {
    refs.set(id, refs.get(id) - 1);
  }
}
` },
    { name: "object refcount: delete when the prefix decrement hits 0", code: `const refs = {};
export function unref(id) {
  if (--refs[id] === 0) delete refs[id];
}
` },
    { name: "object counter: -= then delete at or below 0", code: `const stock = Object.create(null);
export function take(item, n) {
  stock[item] -= n;
  if (stock[item] <= 0) delete stock[item];
}
` },
    { name: "Reflect.deleteProperty counts as a delete", code: `const pending = {};
export function done(id) {
  pending[id] = (pending[id] || 0) - 1;
  if (!pending[id]) Reflect.deleteProperty(pending, id);
}
` },
    { name: "URLSearchParams.set is not a counter", code: `export function firstPage(url) {
  url.searchParams.set('page', 0);
  return url;
}
` },
    { name: "Headers.set on a Headers instance", code: `const headers = new Headers();
headers.set('content-length', 0);
` },
    { name: "BFS distances: set(start, 0) on a map whose other sets use another key's value", code: `export function bfs(graph, start) {
  const dist = new Map();
  dist.set(start, 0);
  const queue = [start];
  for (const cur of queue) {
    for (const next of graph[cur]) {
      if (!dist.has(next)) {
        dist.set(next, dist.get(cur) + 1);
        queue.push(next);
      }
    }
  }
  return dist;
}
` },
    { name: "TS: a Map whose values are not only numbers", languageOptions: TS, code: `const paramCounts = new Map<string, string | number>();
paramCounts.set(name, (paramCounts.get(name) ?? 0) + 1);
paramCounts.set(name, 0);
` },
    { name: "a Map whose other values are strings", code: `const status = new Map();
status.set(job, 'queued');
status.set(job, status.get(job) - 1);
status.set(other, 0);
` },
    { name: "a Map of arrays (its values have methods called on them)", code: `const byKey = new Map();
byKey.get(k).push(item);
byKey.set(k, 0);
` },
    { name: "a typed-array histogram reset", code: `const hist = new Uint32Array(256);
for (const b of bytes) hist[b]++;
for (let i = 0; i < 256; i++) hist[i] = 0;
` },
    { name: "an array grid", code: `const grid = [];
grid[y * width + x] = 0;
grid[y * width + x]--;
` },
    { name: "TS: a parameter typed as an array", languageOptions: TS, code: `export function decay(buf: number[], i: number): void {
  buf[i]--;
  buf[i + 1] = 0;
}
` },
    { name: "a named field reset (not keyed by data)", code: `export function reset(stats) {
  stats.count = 0;
  stats.total -= 1;
}
` },
    { name: "a literal key is a field, not a counter", code: `const state = { total: 3 };
state['total'] = 0;
` },
    { name: "an object of unknown kind, no sign it is not an array", code: `export function dec(hist, b) {
  hist[b]--;
}
` },
    { name: "only increments", code: `const counts = new Map();
for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
` },
    { name: "a WeakMap", code: `const visits = new WeakMap();
visits.set(node, 0);
` },
    { name: "class field counter that deletes at 0", code: `export class RefCounter {
  #refs = new Map();
  retain(id) {
    this.#refs.set(id, (this.#refs.get(id) ?? 0) + 1);
  }
  release(id) {
    const n = this.#refs.get(id) - 1;
    if (n === 0) this.#refs.delete(id);
    else this.#refs.set(id, n);
  }
}
` },
    { name: "already a CounterMap", code: `import { CounterMap } from 'tophash';
const words = new CounterMap();
words.set(w, 0);
words.set(w, words.get(w) - 1);
` },
    { name: "shadowing: an inner array named like an outer counter object", code: `const counts = {};
for (const w of words) counts[w] = (counts[w] || 0) + 1;
export function scratch(i) {
  const counts = new Int32Array(4);
  counts[i] = 0;
}
` },
    { name: "minus a value that is not the map's own count", code: `export function shrink(sizes, id, total) {
  sizes.set(id, total - 1);
}
` },
    { name: "another key's count minus one", code: `export function depthOf(depth, child, parent) {
  depth.set(child, depth.get(parent) - 1);
}
` },
    { name: "an LRU cache from a library", code: `const lru = new LRUCache({ max: 100 });
lru.set(key, 0);
` },
    { name: "Math.max clamp followed by a delete at 0", code: `const counts = new Map();
export function drop(k) {
  counts.set(k, Math.max(0, (counts.get(k) ?? 0) - 1));
  if (counts.get(k) === 0) counts.delete(k);
}
` },
    { name: "an array field of a class", code: `export class Timers {
  timeouts = [];
  clear(i) {
    this.timeouts[i] = 0;
  }
}
` },
    { name: "an object used as a set of seen ids (no counting)", code: `const seen = {};
seen[id] = 0;
` },
    { name: "a negative step is an increment", code: `const counts = {};
counts[k] = (counts[k] || 0) + 1;
counts[k] -= -1;
` },
    { name: "string values with +=", code: `const text = {};
text[k] += 'more';
text[k] = 0;
` },
    { name: "initialized to 0, then added to (ESLint's own timing code)", code: `const data = Object.create(null);
export function add(key, tdiff) {
  if (typeof data[key] === 'undefined') {
    data[key] = 0;
  }
  data[key] += tdiff;
}
` },
    { name: "a Map entry started at 0, then incremented", code: `const counts = new Map();
export function add(k) {
  if (!counts.has(k)) counts.set(k, 0);
  counts.set(k, counts.get(k) + 1);
}
` },
    { name: "fixed buckets with literal keys start at 0 (TypeScript's line counts)", code: `function getCountsMap() {
  const counts = new Map();
  counts.set('Library', 0);
  counts.set('Definitions', 0);
  counts.set('TypeScript', 0);
  return counts;
}
export function countLines(files) {
  const counts = getCountsMap();
  for (const f of files) counts.set(f.kind, counts.get(f.kind) + f.lines);
  return counts;
}
` },
  ],
  invalid: [
    {
      name: 'a decrement whose value is used: reported, with no statement to rewrite (so no suggestion)',
      code: `const refs = {};
export function unref(id) {
  if (--refs[id] > 0) return;
  console.log('last reference to', id);
}
`,
      errors: [{ messageId: 'objectDecrement', line: 3, column: 7, suggestions: [] }],
    },
    {
      name: "a word counter reset with set(k, 0)",
      code: `const counts = new Map();
for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
counts.set(stop, 0);
`,
      errors: [
        {
          messageId: 'mapZero', line: 3, column: 1,
          suggestions: [
            { messageId: 'deleteAtZero', output: `const counts = new Map();
for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
counts.delete(stop);
` },
            { messageId: 'useCounterMap', output: `import { CounterMap } from 'tophash';
const counts = new CounterMap();
for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
counts.set(stop, 0);
` },
          ],
        },
      ],
    },
    {
      name: "m.set(k, m.get(k) - 1) on a parameter",
      code: `export function release(m, k) {
  m.set(k, m.get(k) - 1);
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 2, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function release(m, k) {
  const next = m.get(k) - 1;
  if (next > 0) m.set(k, next);
  else m.delete(k);
}
` },
          ],
        },
      ],
    },
    {
      name: "(m.get(k) ?? 0) - n",
      code: `export function take(stock, item, n) {
  stock.set(item, (stock.get(item) ?? 0) - n);
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 2, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function take(stock, item, n) {
  const next = (stock.get(item) ?? 0) - n;
  if (next > 0) stock.set(item, next);
  else stock.delete(item);
}
` },
          ],
        },
      ],
    },
    {
      name: "(m.get(k) || 0) - 1",
      code: `export function leave(rooms, room) {
  rooms.set(room, (rooms.get(room) || 0) - 1);
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 2, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function leave(rooms, room) {
  const next = (rooms.get(room) || 0) - 1;
  if (next > 0) rooms.set(room, next);
  else rooms.delete(room);
}
` },
          ],
        },
      ],
    },
    {
      name: "TS: m.get(k)! - 1", languageOptions: TS,
      code: `export function unref(refs: Map<string, number>, id: string): void {
  refs.set(id, refs.get(id)! - 1);
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 2, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function unref(refs: Map<string, number>, id: string): void {
  const next = refs.get(id)! - 1;
  if (next > 0) refs.set(id, next);
  else refs.delete(id);
}
` },
          ],
        },
      ],
    },
    {
      name: "Math.max(0, \u2026) clamps at 0 and keeps it",
      code: `export function drop(counts, k) {
  counts.set(k, Math.max(0, (counts.get(k) ?? 0) - 1));
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 2, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function drop(counts, k) {
  const next = Math.max(0, (counts.get(k) ?? 0) - 1);
  if (next > 0) counts.set(k, next);
  else counts.delete(k);
}
` },
          ],
        },
      ],
    },
    {
      name: "+ -1",
      code: `export function dec(m, k) {
  m.set(k, m.get(k) + -1);
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 2, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function dec(m, k) {
  const next = m.get(k) + -1;
  if (next > 0) m.set(k, next);
  else m.delete(k);
}
` },
          ],
        },
      ],
    },
    {
      name: "a const holding the count, minus one",
      code: `export function dec(inflight, host) {
  const c = inflight.get(host) ?? 0;
  inflight.set(host, c - 1);
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 3, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function dec(inflight, host) {
  const c = inflight.get(host) ?? 0;
  const next = c - 1;
  if (next > 0) inflight.set(host, next);
  else inflight.delete(host);
}
` },
          ],
        },
      ],
    },
    {
      name: "a let holding the count, decremented with --",
      code: `export function dec(inflight, host) {
  let c = inflight.get(host);
  c--;
  inflight.set(host, c);
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 4, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function dec(inflight, host) {
  let c = inflight.get(host);
  c--;
  if (c > 0) inflight.set(host, c);
  else inflight.delete(host);
}
` },
          ],
        },
      ],
    },
    {
      name: "the decremented count in a const, stored without a check",
      code: `export function dec(m, k) {
  const next = (m.get(k) ?? 0) - 1;
  m.set(k, next);
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 3, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function dec(m, k) {
  const next = (m.get(k) ?? 0) - 1;
  if (next > 0) m.set(k, next);
  else m.delete(k);
}
` },
          ],
        },
      ],
    },
    {
      name: "obj[k]-- on an object literal",
      code: `const refs = {};
export function unref(id) {
  refs[id]--;
}
`,
      errors: [
        {
          messageId: 'objectDecrement', line: 3, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `const refs = {};
export function unref(id) {
  if (--refs[id] <= 0) delete refs[id];
}
` },
          ],
        },
      ],
    },
    {
      name: "--obj[k] as a statement",
      code: `const refs = {};
export function unref(id) {
  --refs[id];
}
`,
      errors: [
        {
          messageId: 'objectDecrement', line: 3, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `const refs = {};
export function unref(id) {
  if (--refs[id] <= 0) delete refs[id];
}
` },
          ],
        },
      ],
    },
    {
      name: "TS: obj[k] -= n on a Record", languageOptions: TS,
      code: `const stock: Record<string, number> = {};
export function take(item: string, n: number): void {
  stock[item] -= n;
}
`,
      errors: [
        {
          messageId: 'objectDecrement', line: 3, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `const stock: Record<string, number> = {};
export function take(item: string, n: number): void {
  if ((stock[item] -= n) <= 0) delete stock[item];
}
` },
          ],
        },
      ],
    },
    {
      name: "obj[k] = obj[k] - 1 on Object.create(null)",
      code: `const open = Object.create(null);
export function close(fd) {
  open[fd] = open[fd] - 1;
}
`,
      errors: [
        {
          messageId: 'objectDecrement', line: 3, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `const open = Object.create(null);
export function close(fd) {
  if ((open[fd] = open[fd] - 1) <= 0) delete open[fd];
}
` },
          ],
        },
      ],
    },
    {
      name: "obj[k] = (obj[k] || 0) - 1 on a parameter",
      code: `export function leave(counts, k) {
  counts[k] = (counts[k] || 0) - 1;
}
`,
      errors: [
        {
          messageId: 'objectDecrement', line: 2, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function leave(counts, k) {
  if ((counts[k] = (counts[k] || 0) - 1) <= 0) delete counts[k];
}
` },
          ],
        },
      ],
    },
    {
      name: "obj[k] = 0 on an object counter",
      code: `const tally = {};
for (const v of votes) tally[v] = (tally[v] || 0) + 1;
tally[withdrawn] = 0;
`,
      errors: [
        {
          messageId: 'objectZero', line: 3, column: 1,
          suggestions: [
            { messageId: 'deleteAtZero', output: `const tally = {};
for (const v of votes) tally[v] = (tally[v] || 0) + 1;
delete tally[withdrawn];
` },
          ],
        },
      ],
    },
    {
      name: "this.counts[k]-- on a class field object",
      code: `export class Histogram {
  counts = {};
  add(k) {
    this.counts[k] = (this.counts[k] || 0) + 1;
  }
  remove(k) {
    this.counts[k]--;
  }
}
`,
      errors: [
        {
          messageId: 'objectDecrement', line: 7, column: 5,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export class Histogram {
  counts = {};
  add(k) {
    this.counts[k] = (this.counts[k] || 0) + 1;
  }
  remove(k) {
    if (--this.counts[k] <= 0) delete this.counts[k];
  }
}
` },
          ],
        },
      ],
    },
    {
      name: "a private Map field decremented",
      code: `export class Pool {
  #inUse = new Map();
  release(id) {
    this.#inUse.set(id, this.#inUse.get(id) - 1);
  }
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 4, column: 5,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export class Pool {
  #inUse = new Map();
  release(id) {
    const next = this.#inUse.get(id) - 1;
    if (next > 0) this.#inUse.set(id, next);
    else this.#inUse.delete(id);
  }
}
` },
          ],
        },
      ],
    },
    {
      name: "TS: a Map<string, number> named like a counter, reset to 0", languageOptions: TS,
      code: `export function resetUser(counts: Map<string, number>, user: string): void {
  counts.set(user, 0);
}
`,
      errors: [
        {
          messageId: 'mapZero', line: 2, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function resetUser(counts: Map<string, number>, user: string): void {
  counts.delete(user);
}
` },
          ],
        },
      ],
    },
    {
      name: "TS: a reset loop over a counter's keys", languageOptions: TS,
      code: `const wordCounts = new Map<string, number>();
for (const w of wordCounts.keys()) wordCounts.set(w, 0);
`,
      errors: [
        {
          messageId: 'mapZero', line: 2, column: 36,
          suggestions: [
            { messageId: 'deleteAtZero', output: `const wordCounts = new Map<string, number>();
for (const w of wordCounts.keys()) wordCounts.delete(w);
` },
          ],
        },
      ],
    },
    {
      name: "a conditional that stores 0",
      code: `export function dec(m, k) {
  const c = m.get(k) ?? 0;
  m.set(k, c > 1 ? c - 1 : 0);
}
`,
      errors: [
        {
          messageId: 'mapZero', line: 3, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function dec(m, k) {
  const c = m.get(k) ?? 0;
  if (c > 1) m.set(k, c - 1);
  else m.delete(k);
}
` },
          ],
        },
      ],
    },
    {
      name: "CommonJS: the CounterMap suggestion adds a require", languageOptions: COMMONJS,
      code: `'use strict';
const counts = new Map();
counts.set(a, (counts.get(a) ?? 0) + 1);
counts.set(b, 0);
`,
      errors: [
        {
          messageId: 'mapZero', line: 4, column: 1,
          suggestions: [
            { messageId: 'deleteAtZero', output: `'use strict';
const counts = new Map();
counts.set(a, (counts.get(a) ?? 0) + 1);
counts.delete(b);
` },
            { messageId: 'useCounterMap', output: `'use strict';
const { CounterMap } = require('tophash');
const counts = new CounterMap();
counts.set(a, (counts.get(a) ?? 0) + 1);
counts.set(b, 0);
` },
          ],
        },
      ],
    },
    {
      name: "TS: Map<number, number> suggests IntCounterMap", languageOptions: TS,
      code: `const hits = new Map<number, number>();
hits.set(id, (hits.get(id) ?? 0) + 1);
hits.set(id, 0);
`,
      errors: [
        {
          messageId: 'mapZero', line: 3, column: 1,
          suggestions: [
            { messageId: 'deleteAtZero', output: `const hits = new Map<number, number>();
hits.set(id, (hits.get(id) ?? 0) + 1);
hits.delete(id);
` },
            { messageId: 'useCounterMap', output: `import { IntCounterMap } from 'tophash';
const hits = new IntCounterMap();
hits.set(id, (hits.get(id) ?? 0) + 1);
hits.set(id, 0);
` },
          ],
        },
      ],
    },
    {
      name: "a delete in another function does not count",
      code: `const refs = new Map();
export function acquire(id) {
  refs.set(id, (refs.get(id) ?? 0) + 1);
}
export function release(id) {
  refs.set(id, refs.get(id) - 1);
}
export function purge(id) {
  refs.delete(id);
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 6, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `const refs = new Map();
export function acquire(id) {
  refs.set(id, (refs.get(id) ?? 0) + 1);
}
export function release(id) {
  const next = refs.get(id) - 1;
  if (next > 0) refs.set(id, next);
  else refs.delete(id);
}
export function purge(id) {
  refs.delete(id);
}
` },
            { messageId: 'useCounterMap', output: `import { CounterMap } from 'tophash';
const refs = new CounterMap();
export function acquire(id) {
  refs.set(id, (refs.get(id) ?? 0) + 1);
}
export function release(id) {
  refs.decr(id, 1);
}
export function purge(id) {
  refs.delete(id);
}
` },
          ],
        },
      ],
    },
    {
      name: "a delete of another key does not count",
      code: `export function move(m, from, to) {
  m.set(from, m.get(from) - 1);
  m.delete(to);
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 2, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function move(m, from, to) {
  const next = m.get(from) - 1;
  if (next > 0) m.set(from, next);
  else m.delete(from);
  m.delete(to);
}
` },
          ],
        },
      ],
    },
    {
      name: "an object with listed numeric keys",
      code: `const tally = { yes: 0, no: 0 };
export function unvote(v) {
  tally[v]--;
}
`,
      errors: [
        {
          messageId: 'objectDecrement', line: 3, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `const tally = { yes: 0, no: 0 };
export function unvote(v) {
  if (--tally[v] <= 0) delete tally[v];
}
` },
          ],
        },
      ],
    },
    {
      name: "TS: an index-signature type", languageOptions: TS,
      code: `export function take(hist: { [bucket: string]: number }, b: string): void {
  hist[b] -= 1;
}
`,
      errors: [
        {
          messageId: 'objectDecrement', line: 2, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function take(hist: { [bucket: string]: number }, b: string): void {
  if ((hist[b] -= 1) <= 0) delete hist[b];
}
` },
          ],
        },
      ],
    },
    {
      name: "under an if without braces: the fix adds a block",
      code: `export function dec(m, k, ok) {
  if (ok) m.set(k, (m.get(k) ?? 0) - 1);
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 2, column: 11,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function dec(m, k, ok) {
  if (ok) {
    const next = (m.get(k) ?? 0) - 1;
    if (next > 0) m.set(k, next);
    else m.delete(k);
  }
}
` },
          ],
        },
      ],
    },
    {
      name: "an object counter's conditional zero",
      code: `const seats = {};
export function free(row) {
  const c = seats[row] || 0;
  seats[row] = c <= 1 ? 0 : c - 1;
}
`,
      errors: [
        {
          messageId: 'objectZero', line: 4, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `const seats = {};
export function free(row) {
  const c = seats[row] || 0;
  if (c <= 1) delete seats[row];
  else seats[row] = c - 1;
}
` },
          ],
        },
      ],
    },
    {
      name: "a reset in one branch, an increment in the other",
      code: `const counts = {};
export function onEvent(k, type) {
  if (type === 'reset') counts[k] = 0;
  else counts[k]++;
}
`,
      errors: [
        {
          messageId: 'objectZero', line: 3, column: 25,
          suggestions: [
            { messageId: 'deleteAtZero', output: `const counts = {};
export function onEvent(k, type) {
  if (type === 'reset') delete counts[k];
  else counts[k]++;
}
` },
          ],
        },
      ],
    },
    {
      name: "the count held in a let, stored with --c",
      code: `export function dec(m, k) {
  let c = m.get(k) ?? 0;
  m.set(k, --c);
}
`,
      errors: [
        {
          messageId: 'mapDecrement', line: 3, column: 3,
          suggestions: [
            { messageId: 'deleteAtZero', output: `export function dec(m, k) {
  let c = m.get(k) ?? 0;
  const next = --c;
  if (next > 0) m.set(k, next);
  else m.delete(k);
}
` },
          ],
        },
      ],
    },
  ],
});
