import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker on a 2-core machine (cores - 1): the
    // tests are CPU-bound and independent, so both cores halve the wall time.
    maxWorkers: 2,
  },
});
