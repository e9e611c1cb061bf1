import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/api.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { InvalidArgumentError, TaskNotActiveError } from '../../src/errors.js';
import { SYSTEM, userIdentity } from '../../src/identity.js';
import type { JobResult, Variables } from '../../src/runtime/types.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { testEngine } from '../support/engines.js';

const FIXTURE = new URL('../fixtures/rt-listeners.bpmn', import.meta.url);
const ASSIGNING = new URL('../fixtures/rt-listeners-assigning.bpmn', import.meta.url);
const EVENT_SUBPROCESS = new URL('../fixtures/rt-listeners-event-subprocess.bpmn', import.meta.url);
const PROCESS = new URL('../fixtures/rt-listeners-process.bpmn', import.meta.url);
const WORKER = 'listener-worker';

describe.each(databases())('execution and task listeners on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
    await engine.deploy(await readFile(FIXTURE, 'utf8'));
    await engine.deploy(await readFile(ASSIGNING, 'utf8'));
    await engine.deploy(await readFile(EVENT_SUBPROCESS, 'utf8'));
    await engine.deploy(await readFile(PROCESS, 'utf8'));
  });

  /** A worker locks the one job of a type. */
  async function lock(type: string): Promise<Job> {
    const jobs = await engine.fetchAndLock(
      { type, workerId: WORKER, fetchVariables: ['amount', 'prepared'] },
      SYSTEM,
    );
    expect(jobs.map((job) => job.jobType)).toEqual([type]);
    return jobs[0] as Job;
  }

  /** A worker locks and completes the one job of a type. */
  async function work(type: string, variables: Variables = {}, result?: JobResult): Promise<Job> {
    const job = await lock(type);
    await engine.completeJob(job.id, WORKER, variables, SYSTEM, result);
    return job;
  }

  /** Starts an instance and works it up to the review task's creating listener. */
  async function toReview(): Promise<string> {
    const { id } = await engine.startInstance(
      { processId: 'rt-listeners', variables: { amount: 5, region: 'eu' } },
      SYSTEM,
    );
    await work('started-audit');
    await work('prepare', { prepared: 1 });
    await work('check-eu');
    await work('worker-task', { out: 10 });
    await work('after-work', { audited: true });
    await work('route', { route: 'review' });
    return id;
  }

  it('runs start and end listener jobs through the worker API, marked as listener jobs, and sets their variables', async () => {
    // given
    const { id } = await engine.startInstance(
      { processId: 'rt-listeners', variables: { amount: 5, region: 'eu' } },
      SYSTEM,
    );
    // when
    const audit = await work('started-audit');
    const prepare = await lock('prepare');
    // then
    expect(audit.listener).toEqual({ kind: 'executionListener', eventType: 'end' });
    expect(prepare).toMatchObject({
      elementId: 'work',
      retries: 2,
      listener: { kind: 'executionListener', eventType: 'start' },
    });
    expect(prepare.variables).toMatchObject({ doubled: 10, amount: 5 });
    expect(
      (await engine.listJobs({ instanceId: id }, SYSTEM)).items.map((job) => job.listener?.eventType),
    ).toEqual(['start']);
    // when
    await engine.completeJob(prepare.id, WORKER, { prepared: 1 }, SYSTEM);
    await work('check-eu');
    const service = await lock('worker-task');
    // then: the service job comes only after both start listeners, and sees the first's variable
    expect(service.listener).toBeNull();
    expect(service.variables).toMatchObject({ prepared: 1 });
    // when
    await engine.completeJob(service.id, WORKER, { out: 10 }, SYSTEM);
    await work('after-work', { audited: true });
    // then
    const instance = await engine.getInstance(id);
    expect(instance.variables).toMatchObject({ result: 11, audited: true });
    expect(instance.variables).not.toHaveProperty('prepared');
    expect(instance.activeElements).toEqual({ choose: 1 });
  });

  it('keeps a listener wait across a new engine on the same database', async () => {
    // given
    const { id } = await engine.startInstance(
      { processId: 'rt-listeners', variables: { amount: 5, region: 'eu' } },
      SYSTEM,
    );
    await work('started-audit');
    // when
    ({ engine } = await testEngine(database));
    await work('prepare', { prepared: 2 });
    // then
    expect((await lock('check-eu')).listener?.eventType).toBe('start');
    expect((await engine.getInstance(id)).activeElements).toEqual({ work: 1 });
  });

  it('creates the task after its creating listener, with the assignee it corrected', async () => {
    // given
    const id = await toReview();
    expect((await engine.listTasks({ instanceId: id })).items).toEqual([]);
    // when
    const creating = await work('assign-reviewer', {}, { corrections: { assignee: 'ann', priority: 90 } });
    // then
    expect(creating.listener).toEqual({ kind: 'taskListener', eventType: 'creating' });
    expect(creating.headers).toMatchObject({ 'io.camunda.zeebe:candidateGroups': '["clerks"]' });
    const [task] = (await engine.listTasks({ instanceId: id })).items;
    expect(task).toMatchObject({ elementId: 'review', assignee: 'ann', priority: 90, state: 'created' });
  });

  it('holds a completion for its completing listeners, refuses a second completion meanwhile, and reopens the task on a denial', async () => {
    // given
    const id = await toReview();
    await work('assign-reviewer', {}, { corrections: { assignee: 'ann' } });
    const [task] = (await engine.listTasks({ instanceId: id })).items;
    if (!task) throw new Error('no task');
    // when
    await engine.completeTask(task.id, { approved: false }, SYSTEM);
    // then: the task is completing, not completed; a second completion is a conflict
    expect((await engine.getTask(task.id)).state).toBe('completing');
    await expect(engine.completeTask(task.id, { approved: true }, SYSTEM)).rejects.toBeInstanceOf(
      TaskNotActiveError,
    );
    await expect(engine.completeTask(task.id, {}, SYSTEM)).rejects.toThrow(
      /waits for the task's completing listeners/,
    );
    // when the first completing listener denies
    await work('check-review', {}, { denied: true, deniedReason: 'add a comment' });
    // then
    const reopened = await engine.getTask(task.id);
    expect(reopened).toMatchObject({ state: 'created', completedAt: null, completedBy: null });
    expect((await engine.getInstance(id)).variables).not.toHaveProperty('approved');
    const denied = (await engine.getHistory(id)).filter((event) => event.type === 'task.completionDenied');
    expect(denied.map((event) => event.data)).toEqual([{ reason: 'add a comment' }]);
    // when completed again, both listeners agree, one correcting the assignee
    await engine.completeTask(task.id, { approved: true }, SYSTEM);
    await work('check-review', {}, { corrections: { assignee: 'bob', priority: 5 } });
    await work('audit-review');
    // then
    expect(await engine.getTask(task.id)).toMatchObject({ state: 'completed', assignee: 'bob', priority: 5 });
    expect((await engine.getInstance(id)).variables).toMatchObject({ approved: true });
    expect((await lock('finish')).listener).toEqual({ kind: 'executionListener', eventType: 'start' });
  });

  it('keeps a completion waiting for its listeners across a new engine, and finishes it there', async () => {
    // given a completion waiting for its completing listeners
    const id = await toReview();
    await work('assign-reviewer');
    const [task] = (await engine.listTasks({ instanceId: id })).items;
    if (!task) throw new Error('no task');
    await engine.completeTask(task.id, { approved: true }, SYSTEM);
    // when another engine on the same database takes over
    ({ engine } = await testEngine(database));
    await work('check-review');
    await work('audit-review');
    // then
    expect((await engine.getTask(task.id)).state).toBe('completed');
    expect((await engine.getInstance(id)).activeElements).toEqual({ done: 1 });
  });

  it('raises an incident on a failing listener and runs that listener again when it is retried', async () => {
    // given
    const { id } = await engine.startInstance(
      { processId: 'rt-listeners', variables: { amount: 5, region: 'eu' } },
      SYSTEM,
    );
    await work('started-audit');
    const prepare = await lock('prepare');
    // when
    await engine.failJob(prepare.id, WORKER, { retries: 0, errorMessage: 'ledger down' }, SYSTEM);
    // then
    const [incident] = await engine.listIncidents({ instanceId: id, open: true });
    expect(incident).toMatchObject({ elementId: 'work', type: 'job', message: 'ledger down' });
    // when
    await engine.retryIncident(incident?.id ?? '', SYSTEM);
    // then
    expect(await engine.listIncidents({ instanceId: id, open: true })).toEqual([]);
    expect((await work('prepare', { prepared: 3 })).listener?.eventType).toBe('start');
    expect((await lock('check-eu')).variables).toMatchObject({ prepared: 3 });
  });

  it('refuses a BPMN error thrown from a listener job, leaving the job locked', async () => {
    // given
    await engine.startInstance({ processId: 'rt-listeners', variables: { amount: 5, region: 'eu' } }, SYSTEM);
    const job = await lock('started-audit');
    // when / then
    await expect(engine.throwBpmnError(job.id, WORKER, { errorCode: 'E' }, SYSTEM)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await engine.completeJob(job.id, WORKER, {}, SYSTEM);
    expect((await lock('prepare')).elementId).toBe('work');
  });

  describe('assigning task listeners', () => {
    const ann = userIdentity('ann', { groups: ['clerks'] });
    const dora = userIdentity('dora', { groups: ['clerks'] });

    /** Starts an instance and returns its open review task. */
    async function review(variables: Variables = {}): Promise<{ id: string; taskId: string }> {
      const { id } = await engine.startInstance({ processId: 'rt-listeners-assigning', variables }, SYSTEM);
      const [task] = (await engine.listTasks({ instanceId: id })).items;
      if (!task) throw new Error('no task');
      return { id, taskId: task.id };
    }

    it('holds a claim for its assigning listeners, refuses other commands meanwhile, then assigns the corrected user', async () => {
      // given
      const { id, taskId } = await review();
      // when
      const claimed = await engine.claimTask(taskId, ann);
      // then: the claim returns while the listener decides
      expect(claimed).toMatchObject({ state: 'assigning', assignee: null });
      await expect(engine.claimTask(taskId, dora)).rejects.toThrow(
        /waits for the task's assigning listeners/,
      );
      await expect(engine.completeTask(taskId, {}, ann)).rejects.toBeInstanceOf(TaskNotActiveError);
      const job = await lock('check-assignee');
      expect(job).toMatchObject({
        elementId: 'review',
        listener: { kind: 'taskListener', eventType: 'assigning' },
        headers: { 'io.camunda.zeebe:action': 'claim', 'io.camunda.zeebe:assignee': 'ann' },
      });
      // when both listeners agree, the first correcting the assignee and the priority
      await engine.completeJob(job.id, WORKER, {}, SYSTEM, {
        corrections: { assignee: 'dora', priority: 70 },
      });
      expect((await engine.getTask(taskId)).state).toBe('assigning');
      await work('notify-assignee');
      // then
      expect(await engine.getTask(taskId)).toMatchObject({
        state: 'created',
        assignee: 'dora',
        priority: 70,
      });
      const claims = (await engine.getHistory(id)).filter((event) => event.type === 'task.claimed');
      expect(claims.map((event) => event.data)).toEqual([{ assignee: 'dora', requestedBy: 'ann' }]);
      // and the policy sees the new assignee: ann may no longer complete it, dora may
      await expect(engine.completeTask(taskId, {}, ann)).rejects.toThrow(/Only the assignee/);
      await engine.completeTask(taskId, {}, dora);
      expect((await engine.getTask(taskId)).state).toBe('completed');
    });

    it('keeps the assignee when a listener denies the change', async () => {
      // given
      const { id, taskId } = await review();
      await engine.assignTask(taskId, 'ann', SYSTEM);
      await work('check-assignee');
      await work('notify-assignee');
      // when the next change is denied
      await engine.unclaimTask(taskId, ann);
      const job = await lock('check-assignee');
      expect(job.headers).toMatchObject({ 'io.camunda.zeebe:action': 'unassign' });
      await engine.completeJob(job.id, WORKER, {}, SYSTEM, { denied: true, deniedReason: 'keep it' });
      // then
      expect(await engine.getTask(taskId)).toMatchObject({ state: 'created', assignee: 'ann' });
      const denied = (await engine.getHistory(id)).filter((event) => event.type === 'task.assignmentDenied');
      expect(denied.map((event) => event.data)).toEqual([{ reason: 'keep it', assignee: null }]);
      expect((await engine.listJobs({ instanceId: id }, SYSTEM)).items).toEqual([]);
    });

    it('assigns a task that has an assignee at creation only once its listener agrees', async () => {
      // given
      const { id, taskId } = await review({ approver: 'carl' });
      await engine.completeTask(taskId, {}, SYSTEM);
      const approve = (await engine.listTasks({ instanceId: id, elementId: 'approve' })).items[0];
      // then: the task exists, unassigned, while its listener decides
      expect(approve).toMatchObject({ state: 'assigning', assignee: null });
      // when
      const job = await work('check-assignee');
      // then
      expect(job.headers).toMatchObject({
        'io.camunda.zeebe:action': 'assign',
        'io.camunda.zeebe:assignee': 'carl',
      });
      expect(await engine.getTask(approve?.id ?? '')).toMatchObject({ state: 'created', assignee: 'carl' });
      // and a candidate cannot take it over from carl, even right after the change
      await expect(engine.completeTask(approve?.id ?? '', {}, dora)).rejects.toThrow(/Only the assignee/);
      expect(await engine.getTask(approve?.id ?? '')).toMatchObject({ state: 'created', assignee: 'carl' });
    });

    it('keeps a claim waiting for its listeners across a new engine, and finishes it there', async () => {
      // given
      const { taskId } = await review();
      await engine.claimTask(taskId, ann);
      // when
      ({ engine } = await testEngine(database));
      await work('check-assignee');
      await work('notify-assignee');
      // then
      expect(await engine.getTask(taskId)).toMatchObject({ state: 'created', assignee: 'ann' });
    });

    it('raises an incident on a failing assigning listener, runs it again on retry, and cancels a pending change with the instance', async () => {
      // given a claim waiting for its first listener, which fails for good
      const { id, taskId } = await review();
      await engine.claimTask(taskId, ann);
      const job = await lock('check-assignee');
      await engine.failJob(job.id, WORKER, { retries: 0, errorMessage: 'directory down' }, SYSTEM);
      const [incident] = await engine.listIncidents({ instanceId: id, open: true });
      expect(incident).toMatchObject({ elementId: 'review', type: 'job', message: 'directory down' });
      expect((await engine.getTask(taskId)).state).toBe('assigning');
      // when retried
      await engine.retryIncident(incident?.id ?? '', SYSTEM);
      // then the listener runs again, with the same change asked for
      const again = await lock('check-assignee');
      expect(again.headers).toMatchObject({
        'io.camunda.zeebe:action': 'claim',
        'io.camunda.zeebe:assignee': 'ann',
      });
      // when the instance is cancelled meanwhile
      await engine.cancelInstance(id, SYSTEM);
      // then the task is cancelled and the listener job gone
      expect((await engine.getTask(taskId)).state).toBe('cancelled');
      expect((await engine.listJobs({ instanceId: id }, SYSTEM)).items).toEqual([]);
    });

    it('refuses a hand-off to a group on a task with assigning listeners, naming the element', async () => {
      // given
      const { taskId } = await review();
      // when / then
      await expect(engine.handOffTask(taskId, { group: 'auditors' }, 'too hard', SYSTEM)).rejects.toThrow(
        /'review'\) has assigning listeners/,
      );
      expect(await engine.getTask(taskId)).toMatchObject({ state: 'created', candidateGroups: ['clerks'] });
    });
  });

  it('runs the start listener of an event subprocess once its event happened, across a new engine', async () => {
    // given
    const { id } = await engine.startInstance(
      { processId: 'rt-listeners-event-subprocess', variables: { reason: 'recall' } },
      SYSTEM,
    );
    // when the signal starts the interrupting event subprocess
    await engine.broadcastSignal({ name: 'stop' }, SYSTEM);
    // then its start listener's job waits; nothing inside it runs yet
    const audit = await lock('stop-audit');
    expect(audit).toMatchObject({
      elementId: 'onStop',
      listener: { kind: 'executionListener', eventType: 'start' },
    });
    expect((await engine.getInstance(id)).activeElements).toEqual({ onStop: 1 });
    // when another engine takes over and the worker completes it
    ({ engine } = await testEngine(database));
    await engine.completeJob(audit.id, WORKER, { audited: true }, SYSTEM);
    // then the subprocess's start event ran
    expect((await engine.getInstance(id)).activeElements).toEqual({ onStop: 1, cleanup: 1 });
    await work('cleanup');
    await work('stop-done');
    expect((await engine.getInstance(id)).status).toBe('completed');
  });

  it('runs the process start listeners before its start event, retries a failed one, and continues on a new engine', async () => {
    // given
    const { id } = await engine.startInstance(
      { processId: 'rt-listeners-process', variables: { region: 'eu' } },
      SYSTEM,
    );
    const open = await lock('open-case');
    expect(open).toMatchObject({
      elementId: 'start',
      listener: { kind: 'executionListener', eventType: 'start' },
    });
    expect((await engine.getHistory(id)).some((event) => event.type === 'element.completed')).toBe(false);
    // when the first listener fails for good, and the incident is retried
    await engine.failJob(open.id, WORKER, { retries: 0, errorMessage: 'no case system' }, SYSTEM);
    const [incident] = await engine.listIncidents({ instanceId: id, open: true });
    expect(incident).toMatchObject({ elementId: 'start', type: 'job', message: 'no case system' });
    await engine.retryIncident(incident?.id ?? '', SYSTEM);
    // then that listener runs again; its variables are the process's
    await work('open-case', { caseId: 9 });
    ({ engine } = await testEngine(database));
    await work('check-eu');
    await work('started');
    const service = await lock('work');
    expect(service.listener).toBeNull();
    expect((await engine.getInstance(id)).variables).toMatchObject({ caseId: 9, region: 'eu' });
  });
});
