import { availableParallelism } from 'node:os';
import { configDefaults, defineProject } from 'vitest/config';

// PGlite's initdb takes seconds on a busy 2-core machine, hence the generous timeouts.
// test/faults (minutes of load, SIGKILL, a stopped PostgreSQL) runs with `npm run test:faults`.
export default defineProject({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/faults/**'],
    // Two files at a time even on 2 cores (most of a test waits on PostgreSQL; each file has its
    // own database), sharing imported modules within a worker instead of importing them per file.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    server: { deps: { inline: ['kysely'] } },
    // A migrated PostgreSQL database for the run, which each test's is copied from.
    globalSetup: ['./vitest.setup.ts'],
  },
});
