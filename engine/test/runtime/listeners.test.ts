import { describe, expect, it } from 'vitest';
import type { JobResult, NewJob, Variables } from '../../src/runtime/types.js';
import { Driver, loadModel } from './support/driver.js';

/** The one open job of a type (listener jobs included). */
function jobOfType(driver: Driver, jobType: string): NewJob {
  const found = [...driver.jobs.values()].filter((job) => job.jobType === jobType);
  if (found.length !== 1) throw new Error(`expected one job of type ${jobType}, found ${found.length}`);
  return found[0] as NewJob;
}

/** A worker completes the job of that type. */
function complete(driver: Driver, jobType: string, variables: Variables = {}, result?: JobResult): void {
  const job = jobOfType(driver, jobType);
  driver.run({ type: 'job.complete', jobId: job.id, variables, ...(result ? { result } : {}) });
  driver.jobs.delete(job.id);
}

/** Runs the instance up to the user task, through every execution listener on the way. */
async function toReview(): Promise<Driver> {
  const driver = new Driver(await loadModel('rt-listeners.bpmn'));
  driver.start({ amount: 5, region: 'eu' });
  complete(driver, 'started-audit');
  complete(driver, 'prepare', { prepared: 1 });
  complete(driver, 'check-eu');
  complete(driver, 'worker-task', { out: 10 });
  complete(driver, 'after-work', { audited: true });
  complete(driver, 'route', { route: 'review' });
  return driver;
}

describe('runtime: execution listeners', () => {
  it('runs an end listener of the start event as a job before the token moves on', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners.bpmn'));
    // when
    driver.start({ amount: 5, region: 'eu' });
    // then
    const job = jobOfType(driver, 'started-audit');
    expect(job).toMatchObject({
      elementId: 'start',
      listener: { kind: 'executionListener', eventType: 'end' },
    });
    expect(driver.activeElements()).toEqual({ start: 1 });
  });

  it('runs start listeners one after another after the input mappings, then the task itself', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners.bpmn'));
    driver.start({ amount: 5, region: 'eu' });
    complete(driver, 'started-audit');
    // then: the first start listener sees the input mapping; the work has no job yet
    const first = jobOfType(driver, 'prepare');
    expect(first).toMatchObject({ retries: 2, listener: { kind: 'executionListener', eventType: 'start' } });
    expect(first.variables).toMatchObject({ doubled: 10, amount: 5 });
    expect(first.headers).toEqual({ team: 'ops' });
    expect([...driver.jobs.values()].some((job) => job.jobType === 'worker-task')).toBe(false);
    // when
    complete(driver, 'prepare', { prepared: 1 });
    // then: the second (a FEEL type) sees the first's variables as locals of the task
    const second = jobOfType(driver, 'check-eu');
    expect(second.variables).toMatchObject({ prepared: 1, doubled: 10 });
    // when
    complete(driver, 'check-eu');
    // then
    expect(jobOfType(driver, 'worker-task').variables).toMatchObject({ prepared: 1 });
  });

  it('runs the end listener after the output mappings and propagates its variables like outputs', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners.bpmn'));
    driver.start({ amount: 5, region: 'eu' });
    complete(driver, 'started-audit');
    complete(driver, 'prepare', { prepared: 1 });
    complete(driver, 'check-eu');
    // when
    complete(driver, 'worker-task', { out: 10 });
    // then: the output mapping ran (out + prepared), the local 'prepared' stayed in the task
    const end = jobOfType(driver, 'after-work');
    expect(end.listener).toEqual({ kind: 'executionListener', eventType: 'end' });
    expect(driver.variables).toMatchObject({ result: 11 });
    expect(driver.variables).not.toHaveProperty('prepared');
    expect(driver.activeElements()).toEqual({ work: 1 });
    // when
    complete(driver, 'after-work', { audited: true });
    // then
    expect(driver.variables).toMatchObject({ audited: true });
    expect(driver.activeElements()).toEqual({ choose: 1 });
  });

  it('lets a gateway start listener decide the route', async () => {
    // given
    const driver = await toReview();
    const other = new Driver(await loadModel('rt-listeners.bpmn'));
    other.start({ amount: 1, region: 'us' });
    for (const type of ['started-audit', 'prepare', 'check-us', 'worker-task', 'after-work'])
      complete(other, type, type === 'worker-task' ? { out: 1 } : type === 'prepare' ? { prepared: 0 } : {});
    // when
    complete(other, 'route', { route: 'skip' });
    // then
    expect(other.status).toBe('completed');
    expect(driver.status).toBe('active');
  });

  it('parks a failing listener in an incident and runs only that listener again on retry', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners.bpmn'));
    driver.start({ amount: 5, region: 'eu' });
    complete(driver, 'started-audit');
    complete(driver, 'prepare', { prepared: 1 });
    const failing = jobOfType(driver, 'check-eu');
    // when
    driver.run({ type: 'job.incident', jobId: failing.id, message: 'service down' });
    driver.jobs.delete(failing.id);
    // then
    expect(driver.incident('work')).toMatchObject({ incidentType: 'job', message: 'service down' });
    // when
    driver.run({ type: 'incident.retry', incidentId: driver.incident('work').id });
    // then: the failed listener again, not the first one
    expect(jobOfType(driver, 'check-eu').listener?.eventType).toBe('start');
    expect([...driver.jobs.values()].some((job) => job.jobType === 'prepare')).toBe(false);
  });

  it('raises an expression incident when a listener type does not evaluate, and reruns the start listeners', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners.bpmn'));
    driver.start({ amount: 5 });
    complete(driver, 'started-audit');
    // when
    complete(driver, 'prepare', { prepared: 1 });
    // then: "check-" + null is null
    expect(driver.incident('work').incidentType).toBe('expression');
    // when
    driver.run({ type: 'variables.set', variables: { region: 'asia' } });
    driver.run({ type: 'incident.retry', incidentId: driver.incident('work').id });
    // then: as Zeebe, every start listener runs again
    expect(jobOfType(driver, 'prepare')).toBeDefined();
  });

  it('refuses a BPMN error thrown from a listener job', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners.bpmn'));
    driver.start({ amount: 5, region: 'eu' });
    const job = jobOfType(driver, 'started-audit');
    // when / then
    expect(() => driver.run({ type: 'job.error', jobId: job.id, errorCode: 'E', variables: {} })).toThrow(
      /BPMN error cannot be thrown from a listener job/,
    );
  });

  it('cancels the listener job when the instance is cancelled while it waits', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners.bpmn'));
    driver.start({ amount: 5, region: 'eu' });
    complete(driver, 'started-audit');
    // when
    driver.run({ type: 'instance.cancel' });
    // then
    expect(driver.jobs.size).toBe(0);
    expect(driver.status).toBe('cancelled');
  });
});

describe('runtime: task listeners', () => {
  it('creates the task only after its creating listener, with the corrections it made', async () => {
    // given
    const driver = await toReview();
    // then: no task yet, a creating listener job with the task's data in Zeebe's headers
    expect(driver.tasks.size).toBe(0);
    const creating = jobOfType(driver, 'assign-reviewer');
    expect(creating.listener).toEqual({ kind: 'taskListener', eventType: 'creating' });
    expect(creating.headers).toMatchObject({
      'io.camunda.zeebe:action': 'create',
      'io.camunda.zeebe:candidateGroups': '["clerks"]',
    });
    // when
    complete(driver, 'assign-reviewer', {}, { corrections: { assignee: 'ann', priority: 90 } });
    // then
    expect(driver.task('review')).toMatchObject({
      assignee: 'ann',
      priority: 90,
      candidateGroups: ['clerks'],
    });
  });

  it('refuses variables on a task listener job, as Zeebe', async () => {
    // given
    const driver = await toReview();
    const job = jobOfType(driver, 'assign-reviewer');
    // when / then
    expect(() => driver.run({ type: 'job.complete', jobId: job.id, variables: { x: 1 } })).toThrow(
      /completes without variables/,
    );
  });

  it('holds a completion for its completing listeners (8.7 and 8.8 names), in order', async () => {
    // given
    const driver = await toReview();
    complete(driver, 'assign-reviewer');
    const task = driver.task('review');
    // when
    driver.run({ type: 'task.complete', taskId: task.id, variables: { approved: true } });
    // then
    expect(driver.effectsOf('task.update')).toEqual([
      { type: 'task.update', taskId: task.id, state: 'completing' },
    ]);
    expect(jobOfType(driver, 'check-review')).toMatchObject({
      retries: 1,
      listener: { kind: 'taskListener', eventType: 'completing' },
      headers: { 'io.camunda.zeebe:action': 'complete', 'io.camunda.zeebe:userTaskKey': task.id },
    });
    expect(driver.variables).not.toHaveProperty('approved');
    // when
    complete(driver, 'check-review', {}, { corrections: { priority: 10 } });
    complete(driver, 'audit-review');
    // then
    expect(driver.effectsOf('task.update')).toEqual([
      { type: 'task.update', taskId: task.id, state: 'completed', corrections: { priority: 10 } },
    ]);
    expect(driver.variables).toMatchObject({ approved: true });
    expect(jobOfType(driver, 'finish').listener?.eventType).toBe('start');
  });

  it('reopens the task when a completing listener denies, and completes when asked again', async () => {
    // given
    const driver = await toReview();
    complete(driver, 'assign-reviewer');
    const task = driver.task('review');
    driver.run({ type: 'task.complete', taskId: task.id, variables: { approved: false } });
    // when
    complete(driver, 'check-review', {}, { denied: true, deniedReason: 'needs a comment' });
    // then
    expect(driver.effectsOf('task.update')).toEqual([
      { type: 'task.update', taskId: task.id, state: 'created' },
    ]);
    expect(driver.historyOf('task.completionDenied')[0]?.data).toEqual({ reason: 'needs a comment' });
    expect(driver.variables).not.toHaveProperty('approved');
    expect(driver.jobs.size).toBe(0);
    // when
    driver.run({ type: 'task.complete', taskId: task.id, variables: { approved: true } });
    complete(driver, 'check-review');
    complete(driver, 'audit-review');
    // then
    expect(driver.variables).toMatchObject({ approved: true });
  });

  it('refuses a denial from a creating listener and a result on a job of no task listener', async () => {
    // given
    const driver = await toReview();
    const creating = jobOfType(driver, 'assign-reviewer');
    // when / then
    expect(() =>
      driver.run({ type: 'job.complete', jobId: creating.id, variables: {}, result: { denied: true } }),
    ).toThrow(/only a completion can be denied/);
  });
});

describe('runtime: interrupting a completion that waits for its listeners', () => {
  it('cancels the task and the listener job when a boundary timer interrupts', async () => {
    // given a completion waiting for its completing listener
    const driver = new Driver(await loadModel('rt-listeners-boundary.bpmn'));
    driver.start();
    const task = driver.task('review');
    driver.run({ type: 'task.complete', taskId: task.id, variables: { approved: true } });
    const listener = jobOfType(driver, 'check-review');
    // when the boundary timer fires
    driver.fireTimer('late');
    // then the task and the listener job are gone, and the token took the boundary's path
    expect(driver.effectsOf('task.cancel')).toEqual([{ type: 'task.cancel', taskId: task.id }]);
    expect(driver.jobs.has(listener.id)).toBe(false);
    expect(driver.status).toBe('completed');
    expect(driver.variables).not.toHaveProperty('approved');
  });
});

describe('runtime: assigning task listeners', () => {
  const ASSIGNMENT = {
    assignee: 'ann',
    owner: null,
    delegated: false,
    action: 'claim',
    history: { type: 'task.claimed', data: { assignee: 'ann' } },
  } as const;

  it('holds a claim for its assigning listeners (8.8 and 8.7 names), in order, and then assigns', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners-assigning.bpmn'));
    driver.start();
    const task = driver.task('review');
    // when
    driver.run({ type: 'task.assign', taskId: task.id, assignment: ASSIGNMENT });
    // then: the task is assigning, the first listener's job carries Zeebe's headers
    expect(driver.effectsOf('task.update')).toEqual([
      { type: 'task.update', taskId: task.id, state: 'assigning' },
    ]);
    expect(jobOfType(driver, 'check-assignee')).toMatchObject({
      retries: 1,
      listener: { kind: 'taskListener', eventType: 'assigning' },
      headers: {
        'io.camunda.zeebe:action': 'claim',
        'io.camunda.zeebe:userTaskKey': task.id,
        'io.camunda.zeebe:assignee': 'ann',
      },
    });
    // when
    complete(driver, 'check-assignee', {}, { corrections: { priority: 80 } });
    // then: nothing assigned yet; the second listener runs
    expect(driver.effectsOf('task.update')).toEqual([]);
    expect(jobOfType(driver, 'notify-assignee').listener?.eventType).toBe('assigning');
    // when
    complete(driver, 'notify-assignee');
    // then
    expect(driver.effectsOf('task.update')).toEqual([
      {
        type: 'task.update',
        taskId: task.id,
        state: 'created',
        corrections: { priority: 80, assignee: 'ann' },
        delegation: { owner: null, delegated: false },
      },
    ]);
    expect(driver.historyOf('task.claimed')[0]?.data).toEqual({ assignee: 'ann' });
    expect(driver.activeElements()).toEqual({ review: 1 });
  });

  it('assigns whom a listener corrected the assignee to', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners-assigning.bpmn'));
    driver.start();
    const task = driver.task('review');
    driver.run({ type: 'task.assign', taskId: task.id, assignment: ASSIGNMENT });
    // when
    complete(driver, 'check-assignee', {}, { corrections: { assignee: 'bob' } });
    complete(driver, 'notify-assignee');
    // then
    expect(driver.effectsOf('task.update')[0]).toMatchObject({
      state: 'created',
      corrections: { assignee: 'bob' },
    });
    expect(driver.historyOf('task.claimed')[0]?.data).toEqual({ assignee: 'bob' });
  });

  it('leaves the assignee as it was when a listener denies, and the task can be completed', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners-assigning.bpmn'));
    driver.start();
    const task = driver.task('review');
    driver.run({ type: 'task.assign', taskId: task.id, assignment: ASSIGNMENT });
    // when
    complete(driver, 'check-assignee', {}, { denied: true, deniedReason: 'ann is away' });
    // then
    expect(driver.effectsOf('task.update')).toEqual([
      { type: 'task.update', taskId: task.id, state: 'created' },
    ]);
    expect(driver.historyOf('task.assignmentDenied')[0]?.data).toEqual({
      reason: 'ann is away',
      assignee: 'ann',
    });
    expect(driver.jobs.size).toBe(0);
    // when
    driver.run({ type: 'task.complete', taskId: task.id, variables: {} });
    // then
    expect(driver.activeElements()).toEqual({ approve: 1 });
  });

  it('creates a task with an assignee unassigned and assigning, and assigns it once its listener agrees', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners-assigning.bpmn'));
    driver.start({ approver: 'carl' });
    driver.run({ type: 'task.complete', taskId: driver.task('review').id, variables: {} });
    // then
    const task = driver.task('approve');
    expect(task).toMatchObject({ assignee: null, state: 'assigning', candidateGroups: ['clerks'] });
    expect(jobOfType(driver, 'check-assignee').headers).toMatchObject({
      'io.camunda.zeebe:action': 'assign',
      'io.camunda.zeebe:assignee': 'carl',
      'io.camunda.zeebe:userTaskKey': task.id,
    });
    // when
    complete(driver, 'check-assignee');
    // then
    expect(driver.effectsOf('task.update')).toEqual([
      {
        type: 'task.update',
        taskId: task.id,
        state: 'created',
        corrections: { assignee: 'carl' },
        delegation: { owner: null, delegated: false },
      },
    ]);
    expect(driver.historyOf('task.assigned')[0]?.data).toEqual({ from: null, to: 'carl', assignee: 'carl' });
  });

  it('refuses a task.assign on a task without assigning listeners, and variables on their jobs', async () => {
    // given
    const driver = await toReview();
    complete(driver, 'assign-reviewer');
    const task = driver.task('review');
    // when / then
    expect(() => driver.run({ type: 'task.assign', taskId: task.id, assignment: ASSIGNMENT })).toThrow(
      /has no assigning listeners/,
    );
    const other = new Driver(await loadModel('rt-listeners-assigning.bpmn'));
    other.start();
    other.run({ type: 'task.assign', taskId: other.task('review').id, assignment: ASSIGNMENT });
    const job = jobOfType(other, 'check-assignee');
    expect(() => other.run({ type: 'job.complete', jobId: job.id, variables: { x: 1 } })).toThrow(
      /completes without variables/,
    );
  });
});

describe('runtime: start listeners of an event subprocess', () => {
  it('runs them once its event happened, after its inputs and before its start event', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners-event-subprocess.bpmn'));
    driver.start({ reason: 'none yet' });
    // when the signal starts the (interrupting) event subprocess
    driver.signal('stop');
    // then the work is interrupted, and the start listener's job sees the subprocess's input
    expect([...driver.jobs.values()].some((job) => job.jobType === 'work')).toBe(false);
    const audit = jobOfType(driver, 'stop-audit');
    expect(audit).toMatchObject({
      elementId: 'onStop',
      listener: { kind: 'executionListener', eventType: 'start' },
    });
    expect(audit.variables).toMatchObject({ why: 'none yet' });
    expect(driver.activeElements()).toEqual({ onStop: 1 });
    expect([...driver.jobs.values()].some((job) => job.jobType === 'cleanup')).toBe(false);
    // when
    complete(driver, 'stop-audit', { audited: true });
    // then its start event ran: the first task inside sees the listener's local variable
    expect(jobOfType(driver, 'cleanup').variables).toMatchObject({ audited: true, why: 'none yet' });
    // when
    complete(driver, 'cleanup');
    complete(driver, 'stop-done');
    // then
    expect(driver.status).toBe('completed');
    expect(driver.variables).not.toHaveProperty('audited');
  });
});

describe('runtime: start listeners of the process', () => {
  it('runs them before the start event, one after another, setting process variables', async () => {
    // given
    const driver = new Driver(await loadModel('rt-listeners-process.bpmn'));
    // when
    driver.start({ region: 'eu' });
    // then: only the first listener's job; the start event has not run
    const first = jobOfType(driver, 'open-case');
    expect(first).toMatchObject({ retries: 1, listener: { kind: 'executionListener', eventType: 'start' } });
    expect(driver.jobs.size).toBe(1);
    expect(driver.historyOf('element.completed')).toEqual([]);
    // when
    complete(driver, 'open-case', { caseId: 7 });
    // then: the second (a FEEL type) sees the first's variable
    expect(jobOfType(driver, 'check-eu').variables).toMatchObject({ caseId: 7, region: 'eu' });
    // when
    complete(driver, 'check-eu');
    // then: the start event runs (its end listener), then the work
    complete(driver, 'started');
    expect(jobOfType(driver, 'work').variables).toMatchObject({ caseId: 7 });
    expect(driver.variables).toMatchObject({ caseId: 7 });
  });
});

describe('runtime: end listeners of the process', () => {
  /** Runs the case process up to its first end listener. */
  async function toEnd(variables: Variables): Promise<Driver> {
    const driver = new Driver(await loadModel('rt-listeners-process-end.bpmn', 'rt-listeners-process-end'));
    driver.start(variables);
    // its event subprocess listens for a signal while it runs
    expect([...driver.subscriptions.values()].map((sub) => sub.name)).toEqual(['abort-case']);
    complete(driver, 'open-case');
    complete(driver, 'work', { result: 42 });
    complete(driver, 'leave-done');
    return driver;
  }

  it('runs them after the last end event, one after another, then completes the instance', async () => {
    // given
    const driver = await toEnd({ region: 'eu' });
    // then: the end event completed; its event subprocess no longer listens; the instance waits
    // at the end event for its first end listener
    expect(driver.subscriptions.size).toBe(0);
    expect(driver.status).toBe('active');
    expect(driver.activeElements()).toEqual({ done: 1 });
    expect(driver.historyOf('element.completed').at(-1)?.elementId).toBe('done');
    expect(jobOfType(driver, 'close-case')).toMatchObject({
      elementId: 'done',
      retries: 1,
      listener: { kind: 'executionListener', eventType: 'end' },
    });
    expect(driver.jobs.size).toBe(1);
    // when
    complete(driver, 'close-case', { closedBy: 'ann' });
    // then: the second (a FEEL type) sees the first's variable
    expect(jobOfType(driver, 'archive-eu').variables).toMatchObject({ closedBy: 'ann', result: 42 });
    expect(driver.status).toBe('active');
    // when
    complete(driver, 'archive-eu', { archived: true });
    // then
    expect(driver.status).toBe('completed');
    expect(driver.activeElements()).toEqual({});
    expect(driver.variables).toMatchObject({ closedBy: 'ann', archived: true, result: 42 });
    expect(driver.historyOf('instance.completed')).toHaveLength(1);
  });

  it('raises an expression incident when an end listener type does not evaluate, and reruns them all on retry', async () => {
    // given a region that makes no job type: "archive-" + null is null
    const driver = await toEnd({});
    complete(driver, 'close-case', { closedBy: 'ann' });
    // then
    expect(driver.incident('done').incidentType).toBe('expression');
    expect(driver.status).toBe('active');
    // when
    driver.run({ type: 'variables.set', variables: { region: 'asia' } });
    driver.run({ type: 'incident.retry', incidentId: driver.incident('done').id });
    // then: as Zeebe, every end listener runs again
    complete(driver, 'close-case');
    complete(driver, 'archive-asia');
    expect(driver.status).toBe('completed');
  });

  it('cancels the listener job and runs no more when the instance is cancelled while it waits', async () => {
    // given
    const driver = await toEnd({ region: 'eu' });
    // when
    driver.run({ type: 'instance.cancel' });
    // then
    expect(driver.jobs.size).toBe(0);
    expect(driver.status).toBe('cancelled');
    expect(driver.historyOf('instance.completed')).toEqual([]);
  });

  it('runs them at a terminate end event, which then ends the instance terminated', async () => {
    // given
    const driver = new Driver(
      await loadModel('rt-listeners-process-end.bpmn', 'rt-listeners-process-end-terminate'),
    );
    // when
    driver.start();
    // then: the other branch's job is gone; the end listener waits at the terminate end event
    expect(driver.jobs.size).toBe(1);
    expect(jobOfType(driver, 'close-case').elementId).toBe('stop');
    expect(driver.status).toBe('active');
    // when
    complete(driver, 'close-case');
    // then
    expect(driver.status).toBe('terminated');
    expect(driver.historyOf('instance.terminated')).toEqual([expect.objectContaining({ elementId: 'stop' })]);
  });
});

describe('runtime: updating task listeners', () => {
  const UPDATE = {
    changes: { priority: 80, dueDate: '2030-01-31T17:00:00.000Z' },
    before: {
      assignee: 'ann',
      candidateUsers: [],
      candidateGroups: ['clerks'],
      dueDate: null,
      followUpDate: null,
      priority: 50,
      formId: null,
    },
    requestedBy: 'mia',
  } as const;

  /** The review task of rt-task-update.bpmn, whose updates wait for two listeners. */
  async function review(): Promise<{ driver: Driver; taskId: string }> {
    const driver = new Driver(await loadModel('rt-task-update.bpmn'));
    driver.start();
    driver.completeTask('plain');
    return { driver, taskId: driver.task('review').id };
  }

  it('holds an update for its listeners (8.8 and 8.7 names), in order, then applies it with their corrections', async () => {
    // given
    const { driver, taskId } = await review();
    // when
    driver.run({ type: 'task.change', taskId, update: UPDATE });
    // then: the task is updating; the first listener's job carries the task as it will be
    expect(driver.effectsOf('task.update')).toEqual([{ type: 'task.update', taskId, state: 'updating' }]);
    expect(jobOfType(driver, 'check-update')).toMatchObject({
      retries: 1,
      listener: { kind: 'taskListener', eventType: 'updating' },
      headers: {
        'io.camunda.zeebe:action': 'update',
        'io.camunda.zeebe:userTaskKey': taskId,
        'io.camunda.zeebe:assignee': 'ann',
        'io.camunda.zeebe:priority': '80',
        'io.camunda.zeebe:dueDate': '2030-01-31T17:00:00.000Z',
        'io.camunda.zeebe:changedAttributes': '["priority","dueDate"]',
      },
    });
    // when the first corrects the priority
    complete(driver, 'check-update', {}, { corrections: { priority: 60 } });
    // then nothing changed yet; the second listener runs
    expect(driver.effectsOf('task.update')).toEqual([]);
    expect(jobOfType(driver, 'notify-update').listener?.eventType).toBe('updating');
    // when
    complete(driver, 'notify-update');
    // then
    expect(driver.effectsOf('task.update')).toEqual([
      {
        type: 'task.update',
        taskId,
        state: 'created',
        corrections: { priority: 60, dueDate: '2030-01-31T17:00:00.000Z' },
      },
    ]);
    expect(driver.historyOf('task.updated')[0]?.data).toEqual({
      changes: { dueDate: '2030-01-31T17:00:00.000Z', priority: 60 },
      requestedBy: 'mia',
    });
    expect(driver.activeElements()).toEqual({ review: 1 });
  });

  it('reopens the task unchanged when a listener denies, and refuses a variable from its job', async () => {
    // given
    const { driver, taskId } = await review();
    driver.run({ type: 'task.change', taskId, update: UPDATE });
    const job = jobOfType(driver, 'check-update');
    expect(() => driver.run({ type: 'job.complete', jobId: job.id, variables: { x: 1 } })).toThrow(
      /completes without variables/,
    );
    // when
    complete(driver, 'check-update', {}, { denied: true, deniedReason: 'not now' });
    // then
    expect(driver.effectsOf('task.update')).toEqual([{ type: 'task.update', taskId, state: 'created' }]);
    expect(driver.historyOf('task.updateDenied')[0]?.data).toEqual({
      reason: 'not now',
      changes: { dueDate: '2030-01-31T17:00:00.000Z', priority: 80 },
      requestedBy: 'mia',
    });
    expect(driver.jobs.size).toBe(0);
  });

  it('refuses an update command on a task without updating listeners', async () => {
    const driver = new Driver(await loadModel('rt-task-update.bpmn'));
    driver.start();
    const plain = driver.task('plain');
    expect(() => driver.run({ type: 'task.change', taskId: plain.id, update: UPDATE })).toThrow(
      /has no updating listeners/,
    );
  });
});

describe('runtime: start listeners of the element after an event-based gateway', () => {
  const FIXTURE = 'rt-listeners-event-gateway.bpmn';

  /** An order waiting at the event-based gateway for its payment, its cancellation or its timeout. */
  async function atGateway(): Promise<Driver> {
    const driver = new Driver(await loadModel(FIXTURE, 'rt-listeners-ebg'));
    driver.start({ orderId: 'o-1', region: 'eu', amount: 1 });
    return driver;
  }

  it('runs them as jobs once the event won, before the event completes, and applies its payload after them', async () => {
    // given
    const driver = await atGateway();
    expect(driver.openWork()).toEqual({
      subscriptions: ['message:ebg-cancel:cancelled', 'message:ebg-paid:paid'],
      jobs: ['timer:timeout'],
    });
    // when
    driver.correlate('ebg-paid', { amount: 42 }, 'o-1');
    // then: the gateway completed and the other events are gone; the event waits for its first start listener
    const first = jobOfType(driver, 'paid-audit');
    expect(first).toMatchObject({
      elementId: 'paid',
      retries: 1,
      listener: { kind: 'executionListener', eventType: 'start' },
    });
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: ['service:paid'] });
    expect(driver.activeElements()).toEqual({ paid: 1 });
    expect(driver.historyOf('element.completed').map((record) => record.elementId)).toEqual([
      'start',
      'wait',
    ]);
    expect(driver.variables).toEqual({ orderId: 'o-1', region: 'eu', amount: 1 });
    // when
    complete(driver, 'paid-audit', { auditor: 'ann' });
    // then: the second (a FEEL type) sees the first's variable, a local variable of the event
    const second = jobOfType(driver, 'paid-check-eu');
    expect(second.variables).toMatchObject({ auditor: 'ann', orderId: 'o-1', amount: 1 });
    expect(driver.variables).not.toHaveProperty('auditor');
    expect(driver.historyOf('element.completed').map((record) => record.elementId)).toEqual([
      'start',
      'wait',
    ]);
    // when
    complete(driver, 'paid-check-eu');
    // then: the event completed with the message's payload through its output mappings (which see
    // the listener's local variable); its end listener runs after them
    expect(jobOfType(driver, 'paid-done').listener).toEqual({ kind: 'executionListener', eventType: 'end' });
    expect(driver.variables).toEqual({
      orderId: 'o-1',
      region: 'eu',
      amount: 1,
      paidAmount: 42,
      auditedBy: 'ann',
    });
    // when
    complete(driver, 'paid-done');
    // then
    expect(driver.activeElements()).toEqual({ ship: 1 });
    expect(driver.historyOf('element.completed').map((record) => record.elementId)).toEqual([
      'start',
      'wait',
      'paid',
    ]);
    expect(driver.state?.scopes).toHaveLength(1);
  });

  it('parks a failing start listener in an incident, runs only that listener again on retry, then applies the payload', async () => {
    // given
    const driver = await atGateway();
    driver.correlate('ebg-paid', { amount: 7 }, 'o-1');
    complete(driver, 'paid-audit', { auditor: 'bo' });
    const failing = jobOfType(driver, 'paid-check-eu');
    // when
    driver.run({ type: 'job.incident', jobId: failing.id, message: 'checker down' });
    driver.jobs.delete(failing.id);
    // then
    expect(driver.incident('paid')).toMatchObject({ incidentType: 'job', message: 'checker down' });
    expect(driver.variables).not.toHaveProperty('paidAmount');
    // when
    driver.reload();
    driver.run({ type: 'incident.retry', incidentId: driver.incident('paid').id });
    // then: the failed listener again, not the first one
    expect([...driver.jobs.values()].map((job) => job.jobType)).toEqual(['paid-check-eu']);
    // when
    complete(driver, 'paid-check-eu');
    complete(driver, 'paid-done');
    // then
    expect(driver.variables).toMatchObject({ paidAmount: 7, auditedBy: 'bo', amount: 1 });
    expect(driver.activeElements()).toEqual({ ship: 1 });
  });

  it('keeps the payload in the persisted state between the listener jobs', async () => {
    // given
    const driver = await atGateway();
    // when
    driver.correlate('ebg-paid', { amount: 9 }, 'o-1');
    driver.reload();
    // then: the token's wait holds the event's variables
    expect(driver.state?.tokens).toEqual([
      expect.objectContaining({
        elementId: 'paid',
        wait: expect.objectContaining({
          kind: 'listener',
          listener: { event: 'start', index: 0, trigger: { amount: 9 } },
        }),
      }),
    ]);
    // when: each listener job completes on a state read back from storage
    complete(driver, 'paid-audit', { auditor: 'cy' });
    driver.reload();
    expect(driver.state?.tokens[0]?.wait).toMatchObject({ listener: { index: 1, trigger: { amount: 9 } } });
    complete(driver, 'paid-check-eu');
    driver.reload();
    complete(driver, 'paid-done');
    // then
    expect(driver.variables).toMatchObject({ paidAmount: 9, auditedBy: 'cy' });
    expect(driver.activeElements()).toEqual({ ship: 1 });
  });

  it('runs them on a receive task after the gateway, which then completes with the message without subscribing again', async () => {
    // given
    const driver = await atGateway();
    // when
    driver.correlate('ebg-cancel', { reason: 'late' }, 'o-1');
    // then
    expect(jobOfType(driver, 'cancel-audit')).toMatchObject({
      elementId: 'cancelled',
      listener: { kind: 'executionListener', eventType: 'start' },
    });
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: ['service:cancelled'] });
    expect(driver.variables).not.toHaveProperty('reason');
    // when
    driver.reload();
    complete(driver, 'cancel-audit', { note: 'seen' });
    // then: the message's variables propagated; the listener's stayed local to the task
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    expect(driver.activeElements()).toEqual({ refund: 1 });
    expect(driver.variables).toMatchObject({ reason: 'late', orderId: 'o-1' });
    expect(driver.variables).not.toHaveProperty('note');
  });
});

describe('runtime: start listeners of a process a message starts', () => {
  const FIXTURE = 'rt-listeners-event-gateway.bpmn';

  it('runs them before an instantiating receive task, which then completes with the message', async () => {
    // given
    const driver = new Driver(await loadModel(FIXTURE, 'rt-listeners-msg-task'));
    // when
    driver.start({ item: 'ab' }, { startEventId: 'intake' });
    // then: only the first listener's job, at the receive task; nothing has been entered yet
    const first = jobOfType(driver, 'open-intake');
    expect(first).toMatchObject({
      elementId: 'intake',
      retries: 1,
      listener: { kind: 'executionListener', eventType: 'start' },
    });
    expect(first.variables).toEqual({ item: 'ab' });
    expect(driver.historyOf('element.entered')).toEqual([]);
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: ['service:intake'] });
    // when
    complete(driver, 'open-intake', { caseId: 7 });
    driver.reload();
    // then: the second sees the first's variable, a process variable
    expect(jobOfType(driver, 'check-intake').variables).toEqual({ item: 'ab', caseId: 7 });
    expect(driver.variables).toEqual({ item: 'ab', caseId: 7 });
    // when
    complete(driver, 'check-intake');
    // then: the receive task completed with the message (its output mapping sees the listener's variable)
    expect(driver.activeElements()).toEqual({ pack: 1 });
    expect(driver.variables).toEqual({ item: 'ab', caseId: 7, itemCode: 'AB-7' });
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    expect(driver.historyOf('element.completed').map((record) => record.elementId)).toEqual(['intake']);
  });

  it('runs the failed one again when its incident is retried', async () => {
    // given
    const driver = new Driver(await loadModel(FIXTURE, 'rt-listeners-msg-task'));
    driver.start({ item: 'cd' }, { startEventId: 'intake' });
    const failing = jobOfType(driver, 'open-intake');
    // when
    driver.run({ type: 'job.incident', jobId: failing.id, message: 'no case system' });
    driver.jobs.delete(failing.id);
    // then
    expect(driver.incident('intake')).toMatchObject({ incidentType: 'job', message: 'no case system' });
    // when
    driver.reload();
    driver.run({ type: 'incident.retry', incidentId: driver.incident('intake').id });
    complete(driver, 'open-intake', { caseId: 8 });
    complete(driver, 'check-intake');
    // then
    expect(driver.activeElements()).toEqual({ pack: 1 });
    expect(driver.variables).toMatchObject({ itemCode: 'CD-8' });
  });

  it('runs them before an instantiating event-based gateway; the event that started it then runs its own and completes', async () => {
    // given
    const driver = new Driver(await loadModel(FIXTURE, 'rt-listeners-msg-gateway'));
    // when
    driver.start({ caller: 'Li' }, { startEventId: 'by-mail' });
    // then: the process's listener waits at the gateway, which has not been passed yet
    expect(jobOfType(driver, 'open-claim')).toMatchObject({
      elementId: 'channel',
      listener: { kind: 'executionListener', eventType: 'start' },
    });
    expect(driver.historyOf('element.completed')).toEqual([]);
    expect(driver.openWork().subscriptions).toEqual([]);
    // when
    complete(driver, 'open-claim', { claimId: 3 });
    // then: the gateway passed; the event's own start listener runs before it completes
    expect(jobOfType(driver, 'mail-audit')).toMatchObject({ elementId: 'by-mail' });
    expect(jobOfType(driver, 'mail-audit').variables).toEqual({ caller: 'Li', claimId: 3 });
    expect(driver.historyOf('element.completed').map((record) => record.elementId)).toEqual(['channel']);
    // when
    driver.reload();
    complete(driver, 'mail-audit', { stamp: 1 });
    // then
    expect(driver.activeElements()).toEqual({ 'read-letter': 1 });
    expect(driver.historyOf('element.completed').map((record) => record.elementId)).toEqual([
      'channel',
      'by-mail',
    ]);
    expect(driver.variables).toEqual({ caller: 'Li', claimId: 3 });
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
  });

  it('goes on to an event without start listeners after the gateway once they are done', async () => {
    // given
    const driver = new Driver(await loadModel(FIXTURE, 'rt-listeners-msg-gateway'));
    driver.start({ caller: 'Mo' }, { startEventId: 'by-phone' });
    // when
    complete(driver, 'open-claim');
    // then
    expect(driver.activeElements()).toEqual({ 'call-back': 1 });
    expect(driver.historyOf('element.completed').map((record) => record.elementId)).toEqual([
      'channel',
      'by-phone',
    ]);
  });
});
