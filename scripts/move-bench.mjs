// Times a table's move into a new own instance (the growth of a full map), CPU time, across
// builds in one process: node scripts/move-bench.mjs before=<dist dir> after=dist (ROUNDS=n).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const builds = [];
for (const a of process.argv.slice(2)) {
  const [name, dir] = a.split('=');
  builds.push({ name, m: await import(pathToFileURL(resolve(dir, 'esm/index.js')).href) });
}
const ROUNDS = +(process.env.ROUNDS ?? 15);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const intKeys = Float64Array.from({ length: 2_000_000 }, (_, i) => i * 7 + 1);
const strKeys = Array.from({ length: 500_000 }, (_, i) => 'key:' + i.toString(36) + ':' + (i * 2654435761 % 1000));
function fillTo(c, keys, from, to) { for (let i = from; i < to; i += 65536) c.incrMany(keys.slice(i, Math.min(to, i + 65536))); }
function full(Ctor, keys, approx) {
  const c = new Ctor(); fillTo(c, keys, 0, approx);
  const cap = c.stats().capacity, max = cap - Math.floor(cap / 8);
  fillTo(c, keys, approx, max);
  return { c, cap, next: keys[max] };
}
const cases = { int: [intKeys, 1_000_000, 'IntCounterMap'], str: [strKeys, 440_000, 'CounterMap'] };
const res = {};
for (const [cn, [keys, approx, ctor]] of Object.entries(cases)) {
  const src = builds.map((b) => full(b.m[ctor], keys, approx));
  for (let r = 0; r < ROUNDS; r++) {
    const idx = builds.map((_, i) => i); if (r % 2) idx.reverse();
    for (const i of idx) {
      const { c, cap, next } = src[i];
      const d = c.clone();
      if (d.stats().capacity !== cap) throw new Error('clone capacity ' + d.stats().capacity + ' vs ' + cap);
      const t = cpu(); d.incr(next); const ms = cpu() - t;
      if (d.stats().capacity <= cap || d.size !== c.size + 1) throw new Error('no growth');
      d.dispose();
      ((res[cn] ??= {})[builds[i].name] ??= []).push(ms);
    }
  }
  for (const s of src) s.c.dispose();
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
for (const [cn, by] of Object.entries(res)) {
  const names = Object.keys(by), last = names[names.length - 1], ref = med(by[last]);
  console.log(cn.padEnd(4), names.map((n) => `${n} ${med(by[n]).toFixed(1)}ms`).join('  '), '|', names.slice(0, -1).map((n) => `${last}/${n} ${(ref / med(by[n])).toFixed(3)}`).join('  '));
}
