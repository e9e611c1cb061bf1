import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { ForbiddenError, InvalidArgumentError, MessageNotCorrelatedError } from '../../src/errors.js';
import { SYSTEM, userIdentity } from '../../src/identity.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';

const FIXTURE = readFileSync(new URL('../fixtures/rt-conditional-events.bpmn', import.meta.url), 'utf8');
const MULTIPLE = readFileSync(new URL('../fixtures/rt-conditional-multiple.bpmn', import.meta.url), 'utf8');

/** Multiple process start events: the message multi-order or priority > 5 (any one starts it); one also needs check, a boolean. */
const MULTIPLE_START = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d-ms" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="multi-start" isExecutable="true">
    <bpmn:startEvent id="either">
      <bpmn:messageEventDefinition messageRef="mo" />
      <bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">=priority &gt; 5</bpmn:condition></bpmn:conditionalEventDefinition>
    </bpmn:startEvent>
    <bpmn:userTask id="handle" /><bpmn:endEvent id="done" />
    <bpmn:sequenceFlow id="f1" sourceRef="either" targetRef="handle" /><bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="done" />
  </bpmn:process>
  <bpmn:process id="multi-start-check" isExecutable="true">
    <bpmn:startEvent id="checked">
      <bpmn:messageEventDefinition messageRef="mc" />
      <bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">=priority &gt; 5</bpmn:condition></bpmn:conditionalEventDefinition>
      <bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">=check</bpmn:condition></bpmn:conditionalEventDefinition>
    </bpmn:startEvent>
    <bpmn:endEvent id="c-done" />
    <bpmn:sequenceFlow id="c1" sourceRef="checked" targetRef="c-done" />
  </bpmn:process>
  <bpmn:message id="mo" name="multi-order" /><bpmn:message id="mc" name="multi-check" />
</bpmn:definitions>`;

async function openTasks(engine: Engine, instanceId: string): Promise<string[]> {
  const { items } = await engine.listTasks({ instanceId, state: 'created' });
  return items.map((task) => task.elementId).sort();
}

describe.each(databases())('conditional events on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
    await engine.deploy(FIXTURE);
  });

  it("interrupts a user task by its conditional boundary when another task's completion sets the variable, across a restart", async () => {
    // given review and edit are open
    const instance = await engine.startInstance(
      { processId: 'cond-boundary', variables: { amount: 10 } },
      SYSTEM,
    );
    expect(await openTasks(engine, instance.id)).toEqual(['edit', 'review']);
    // when a new engine (a restart) completes edit with a larger amount
    ({ engine } = await testEngine(database));
    const edit = (await engine.listTasks({ instanceId: instance.id, elementId: 'edit' })).items[0];
    await engine.completeTask(edit?.id ?? '', { amount: 250 }, SYSTEM);
    // then review was cancelled in the same transaction and recheck is open
    expect(await openTasks(engine, instance.id)).toEqual(['recheck']);
    const review = (await engine.listTasks({ instanceId: instance.id, elementId: 'review' })).items[0];
    expect(review?.state).toBe('cancelled');
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ recheck: 1 });
  });

  it('lets a waiting conditional catch pass when variables are set, and fires a non-interrupting boundary once per turn to true', async () => {
    // given
    const waiting = await engine.startInstance({ processId: 'cond-catch' }, SYSTEM);
    expect((await engine.getInstance(waiting.id)).activeElements).toEqual({ work: 1, 'wait-approved': 1 });
    // when
    await engine.setVariables(waiting.id, { approved: true }, SYSTEM);
    // then
    expect(await openTasks(engine, waiting.id)).toEqual(['proceed', 'work']);

    // given a review with a non-interrupting boundary on urgent
    const review = await engine.startInstance(
      { processId: 'cond-boundary', variables: { amount: 0, urgent: false } },
      SYSTEM,
    );
    // when urgent turns true, is set true again, then false and true
    await engine.setVariables(review.id, { urgent: true }, SYSTEM);
    await engine.setVariables(review.id, { urgent: true }, SYSTEM);
    expect(await openTasks(engine, review.id)).toEqual(['edit', 'notify', 'review']);
    await engine.setVariables(review.id, { urgent: false }, SYSTEM);
    await engine.setVariables(review.id, { urgent: true }, SYSTEM);
    // then two notifications, and review still runs
    expect(await openTasks(engine, review.id)).toEqual(['edit', 'notify', 'notify', 'review']);
  });

  it('starts an interrupting event subprocess when a variable set on the instance makes its condition true', async () => {
    const instance = await engine.startInstance({ processId: 'cond-esp' }, SYSTEM);
    expect((await onlyOpenTask(engine, instance.id)).elementId).toBe('inner');
    await engine.setVariables(instance.id, { cancelled: true }, SYSTEM);
    expect(await openTasks(engine, instance.id)).toEqual(['handle-cancel']);
  });

  it('lets a multiple catch (a message or a condition) pass when a new engine sets the variable, and drops its message subscription', async () => {
    // given an instance waiting for the message ping or ready = true
    await engine.deploy(MULTIPLE);
    const instance = await engine.startInstance(
      { processId: 'cm-catch', variables: { key: 'c-1', ready: false } },
      SYSTEM,
    );
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ either: 1 });
    // when a new engine (a restart) makes the condition true
    ({ engine } = await testEngine(database));
    await engine.setVariables(instance.id, { ready: true }, SYSTEM);
    // then the catch passed and its message can no longer be correlated
    expect(await openTasks(engine, instance.id)).toEqual(['next']);
    await expect(
      engine.correlateMessage({ name: 'ping', correlationKey: 'c-1' }, SYSTEM),
    ).rejects.toBeInstanceOf(MessageNotCorrelatedError);
  });

  it('evaluates a filtered condition only on a change its zeebe:conditionalFilter names, across a restart', async () => {
    // given a review whose boundary (amount > limit) is filtered on trigger and limit, and a catch filtered on updates
    const instance = await engine.startInstance(
      { processId: 'cond-filter', variables: { amount: 50, limit: 100 } },
      SYSTEM,
    );
    expect(await openTasks(engine, instance.id)).toEqual(['f-review']);
    // when amount is raised (not a name of the boundary's filter; the catch, evaluated on this
    // update, finds no ready), then ready is created (not an update)
    await engine.setVariables(instance.id, { amount: 500 }, SYSTEM);
    await engine.setVariables(instance.id, { ready: true }, SYSTEM);
    // then nothing moved
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ 'f-review': 1, 'f-wait': 1 });
    // when a new engine (a restart) sets the named variable and updates ready
    ({ engine } = await testEngine(database));
    await engine.setVariables(instance.id, { trigger: 'now', ready: false }, SYSTEM);
    await engine.setVariables(instance.id, { ready: true }, SYSTEM);
    // then the boundary interrupted the review and the catch passed
    expect(await openTasks(engine, instance.id)).toEqual(['f-escalated', 'f-go']);
  });

  it('raises an incident on a boundary whose condition is not a boolean, and the retry fires it', async () => {
    // given
    const instance = await engine.startInstance(
      { processId: 'cond-errors', variables: { flag: false } },
      SYSTEM,
    );
    // when level becomes a number
    await engine.setVariables(instance.id, { level: 7 }, SYSTEM);
    // then an open incident on the boundary event; the task still runs
    const [incident] = (await engine.getInstance(instance.id)).incidents.filter((i) => !i.resolvedAt);
    expect(incident).toMatchObject({ elementId: 'level-up', type: 'expression' });
    expect(await openTasks(engine, instance.id)).toEqual(['guarded']);
    // when level is repaired and the incident retried
    await engine.setVariables(instance.id, { level: true }, SYSTEM);
    await engine.retryIncident(incident?.id ?? '', SYSTEM);
    // then the boundary fired
    expect(await openTasks(engine, instance.id)).toEqual(['escalated']);
    expect((await engine.getInstance(instance.id)).openIncidents).toBe(0);
  });

  describe('evaluateConditions', () => {
    it('starts every latest-version process whose conditional start holds, with the variables', async () => {
      // when the condition does not hold
      const none = await engine.evaluateConditions({ variables: { temperature: 10 } }, SYSTEM);
      // then nothing starts
      expect(none).toEqual({ started: [], gathered: [], notAllowed: [], failed: [] });
      // when it holds
      const hot = await engine.evaluateConditions({ variables: { temperature: 35 } }, SYSTEM);
      // then one instance of cond-start, at its conditional start event
      expect(hot.started).toHaveLength(1);
      expect(hot.started[0]).toMatchObject({ processId: 'cond-start', startEventId: 'hot' });
      const started = await engine.getInstance(hot.started[0]?.instanceId ?? '');
      expect(started.variables).toEqual({ temperature: 35 });
      expect(started.activeElements).toEqual({ g: 1 });
    });

    it('starts a multiple start event (a message or a condition) by its condition, and still by its message', async () => {
      // given a process whose start event waits for the message order or for priority > 5
      await engine.deploy(MULTIPLE_START);
      // when the condition does not hold, nothing starts
      const calm = await engine.evaluateConditions({ variables: { priority: 2 } }, SYSTEM);
      expect(calm.started.filter((s) => s.processId === 'multi-start')).toEqual([]);
      // when it holds, on a new engine (a restart)
      ({ engine } = await testEngine(database));
      const urgent = await engine.evaluateConditions(
        { variables: { priority: 9, topic: 'fire' }, processId: 'multi-start' },
        SYSTEM,
      );
      // then one instance at the multiple start event, with the variables
      expect(urgent).toEqual({
        started: [{ processId: 'multi-start', startEventId: 'either', instanceId: expect.any(String) }],
        gathered: [],
        notAllowed: [],
        failed: [],
      });
      const instance = await engine.getInstance(urgent.started[0]?.instanceId ?? '');
      expect(instance.variables).toEqual({ priority: 9, topic: 'fire' });
      expect(instance.activeElements).toEqual({ handle: 1 });
      // and the message still starts one
      const ordered = await engine.correlateMessage(
        { name: 'multi-order', variables: { priority: 1 } },
        SYSTEM,
      );
      expect((await engine.getInstance(ordered.instanceId as string)).activeElements).toEqual({ handle: 1 });
      expect((await engine.listInstances({ processId: 'multi-start' })).items).toHaveLength(2);
      // a string priority is no number: the comparison gives null, which does not hold

      const broken = await engine.evaluateConditions(
        { variables: { priority: 'high' }, processId: 'multi-start' },
        SYSTEM,
      );
      expect(broken.started).toEqual([]);
      expect(broken.failed).toEqual([]);
      // and a condition that gives a number fails its start event: nothing starts there, though the other holds
      const numeric = await engine.evaluateConditions(
        { variables: { priority: 7, check: 3 }, processId: 'multi-start-check' },
        SYSTEM,
      );
      expect(numeric).toEqual({
        started: [],
        gathered: [],
        notAllowed: [],
        failed: [
          {
            processId: 'multi-start-check',
            elementId: 'checked',
            message: expect.stringMatching(/true, false or null/),
          },
        ],
      });
    });

    it('runs under the policy of a start: a caller outside the starters is refused for a named process and reported otherwise', async () => {
      // given only the "ops" group may start cond-start
      await engine.setProcessAccess('cond-start', 'starters', ['ops'], SYSTEM);
      const outsider = userIdentity('mallory', { groups: ['sales'] });
      // when the outsider names the process
      await expect(
        engine.evaluateConditions({ variables: { temperature: 40 }, processId: 'cond-start' }, outsider),
      ).rejects.toBeInstanceOf(ForbiddenError);
      // when the outsider evaluates across processes
      const report = await engine.evaluateConditions({ variables: { temperature: 40 } }, outsider);
      // then nothing started, and the refusal is reported
      expect(report).toEqual({ started: [], gathered: [], notAllowed: ['cond-start'], failed: [] });
      expect((await engine.listInstances({ processId: 'cond-start' })).items).toHaveLength(0);
      // and a starter starts it
      const starter = userIdentity('olga', { groups: ['ops'] });
      const ok = await engine.evaluateConditions({ variables: { temperature: 40 } }, starter);
      expect(ok.started.map((s) => s.processId)).toEqual(['cond-start']);
    });

    it('reports a condition that gives neither a boolean nor null, and refuses a process without a conditional start', async () => {
      // when level is a number
      const report = await engine.evaluateConditions({ variables: { level: 5, temperature: 'hot' } }, SYSTEM);
      // then that process did not start and the failure names its start event; "hot" > 30 is null: not met
      expect(report.started).toEqual([]);
      expect(report.failed).toEqual([
        {
          processId: 'cond-start-level',
          elementId: 'level-start',
          message: expect.stringMatching(/true, false or null/),
        },
      ]);
      // when level is true, it starts
      const ok = await engine.evaluateConditions(
        { variables: { level: true }, processId: 'cond-start-level' },
        SYSTEM,
      );
      expect(ok.started.map((s) => s.startEventId)).toEqual(['level-start']);
      // and naming a process without a conditional start is a bad request
      await expect(
        engine.evaluateConditions({ variables: {}, processId: 'cond-catch' }, SYSTEM),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
});
