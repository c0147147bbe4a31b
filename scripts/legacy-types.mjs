// Declarations for TypeScript 5.0-5.6, written after tsc into a ts5.0/ folder
// beside each set of declarations (dist/types, dist/cjs). The sources use two
// lib types that 5.6 and older lack: `MapIterator` (5.6: what Map#entries
// returns, so that a map is assignable to ReadonlyMap on lib ESNext, whose map
// iterators have the iterator helpers) and the generic `Uint8Array<ArrayBuffer>`
// (5.7: a snapshot owns a transferable ArrayBuffer). Older compilers get the
// types they had for the same thing. package.json picks the folder with
// `types@<5.7` conditions (exports) and typesVersions (node10 resolution).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const LEGACY = 'ts5.0';

const REWRITES = [
  [/\bMapIterator</g, 'IterableIterator<'],
  [/\bUint8Array<ArrayBuffer>/g, 'Uint8Array'],
];

/** Lib names a ts5.0 declaration must not use (checked, so a new one cannot slip in). */
const NEWER = /\b(MapIterator|SetIterator|IteratorObject|BuiltinIteratorReturn|ArrayIterator)\b|\b(Uint8|Int8|Uint16|Int16|Uint32|Int32|Float32|Float64|BigInt64|BigUint64)Array</;

function* declarations(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && e.name !== LEGACY) yield* declarations(p);
    else if (e.isFile() && e.name.endsWith('.d.ts')) yield p;
  }
}

for (const set of ['types', 'cjs']) {
  const root = join(dist, set);
  for (const file of declarations(root)) {
    let text = readFileSync(file, 'utf8');
    for (const [from, to] of REWRITES) text = text.replace(from, to);
    const bad = text.match(NEWER);
    if (bad) throw new Error(`${file}: ${bad[0]} is newer than TypeScript 5.0; add a rewrite in scripts/legacy-types.mjs`);
    const out = join(root, LEGACY, relative(root, file));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
  }
}
