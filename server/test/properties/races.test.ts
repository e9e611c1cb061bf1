import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.js';
import { type Harness, openHarness } from './support/harness.js';
import {
  doubleCompletionTrial,
  doubleCorrelationTrial,
  RACE_PROCESS,
  timerVersusCompletionTrial,
} from './support/races.js';

// The fast subset; test/faults/races.test.ts runs 1,000 trials of each on PostgreSQL. Fewer on
// PostgreSQL here: today a lost completion race there waits out a deadlock (about 1 s).
const TRIALS: Record<string, number> = { pglite: 50, postgres: 25 };

describe.each(dialects())('races on %s', (dialect) => {
  const trials = TRIALS[dialect] ?? 25;
  let h: Harness;
  let staff: Record<string, string>;
  beforeAll(async () => {
    h = await openHarness(dialect);
    staff = (await h.tokenFor('alice', ['staff'], ['staff'])).headers;
    await h.engine.deploy(RACE_PROCESS);
  });
  afterAll(async () => h?.close());

  it('lets exactly one of two concurrent completions of a task win; the other gets 409', async () => {
    for (let trial = 0; trial < trials; trial++) await doubleCompletionTrial(h, staff, `c-${trial}`);
  });

  it('delivers a message correlated twice at once to a waiting instance exactly once', async () => {
    const admin = (await h.tokenFor('root', ['admin'])).headers;
    for (let trial = 0; trial < trials; trial++) await doubleCorrelationTrial(h, admin, `m-${trial}`);
  });

  it('never lets a boundary timer and a completion of its task both take effect', async () => {
    const outcomes = new Set<string>();
    for (let trial = 0; trial < trials; trial++)
      outcomes.add(await timerVersusCompletionTrial(h, staff, `t-${trial}`));
    expect(outcomes.size).toBeGreaterThan(0);
  });
});
