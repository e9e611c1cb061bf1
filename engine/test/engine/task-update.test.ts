import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../src/change-feed.js';
import type { Job } from '../../src/api.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import {
  ForbiddenError,
  InvalidArgumentError,
  TaskNotActiveError,
  TaskNotFoundError,
} from '../../src/errors.js';
import { SYSTEM, userIdentity } from '../../src/identity.js';
import type { JobResult } from '../../src/runtime/types.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { testEngine } from '../support/engines.js';

const FIXTURE = new URL('../fixtures/rt-task-update.bpmn', import.meta.url);
const WORKER = 'update-worker';
const DUE = '2030-01-31T17:00:00.000Z';

/**
 * `plain` has no listeners: an update is written at once. `review` has two updating listeners
 * (`check-update`, with one retry, then `notify-update`): an update waits for both.
 */
describe.each(databases())('updating a user task on $name', (target) => {
  let database: Database;
  let engine: Engine;
  const ann = userIdentity('ann', { groups: ['clerks'] });
  const dora = userIdentity('dora', { groups: ['clerks'] });
  const mia = userIdentity('mia', { roles: ['manager'], groups: ['managers'] });
  const stranger = userIdentity('sam', { groups: ['outsiders'] });

  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
    await engine.deploy(await readFile(FIXTURE, 'utf8'));
  });

  /** Starts an instance; its open task is `plain`, or `review` once `plain` is completed. */
  async function start(at: 'plain' | 'review' = 'plain'): Promise<{ id: string; taskId: string }> {
    const { id } = await engine.startInstance({ processId: 'rt-task-update', variables: {} }, SYSTEM);
    let [task] = (await engine.listTasks({ instanceId: id, elementId: 'plain' })).items;
    if (at === 'review') {
      await engine.completeTask(task?.id ?? '', {}, SYSTEM);
      [task] = (await engine.listTasks({ instanceId: id, elementId: 'review' })).items;
    }
    if (!task) throw new Error('no task');
    return { id, taskId: task.id };
  }

  async function lock(type: string): Promise<Job> {
    const jobs = await engine.fetchAndLock({ type, workerId: WORKER }, SYSTEM);
    expect(jobs.map((job) => job.jobType)).toEqual([type]);
    return jobs[0] as Job;
  }

  async function work(type: string, result?: JobResult): Promise<Job> {
    const job = await lock(type);
    await engine.completeJob(job.id, WORKER, {}, SYSTEM, result);
    return job;
  }

  async function historyOf(id: string, type: string) {
    return (await engine.getHistory(id)).filter((event) => event.type === type);
  }

  it('changes the dates, priority and candidates at once, records them with the actor, and publishes the change', async () => {
    // given
    const { id, taskId } = await start();
    await engine.claimTask(taskId, ann);
    const changes: ChangeEvent[] = [];
    const stop = engine.onChange((change) => changes.push(change));
    // when the assignee moves the due date (given with an offset) and a manager the rest
    const byAnn = await engine.updateTask(taskId, { dueDate: '2030-01-31T18:00:00+01:00' }, ann);
    const byMia = await engine.updateTask(
      taskId,
      {
        priority: 90,
        candidateGroups: ['auditors', 'auditors'],
        candidateUsers: ['dora'],
        followUpDate: null,
      },
      mia,
    );
    stop();
    // then
    expect(byAnn).toMatchObject({ state: 'created', dueAt: new Date(DUE), priority: 50 });
    expect(byMia).toMatchObject({
      state: 'created',
      assignee: 'ann',
      dueAt: new Date(DUE),
      followUpAt: null,
      priority: 90,
      candidateGroups: ['auditors'],
      candidateUsers: ['dora'],
    });
    expect(await engine.getTask(taskId)).toMatchObject({ priority: 90, candidateGroups: ['auditors'] });
    const updated = await historyOf(id, 'task.updated');
    expect(updated.map((event) => [event.actor, event.data])).toEqual([
      ['ann', { changes: { dueDate: DUE } }],
      ['mia', { changes: { candidateUsers: ['dora'], candidateGroups: ['auditors'], priority: 90 } }],
    ]);
    expect(changes.filter((c) => c.kind === 'task').map((c) => `${c.change}:${c.task?.priority}`)).toEqual([
      'updated:50',
      'updated:90',
    ]);
    // and a cleared date is cleared, and the task survives a new engine as written
    await engine.updateTask(taskId, { dueDate: '' }, mia);
    ({ engine } = await testEngine(database));
    expect(await engine.getTask(taskId)).toMatchObject({ dueAt: null, priority: 90 });
  });

  it('lets the new candidates act at once and the old ones no longer', async () => {
    // given an unclaimed task for clerks, offered to dora alone by a manager
    const { taskId } = await start();
    await engine.updateTask(taskId, { candidateGroups: [], candidateUsers: ['dora'] }, mia);
    // when / then: ann, a clerk, no longer sees it; dora completes it
    await expect(engine.claimTask(taskId, ann)).rejects.toBeInstanceOf(TaskNotFoundError);
    await engine.completeTask(taskId, {}, dora);
    expect((await engine.getTask(taskId)).state).toBe('completed');
  });

  it('refuses a stranger, a candidate who has not claimed, and bad or empty changesets, changing nothing', async () => {
    // given
    const { id, taskId } = await start();
    // when / then: the policy first (a stranger does not learn the task exists, even from a bad changeset)
    await expect(engine.updateTask(taskId, { priority: 10 }, stranger)).rejects.toBeInstanceOf(
      TaskNotFoundError,
    );
    await expect(engine.updateTask(taskId, {}, stranger)).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(engine.updateTask(taskId, { priority: 10 }, ann)).rejects.toThrow(/Claim the task first/);
    await engine.claimTask(taskId, ann);
    await expect(engine.updateTask(taskId, { priority: 10 }, dora)).rejects.toBeInstanceOf(ForbiddenError);
    // and then the changeset
    for (const bad of [
      {},
      { dueDate: null, priority: null },
      { priority: 101 },
      { priority: 2.5 },
      { dueDate: 'tomorrow' },
      { followUpDate: '2030-01-31T17:00:00' },
      { candidateGroups: ['  '] },
    ])
      await expect(engine.updateTask(taskId, bad, ann)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await engine.getTask(taskId)).toMatchObject({
      priority: 50,
      dueAt: null,
      candidateGroups: ['clerks'],
    });
    expect(await historyOf(id, 'task.updated')).toEqual([]);
    // and a closed task is not active
    await engine.completeTask(taskId, {}, ann);
    await expect(engine.updateTask(taskId, { priority: 10 }, mia)).rejects.toBeInstanceOf(TaskNotActiveError);
  });

  describe('updating task listeners', () => {
    it('holds the update for its listeners, refuses other commands meanwhile, then applies it with their corrections', async () => {
      // given
      const { id, taskId } = await start('review');
      await engine.claimTask(taskId, ann);
      // when
      const pending = await engine.updateTask(taskId, { priority: 80, dueDate: DUE }, ann);
      // then the update returns while the listeners decide, the task unchanged
      expect(pending).toMatchObject({ state: 'updating', priority: 50, dueAt: null });
      await expect(engine.completeTask(taskId, {}, ann)).rejects.toThrow(/is updating/);
      await expect(engine.updateTask(taskId, { priority: 1 }, mia)).rejects.toBeInstanceOf(
        TaskNotActiveError,
      );
      const job = await lock('check-update');
      expect(job).toMatchObject({
        elementId: 'review',
        listener: { kind: 'taskListener', eventType: 'updating' },
        headers: {
          'io.camunda.zeebe:action': 'update',
          'io.camunda.zeebe:userTaskKey': taskId,
          'io.camunda.zeebe:assignee': 'ann',
          'io.camunda.zeebe:priority': '80',
          'io.camunda.zeebe:dueDate': DUE,
          'io.camunda.zeebe:candidateGroups': '["clerks"]',
          'io.camunda.zeebe:changedAttributes': '["dueDate","priority"]',
        },
      });
      // when the first listener corrects the priority and adds a candidate group, the second agrees
      await engine.completeJob(job.id, WORKER, {}, SYSTEM, {
        corrections: { priority: 60, candidateGroups: ['clerks', 'leads'] },
      });
      expect((await engine.getTask(taskId)).state).toBe('updating');
      await work('notify-update');
      // then
      expect(await engine.getTask(taskId)).toMatchObject({
        state: 'created',
        assignee: 'ann',
        priority: 60,
        dueAt: new Date(DUE),
        candidateGroups: ['clerks', 'leads'],
      });
      expect((await historyOf(id, 'task.updating')).map((e) => [e.actor, e.data])).toEqual([
        ['ann', { changes: { dueDate: DUE, priority: 80 } }],
      ]);
      expect((await historyOf(id, 'task.updated')).map((e) => e.data)).toEqual([
        { changes: { candidateGroups: ['clerks', 'leads'], dueDate: DUE, priority: 60 }, requestedBy: 'ann' },
      ]);
      // and the task works as before
      await engine.completeTask(taskId, {}, ann);
      expect((await engine.getTask(taskId)).state).toBe('completed');
    });

    it('leaves the task as it was when a listener denies the update, and records why', async () => {
      // given
      const { id, taskId } = await start('review');
      await engine.updateTask(taskId, { candidateUsers: ['dora'] }, mia);
      // when
      await work('check-update', { denied: true, deniedReason: 'dora is on leave' });
      // then
      expect(await engine.getTask(taskId)).toMatchObject({ state: 'created', candidateUsers: [] });
      expect((await historyOf(id, 'task.updateDenied')).map((e) => e.data)).toEqual([
        { reason: 'dora is on leave', changes: { candidateUsers: ['dora'] }, requestedBy: 'mia' },
      ]);
      expect(await historyOf(id, 'task.updated')).toEqual([]);
      expect((await engine.listJobs({ instanceId: id }, SYSTEM)).items).toEqual([]);
      // and the task is open to the next command
      await engine.claimTask(taskId, dora);
      expect((await engine.getTask(taskId)).assignee).toBe('dora');
    });

    it('refuses a stranger before any listener runs', async () => {
      // given
      const { id, taskId } = await start('review');
      // when / then
      await expect(engine.updateTask(taskId, { priority: 10 }, stranger)).rejects.toBeInstanceOf(
        TaskNotFoundError,
      );
      await expect(engine.updateTask(taskId, {}, mia)).rejects.toBeInstanceOf(InvalidArgumentError);
      expect((await engine.getTask(taskId)).state).toBe('created');
      expect((await engine.listJobs({ instanceId: id }, SYSTEM)).items).toEqual([]);
    });

    it('raises an incident on a failing updating listener, runs it again on retry, and finishes on a new engine', async () => {
      // given an update waiting for its first listener, which fails for good
      const { id, taskId } = await start('review');
      await engine.updateTask(taskId, { followUpDate: DUE }, mia);
      const job = await lock('check-update');
      await engine.failJob(job.id, WORKER, { retries: 0, errorMessage: 'calendar down' }, SYSTEM);
      const [incident] = await engine.listIncidents({ instanceId: id, open: true });
      expect(incident).toMatchObject({ elementId: 'review', type: 'job', message: 'calendar down' });
      expect((await engine.getTask(taskId)).state).toBe('updating');
      // when retried
      await engine.retryIncident(incident?.id ?? '', SYSTEM);
      // then the listener runs again, with the same change asked for, here on a new engine
      ({ engine } = await testEngine(database));
      const again = await work('check-update');
      expect(again.headers).toMatchObject({
        'io.camunda.zeebe:followUpDate': DUE,
        'io.camunda.zeebe:changedAttributes': '["followUpDate"]',
      });
      await work('notify-update');
      expect(await engine.getTask(taskId)).toMatchObject({ state: 'created', followUpAt: new Date(DUE) });
      expect(await engine.listIncidents({ instanceId: id, open: true })).toEqual([]);
    });

    it('cancels the task and the listener job when the instance is cancelled during an update', async () => {
      // given
      const { id, taskId } = await start('review');
      await engine.updateTask(taskId, { priority: 5 }, mia);
      // when
      await engine.cancelInstance(id, SYSTEM);
      // then
      expect((await engine.getTask(taskId)).state).toBe('cancelled');
      expect((await engine.listJobs({ instanceId: id }, SYSTEM)).items).toEqual([]);
    });
  });
});
