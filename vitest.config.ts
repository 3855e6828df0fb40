import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // Each test file uses its own temporary DATA_DIR; files may run in parallel.
    pool: 'forks',
  },
});
