// (a) An ESM consumer: a plain `import` from the package name, no init call,
// and the very first map works synchronously.
import { CounterMap, IntCounterMap } from 'tophash';
import * as tophash from 'tophash';
import exercise from './exercise.cjs';

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
console.log(
  JSON.stringify({
    format: 'esm',
    resolved: import.meta.resolve('tophash'),
    exportNames: Object.keys(tophash).sort(),
    firstCount,
    stream: [streamTokens, streamed.get('bc'), streamed.get('a')],
    result: exercise({ CounterMap, IntCounterMap }),
  }),
);
