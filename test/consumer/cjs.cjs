// (b) A CommonJS consumer: require() is synchronous and the maps work at once.
const tophash = require('tophash');
const { CounterMap, IntCounterMap } = require('tophash');
const exercise = require('./exercise.cjs');
const { countFile } = require('tophash/node');
require('node:fs').writeFileSync('words-cjs.txt', 'a b a\nc');

const first = new CounterMap();
const firstCount = first.incr('synchronous');
const into = new CounterMap();
Promise.all([countFile('words-cjs.txt', { into }), countFile('words-cjs.txt', { workers: 2 })]).then(([fromFile, byWorkers]) => process.stdout.write(
  JSON.stringify({
    format: 'cjs',
    workers: { a: byWorkers.get('a'), size: byWorkers.size, doubled: CounterMap.fromSnapshot(byWorkers.snapshot()).merge(byWorkers).get('a') },
    resolved: require.resolve('tophash'),
    exportNames: Object.keys(tophash).filter((k) => k !== '__esModule').sort(),
    firstCount,
    node: { resolved: require.resolve('tophash/node'), same: fromFile === into, a: into.get('a'), size: into.size },
    result: exercise({ CounterMap, IntCounterMap }),
  }) + '\n',
));
