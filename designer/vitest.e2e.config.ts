import { defineProject } from 'vitest/config';

/** End-to-end tests: the real server process and headless Chromium, one file at a time. */
export default defineProject({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
