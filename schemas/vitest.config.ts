import { defineProject } from 'vitest/config';

// PGlite's initdb takes seconds on a busy 2-core machine, hence the generous timeouts.
export default defineProject({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    server: { deps: { inline: ['kysely'] } },
  },
});
