// A worker of shared.html: opens the map it is posted, waits for the start
// signal, runs its churn and posts its log. (Module workers do not see the
// page's import map: the package is imported by path.)
import { SharedCounterMap, SharedIntCounterMap } from './node_modules/tophash/dist/esm/index.js';
import { churn } from './shared-churn.mjs';

globalThis.onmessage = ({ data }) => {
  const { handle, kind, seed, ops, upKeys, gate } = data;
  const map = kind === 'int' ? SharedIntCounterMap.open(handle) : SharedCounterMap.open(handle);
  const g = new Int32Array(gate);
  Atomics.add(g, 0, 1);
  while (Atomics.load(g, 1) === 0) Atomics.wait(g, 1, 0);
  const log = churn(map, { kind, seed, ops, upKeys });
  map.dispose();
  globalThis.postMessage(log);
};
