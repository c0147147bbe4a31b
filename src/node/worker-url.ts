// Where the countFile worker script is. This is the ESM build's version; the
// CommonJS build's dist/cjs/node/worker-url.js is written by scripts/finish-cjs.mjs
// (CommonJS has __dirname and no import.meta), so both builds start the
// worker script of their own format next to them.

/** @internal */
export function workerScript(): URL {
  // eslint-disable-next-line @typescript-eslint/ban-ts-comment -- import.meta is an error only in the CommonJS build, whose output finish-cjs replaces
  // @ts-ignore
  const here: string = import.meta.url;
  // Run from the TypeScript sources (the test suite), the worker is the built
  // one: a worker thread cannot load .ts files on the Node versions we support.
  return new URL(here.endsWith('.ts') ? '../../dist/esm/node/count-worker.js' : './count-worker.js', here);
}
