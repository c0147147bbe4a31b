// Imports the package and uses nothing: with "sideEffects": false a bundler
// drops all of it, the inlined wasm included.
import 'tophash';
import { CounterMap } from 'tophash';

console.log('nothing used');
