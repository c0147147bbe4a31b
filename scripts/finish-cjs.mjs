// dist/cjs holds CommonJS output inside a "type": "module" package: a nested
// package.json tells Node to load its .js files as CommonJS.
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');
