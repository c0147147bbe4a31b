import { defineConfig } from 'vitest/config';

// The browser tests (`npm run test:browser`): Debian's Chromium through
// playwright-core. Kept out of `npm test` (test/**/*.test.ts), which must pass
// on a machine without Chromium. One file at a time: they time things.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
