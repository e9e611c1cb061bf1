import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../src/change-feed.js';
import type { Database } from '../../src/database.js';
import type { VirtualClock } from '../../src/clock.js';
import type { Engine } from '../../src/engine.js';
import {
  InvalidArgumentError,
  TaskNotActiveError,
  TaskNotAssignedError,
  TaskNotFoundError,
} from '../../src/errors.js';
import { threeStepProcess } from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';
import { systemIdentity } from '../../src/identity.js';

describe.each(databases())('user tasks on $name', (target) => {
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
  });

  const start = () =>
    engine.startInstance({ processId: 'three-steps', variables: { amount: 12 } }, systemIdentity('ann'));

  it('runs start -> three user tasks -> end and records who did what', async () => {
    // given a started instance
    const instance = await start();
    expect(instance.activeElements).toEqual({ draft: 1 });
    expect(instance.variables).toEqual({ amount: 12 });
    // when each task is completed in turn
    for (const [elementId, user] of [
      ['draft', 'ann'],
      ['review', 'lena'],
      ['approve', 'carl'],
    ] as const) {
      const task = await onlyOpenTask(engine, instance.id);
      expect(task.elementId).toBe(elementId);
      await engine.completeTask(task.id, { [`${elementId}Done`]: true }, systemIdentity(user));
    }
    // then the instance is completed with the variables and the path, and history tells the story
    const done = await engine.getInstance(instance.id);
    expect(done.status).toBe('completed');
    expect(done.endedAt).not.toBeNull();
    expect(done.activeElements).toEqual({});
    expect(done.variables).toMatchObject({
      amount: 12,
      draftDone: true,
      reviewDone: true,
      approveDone: true,
    });
    expect(done.completedElementIds).toEqual(
      expect.arrayContaining(['start', 'draft', 'review', 'approve', 'end']),
    );
    const history = await engine.getHistory(instance.id);
    expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
    expect(history.filter((e) => e.type === 'task.completed').map((e) => [e.elementId, e.actor])).toEqual([
      ['draft', 'ann'],
      ['review', 'lena'],
      ['approve', 'carl'],
    ]);
    expect(history.at(-1)?.type).toBe('instance.completed');
    const tasks = await engine.listTasks({ instanceId: instance.id });
    expect(tasks.items.map((t) => [t.state, t.completedBy])).toEqual([
      ['completed', 'ann'],
      ['completed', 'lena'],
      ['completed', 'carl'],
    ]);
  });

  it('creates the task row with its assignment', async () => {
    const instance = await start();
    const draft = await onlyOpenTask(engine, instance.id);
    expect(draft).toMatchObject({
      name: 'Draft',
      assignee: 'ann',
      state: 'created',
      processId: 'three-steps',
    });
    await engine.completeTask(draft.id, {}, systemIdentity('ann'));
    const review = await onlyOpenTask(engine, instance.id);
    expect(review).toMatchObject({ assignee: null, candidateGroups: ['leads'] });
  });

  it('claims and unclaims, and refuses a claim on a task someone else holds', async () => {
    // given the review task, offered to leads
    const instance = await start();
    await engine.completeTask((await onlyOpenTask(engine, instance.id)).id, {}, systemIdentity('ann'));
    const review = await onlyOpenTask(engine, instance.id);
    // when lena claims it and omar tries too
    const claimed = await engine.claimTask(review.id, systemIdentity('lena'), 'lena');
    const stolen = engine.claimTask(review.id, systemIdentity('omar'), 'omar');
    // then lena holds it, omar is refused
    expect(claimed.assignee).toBe('lena');
    await expect(stolen).rejects.toBeInstanceOf(TaskNotAssignedError);
    const released = await engine.unclaimTask(review.id, systemIdentity('lena'));
    expect(released.assignee).toBeNull();
    const history = await engine.getHistory(instance.id);
    expect(history.filter((e) => e.taskId === review.id).map((e) => [e.type, e.actor])).toEqual([
      ['task.created', 'ann'],
      ['task.claimed', 'lena'],
      ['task.unclaimed', 'lena'],
    ]);
  });

  it('hands the task off to a user and to a group, with the reason', async () => {
    // given ann's draft task
    const instance = await start();
    const draft = await onlyOpenTask(engine, instance.id);
    // when ann hands it to bob, and bob hands it to the leads group
    const toBob = await engine.handOffTask(draft.id, { user: 'bob' }, 'I am on leave', systemIdentity('ann'));
    const toGroup = await engine.handOffTask(
      draft.id,
      { group: 'leads' },
      'needs a lead',
      systemIdentity('bob'),
    );
    // then the task moved, and history shows from, to and why
    expect(toBob.assignee).toBe('bob');
    expect(toGroup).toMatchObject({ assignee: null, candidateGroups: ['leads'] });
    const handoffs = (await engine.getHistory(instance.id)).filter((e) => e.type === 'task.handedOff');
    expect(handoffs.map((e) => [e.actor, e.data])).toEqual([
      ['ann', { from: { user: 'ann', groups: [] }, to: { user: 'bob' }, reason: 'I am on leave' }],
      ['bob', { from: { user: 'bob', groups: [] }, to: { group: 'leads' }, reason: 'needs a lead' }],
    ]);
    await expect(
      engine.handOffTask(draft.id, { user: 'x' }, '  ', systemIdentity('ann')),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    // and the group now finds it in its inbox
    const inbox = await engine.listTasks({
      claimableBy: { user: 'lena', groups: ['leads'] },
      state: 'created',
    });
    expect(inbox.items.map((t) => t.id)).toEqual([draft.id]);
  });

  it('delegates to a colleague who resolves it back to the owner', async () => {
    // given ann's draft task
    const instance = await start();
    const draft = await onlyOpenTask(engine, instance.id);
    // when ann delegates to dan and dan resolves with his input
    const delegated = await engine.delegateTask(
      draft.id,
      'dan',
      'please check the numbers',
      systemIdentity('ann'),
    );
    const resolved = await engine.resolveTask(draft.id, { checked: true }, systemIdentity('dan'));
    // then dan held it meanwhile, and it came back to ann with dan's input as a draft
    expect(delegated).toMatchObject({ assignee: 'dan', owner: 'ann', delegated: true });
    expect(resolved).toMatchObject({
      assignee: 'ann',
      owner: null,
      delegated: false,
      draft: { checked: true },
    });
    const events = (await engine.getHistory(instance.id)).filter((e) => e.type.startsWith('task.'));
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['task.created', 'ann'],
      ['task.delegated', 'ann'],
      ['task.resolved', 'dan'],
    ]);
    await expect(engine.resolveTask(draft.id, {}, systemIdentity('ann'))).rejects.toBeInstanceOf(
      TaskNotAssignedError,
    );
  });

  it('saves a draft and comments without completing', async () => {
    const instance = await start();
    const draft = await onlyOpenTask(engine, instance.id);
    const saved = await engine.saveDraft(draft.id, { title: 'half done' }, systemIdentity('ann'));
    await engine.commentTask(draft.id, 'Numbers from Q1', systemIdentity('ann'));
    expect(saved.draft).toEqual({ title: 'half done' });
    expect((await engine.getTask(draft.id)).state).toBe('created');
    const comment = (await engine.getHistory(instance.id)).find((e) => e.type === 'task.commented');
    expect(comment).toMatchObject({ actor: 'ann', taskId: draft.id, data: { text: 'Numbers from Q1' } });
  });

  it('returns a task to an earlier step with the reason', async () => {
    // given the review task after draft was done
    const instance = await start();
    await engine.completeTask((await onlyOpenTask(engine, instance.id)).id, { v: 1 }, systemIdentity('ann'));
    const review = await onlyOpenTask(engine, instance.id);
    expect(await engine.returnTargets(review.id)).toEqual([{ elementId: 'draft', name: 'Draft' }]);
    // when the reviewer sends it back
    await engine.returnTask(review.id, 'draft', 'missing budget', systemIdentity('lena'));
    // then review is cancelled, a new draft task is open, and history keeps the reason
    expect((await engine.getTask(review.id)).state).toBe('cancelled');
    const again = await onlyOpenTask(engine, instance.id);
    expect(again.elementId).toBe('draft');
    const returned = (await engine.getHistory(instance.id)).find((e) => e.type === 'task.returned');
    expect(returned).toMatchObject({
      actor: 'lena',
      data: expect.objectContaining({ reason: 'missing budget' }),
    });
  });

  it('refuses operations on a completed task with a typed error', async () => {
    const instance = await start();
    const draft = await onlyOpenTask(engine, instance.id);
    await engine.completeTask(draft.id, {}, systemIdentity('ann'));
    await expect(engine.completeTask(draft.id, {}, systemIdentity('ann'))).rejects.toBeInstanceOf(
      TaskNotActiveError,
    );
    await expect(engine.claimTask(draft.id, systemIdentity('ann'), 'ann')).rejects.toBeInstanceOf(
      TaskNotActiveError,
    );
    await expect(engine.getTask('00000000-0000-0000-0000-000000000000')).rejects.toBeInstanceOf(
      TaskNotFoundError,
    );
    await expect(engine.completeTask('nope', {}, systemIdentity('ann'))).rejects.toBeInstanceOf(
      TaskNotFoundError,
    );
    await expect(engine.getTask('nope')).rejects.toBeInstanceOf(TaskNotFoundError);
    expect((await engine.listTasks({ instanceId: 'nope' })).total).toBe(0);
  });

  it('lets exactly one of two concurrent completions win', async () => {
    // given an open task and a second engine on the same database
    const instance = await start();
    const draft = await onlyOpenTask(engine, instance.id);
    const other = await testEngine(
      target.name === 'postgres' ? await target.open({ poolSize: 2 }) : database,
    );
    // when both complete it at the same time
    const results = await Promise.allSettled([
      engine.completeTask(draft.id, { by: 'first' }, systemIdentity('ann')),
      other.engine.completeTask(draft.id, { by: 'second' }, systemIdentity('ann')),
    ]);
    // then one wins and the other gets a conflict error; the token moved once
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(['TASK_NOT_ACTIVE', 'CONCURRENCY_CONFLICT']).toContain(loser.reason.code);
    const tasks = await engine.listTasks({ instanceId: instance.id });
    expect(tasks.items.map((t) => [t.elementId, t.state])).toEqual([
      ['draft', 'completed'],
      ['review', 'created'],
    ]);
  });

  it('completes on fresh state when another engine changed the instance meanwhile', async () => {
    // given engine A started the instance (and remembers its state), then engine B changed it
    const instance = await start();
    const draft = await onlyOpenTask(engine, instance.id);
    const other = await testEngine(database);
    await other.engine.setVariables(instance.id, { note: 'set elsewhere' }, systemIdentity('mia'));
    // when A completes the task
    await engine.completeTask(draft.id, { done: true }, systemIdentity('ann'));
    // then nothing B wrote was lost and the token moved once
    const after = await engine.getInstance(instance.id);
    expect(after.variables).toMatchObject({ note: 'set elsewhere', done: true });
    expect(after.activeElements).toEqual({ review: 1 });
    expect(after.revision).toBe(3);
  });

  it('filters, sorts and counts the inbox in SQL', async () => {
    // given three instances whose review tasks are in the leads' inbox
    for (let i = 0; i < 3; i++) {
      const instance = await start();
      await engine.completeTask((await onlyOpenTask(engine, instance.id)).id, {}, systemIdentity('ann'));
    }
    // when lena (a lead) lists what she may see, two per page
    const page = await engine.listTasks({
      visibleTo: { user: 'lena', groups: ['leads'] },
      state: 'created',
      limit: 2,
    });
    const next = await engine.listTasks({
      visibleTo: { user: 'lena', groups: ['leads'] },
      state: 'created',
      limit: 2,
      offset: 2,
    });
    // then she sees the three review tasks and not ann's; the total counts all pages
    expect(page.total).toBe(3);
    expect([...page.items, ...next.items].map((t) => t.elementId)).toEqual(['review', 'review', 'review']);
    expect(new Set([...page.items, ...next.items].map((t) => t.id)).size).toBe(3);
    expect((await engine.listTasks({ assignee: 'ann', state: 'created' })).total).toBe(0);
    expect((await engine.listTasks({ text: 'REV' })).total).toBe(3);
    expect((await engine.listTasks({ claimableBy: { user: 'zoe', groups: ['staff'] } })).total).toBe(0);
  });

  it('computes the process figures in SQL', async () => {
    // given one instance finished after two hours and one waiting at review, overdue
    const finished = await start();
    for (const user of ['ann', 'lena', 'carl']) {
      clock.advance(40 * 60_000);
      await engine.completeTask((await onlyOpenTask(engine, finished.id)).id, {}, systemIdentity(user));
    }
    const waiting = await start();
    await engine.completeTask((await onlyOpenTask(engine, waiting.id)).id, {}, systemIdentity('ann'));
    // when the figures are read
    const kpis = await engine.kpis('three-steps');
    // then they count what happened
    expect(kpis).toMatchObject({ processId: 'three-steps', running: 1, completed: 1, escalations: 0 });
    expect(kpis.avgCycleMs).toBe(2 * 60 * 60_000);
    expect(kpis.p90CycleMs).toBe(2 * 60 * 60_000);
    expect(kpis.workload).toEqual([{ assignee: null, group: 'leads', open: 1 }]);
    expect(kpis.timePerElement).toMatchObject({ review: 40 * 60_000, approve: 40 * 60_000 });
    expect((await engine.listInstances({ status: 'active', text: 'three' })).items.map((i) => i.id)).toEqual([
      waiting.id,
    ]);
    expect((await engine.listInstances({ overdue: true })).total).toBe(0);
  });

  it('publishes task and instance changes after commit', async () => {
    const changes: ChangeEvent[] = [];
    const stop = engine.onChange((c) => changes.push(c));
    const instance = await start();
    const draft = await onlyOpenTask(engine, instance.id);
    await engine.unclaimTask(draft.id, systemIdentity('ann'));
    await engine.claimTask(draft.id, systemIdentity('ann'), 'ann');
    // claiming a task one already holds changes nothing, so it publishes nothing
    await engine.claimTask(draft.id, systemIdentity('ann'), 'ann');
    await engine.completeTask(draft.id, {}, systemIdentity('ann'));
    await engine.completeTask(draft.id, {}, systemIdentity('ann')).catch(() => {});
    stop();
    expect(changes.map((c) => `${c.kind}:${c.change}`)).toEqual([
      'instance:started',
      'task:created',
      'task:unclaimed',
      'task:claimed',
      'instance:updated',
      'task:created',
      'task:completed',
    ]);
    expect(changes[1]?.task?.name).toBe('Draft');
  });

  it('cancels an instance and sets variables, recorded in history', async () => {
    const instance = await start();
    await engine.setVariables(instance.id, { priority: 'high' }, systemIdentity('mia'));
    expect((await engine.getInstance(instance.id)).variables).toMatchObject({ priority: 'high' });
    await engine.cancelInstance(instance.id, systemIdentity('mia'));
    const cancelled = await engine.getInstance(instance.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await engine.listTasks({ instanceId: instance.id })).items.map((t) => t.state)).toEqual([
      'cancelled',
    ]);
    const listed = await engine.listInstances({ processId: 'three-steps', status: 'cancelled' });
    expect(listed.items.map((i) => i.id)).toEqual([instance.id]);
    expect((await engine.listInstances({ participant: 'ann' })).total).toBe(1);
  });
});
