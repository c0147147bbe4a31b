// tophash/eslint: an ESLint (flat config) plugin. One rule, no-zero-count,
// and a `recommended` config that turns it on:
//
//   import tophash from 'tophash/eslint';
//   export default [tophash.configs.recommended];
//
// The plugin needs nothing at run time, not even eslint (only its types).
import type { ESLint, Linter, Rule } from 'eslint';
import noZeroCount from './no-zero-count.js';

/** The plugin's name in configs: rules are `tophash/<rule>`. */
const NAMESPACE = 'tophash';

/** The rules, by name. */
export const rules: Record<'no-zero-count', Rule.RuleModule> = {
  'no-zero-count': noZeroCount,
};

/**
 * The plugin's identity; ESLint keys its cache on name and version. The
 * version is tophash's (test/eslint-plugin.test.ts checks it against package.json).
 */
export const meta = { name: 'tophash', version: '0.1.0', namespace: NAMESPACE } as const;

/** `recommended`: no-zero-count as an error, on every file the config applies to. */
export const configs: { recommended: Linter.Config } = {
  recommended: { name: 'tophash/recommended', plugins: {}, rules: { [`${NAMESPACE}/no-zero-count`]: 'error' } },
};

/** The plugin object (also what `require('tophash/eslint')` returns, as its named exports). */
const plugin = { meta, rules, configs } satisfies ESLint.Plugin;
// The config names the plugin it needs, so one line turns it on.
configs.recommended.plugins = { [NAMESPACE]: plugin };

export default plugin;
