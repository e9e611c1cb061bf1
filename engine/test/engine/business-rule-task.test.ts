import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { DefinitionInvalidError } from '../../src/errors.js';
import { SYSTEM } from '../../src/identity.js';
import { bpmnFile, endEvent, linearProcess, startEvent, userTask } from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';
import { dmn, literal, table } from '../dmn/dmn-text.js';

/** Business rule tasks calling DMN decisions, end to end through the database. */

const ruleTask = (id: string, extensions: string) =>
  `<bpmn:businessRuleTask id="${id}"><bpmn:extensionElements>${extensions}</bpmn:extensionElements></bpmn:businessRuleTask>`;

const approvalProcess = bpmnFile([
  linearProcess('approval', [
    startEvent(),
    ruleTask(
      'decide',
      `<zeebe:calledDecision decisionId="approval" resultVariable="decision" />
       <zeebe:ioMapping><zeebe:output source="=decision.level" target="level" /></zeebe:ioMapping>`,
    ),
    userTask('review'),
    endEvent(),
  ]),
]);

const approvalRules = (managerFrom: number) =>
  dmn(
    'approvals',
    literal('limit', `${managerFrom}`, { variable: 'managerLimit' }),
    table({
      id: 'approval',
      requires: ['limit'],
      inputs: ['amount'],
      outputs: [{ name: 'approved' }, { name: 'level' }],
      rules: [
        { id: 'clerk', when: ['< managerLimit'], out: ['true', '"clerk"'] },
        { id: 'manager', when: ['>= managerLimit'], out: ['amount < 10000', '"manager"'] },
      ],
    }),
  );

describe.each(databases())('business rule tasks on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
    await sql`TRUNCATE decisions`.execute(database.db);
  });

  it('parks the task in an incident while the decision is missing, and completes it on retry once deployed', async () => {
    // given a process whose decision is not deployed yet
    await engine.deploy(approvalProcess);
    const instance = await engine.startInstance(
      { processId: 'approval', variables: { amount: 700 } },
      SYSTEM,
    );
    const [incident] = await engine.listIncidents({ instanceId: instance.id, open: true });
    expect(incident).toMatchObject({ elementId: 'decide', type: 'calledDecision' });
    expect(incident?.message).toMatch(/No deployed decision 'approval'/);
    // when the decision is deployed and the incident retried, by a fresh engine
    const deployed = await engine.deployDecisions(approvalRules(500), { actor: 'dora' });
    expect(deployed.decisions.map((d) => [d.decisionId, d.version, d.isNew])).toEqual([
      ['limit', 1, true],
      ['approval', 1, true],
    ]);
    ({ engine } = await testEngine(database));
    await engine.retryIncident(incident?.id ?? '', SYSTEM);
    // then the task completed; with an output mapping only the mapped part of the result (a
    // context: two outputs) reaches the process, as in Zeebe
    expect((await onlyOpenTask(engine, instance.id)).elementId).toBe('review');
    const detail = await engine.getInstance(instance.id);
    expect(detail.variables).toEqual({ amount: 700, level: 'manager' });
    // and the evaluation is in the instance's history
    const evaluated = (await engine.getHistory(instance.id)).filter((e) => e.type === 'decision.evaluated');
    expect(evaluated).toHaveLength(1);
    expect(evaluated[0]?.elementId).toBe('decide');
    expect(evaluated[0]?.data).toMatchObject({
      decisionId: 'approval',
      decisionVersion: 1,
      decisionRequirementsId: 'approvals',
      matchedRuleIds: ['manager'],
      result: { approved: true, level: 'manager' },
      evaluatedDecisions: [
        { decisionId: 'limit', result: 500 },
        { decisionId: 'approval', matchedRuleIds: ['manager'] },
      ],
    });
  });

  it('evaluates the latest version deployed when the task runs, even one deployed through another engine', async () => {
    // given version 1 (manager from 500), known to this engine
    await engine.deploy(approvalProcess);
    await engine.deployDecisions(approvalRules(500));
    expect(
      (await engine.deployDecisions(approvalRules(500))).decisions.every((d) => !d.isNew && d.version === 1),
    ).toBe(true);
    const first = await engine.startInstance({ processId: 'approval', variables: { amount: 700 } }, SYSTEM);
    expect((await engine.getInstance(first.id)).variables).toMatchObject({ level: 'manager' });
    // when another engine deploys version 2 (manager from 1000)
    const { engine: other } = await testEngine(database);
    await other.deployDecisions(approvalRules(1000));
    // then this engine's next instance runs version 2
    const second = await engine.startInstance({ processId: 'approval', variables: { amount: 700 } }, SYSTEM);
    expect((await engine.getInstance(second.id)).variables).toMatchObject({ level: 'clerk' });
    const evaluated = (await engine.getHistory(second.id)).find((e) => e.type === 'decision.evaluated');
    expect(evaluated?.data).toMatchObject({ decisionVersion: 2, matchedRuleIds: ['clerk'] });
    expect((await engine.listDecisions({ decisionId: 'approval' })).map((d) => d.version)).toEqual([2, 1]);
  });

  it('writes the whole result to the result variable when there is no output mapping: a list for COLLECT', async () => {
    // given
    await engine.deploy(
      bpmnFile([
        linearProcess('fee-process', [
          startEvent(),
          ruleTask('fees', '<zeebe:calledDecision decisionId="fees" resultVariable="fees" />'),
          endEvent(),
        ]),
      ]),
    );
    await engine.deployDecisions(
      dmn(
        'fee-rules',
        table({
          id: 'fees',
          hitPolicy: 'COLLECT',
          inputs: ['amount'],
          outputs: [{ name: 'fee' }],
          rules: [
            { id: 'base', when: ['-'], out: ['2'] },
            { id: 'big', when: ['> 100'], out: ['amount / 100'] },
          ],
        }),
      ),
    );
    // when
    const instance = await engine.startInstance(
      { processId: 'fee-process', variables: { amount: 300 } },
      SYSTEM,
    );
    // then
    const detail = await engine.getInstance(instance.id);
    expect(detail.status).toBe('completed');
    expect(detail.variables).toEqual({ amount: 300, fees: [2, 3] });
  });

  it('raises an incident when the decision fails, naming the rules a UNIQUE table matched twice', async () => {
    // given a UNIQUE table with overlapping rules
    await engine.deploy(
      bpmnFile([
        linearProcess('overlap', [
          startEvent(),
          ruleTask('pick', '<zeebe:calledDecision decisionId="pick" resultVariable="picked" />'),
          endEvent(),
        ]),
      ]),
    );
    await engine.deployDecisions(
      dmn(
        'picks',
        table({
          id: 'pick',
          inputs: ['n'],
          outputs: [{ name: 'p' }],
          rules: [
            { id: 'small', when: ['< 10'], out: ['"small"'] },
            { id: 'tiny', when: ['< 3'], out: ['"tiny"'] },
          ],
        }),
      ),
    );
    // when
    const instance = await engine.startInstance({ processId: 'overlap', variables: { n: 1 } }, SYSTEM);
    // then
    const [incident] = await engine.listIncidents({ instanceId: instance.id, open: true });
    expect(incident).toMatchObject({ elementId: 'pick', type: 'decisionEvaluation' });
    expect(incident?.message).toMatch(/UNIQUE.*small, tiny/);
    expect((await engine.getInstance(instance.id)).status).toBe('active');
  });

  it('converts inputs by their typeRef, so dates compare as dates, and parks a value that does not convert in an incident', async () => {
    // given a table that tests a date input and gives a date output
    await engine.deploy(
      bpmnFile([
        linearProcess('renewal', [
          startEvent(),
          ruleTask('plan', '<zeebe:calledDecision decisionId="renewal" resultVariable="renewal" />'),
          userTask('review'),
          endEvent(),
        ]),
      ]),
    );
    await engine.deployDecisions(`<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="renewals" name="renewals" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="renewal" name="Renewal"><decisionTable id="renewal_table">
    <input id="expiresInput" label="Expires"><inputExpression id="expiresExpr" typeRef="date"><text>expires</text></inputExpression></input>
    <output id="noticeOutput" name="notice" typeRef="date" />
    <output id="laneOutput" name="lane" typeRef="string" />
    <rule id="soon"><inputEntry id="soon_in"><text>&lt; date("2026-07-01")</text></inputEntry>
      <outputEntry id="soon_notice"><text>date(expires) - duration("P30D")</text></outputEntry><outputEntry id="soon_lane"><text>"urgent"</text></outputEntry></rule>
    <rule id="later"><inputEntry id="later_in"><text>&gt;= date("2026-07-01")</text></inputEntry>
      <outputEntry id="later_notice"><text>date(expires) - duration("P90D")</text></outputEntry><outputEntry id="later_lane"><text>"normal"</text></outputEntry></rule>
  </decisionTable></decision>
</definitions>`);
    // when instances start with the date as an ISO string, as JSON variables hold it
    const soon = await engine.startInstance(
      { processId: 'renewal', variables: { expires: '2026-03-15' } },
      SYSTEM,
    );
    const later = await engine.startInstance(
      { processId: 'renewal', variables: { expires: '2026-12-31' } },
      SYSTEM,
    );
    const broken = await engine.startInstance(
      { processId: 'renewal', variables: { expires: 'next spring' } },
      SYSTEM,
    );
    // then the rules matched on the converted date, and the date output is an ISO string again
    ({ engine } = await testEngine(database));
    expect((await engine.getInstance(soon.id)).variables.renewal).toEqual({
      notice: '2026-02-13',
      lane: 'urgent',
    });
    expect((await engine.getInstance(later.id)).variables.renewal).toEqual({
      notice: '2026-10-02',
      lane: 'normal',
    });
    // and a value that is not a date is an incident on the task that names the input
    const [incident] = await engine.listIncidents({ instanceId: broken.id, open: true });
    expect(incident).toMatchObject({ elementId: 'plan', type: 'decisionEvaluation' });
    expect(incident?.message).toMatch(
      /input 'expiresInput' \(typeRef date\): cannot convert string "next spring" to a date/,
    );
    // and the retry, after the variable is corrected, completes the task
    await engine.setVariables(broken.id, { expires: '2026-05-01' }, SYSTEM);
    await engine.retryIncident(incident?.id ?? '', SYSTEM);
    expect((await engine.getInstance(broken.id)).variables.renewal).toEqual({
      notice: '2026-04-01',
      lane: 'urgent',
    });
  });

  it('runs a business rule task with a job type as a job for a worker', async () => {
    await engine.deploy(
      bpmnFile([
        linearProcess('external-rules', [
          startEvent(),
          ruleTask('rules', '<zeebe:taskDefinition type="rules-engine" />'),
          endEvent(),
        ]),
      ]),
    );
    const instance = await engine.startInstance({ processId: 'external-rules', variables: { a: 1 } }, SYSTEM);
    const [job] = await engine.fetchAndLock({ type: 'rules-engine', workerId: 'w' }, SYSTEM);
    expect(job?.elementId).toBe('rules');
    await engine.completeJob(job?.id ?? '', 'w', { verdict: 'ok' }, SYSTEM);
    const detail = await engine.getInstance(instance.id);
    expect(detail.status).toBe('completed');
    expect(detail.variables).toMatchObject({ verdict: 'ok' });
  });

  it('refuses a DMN file with problems, saving nothing, and names each element', async () => {
    const broken = dmn('bad', literal('a', 'x +'), literal('b', '1', { requires: ['ghost'] }));
    const error = await engine.deployDecisions(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DefinitionInvalidError);
    expect((error as DefinitionInvalidError).message).toMatch(/^DMN is invalid/);
    expect((error as DefinitionInvalidError).issues.map((i) => [i.elementId, i.code])).toEqual([
      ['a', 'feel.syntax'],
      ['b', 'reference.missing'],
    ]);
    expect(await engine.listDecisions()).toEqual([]);
  });
});
