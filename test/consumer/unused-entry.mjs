// Imports the package and uses nothing: with "sideEffects": false a bundler
// drops all of it, the inlined wasm included.
import 'tophash';
// eslint-disable-next-line no-unused-vars -- unused on purpose: the test checks the bundler drops it
import { CounterMap } from 'tophash';

console.log('nothing used');
