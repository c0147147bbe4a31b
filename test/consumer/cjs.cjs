// (b) A CommonJS consumer: require() is synchronous and the maps work at once.
const tophash = require('tophash');
const { CounterMap, IntCounterMap } = require('tophash');
const exercise = require('./exercise.cjs');
const { countFile } = require('tophash/node');
require('node:fs').writeFileSync('words-cjs.txt', 'a b a\nc');

const first = new CounterMap();
const firstCount = first.incr('synchronous');
const into = new CounterMap();
countFile('words-cjs.txt', { into }).then((fromFile) => process.stdout.write(
  JSON.stringify({
    format: 'cjs',
    resolved: require.resolve('tophash'),
    exportNames: Object.keys(tophash).filter((k) => k !== '__esModule').sort(),
    firstCount,
    node: { resolved: require.resolve('tophash/node'), same: fromFile === into, a: into.get('a'), size: into.size },
    result: exercise({ CounterMap, IntCounterMap }),
  }) + '\n',
));
