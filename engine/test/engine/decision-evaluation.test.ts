import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import type { VirtualClock } from '../../src/clock.js';
import { DecisionEvaluationFailedError, DecisionNotFoundError } from '../../src/errors.js';
import { userIdentity } from '../../src/identity.js';
import { DECISION_EVALUATION_TTL_DAYS } from '../../src/retention.js';
import { databases } from '../support/databases.js';
import { testEngine } from '../support/engines.js';
import { dmn, literal, table } from '../dmn/dmn-text.js';

/** Evaluating a deployed decision on its own (Zeebe's EvaluateDecision), through the database. */

const approvalRules = (managerFrom: number, hitPolicy = 'UNIQUE') =>
  dmn(
    'approvals',
    literal('limit', `${managerFrom}`, { variable: 'managerLimit' }),
    table({
      id: 'approval',
      hitPolicy,
      requires: ['limit'],
      inputs: ['amount'],
      outputs: [{ name: 'level' }],
      rules: [
        { id: 'clerk', when: ['< managerLimit'], out: ['"clerk"'] },
        { id: 'manager', when: ['>= managerLimit'], out: ['"manager"'] },
      ],
    }),
  );

/** Two rules that both hold for amounts from 100 to 500. */
const overlapping = dmn(
  'overlap',
  table({
    id: 'overlapping',
    inputs: ['amount'],
    outputs: [{ name: 'level' }],
    rules: [
      { id: 'low', when: ['<= 500'], out: ['"low"'] },
      { id: 'high', when: ['>= 100'], out: ['"high"'] },
    ],
  }),
);

describe.each(databases())('evaluating decisions on their own on $name', (target) => {
  let database: Database;
  let engine: Engine;
  let clock: VirtualClock;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine, clock } = await testEngine(database));
    await sql`TRUNCATE decisions, decision_evaluations`.execute(database.db);
  });

  it('evaluates the latest version by default and an older version on request', async () => {
    // given two versions: managers from 1000, then from 5000
    await engine.deployDecisions(approvalRules(1000));
    await engine.deployDecisions(approvalRules(5000));

    // when 2000 is evaluated against the latest and against version 1
    const latest = await engine.evaluateDecision({ decisionId: 'approval', variables: { amount: 2000 } });
    const first = await engine.evaluateDecision({
      decisionId: 'approval',
      version: 1,
      variables: { amount: 2000 },
    });

    // then the latest (version 2) says clerk, version 1 says manager; each lists its matched rule
    expect(latest).toMatchObject({ decisionId: 'approval', version: 2, result: 'clerk' });
    expect(latest.evaluations.map((e) => [e.decisionId, e.matchedRuleIds])).toEqual([
      ['limit', []],
      ['approval', ['clerk']],
    ]);
    expect(first).toMatchObject({ decisionId: 'approval', version: 1, result: 'manager' });
    expect(first.evaluations.at(-1)?.matchedRuleIds).toEqual(['manager']);
  });

  it('returns a version with its file by row id', async () => {
    // given a deployed file
    const deployed = await engine.deployDecisions(approvalRules(1000));
    const approval = deployed.decisions.find((d) => d.decisionId === 'approval');

    // when it is read by its row id
    const detail = await engine.getDecision(approval?.id ?? '');

    // then it carries the summary and the whole file
    expect(detail).toMatchObject({ decisionId: 'approval', version: 1, decisionRequirementsId: 'approvals' });
    expect(detail.xml).toBe(approvalRules(1000));
  });

  it('fails clearly when a UNIQUE table has two matching rules', async () => {
    // given a UNIQUE table whose rules overlap
    await engine.deployDecisions(overlapping);

    // when an amount both rules hold for is evaluated
    const failure = engine.evaluateDecision({ decisionId: 'overlapping', variables: { amount: 200 } });

    // then it fails naming the hit policy and both rules
    await expect(failure).rejects.toBeInstanceOf(DecisionEvaluationFailedError);
    await expect(failure).rejects.toMatchObject({ code: 'DECISION_EVALUATION_FAILED' });
    await expect(failure).rejects.toThrow(/UNIQUE/);
    await expect(failure).rejects.toThrow(/low.*high/);
    // and an amount only one rule holds for still evaluates
    const ok = await engine.evaluateDecision({ decisionId: 'overlapping', variables: { amount: 50 } });
    expect(ok.result).toBe('low');
  });

  it('reports an unknown decision, an unknown version and an unknown row id as not found', async () => {
    // given one deployed version
    await engine.deployDecisions(approvalRules(1000));

    // then a missing id, a missing version and a missing row are DECISION_NOT_FOUND
    await expect(engine.evaluateDecision({ decisionId: 'nope', variables: {} })).rejects.toBeInstanceOf(
      DecisionNotFoundError,
    );
    await expect(
      engine.evaluateDecision({ decisionId: 'approval', version: 7, variables: {} }),
    ).rejects.toMatchObject({ code: 'DECISION_NOT_FOUND', message: expect.stringContaining('version 7') });
    await expect(engine.getDecision('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      DecisionNotFoundError,
    );
    await expect(engine.getDecision('not-a-uuid')).rejects.toBeInstanceOf(DecisionNotFoundError);
  });

  it('records each evaluation on its own: who, when, version, matched rules, inputs and result, newest first', async () => {
    // given two versions, evaluated by two people a minute apart, and one failing evaluation
    await engine.deployDecisions(approvalRules(1000));
    await engine.deployDecisions(approvalRules(5000));
    const dora = userIdentity('dora', { roles: ['designer'] });
    const first = await engine.evaluateDecision(
      { decisionId: 'approval', version: 1, variables: { amount: 2000 } },
      dora,
    );
    const at = clock.now();
    clock.advance(60_000);
    await engine.evaluateDecision(
      { decisionId: 'approval', variables: { amount: 2000 } },
      userIdentity('mia', { roles: ['manager'] }),
    );
    await engine.deployDecisions(overlapping);
    await expect(
      engine.evaluateDecision({ decisionId: 'overlapping', variables: { amount: 200 } }),
    ).rejects.toThrow();
    // when the records are listed, from a new engine
    ({ engine } = await testEngine(database, { clock }));
    const { items, total } = await engine.listDecisionEvaluations({ decisionId: 'approval' });
    // then both are there, newest first, each with what it was given and gave
    expect(total).toBe(2);
    expect(items.map((e) => [e.evaluatedBy, e.version, e.matchedRuleIds, e.result])).toEqual([
      ['mia', 2, ['clerk'], 'clerk'],
      ['dora', 1, ['manager'], 'manager'],
    ]);
    expect(items[1]).toMatchObject({
      id: first.evaluationId,
      decisionKey: first.key,
      decisionId: 'approval',
      evaluatedAt: at,
      inputs: { amount: 2000 },
      evaluations: [
        { decisionId: 'limit', matchedRuleIds: [], result: 1000 },
        {
          decisionId: 'approval',
          decisionName: 'approval decision',
          matchedRuleIds: ['manager'],
          result: 'manager',
        },
      ],
    });
    // and a page holds what it asks for; the failing evaluation left no record
    const page = await engine.listDecisionEvaluations({ decisionId: 'approval', limit: 1, offset: 1 });
    expect(page.items.map((e) => e.evaluatedBy)).toEqual(['dora']);
    expect(page.total).toBe(2);
    expect((await engine.listDecisionEvaluations({ decisionId: 'overlapping' })).total).toBe(0);
  });

  it('keeps inputs too large to record as a marker with their size, and the evaluation still answers', async () => {
    await engine.deployDecisions(approvalRules(1000));
    const padding = 'x'.repeat(70 * 1024);
    const answer = await engine.evaluateDecision({
      decisionId: 'approval',
      variables: { amount: 10, padding },
    });
    expect(answer.result).toBe('clerk');
    const [record] = (await engine.listDecisionEvaluations({ decisionId: 'approval' })).items;
    if (!record) throw new Error('no record kept');
    expect(record.inputs).toEqual({ truncated: true, bytes: expect.any(Number) });
    expect((record.inputs as { bytes: number }).bytes).toBeGreaterThan(70 * 1024);
    expect(record.result).toBe('clerk');
  });

  it('removes records older than their age limit in the retention sweep, and keeps younger ones', async () => {
    // given one evaluation, then another a day before the first turns too old
    await engine.deployDecisions(approvalRules(1000));
    await engine.evaluateDecision({ decisionId: 'approval', variables: { amount: 1 } });
    clock.advance((DECISION_EVALUATION_TTL_DAYS - 1) * 86_400_000);
    await engine.evaluateDecision({ decisionId: 'approval', variables: { amount: 2 } });
    // when the sweep runs two days later
    clock.advance(2 * 86_400_000);
    const swept = await engine.sweepDecisionEvaluations();
    // then only the older record went
    expect(swept).toEqual({ removed: 1, more: false });
    const left = await engine.listDecisionEvaluations({ decisionId: 'approval' });
    expect(left.items.map((e) => e.inputs)).toEqual([{ amount: 2 }]);
    // and a shorter age, in small batches, removes the rest
    expect(await engine.sweepDecisionEvaluations({ maxAgeDays: 1, batchSize: 1, maxBatches: 1 })).toEqual({
      removed: 1,
      more: true,
    });
    expect((await engine.listDecisionEvaluations({ decisionId: 'approval' })).total).toBe(0);
  });
});
