import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Task } from '../../src/api.js';
import type { ChangeEvent } from '../../src/change-feed.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { SYSTEM, systemIdentity, userIdentity } from '../../src/identity.js';
import {
  bpmnFile,
  callActivity,
  endEvent,
  linearProcess,
  startEvent,
  threeStepProcess,
  userTask,
} from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';

/** start -> fork -> two user tasks created in the same step (same transaction, same instant). */
const forkProcess = bpmnFile([
  `<bpmn:process id="fork" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:parallelGateway id="split" />
    ${userTask('left', { assignee: 'ann' })}
    ${userTask('right', { assignee: 'ann' })}
    <bpmn:endEvent id="end-left" />
    <bpmn:endEvent id="end-right" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split" />
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="left" />
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="right" />
    <bpmn:sequenceFlow id="f4" sourceRef="left" targetRef="end-left" />
    <bpmn:sequenceFlow id="f5" sourceRef="right" targetRef="end-right" />
  </bpmn:process>`,
]);

const callingProcess = bpmnFile([
  linearProcess('outer', [startEvent('o-start'), callActivity('call', 'inner'), endEvent('o-end')]),
  linearProcess('inner', [startEvent('i-start'), userTask('inside', { assignee: 'ann' }), endEvent('i-end')]),
]);

describe.each(databases())('embedding API on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
  });

  const startThree = () =>
    engine.startInstance({ processId: 'three-steps', variables: { amount: 12 } }, systemIdentity('ann'));

  it('finds tasks by their element id, across instances or within one', async () => {
    // given two instances, one of them past its first step
    await engine.deploy(threeStepProcess());
    const first = await startThree();
    const second = await startThree();
    await engine.completeTask((await onlyOpenTask(engine, first.id)).id, {}, systemIdentity('ann'));
    // when the embedder asks for the tasks of one element
    const drafts = await engine.listTasks({ elementId: 'draft', state: 'created' });
    const reviews = await engine.listTasks({ elementId: 'review' });
    const secondReview = await engine.listTasks({ elementId: 'review', instanceId: second.id });
    // then only that element's tasks come back
    expect(drafts.items.map((t) => t.instanceId)).toEqual([second.id]);
    expect(drafts.total).toBe(1);
    expect(reviews.items.map((t) => [t.instanceId, t.elementId])).toEqual([[first.id, 'review']]);
    expect(secondReview.items).toEqual([]);
    expect((await engine.listTasks({ elementId: 'no-such-element' })).total).toBe(0);
  });

  it('numbers tasks in creation order, even when created in the same instant', async () => {
    // given two instances started at the same virtual instant, each creating two tasks in one step
    await engine.deploy(forkProcess);
    const published: ChangeEvent[] = [];
    const stop = engine.onChange((change) => published.push(change));
    const first = await engine.startInstance({ processId: 'fork' }, SYSTEM);
    const second = await engine.startInstance({ processId: 'fork' }, SYSTEM);
    stop();
    // when the embedder lists them in creation order
    const { items } = await engine.listTasks({ processId: 'fork', sort: 'sequence' });
    // then every task shares one createdAt, yet the sequences tell them apart and in order
    expect(new Set(items.map((t) => t.createdAt.getTime())).size).toBe(1);
    expect(items.map((t) => t.instanceId)).toEqual([first.id, first.id, second.id, second.id]);
    const sequences = items.map((t) => t.sequence);
    expect(sequences.every(Number.isSafeInteger)).toBe(true);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(new Set(sequences).size).toBe(4);
    // and a read of one task and the task the change feed published carry the same number
    const one = items[2] as Task;
    expect((await engine.getTask(one.id)).sequence).toBe(one.sequence);
    const created = published.find((c) => c.kind === 'task' && c.id === one.id && c.change === 'created');
    expect(created?.task?.sequence).toBe(one.sequence);
  });

  it('lists the child instances a call activity started, by parent', async () => {
    // given two parents, each waiting on its own child
    await engine.deploy(callingProcess);
    const parentA = await engine.startInstance({ processId: 'outer' }, SYSTEM);
    const parentB = await engine.startInstance({ processId: 'outer' }, SYSTEM);
    // when the embedder asks for the children of one
    const children = await engine.listInstances({ parentInstanceId: parentA.id });
    // then exactly its child comes back
    expect(children.total).toBe(1);
    expect(children.items[0]).toMatchObject({ processId: 'inner', parentInstanceId: parentA.id });
    const ofB = await engine.listInstances({ parentInstanceId: parentB.id });
    expect(ofB.items.map((i) => i.id)).not.toContain(children.items[0]?.id);
    expect((await engine.listInstances({ parentInstanceId: 'not-a-uuid' })).total).toBe(0);
    expect((await engine.listInstances({ parentInstanceId: children.items[0]?.id ?? '' })).total).toBe(0);
  });

  it('puts the return reason on the task the return creates, kept across a restart', async () => {
    // given the review step after the draft was done
    await engine.deploy(threeStepProcess());
    const instance = await startThree();
    const firstDraft = await onlyOpenTask(engine, instance.id);
    await engine.completeTask(firstDraft.id, { v: 1 }, systemIdentity('ann'));
    const review = await onlyOpenTask(engine, instance.id);
    const published: ChangeEvent[] = [];
    const stop = engine.onChange((change) => published.push(change));
    // when a reviewer of the group returns it to the draft step
    const lena = userIdentity('lena', { groups: ['leads'] });
    await engine.claimTask(review.id, lena);
    await engine.returnTask(review.id, 'draft', '  missing budget ', lena);
    stop();
    // then the new draft task says which task came back, who sent it and why
    const again = await onlyOpenTask(engine, instance.id);
    expect(again.elementId).toBe('draft');
    expect(again.returnedFrom).toMatchObject({
      taskId: review.id,
      elementId: 'review',
      by: 'lena',
      reason: 'missing budget',
    });
    expect(again.returnedFrom?.at).toBeInstanceOf(Date);
    expect(again.sequence).toBeGreaterThan(review.sequence);
    // and the tasks that were not created by a return say nothing of one
    expect((await engine.getTask(firstDraft.id)).returnedFrom).toBeNull();
    expect((await engine.getTask(review.id)).returnedFrom).toBeNull();
    // and the change feed's copy of the new task carries it
    const created = published.find((c) => c.kind === 'task' && c.id === again.id && c.change === 'created');
    expect(created?.task?.returnedFrom?.reason).toBe('missing budget');
    // and a new engine on the same database reads it back
    const { engine: restarted } = await testEngine(database);
    expect((await restarted.getTask(again.id)).returnedFrom).toMatchObject({ taskId: review.id, by: 'lena' });
  });

  it('writes nothing of a return that the policy refuses', async () => {
    // given the review step
    await engine.deploy(threeStepProcess());
    const instance = await startThree();
    await engine.completeTask((await onlyOpenTask(engine, instance.id)).id, {}, systemIdentity('ann'));
    const review = await onlyOpenTask(engine, instance.id);
    // when someone outside the task tries to return it
    await expect(
      engine.returnTask(review.id, 'draft', 'no', userIdentity('eve', { groups: ['others'] })),
    ).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
    // then the review is still open and no draft task carries a return
    expect((await onlyOpenTask(engine, instance.id)).id).toBe(review.id);
    const drafts = await engine.listTasks({ instanceId: instance.id, elementId: 'draft' });
    expect(drafts.items.map((t) => t.returnedFrom)).toEqual([null]);
  });
});
