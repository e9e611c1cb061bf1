import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { DecisionEvaluationFailedError, DecisionNotFoundError } from '../../src/errors.js';
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
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await sql`TRUNCATE decisions`.execute(database.db);
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
});
