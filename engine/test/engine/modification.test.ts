import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/clock.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { systemIdentity, userIdentity } from '../../src/identity.js';
import {
  bpmnFile,
  endEvent,
  linearProcess,
  startEvent,
  threeStepProcess,
  timerCatch,
  userTask,
} from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';

const ops = systemIdentity('olga');

/** start -> a one-hour timer -> "after" -> end. */
const waiting = bpmnFile([
  linearProcess('waiting', [
    startEvent(),
    timerCatch('wait', 'PT1H'),
    userTask('after', { assignee: 'ann' }),
    endEvent(),
  ]),
]);

/** start -> sub-process (inner1 -> inner2) -> end. */
const nested = bpmnFile([
  `<bpmn:process id="nested" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:subProcess id="sub">
      <bpmn:startEvent id="sub-start" />
      ${userTask('inner1', { assignee: 'ann' })}
      ${userTask('inner2', { assignee: 'ann' })}
      <bpmn:endEvent id="sub-end" />
      <bpmn:sequenceFlow id="s1" sourceRef="sub-start" targetRef="inner1" />
      <bpmn:sequenceFlow id="s2" sourceRef="inner1" targetRef="inner2" />
      <bpmn:sequenceFlow id="s3" sourceRef="inner2" targetRef="sub-end" />
    </bpmn:subProcess>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sub" />
    <bpmn:sequenceFlow id="f2" sourceRef="sub" targetRef="end" />
  </bpmn:process>`,
]);

describe.each(databases())('token modification on $name', (target) => {
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
    await engine.deploy(threeStepProcess());
    await engine.deploy(waiting);
    await engine.deploy(nested);
  });

  const openElements = async (instanceId: string) =>
    (await engine.listTasks({ instanceId, state: 'created' })).items.map((t) => t.elementId).sort();

  it('moves a token: the current task is cancelled, a new one opens further on, and history says who and why', async () => {
    const instance = await engine.startInstance({ processId: 'three-steps' }, ops);
    const draft = await onlyOpenTask(engine, instance.id);
    await engine.modifyInstance(
      instance.id,
      { cancel: ['draft'], startBefore: [{ elementId: 'approve' }], reason: 'drafted by phone' },
      ops,
    );
    expect((await engine.getTask(draft.id)).state).toBe('cancelled');
    expect(await openElements(instance.id)).toEqual(['approve']);
    const modified = (await engine.getHistory(instance.id)).find((e) => e.type === 'instance.modified');
    expect(modified).toMatchObject({
      actor: 'olga',
      data: { cancelled: ['draft'], started: ['approve'], reason: 'drafted by phone' },
    });
  });

  it('skips a timer: its job is gone and the next step opens at once', async () => {
    const instance = await engine.startInstance({ processId: 'waiting' }, ops);
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ wait: 1 });
    await engine.modifyInstance(
      instance.id,
      { cancel: ['wait'], startBefore: [{ elementId: 'after' }] },
      ops,
    );
    expect(await openElements(instance.id)).toEqual(['after']);
    clock.advance(2 * 3_600_000);
    await engine.runDueJobs();
    expect(await openElements(instance.id)).toEqual(['after']);
    expect((await engine.getInstance(instance.id)).activeElements).toEqual({ after: 1 });
  });

  it('starts an extra token with variables beside the running one', async () => {
    const instance = await engine.startInstance({ processId: 'three-steps' }, ops);
    await engine.modifyInstance(
      instance.id,
      { startBefore: [{ elementId: 'review', variables: { note: 'second look' } }] },
      ops,
    );
    expect(await openElements(instance.id)).toEqual(['draft', 'review']);
    expect((await engine.getInstance(instance.id)).variables).toMatchObject({ note: 'second look' });
  });

  it('starts inside the one active sub-process, and refuses to leave it empty', async () => {
    const instance = await engine.startInstance({ processId: 'nested' }, ops);
    await expect(engine.modifyInstance(instance.id, { cancel: ['inner1'] }, ops)).rejects.toThrow(
      /leave 'sub' with nothing active/,
    );
    await engine.modifyInstance(
      instance.id,
      { cancel: ['inner1'], startBefore: [{ elementId: 'inner2' }] },
      ops,
    );
    const inner2 = await onlyOpenTask(engine, instance.id);
    expect(inner2.elementId).toBe('inner2');
    await engine.completeTask(inner2.id, {}, systemIdentity('ann'));
    expect((await engine.getInstance(instance.id)).status).toBe('completed');
  });

  it('refuses what cannot be done and changes nothing', async () => {
    const instance = await engine.startInstance({ processId: 'three-steps' }, ops);
    const refusals = [
      { startBefore: [{ elementId: 'nowhere' }] },
      { cancel: ['review'] },
      { cancel: ['draft'] },
      { startBefore: [{ elementId: 'start' }] },
      {},
    ];
    for (const modification of refusals)
      await expect(engine.modifyInstance(instance.id, modification, ops)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    expect(await openElements(instance.id)).toEqual(['draft']);
    expect((await engine.getHistory(instance.id)).some((e) => e.type === 'instance.modified')).toBe(false);
  });

  it('lets only a manager modify', async () => {
    const instance = await engine.startInstance({ processId: 'three-steps' }, systemIdentity('ann'));
    const move = { cancel: ['draft'], startBefore: [{ elementId: 'review' }] };
    await expect(
      engine.modifyInstance(instance.id, move, userIdentity('ann', { roles: ['staff'] })),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await engine.modifyInstance(instance.id, move, userIdentity('mia', { roles: ['manager'] }));
    expect(await openElements(instance.id)).toEqual(['review']);
  });
});
