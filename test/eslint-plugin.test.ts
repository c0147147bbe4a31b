// tophash/eslint as users load it: the built plugin (ESM and CommonJS) in the
// real ESLint class with its `recommended` config, and no-zero-count with
// type information (typescript-eslint's project service), where the type
// checker sees what the syntax alone cannot.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ESLint, RuleTester } from 'eslint';
import tophash, { configs, meta, rules } from 'tophash/eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import rule from '../src/eslint/no-zero-count.js';

const require = createRequire(import.meta.url);

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const COUNTER = `const counts = new Map();
for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
for (const w of stopWords) counts.set(w, 0);
`;

describe('the plugin', () => {
  it('has the rule, a recommended config that names the plugin, and meta', () => {
    expect(Object.keys(tophash.rules)).toEqual(['no-zero-count']);
    expect(tophash.rules).toBe(rules);
    expect(tophash.configs).toBe(configs);
    expect(meta.name).toBe('tophash');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(meta.version).toBe(pkg.version);
    expect(configs.recommended.plugins).toEqual({ tophash });
    expect(configs.recommended.rules).toEqual({ 'tophash/no-zero-count': 'error' });
    const r = rules['no-zero-count'];
    expect(r.meta?.hasSuggestions).toBe(true);
    expect(r.meta?.fixable).toBeUndefined(); // suggestions only, never an autofix
  });

  it('one config line turns it on in ESLint: a report with two suggestions, and --fix changes nothing', async () => {
    const eslint = new ESLint({ overrideConfigFile: true, overrideConfig: [tophash.configs.recommended], fix: true });
    const [result] = await eslint.lintText(COUNTER, { filePath: 'count.js' });
    expect(result!.output).toBeUndefined(); // no autofix applied
    expect(result!.messages).toHaveLength(1);
    const [m] = result!.messages;
    expect(m!.ruleId).toBe('tophash/no-zero-count');
    expect(m!.severity).toBe(2);
    expect(m!.message).toMatch(/`counts\.set\(…, 0\)` keeps a zero count.*CounterMap/);
    expect(m!.suggestions!.map((s) => s.desc)).toEqual([
      'Delete the key when its count reaches 0.',
      'Make `counts` a tophash CounterMap (its `set(k, 0)` and `decr` delete at 0; its keys must be strings).',
    ]);
  });

  it('the CommonJS build is the same plugin shape: require("tophash/eslint") works as a plugin object', async () => {
    const cjs = require('tophash/eslint') as typeof import('tophash/eslint');
    expect(Object.keys(cjs.rules)).toEqual(['no-zero-count']);
    expect(cjs.configs.recommended.plugins).toEqual({ tophash: cjs.default });
    const eslint = new ESLint({ overrideConfigFile: true, overrideConfig: [cjs.configs.recommended] });
    const [result] = await eslint.lintText(COUNTER, { filePath: 'count.js' });
    expect(result!.messages.map((m) => m.ruleId)).toEqual(['tophash/no-zero-count']);
  });

  it('TypeScript files with typescript-eslint\'s parser', async () => {
    const eslint = new ESLint({
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, tophash.configs.recommended],
    });
    const code = 'export function release(refs: Map<string, number>, id: string): void {\n  refs.set(id, refs.get(id)! - 1);\n}\n';
    const [result] = await eslint.lintText(code, { filePath: 'refs.ts' });
    expect(result!.messages.map((m) => [m.ruleId, m.line])).toEqual([['tophash/no-zero-count', 2]]);
  });
});

// With type information: inferred types the syntax does not show.
const typed = new RuleTester({
  languageOptions: {
    parser: tseslint.parser,
    parserOptions: { projectService: { allowDefaultProject: ['*.ts'] }, tsconfigRootDir: import.meta.dirname },
  },
});

typed.run('no-zero-count with type information', rule, {
  valid: [
    {
      name: 'an inferred number[] read with ?? 0 is an array, not a sparse object',
      filename: 'typed-valid-1.ts',
      code: `declare function makeHist(): number[];
const h = makeHist();
export function down(i: number): void {
  h[i] = (h[i] ?? 0) - 1;
}
`,
    },
    {
      name: 'an inferred Float64Array',
      filename: 'typed-valid-2.ts',
      code: `const weights = new Float64Array(8).subarray(0, 4);
export function reset(i: number): void {
  weights[i] = (weights[i] ?? 0) + 1;
  weights[i] = 0;
}
`,
    },
    {
      name: 'a Map whose inferred values are not only numbers',
      filename: 'typed-valid-3.ts',
      code: `declare function openCounts(): Map<string, boolean | number>;
const counts = openCounts();
export function reset(k: string): void {
  counts.set(k, ((counts.get(k) as number) ?? 0) + 1);
  counts.set(k, 0);
}
`,
    },
  ],
  invalid: [
    {
      name: 'an inferred Map<string, number> named like a counter',
      filename: 'typed-invalid-1.ts',
      code: `declare function loadUsage(): Map<string, number>;
const usage = loadUsage();
export function reset(user: string): void {
  usage.set(user, 0);
}
`,
      errors: [{
        messageId: 'mapZero',
        line: 4,
        suggestions: [{ messageId: 'deleteAtZero', output: `declare function loadUsage(): Map<string, number>;
const usage = loadUsage();
export function reset(user: string): void {
  usage.delete(user);
}
` }],
      }],
    },
    {
      name: 'an inferred Record<string, number>',
      filename: 'typed-invalid-2.ts',
      code: `declare function loadStock(): Record<string, number>;
const stock = loadStock();
export function take(item: string): void {
  stock[item]--;
}
`,
      errors: [{
        messageId: 'objectDecrement',
        line: 4,
        suggestions: [{ messageId: 'deleteAtZero', output: `declare function loadStock(): Record<string, number>;
const stock = loadStock();
export function take(item: string): void {
  if (--stock[item] <= 0) delete stock[item];
}
` }],
      }],
    },
  ],
});

describe('without type information the same code is judged on syntax alone', () => {
  it('the inferred-Map reset is not reported (the syntax shows no Map), the number[] read is', async () => {
    const eslint = new ESLint({
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, tophash.configs.recommended],
    });
    const [usage] = await eslint.lintText('declare function loadUsage(): Map<string, number>;\nconst usage = loadUsage();\nusage.set(u, 0);\n', { filePath: 'a.ts' });
    expect(usage!.messages).toEqual([]);
    const [hist] = await eslint.lintText('declare function makeHist(): number[];\nconst h = makeHist();\nh[i] = (h[i] ?? 0) - 1;\n', { filePath: 'b.ts' });
    expect(hist!.messages.map((m) => m.messageId)).toEqual(['objectDecrement']);
  });
});
