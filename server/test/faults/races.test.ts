import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, openHarness } from '../properties/support/harness.js';
import {
  doubleCompletionTrial,
  doubleCorrelationTrial,
  RACE_PROCESS,
  timerVersusCompletionTrial,
} from '../properties/support/races.js';
import { SERVER_URL } from './support/cluster.js';

const TRIALS = Number(process.env.BATON_RACE_TRIALS ?? 1_000);

// PostgreSQL only: PGlite has one connection, so nothing there truly runs at once.
describe('races on PostgreSQL, 1,000 trials each', () => {
  let h: Harness;
  let staff: Record<string, string>;
  let admin: Record<string, string>;
  beforeAll(async () => {
    process.env.DATABASE_URL ??= SERVER_URL;
    h = await openHarness('postgres');
    staff = (await h.tokenFor('alice', ['staff'], ['staff'])).headers;
    admin = (await h.tokenFor('root', ['admin'])).headers;
    await h.engine.deploy(RACE_PROCESS);
  });
  afterAll(async () => h?.close());

  it('lets exactly one of two concurrent completions of a task win every time; the other gets 409', async () => {
    for (let trial = 0; trial < TRIALS; trial++) await doubleCompletionTrial(h, staff, `c-${trial}`);
  });

  it('delivers a message correlated twice at once exactly once, every time', async () => {
    for (let trial = 0; trial < TRIALS; trial++) await doubleCorrelationTrial(h, admin, `m-${trial}`);
  });

  it('never lets a boundary timer and the completion of its task both take effect', async () => {
    const outcomes = { completed: 0, escalated: 0 };
    for (let trial = 0; trial < TRIALS; trial++)
      outcomes[await timerVersusCompletionTrial(h, staff, `t-${trial}`)]++;
    console.log(JSON.stringify({ trials: TRIALS, ...outcomes }));
    expect(outcomes.completed + outcomes.escalated).toBe(TRIALS);
  });
});
