// (a) An ESM consumer: a plain `import` from the package name, no init call,
// and the very first map works synchronously.
import { CounterMap, IntCounterMap } from 'tophash';
import * as tophash from 'tophash';
import exercise from './exercise.cjs';
import { writeFileSync } from 'node:fs';
import { countFile } from 'tophash/node';

const first = new CounterMap();
const firstCount = first.incr('synchronous'); // compiles the core: no await

// A stream of chunks; a token cut between chunks ("b" + "c") counts once.
const streamed = new CounterMap();
const streamTokens = await streamed.countStream(
  (async function* () {
    yield new TextEncoder().encode('a b');
    yield new TextEncoder().encode('c a');
  })(),
);
// tophash/node: a file counted into a map of the main entry's class.
writeFileSync('words-esm.txt', 'a b a\nc');
const into = new CounterMap();
const fromFile = await countFile('words-esm.txt', { into });
// Two worker threads running the package's own (ESM) worker script; a snapshot
// of their merged count, loaded back.
const byWorkers = await countFile('words-esm.txt', { workers: 2 });
const reloaded = CounterMap.fromSnapshot(byWorkers.snapshot()).merge(byWorkers);

console.log(
  JSON.stringify({
    node: { resolved: import.meta.resolve('tophash/node'), same: fromFile === into, a: into.get('a'), size: into.size },
    workers: { a: byWorkers.get('a'), size: byWorkers.size, doubled: reloaded.get('a') },
    format: 'esm',
    resolved: import.meta.resolve('tophash'),
    exportNames: Object.keys(tophash).sort(),
    firstCount,
    stream: [streamTokens, streamed.get('bc'), streamed.get('a')],
    result: exercise({ CounterMap, IntCounterMap }),
  }),
);
