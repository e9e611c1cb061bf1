import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/clock.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { InstanceNotFoundError, MigrationRefusedError } from '../../src/errors.js';
import { systemIdentity, userIdentity } from '../../src/identity.js';
import {
  bpmnFile,
  endEvent,
  linearProcess,
  serviceTask,
  signal,
  signalCatch,
  startEvent,
  userTask,
} from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';

const PROCESS = 'onboarding';
const ops = systemIdentity('olga');

/** A user task with a timer boundary event (`PT1H`, interrupting) leading to an end event. */
const withReminder = (
  task: string,
  boundary: string,
) => `${userTask(task, { name: 'Prepare', assignee: 'ann' })}
  <bpmn:boundaryEvent id="${boundary}" attachedToRef="${task}">
    <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  <bpmn:endEvent id="late" />
  <bpmn:sequenceFlow id="to-late" sourceRef="${boundary}" targetRef="late" />`;

const v1 = () =>
  bpmnFile([
    linearProcess(PROCESS, [
      startEvent(),
      userTask('prepare', { name: 'Prepare', assignee: 'ann' }),
      userTask('review', { name: 'Review', groups: 'leads' }),
      endEvent(),
    ]),
  ]);
/** v2 puts an automatic check between the two steps. */
const v2 = () =>
  bpmnFile([
    linearProcess(PROCESS, [
      startEvent(),
      userTask('prepare', { name: 'Prepare', assignee: 'ann' }),
      serviceTask('check', 'background-check'),
      userTask('review', { name: 'Review', groups: 'leads' }),
      endEvent(),
    ]),
  ]);
/** v3 renames the first step's id. */
const v3 = () =>
  bpmnFile([
    linearProcess(PROCESS, [
      startEvent(),
      userTask('get-ready', { name: 'Get ready', assignee: 'ann' }),
      userTask('review', { name: 'Review', groups: 'leads' }),
      endEvent(),
    ]),
  ]);
/** v4 makes the first step a service task. */
const v4 = () =>
  bpmnFile([linearProcess(PROCESS, [startEvent(), serviceTask('prepare', 'auto-prepare'), endEvent()])]);

describe.each(databases())('instance migration on $name', (target) => {
  let database: Database;
  let engine: Engine;
  let clock: VirtualClock;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine, clock } = await testEngine(database));
    await truncateEngineTables(database);
  });

  const deploy = async (xml: string) => (await engine.deploy(xml)).definitions[0]!.id;
  const start = () => engine.startInstance({ processId: PROCESS, variables: { who: 'li' } }, ops);

  it('moves a running instance to the next version: same task, assignee and draft, then the new path', async () => {
    // given an instance of v1 waiting at its first task, with a draft saved, and v2 deployed
    await deploy(v1());
    const instance = await start();
    const task = await onlyOpenTask(engine, instance.id);
    await engine.saveDraft(task.id, { notes: 'half done' }, systemIdentity('ann'));
    const target = await deploy(v2());
    // when a manager migrates it, giving a reason
    const report = await engine.migrateInstance(
      instance.id,
      { targetDefinitionId: target, reason: 'adds the check' },
      ops,
    );
    // then it runs v2 with the same open task, assignee and draft
    expect(report).toMatchObject({ migrated: true, problems: [], to: { version: 2 }, from: { version: 1 } });
    expect(report.moved.tasks).toBe(1);
    const moved = await engine.getInstance(instance.id);
    expect(moved.version).toBe(2);
    expect(moved.definitionId).toBe(target);
    const same = await engine.getTask(task.id);
    expect(same).toMatchObject({
      id: task.id,
      assignee: 'ann',
      elementId: 'prepare',
      draft: { notes: 'half done' },
    });
    expect(same.definitionId).toBe(target);
    // and completing it takes v2's path, into the new service task
    await engine.completeTask(task.id, { ready: true }, systemIdentity('ann'));
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ check: 1 });
    // and history says who migrated, from which version to which, and why
    const migrated = (await engine.getHistory(instance.id)).find((e) => e.type === 'instance.migrated');
    expect(migrated?.actor).toBe('olga');
    expect(migrated?.data).toMatchObject({
      from: { version: 1 },
      to: { version: 2 },
      reason: 'adds the check',
    });
  });

  it('refuses a plan that leaves an active element without a counterpart, changing nothing, and takes a mapping', async () => {
    // given an instance of v1 at 'prepare', and v3 where that step has another id
    const source = await deploy(v1());
    const instance = await start();
    const task = await onlyOpenTask(engine, instance.id);
    const target = await deploy(v3());
    // when migrated without a mapping, it is refused, naming the element
    const refused = await engine
      .migrateInstance(instance.id, { targetDefinitionId: target }, ops)
      .catch((e) => e);
    expect(refused).toBeInstanceOf(MigrationRefusedError);
    expect((refused as MigrationRefusedError).issues).toEqual([
      expect.objectContaining({ code: 'element.missing', elementId: 'prepare' }),
    ]);
    // and nothing changed
    expect((await engine.getInstance(instance.id)).definitionId).toBe(source);
    expect((await engine.getTask(task.id)).elementId).toBe('prepare');
    expect((await engine.getHistory(instance.id)).some((e) => e.type === 'instance.migrated')).toBe(false);
    // when mapped, the task follows under its new element id and completes into v3's next step
    await engine.migrateInstance(
      instance.id,
      {
        targetDefinitionId: target,
        mappings: [{ sourceElementId: 'prepare', targetElementId: 'get-ready' }],
      },
      ops,
    );
    expect((await engine.getTask(task.id)).elementId).toBe('get-ready');
    await engine.completeTask(task.id, {}, systemIdentity('ann'));
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ review: 1 });
  });

  it('refuses to turn an active user task into a service task', async () => {
    await deploy(v1());
    const instance = await start();
    const target = await deploy(v4());
    const refused = await engine
      .migrateInstance(instance.id, { targetDefinitionId: target }, ops)
      .catch((e) => e);
    expect((refused as MigrationRefusedError).issues).toEqual([
      expect.objectContaining({ code: 'element.kind-changed', elementId: 'prepare' }),
    ]);
  });

  it('reports a dry run with its problems and counts, and changes nothing', async () => {
    const source = await deploy(v1());
    const instance = await start();
    const target = await deploy(v3());
    const report = await engine.migrateInstance(
      instance.id,
      { targetDefinitionId: target, dryRun: true },
      ops,
    );
    expect(report).toMatchObject({ dryRun: true, migrated: false, moved: { tasks: 1, jobs: 0 } });
    expect(report.problems.map((p) => p.code)).toEqual(['element.missing']);
    expect((await engine.getInstance(instance.id)).definitionId).toBe(source);
  });

  it('keeps a running boundary timer, and refuses a version that adds one the running task would lack', async () => {
    // given a task with a reminder timer in v1, and the same in v2 under a changed boundary id
    const reminderV1 = bpmnFile([
      linearProcess(PROCESS, [startEvent(), withReminder('prepare', 'remind'), endEvent()]),
    ]);
    const reminderV2 = bpmnFile([
      linearProcess(PROCESS, [startEvent(), withReminder('prepare', 'nudge'), endEvent()]),
    ]);
    await deploy(reminderV1);
    const instance = await start();
    const target = await deploy(reminderV2);
    // when migrated with the boundary mapped, the timer job follows and still fires
    const report = await engine.migrateInstance(
      instance.id,
      { targetDefinitionId: target, mappings: [{ sourceElementId: 'remind', targetElementId: 'nudge' }] },
      ops,
    );
    expect(report.moved.jobs).toBe(1);
    clock.advance(61 * 60_000);
    await engine.runDueJobs();
    const after = await engine.getInstance(instance.id);
    expect(after.status).toBe('completed');
    expect(after.completedElementIds).toEqual(expect.arrayContaining(['nudge', 'late']));
    // given an instance of a version without a timer, and a version that adds one
    await deploy(v2());
    const other = await start();
    const withTimer = await deploy(reminderV1);
    // then the plan is refused: the running task would never get the new reminder
    const refused = await engine
      .migrateInstance(other.id, { targetDefinitionId: withTimer }, ops)
      .catch((e) => e);
    expect((refused as MigrationRefusedError).issues).toEqual([
      expect.objectContaining({ code: 'trigger.added', elementId: 'prepare' }),
    ]);
  });

  it('moves a token waiting on a condition to the target’s condition, and refuses a target that waits for another kind of event', async () => {
    // given a token waiting until `ready`, a version that waits until `approved` instead, and one that waits for a signal
    const waitingFor = (condition: string) =>
      bpmnFile([
        linearProcess(PROCESS, [
          startEvent(),
          `<bpmn:intermediateCatchEvent id="wait"><bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">${condition}</bpmn:condition></bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>`,
          userTask('review', { name: 'Review', groups: 'leads' }),
          endEvent(),
        ]),
      ]);
    await deploy(waitingFor('=ready = true'));
    const instance = await start();
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ wait: 1 });
    const approvedVersion = await deploy(waitingFor('=approved = true'));
    const signalVersion = await deploy(
      bpmnFile(
        [linearProcess(PROCESS, [startEvent(), signalCatch('wait', 'go'), endEvent()])],
        signal('go', 'go'),
      ),
    );
    // when migrated to the signal version, the plan is refused and nothing changes
    const refused = await engine
      .migrateInstance(instance.id, { targetDefinitionId: signalVersion }, ops)
      .catch((e) => e);
    expect(refused).toBeInstanceOf(MigrationRefusedError);
    expect((refused as MigrationRefusedError).issues).toEqual([
      expect.objectContaining({
        code: 'event.kind-changed',
        elementId: 'wait',
        message: expect.stringContaining('conditional'),
      }),
    ]);
    // when migrated to the version that waits for `approved`
    await engine.migrateInstance(instance.id, { targetDefinitionId: approvedVersion }, ops);
    // then the old condition no longer moves the token, the target's does, at the next change
    await engine.setVariables(instance.id, { ready: true }, ops);
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ wait: 1 });
    await engine.setVariables(instance.id, { approved: true }, ops);
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ review: 1 });
  });

  it('lets only a manager migrate: a participant is refused, a stranger sees nothing', async () => {
    await deploy(v1());
    const instance = await start();
    const target = await deploy(v2());
    const request = { targetDefinitionId: target };
    await expect(
      engine.migrateInstance(instance.id, request, userIdentity('ann', { roles: ['staff'] })),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      engine.migrateInstance(instance.id, request, userIdentity('zoe', { roles: ['staff'] })),
    ).rejects.toBeInstanceOf(InstanceNotFoundError);
    const manager = userIdentity('mia', { roles: ['manager'] });
    await expect(engine.migrateInstance(instance.id, request, manager)).resolves.toMatchObject({
      migrated: true,
    });
  });

  it('migrates every running instance of a version, each on its own, and reports each', async () => {
    // given three running instances of v1, one of them already finished its first step
    const source = await deploy(v1());
    const instances = [await start(), await start(), await start()];
    const first = await onlyOpenTask(engine, instances[0]!.id);
    await engine.completeTask(first.id, {}, systemIdentity('ann'));
    const target = await deploy(v3());
    // when all are migrated with the renamed step mapped
    const batch = await engine.migrateInstances(
      source,
      {
        targetDefinitionId: target,
        mappings: [{ sourceElementId: 'prepare', targetElementId: 'get-ready' }],
      },
      ops,
    );
    // then all three run v3, and none is left on v1
    expect(batch).toMatchObject({ migrated: 3, failed: 0 });
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM instances WHERE definition_id = ${source}`.execute(database.db);
    expect(rows[0]?.n).toBe(0);
  });
});
