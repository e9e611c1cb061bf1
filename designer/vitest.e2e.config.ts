import { defineProject } from 'vitest/config';

/**
 * End-to-end tests: the real server process and headless Chromium, two files at a time. Each file
 * starts its own server on a free port with its own data directory, so files never share state;
 * two at once keep both cores busy while one file waits on its server or browser starting.
 */
export default defineProject({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    maxWorkers: 2,
  },
});
