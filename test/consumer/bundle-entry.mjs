// Bundled by a bundler (rolldown, as in Vite) with no plugin or wasm setting.
import { CounterMap, IntCounterMap } from 'tophash';
import exercise from './exercise.cjs';

console.log(JSON.stringify(exercise({ CounterMap, IntCounterMap })));
