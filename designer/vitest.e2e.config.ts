import { defineProject } from 'vitest/config';

/**
 * End-to-end tests: the real server process and headless Chromium, one file at a time (two at
 * once on 2 cores left the first page of a file over 20 s behind). Each file starts its own
 * server on a free port, on a copy of a data directory initialised once for the run
 * (vitest.e2e.setup.ts), so files never share state.
 */
export default defineProject({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    globalSetup: ['./vitest.e2e.setup.ts'],
  },
});
