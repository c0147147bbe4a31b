// @ts-check
// npm run lint: ESLint over src/, bench/, test/, scripts/ and examples/.
// assembly/ is not linted: AssemblyScript borrows TypeScript's syntax but
// not its semantics (i32, load<T>(), @inline, unchecked()), so typescript-eslint
// would judge it by the wrong rules.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
// The project's own rule, as built from src/eslint: `npm run lint` builds
// first, since type-aware rules need what the build generates too (the
// inlined wasm module, the declarations that `import 'tophash'` resolves to).
import tophash from './dist/esm/eslint/index.js';

/**
 * The globals of the Node running the lint: the scripts and examples run on
 * Node, and this is the list Node itself has (no `globals` package to keep
 * in step with it). CommonJS's require/module come from sourceType below.
 */
const nodeGlobals = Object.fromEntries(
  Object.getOwnPropertyNames(globalThis)
    .filter((name) => /^[A-Za-z_$][\w$]*$/.test(name))
    .map((name) => [name, /** @type {const} */ ('readonly')]),
);

/** The few browser globals the pages' scripts use (bench/browser/bench.js). */
const browserGlobals = Object.fromEntries(
  ['window', 'document', 'location', 'navigator', 'requestAnimationFrame'].map((name) => [name, /** @type {const} */ ('readonly')]),
);

export default defineConfig(
  {
    ignores: [
      'assembly/**', 'dist/**', 'build/**', 'src/wasm-bytes.ts', 'test/.tmp/**', '.bench-out/**',
      // A consumer-test fixture that must fail no-zero-count.
      'test/consumer/zero-counter.js',
    ],
  },

  js.configs.recommended,
  { languageOptions: { globals: nodeGlobals } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  { files: ['bench/browser/**/*.js', 'test/browser/page/**/*.js'], languageOptions: { globals: browserGlobals } },

  // TypeScript: the recommended rules, and those that need types where they
  // catch real bugs (floating or misused promises, awaiting non-promises,
  // stringifying objects, throwing non-errors, needless assertions).
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname },
    },
  },

  {
    files: ['**/*.ts'],
    rules: {
      // An async function without await is how this code implements a
      // Promise-returning interface (bench workloads, test helpers); the bug
      // the rule is after, a forgotten await, is what no-floating-promises
      // and await-thenable catch.
      '@typescript-eslint/require-await': 'off',
      // A leading _ marks a binding that is unused on purpose (`for (const _ of m)`).
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },

  // Tests read JSON from child processes, packed tarballs and pages
  // (JSON.parse gives `any`) and check it with expect(): a wrong field fails
  // the expect either way, so typing every parsed document would add
  // ceremony and catch nothing. The library and the bench keep these rules.
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // The project's own rule, on its own code.
  tophash.configs.recommended,
);
