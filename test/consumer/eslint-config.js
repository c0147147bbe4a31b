// A user's whole ESLint config: one line turns the rule on.
import tophash from 'tophash/eslint';

export default [tophash.configs.recommended];
