import { availableParallelism } from 'node:os';
import { defineProject } from 'vitest/config';

// PGlite's initdb takes seconds on a busy 2-core machine, hence the generous timeouts.
export default defineProject({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Two files at a time even on 2 cores (most of a test waits on PostgreSQL; each file has its
    // own database), sharing imported modules within a worker instead of importing them per file.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    server: { deps: { inline: ['kysely'] } },
  },
});
