// npm run bench:browser: serves the browser benchmark page and prints its URL.
// The page imports the built package (dist/esm) and the CLI bench's seeded
// key generators (bench/data/generators.ts, compiled to dist/bench/ by
// `npm run build`, which bench:browser runs first).
//   node scripts/bench-browser.mjs [--port N]
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './serve.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PAGE = '/bench/browser/';

/** Checks that what the page imports is built. */
export function prepareBenchPage() {
  for (const f of ['dist/esm/index.js', 'dist/bench/data/generators.js']) {
    if (!existsSync(resolve(REPO, f))) throw new Error(`${f} is missing: run npm run build first`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  prepareBenchPage();
  const { url } = await startServer({ root: REPO, port: i > 0 ? Number(process.argv[i + 1]) : 0, isolated: true });
  console.log(`tophash browser bench: ${url}${PAGE}`);
  console.log(`quick subset:          ${url}${PAGE}?quick=1`);
  console.log('(open in a browser; Ctrl-C to stop)');
}
