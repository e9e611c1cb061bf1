import { defineProject } from 'vitest/config';

// The slow proofs: real server processes, SIGKILL, a stopped PostgreSQL, minutes of load.
// `npm run test:faults`; one file at a time, since they share the PostgreSQL server.
export default defineProject({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
    fileParallelism: false,
    server: { deps: { inline: ['kysely'] } },
  },
});
