import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/api.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import {
  InvalidArgumentError,
  MessageNotCorrelatedError,
  MigrationRefusedError,
  TaskNotActiveError,
} from '../../src/errors.js';
import { SYSTEM, systemIdentity, userIdentity } from '../../src/identity.js';
import type { JobResult, Variables } from '../../src/runtime/types.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { testEngine } from '../support/engines.js';

const FIXTURE = new URL('../fixtures/rt-listeners.bpmn', import.meta.url);
const ASSIGNING = new URL('../fixtures/rt-listeners-assigning.bpmn', import.meta.url);
const EVENT_SUBPROCESS = new URL('../fixtures/rt-listeners-event-subprocess.bpmn', import.meta.url);
const PROCESS = new URL('../fixtures/rt-listeners-process.bpmn', import.meta.url);
const PROCESS_END = new URL('../fixtures/rt-listeners-process-end.bpmn', import.meta.url);
const EVENT_GATEWAY = new URL('../fixtures/rt-listeners-event-gateway.bpmn', import.meta.url);
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
    await engine.deploy(await readFile(PROCESS_END, 'utf8'));
    await engine.deploy(await readFile(EVENT_GATEWAY, 'utf8'));
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

  describe('end listeners of the process', () => {
    /** A worker locks the one job of a type, with the variables these tests look at. */
    async function lockAll(type: string): Promise<Job> {
      const jobs = await engine.fetchAndLock(
        { type, workerId: WORKER, fetchVariables: ['region', 'result', 'closedBy', 'archived'] },
        SYSTEM,
      );
      expect(jobs.map((job) => job.jobType)).toEqual([type]);
      return jobs[0] as Job;
    }

    /** Starts the case process and works it up to its first end listener. */
    async function toEndListeners(): Promise<string> {
      const { id } = await engine.startInstance(
        { processId: 'rt-listeners-process-end', variables: { region: 'eu' } },
        SYSTEM,
      );
      await work('open-case');
      await work('work', { result: 42 });
      await work('leave-done');
      return id;
    }

    it('runs them in order after the last end event, each seeing the variables of the one before, across a new engine, and completes the instance after the last', async () => {
      // given the last token ended at 'done' (its own end listener ran first)
      const id = await toEndListeners();
      // then the instance is still active, its first end listener's job waiting at 'done'
      const close = await lockAll('close-case');
      expect(close).toMatchObject({
        instanceId: id,
        elementId: 'done',
        retries: 1,
        listener: { kind: 'executionListener', eventType: 'end' },
      });
      expect(close.variables).toMatchObject({ region: 'eu', result: 42 });
      const waiting = await engine.getInstance(id);
      expect(waiting.status).toBe('active');
      expect(waiting.activeElements).toEqual({ done: 1 });
      expect((await engine.listJobs({ instanceId: id }, SYSTEM)).items.map((job) => job.jobType)).toEqual([
        'close-case',
      ]);
      expect((await engine.getHistory(id)).some((event) => event.type === 'instance.completed')).toBe(false);
      // when the first completes, and another engine takes over
      await engine.completeJob(close.id, WORKER, { closedBy: 'ann' }, SYSTEM);
      ({ engine } = await testEngine(database));
      // then the second (a FEEL type) runs, and sees the first's variable
      const archive = await lockAll('archive-eu');
      expect(archive.variables).toMatchObject({ closedBy: 'ann', result: 42 });
      expect((await engine.getInstance(id)).status).toBe('active');
      // when it completes
      await engine.completeJob(archive.id, WORKER, { archived: true }, SYSTEM);
      // then the instance is completed, with the listeners' variables on the process
      const done = await engine.getInstance(id);
      expect(done.status).toBe('completed');
      expect(done.activeElements).toEqual({});
      expect(done.variables).toMatchObject({ region: 'eu', result: 42, closedBy: 'ann', archived: true });
      // and history has the end event's own listener, its completion, then the process's listeners
      const history = (await engine.getHistory(id))
        .filter((event) =>
          ['listener.completed', 'element.completed', 'instance.completed'].includes(event.type),
        )
        .map((event) =>
          [event.type, event.elementId, event.data?.event, event.data?.process ? 'process' : undefined]
            .filter((part) => part !== undefined && part !== null)
            .join(' '),
        );
      expect(history.slice(-5)).toEqual([
        'listener.completed done end',
        'element.completed done',
        'listener.completed done end process',
        'listener.completed done end process',
        'instance.completed',
      ]);
    });

    it('retries a failing end listener, raises an incident when its retries are out, and runs it again when the incident is retried', async () => {
      // given
      const id = await toEndListeners();
      // when the first end listener fails with a retry left, then for good
      const first = await lockAll('close-case');
      await engine.failJob(first.id, WORKER, { retries: 1, errorMessage: 'case system busy' }, SYSTEM);
      const again = await lockAll('close-case');
      expect(again.id).toBe(first.id);
      await engine.failJob(again.id, WORKER, { retries: 0, errorMessage: 'case system down' }, SYSTEM);
      // then an incident holds the instance, still active, at the element its listener waited at
      const [incident] = await engine.listIncidents({ instanceId: id, open: true });
      expect(incident).toMatchObject({ elementId: 'done', type: 'job', message: 'case system down' });
      expect((await engine.getInstance(id)).status).toBe('active');
      // when it is retried on a new engine
      ({ engine } = await testEngine(database));
      await engine.retryIncident(incident?.id ?? '', SYSTEM);
      // then that listener runs again, and the next after it; then the instance completes
      expect(await engine.listIncidents({ instanceId: id, open: true })).toEqual([]);
      expect((await work('close-case', { closedBy: 'bo' })).listener?.eventType).toBe('end');
      const archive = await lockAll('archive-eu');
      expect(archive.variables).toMatchObject({ closedBy: 'bo' });
      expect((await engine.getInstance(id)).status).toBe('active');
      await engine.completeJob(archive.id, WORKER, {}, SYSTEM);
      expect((await engine.getInstance(id)).status).toBe('completed');
    });

    it("finishes a called process's end listeners before the parent's call activity continues", async () => {
      // given a parent that calls the case process
      const { id: parentId } = await engine.startInstance(
        { processId: 'rt-listeners-process-end-parent', variables: { region: 'eu' } },
        SYSTEM,
      );
      const open = await work('open-case');
      const childId = open.instanceId ?? '';
      await work('work', { result: 42 });
      await work('leave-done');
      // when the child's first end listener completes
      await work('close-case', { closedBy: 'ann' });
      // then both still wait: the child for its second end listener, the parent at its call activity
      expect((await engine.getInstance(childId)).status).toBe('active');
      expect((await engine.getInstance(parentId)).activeElements).toEqual({ callCase: 1 });
      expect(await engine.fetchAndLock({ type: 'after-case', workerId: WORKER }, SYSTEM)).toEqual([]);
      // when the last completes
      await work('archive-eu', { archived: true });
      // then the child is completed and the parent goes on with the listeners' variables
      expect((await engine.getInstance(childId)).status).toBe('completed');
      const after = await lockAll('after-case');
      expect(after.instanceId).toBe(parentId);
      expect(after.variables).toMatchObject({ result: 42, closedBy: 'ann', archived: true });
    });

    it('refuses a modification while the end listeners run, and cancels the instance during one without running the rest', async () => {
      // given
      const id = await toEndListeners();
      await lockAll('close-case');
      // then the completing instance cannot be modified
      await expect(
        engine.modifyInstance(id, { startBefore: [{ elementId: 'work' }] }, SYSTEM),
      ).rejects.toThrow(/completing \(its end listeners run\)/);
      // when
      await engine.cancelInstance(id, SYSTEM);
      // then the listener's job is gone and no later listener runs
      const cancelled = await engine.getInstance(id);
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.activeElements).toEqual({});
      expect((await engine.listJobs({ instanceId: id }, SYSTEM)).items).toEqual([]);
      expect(await engine.fetchAndLock({ type: 'archive-eu', workerId: WORKER }, SYSTEM)).toEqual([]);
      const history = await engine.getHistory(id);
      expect(
        history.filter(
          (event) => event.type === 'listener.completed' && event.data?.process && event.data.event === 'end',
        ),
      ).toEqual([]);
      expect(history.some((event) => event.type === 'instance.completed')).toBe(false);
      expect(history.at(-1)?.type).toBe('instance.cancelled');
    });

    it('runs them when a terminate end event ends the process, which ends terminated after the last', async () => {
      // when the fork reaches the terminate end event (the other branch's job is cancelled)
      const { id } = await engine.startInstance({ processId: 'rt-listeners-process-end-terminate' }, SYSTEM);
      // then its end listener's job waits at the terminate end event
      const close = await lockAll('close-case');
      expect(close).toMatchObject({
        elementId: 'stop',
        listener: { kind: 'executionListener', eventType: 'end' },
      });
      expect((await engine.listJobs({ instanceId: id }, SYSTEM)).items.map((job) => job.jobType)).toEqual([
        'close-case',
      ]);
      expect((await engine.getInstance(id)).status).toBe('active');
      // when
      await engine.completeJob(close.id, WORKER, { closed: true }, SYSTEM);
      // then
      const ended = await engine.getInstance(id);
      expect(ended.status).toBe('terminated');
      expect(ended.variables).toMatchObject({ closed: true });
      expect((await engine.getHistory(id)).at(-1)?.type).toBe('instance.terminated');
    });
  });
  describe('start listeners where an event has already happened', () => {
    /** A worker locks the one job of a type, with the variables these tests look at. */
    async function lockWith(type: string): Promise<Job> {
      const jobs = await engine.fetchAndLock(
        {
          type,
          workerId: WORKER,
          fetchVariables: [
            'orderId',
            'amount',
            'auditor',
            'paidAmount',
            'item',
            'caseId',
            'caller',
            'claimId',
          ],
        },
        SYSTEM,
      );
      expect(jobs.map((job) => job.jobType)).toEqual([type]);
      return jobs[0] as Job;
    }

    it('runs the start listeners of the event after an event-based gateway once its message won, across a new engine, then applies the payload', async () => {
      // given
      const { id } = await engine.startInstance(
        { processId: 'rt-listeners-ebg', variables: { orderId: 'o-1', region: 'eu', amount: 1 } },
        SYSTEM,
      );
      // when the payment's message wins the race
      await engine.correlateMessage(
        { name: 'ebg-paid', correlationKey: 'o-1', variables: { amount: 42 } },
        SYSTEM,
      );
      // then the event's first start listener waits; the payload is not applied yet
      const audit = await lockWith('paid-audit');
      expect(audit).toMatchObject({
        elementId: 'paid',
        retries: 1,
        listener: { kind: 'executionListener', eventType: 'start' },
      });
      expect(audit.variables).toEqual({ orderId: 'o-1', amount: 1 });
      const waiting = await engine.getInstance(id);
      expect(waiting.activeElements).toEqual({ paid: 1 });
      expect(waiting.variables).not.toHaveProperty('paidAmount');
      await expect(
        engine.correlateMessage({ name: 'ebg-cancel', correlationKey: 'o-1' }, SYSTEM),
      ).rejects.toBeInstanceOf(MessageNotCorrelatedError);
      // when another engine takes over between the listener's job and its completion
      ({ engine } = await testEngine(database));
      await engine.completeJob(audit.id, WORKER, { auditor: 'ann' }, SYSTEM);
      // then the second listener sees the first's variable, local to the event
      const check = await lockWith('paid-check-eu');
      expect(check.variables).toMatchObject({ auditor: 'ann', amount: 1 });
      expect((await engine.getInstance(id)).variables).not.toHaveProperty('auditor');
      // when it fails for good, and the incident is retried on yet another engine
      await engine.failJob(check.id, WORKER, { retries: 0, errorMessage: 'checker down' }, SYSTEM);
      const [incident] = await engine.listIncidents({ instanceId: id, open: true });
      expect(incident).toMatchObject({ elementId: 'paid', type: 'job', message: 'checker down' });
      ({ engine } = await testEngine(database));
      await engine.retryIncident(incident?.id ?? '', SYSTEM);
      // then only that listener runs again, and after it the event completes with the payload
      await work('paid-check-eu');
      await work('paid-done');
      const instance = await engine.getInstance(id);
      expect(instance.activeElements).toEqual({ ship: 1 });
      expect(instance.variables).toMatchObject({ amount: 1, paidAmount: 42, auditedBy: 'ann' });
      expect(instance.variables).not.toHaveProperty('auditor');
    });

    it('runs the start listener of a receive task after the gateway without subscribing it again', async () => {
      // given
      const { id } = await engine.startInstance(
        { processId: 'rt-listeners-ebg', variables: { orderId: 'o-2', region: 'eu', amount: 1 } },
        SYSTEM,
      );
      await engine.correlateMessage(
        { name: 'ebg-cancel', correlationKey: 'o-2', variables: { reason: 'late' } },
        SYSTEM,
      );
      const audit = await lockWith('cancel-audit');
      expect(audit.elementId).toBe('cancelled');
      // when
      ({ engine } = await testEngine(database));
      await engine.completeJob(audit.id, WORKER, { note: 'seen' }, SYSTEM);
      // then
      const instance = await engine.getInstance(id);
      expect(instance.activeElements).toEqual({ refund: 1 });
      expect(instance.variables).toMatchObject({ reason: 'late' });
      expect(instance.variables).not.toHaveProperty('note');
      await expect(
        engine.correlateMessage({ name: 'ebg-cancel', correlationKey: 'o-2' }, SYSTEM),
      ).rejects.toBeInstanceOf(MessageNotCorrelatedError);
    });

    it('runs the process start listeners before the instantiating receive task its message started, across a new engine, and retries a failed one', async () => {
      // when
      const { instanceId } = await engine.correlateMessage(
        { name: 'ls-intake', variables: { item: 'ab' } },
        SYSTEM,
      );
      const id = instanceId as string;
      // then
      const open = await lockWith('open-intake');
      expect(open).toMatchObject({
        elementId: 'intake',
        listener: { kind: 'executionListener', eventType: 'start' },
      });
      expect(open.variables).toEqual({ item: 'ab' });
      expect((await engine.getHistory(id)).some((event) => event.type === 'element.entered')).toBe(false);
      // when it fails for good and its incident is retried
      await engine.failJob(open.id, WORKER, { retries: 0, errorMessage: 'no case system' }, SYSTEM);
      const [incident] = await engine.listIncidents({ instanceId: id, open: true });
      expect(incident).toMatchObject({ elementId: 'intake', type: 'job', message: 'no case system' });
      await engine.retryIncident(incident?.id ?? '', SYSTEM);
      const again = await lockWith('open-intake');
      // and another engine takes over between the listener's job and its completion
      ({ engine } = await testEngine(database));
      await engine.completeJob(again.id, WORKER, { caseId: 7 }, SYSTEM);
      const check = await lockWith('check-intake');
      expect(check.variables).toEqual({ item: 'ab', caseId: 7 });
      ({ engine } = await testEngine(database));
      await engine.completeJob(check.id, WORKER, {}, SYSTEM);
      // then the receive task completed with the message
      const instance = await engine.getInstance(id);
      expect(instance.activeElements).toEqual({ pack: 1 });
      expect(instance.variables).toMatchObject({ item: 'ab', caseId: 7, itemCode: 'AB-7' });
      const completed = (await engine.getHistory(id))
        .filter((event) => event.type === 'element.completed')
        .map((event) => event.elementId);
      expect(completed).toEqual(['intake']);
    });

    it('runs the process start listeners before an instantiating event-based gateway, then the start listener of the event that started it', async () => {
      // when
      const { instanceId } = await engine.correlateMessage(
        { name: 'ls-claim-mail', variables: { caller: 'Li' } },
        SYSTEM,
      );
      const id = instanceId as string;
      // then
      const open = await lockWith('open-claim');
      expect(open.elementId).toBe('channel');
      // when
      ({ engine } = await testEngine(database));
      await engine.completeJob(open.id, WORKER, { claimId: 3 }, SYSTEM);
      const audit = await lockWith('mail-audit');
      // then
      expect(audit).toMatchObject({ elementId: 'by-mail', variables: { caller: 'Li', claimId: 3 } });
      // when
      ({ engine } = await testEngine(database));
      await engine.completeJob(audit.id, WORKER, {}, SYSTEM);
      // then
      const instance = await engine.getInstance(id);
      expect(instance.activeElements).toEqual({ 'read-letter': 1 });
      const completed = (await engine.getHistory(id))
        .filter((event) => event.type === 'element.completed')
        .map((event) => event.elementId);
      expect(completed).toEqual(['channel', 'by-mail']);
    });
    it('moves an instance whose process start listeners run before a message start to a version that renames the event it started at', async () => {
      // given an instance the mail message started, waiting for its process start listener
      const { instanceId } = await engine.correlateMessage(
        { name: 'ls-claim-mail', variables: { caller: 'Li' } },
        SYSTEM,
      );
      const id = instanceId as string;
      const open = await lockWith('open-claim');
      const xml = await readFile(EVENT_GATEWAY, 'utf8');
      const { definitions } = await engine.deploy(xml.replaceAll('"by-mail"', '"by-letter"'));
      const target = definitions.find((d) => d.processId === 'rt-listeners-msg-gateway')?.id ?? '';
      const ops = systemIdentity('olga');
      // when migrated without a mapping, it is refused, naming the event
      const refused = await engine.migrateInstance(id, { targetDefinitionId: target }, ops).catch((e) => e);
      expect(refused).toBeInstanceOf(MigrationRefusedError);
      expect((refused as MigrationRefusedError).issues).toEqual([
        expect.objectContaining({ code: 'element.missing', elementId: 'by-mail' }),
      ]);
      // when mapped, the listener's completion goes on to the renamed event
      await engine.migrateInstance(
        id,
        {
          targetDefinitionId: target,
          mappings: [{ sourceElementId: 'by-mail', targetElementId: 'by-letter' }],
        },
        ops,
      );
      await engine.completeJob(open.id, WORKER, {}, SYSTEM);
      // then
      const audit = await lockWith('mail-audit');
      expect(audit.elementId).toBe('by-letter');
      await engine.completeJob(audit.id, WORKER, {}, SYSTEM);
      expect((await engine.getInstance(id)).activeElements).toEqual({ 'read-letter': 1 });
    });
  });
});
