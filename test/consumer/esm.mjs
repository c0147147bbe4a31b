// (a) An ESM consumer: a plain `import` from the package name, no init call,
// and the very first map works synchronously.
import { CounterMap, IntCounterMap } from 'tophash';
import * as tophash from 'tophash';
import exercise from './exercise.cjs';

const first = new CounterMap();
const firstCount = first.incr('synchronous'); // compiles the core: no await
console.log(
  JSON.stringify({
    format: 'esm',
    resolved: import.meta.resolve('tophash'),
    exportNames: Object.keys(tophash).sort(),
    firstCount,
    result: exercise({ CounterMap, IntCounterMap }),
  }),
);
