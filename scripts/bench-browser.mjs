// npm run bench:browser: serves the browser benchmark page and prints its URL.
// The page imports the built package (dist/esm, built by `npm run build`)
// and the CLI bench's seeded key generators (bench/data/generators.ts),
// transpiled here to dist/browser-bench/generators.js.
//   node scripts/bench-browser.mjs [--port N]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './serve.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PAGE = '/bench/browser/';

/** Transpiles bench/data/generators.ts (Node-free) for the page. */
export async function prepareBenchPage() {
  const ts = (await import('typescript')).default;
  const src = readFileSync(resolve(REPO, 'bench/data/generators.ts'), 'utf8');
  const { outputText } = ts.transpileModule(src, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    fileName: 'generators.ts',
  });
  const out = resolve(REPO, 'dist/browser-bench/generators.js');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `// Transpiled from bench/data/generators.ts by scripts/bench-browser.mjs.\n${outputText}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  await prepareBenchPage();
  const { url } = await startServer({ root: REPO, port: i > 0 ? Number(process.argv[i + 1]) : 0, isolated: true });
  console.log(`tophash browser bench: ${url}${PAGE}`);
  console.log(`quick subset:          ${url}${PAGE}?quick=1`);
  console.log('(open in a browser; Ctrl-C to stop)');
}
