import { defineProject } from 'vitest/config';

/** Unit tests: pure logic in node, no browser. */
export default defineProject({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
