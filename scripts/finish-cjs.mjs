// Finishes dist/ after tsc:
// - dist/cjs holds CommonJS output (and its .d.ts) inside a "type": "module"
//   package: a nested package.json makes Node and TypeScript (node16/nodenext)
//   read its .js and .d.ts files as CommonJS, so `require` gets CJS types.
// - tsc declares the inlined wasm as a 25 KB string literal type; users need
//   no more than `string`, so the two wasm-bytes.d.ts are rewritten.
import { existsSync, writeFileSync } from 'node:fs';

writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');

const decl = '/** The compiled core, base64 (internal). */\nexport declare const WASM_BASE64: string;\n';
for (const dir of ['types', 'cjs']) {
  const file = new URL(`../dist/${dir}/wasm-bytes.d.ts`, import.meta.url);
  if (existsSync(file)) writeFileSync(file, decl);
}

// - the worker script's location: the ESM source uses import.meta.url, which
//   CommonJS lacks; here it is the CommonJS worker beside this file.
writeFileSync(
  new URL('../dist/cjs/node/worker-url.js', import.meta.url),
  `"use strict";
// Written by scripts/finish-cjs.mjs: the CommonJS build's worker script is beside this file.
Object.defineProperty(exports, "__esModule", { value: true });
exports.workerScript = workerScript;
const node_url = require("node:url");
const node_path = require("node:path");
function workerScript() {
    return node_url.pathToFileURL(node_path.join(__dirname, "count-worker.js"));
}
`,
);
