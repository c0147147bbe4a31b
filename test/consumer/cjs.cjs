// (b) A CommonJS consumer: require() is synchronous and the maps work at once.
const tophash = require('tophash');
const { CounterMap, IntCounterMap } = require('tophash');
const exercise = require('./exercise.cjs');

const first = new CounterMap();
const firstCount = first.incr('synchronous');
process.stdout.write(
  JSON.stringify({
    format: 'cjs',
    resolved: require.resolve('tophash'),
    exportNames: Object.keys(tophash).filter((k) => k !== '__esModule').sort(),
    firstCount,
    result: exercise({ CounterMap, IntCounterMap }),
  }) + '\n',
);
