import { describe, expect, it } from 'vitest';
import {
  InstanceNotActiveError,
  InvalidArgumentError,
  JobNotFoundError,
  TaskNotFoundError,
} from '../../src/errors.js';
import { step } from '../../src/runtime/index.js';
import { Driver, loadModel } from './support/driver.js';

describe('runtime: start, user tasks, end', () => {
  it('starts at the none start event and waits at the first user task with its assignment evaluated', async () => {
    // given
    const driver = new Driver(await loadModel('three-user-tasks.bpmn'));
    // when
    driver.start({ requester: 'ann' });
    // then
    expect(driver.status).toBe('active');
    expect(driver.variables).toEqual({ requester: 'ann' });
    expect(driver.activeElements()).toEqual({ draft: 1 });
    const task = driver.task('draft');
    expect(task).toMatchObject({
      name: 'Draft',
      assignee: 'ann',
      candidateGroups: [],
      priority: 50,
      formId: null,
    });
    expect(task.variables).toEqual({ requester: 'ann' });
    expect(driver.state?.tokens[0]?.wait).toEqual({ kind: 'userTask', taskId: task.id });
  });

  it('records the path in history in order', async () => {
    // given
    const driver = new Driver(await loadModel('three-user-tasks.bpmn'));
    // when
    driver.start({ requester: 'ann' });
    // then
    expect(driver.history.map((record) => `${record.type}:${record.elementId ?? ''}`)).toEqual([
      'instance.started:start',
      'variables.changed:',
      'element.entered:start',
      'element.completed:start',
      'flow.taken:flow-1',
      'element.entered:draft',
      'task.created:draft',
    ]);
  });

  it('splits comma-separated candidate users and groups', async () => {
    // given
    const driver = new Driver(await loadModel('three-user-tasks.bpmn'));
    driver.start({ requester: 'ann' });
    // when
    driver.completeTask('draft');
    driver.completeTask('review');
    // then
    expect(driver.task('approve')).toMatchObject({
      assignee: null,
      candidateGroups: ['managers'],
      candidateUsers: ['alice', 'bob'],
    });
  });

  it('completes the instance after the last task, with the path taken', async () => {
    // given
    const driver = new Driver(await loadModel('three-user-tasks.bpmn'));
    driver.start({ requester: 'ann' });
    // when
    driver.completeTask('draft', { text: 'v1' });
    driver.completeTask('review', { ok: true });
    driver.completeTask('approve');
    // then
    expect(driver.status).toBe('completed');
    expect(driver.state?.tokens).toEqual([]);
    expect(driver.variables).toEqual({ requester: 'ann', text: 'v1', ok: true });
    expect(driver.state?.completedElementIds).toEqual(['start', 'draft', 'review', 'approve', 'end']);
    expect(driver.state?.takenFlowIds).toEqual(['flow-1', 'flow-2', 'flow-3', 'flow-4']);
    expect(driver.historyOf('instance.completed')).toHaveLength(1);
    expect(driver.historyOf('task.completed').map((record) => record.elementId)).toEqual([
      'draft',
      'review',
      'approve',
    ]);
  });

  it('rejects completing a task that is not open in the instance', async () => {
    // given
    const driver = new Driver(await loadModel('three-user-tasks.bpmn'));
    driver.start({ requester: 'ann' });
    // when / then
    expect(() => driver.run({ type: 'task.complete', taskId: 'nope', variables: {} })).toThrow(
      TaskNotFoundError,
    );
  });

  it('rejects commands on an instance that is no longer active', async () => {
    // given
    const driver = new Driver(await loadModel('three-user-tasks.bpmn'));
    driver.start({ requester: 'ann' });
    const taskId = driver.task('draft').id;
    driver.run({ type: 'instance.cancel' });
    // when / then
    expect(() => driver.run({ type: 'task.complete', taskId, variables: {} })).toThrow(
      InstanceNotActiveError,
    );
  });

  it('rejects a start event that is not one of the process', async () => {
    // given
    const driver = new Driver(await loadModel('three-user-tasks.bpmn'));
    // when / then
    expect(() => driver.start({}, { startEventId: 'draft' })).toThrow(InvalidArgumentError);
  });

  it('never mutates the state it is given', async () => {
    // given
    const model = await loadModel('three-user-tasks.bpmn');
    const driver = new Driver(model);
    driver.start({ requester: 'ann' });
    const before = driver.state;
    const snapshot = JSON.stringify(before);
    // when
    const taskId = driver.task('draft').id;
    let n = 0;
    step(
      model,
      before,
      { type: 'task.complete', taskId, variables: { x: 1 } },
      { now: new Date(), newId: () => `n${++n}`, instanceId: 'i' },
    );
    // then
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it('keeps the persisted state of a simple instance small', async () => {
    // given
    const driver = new Driver(await loadModel('three-user-tasks.bpmn'));
    driver.start({ requester: 'ann', amount: 120 });
    // when
    driver.completeTask('draft');
    // then
    expect(JSON.stringify(driver.state).length).toBeLessThan(2048);
  });

  it('steps a task completion in well under a millisecond of JavaScript', async () => {
    // given
    const model = await loadModel('three-user-tasks.bpmn');
    let n = 0;
    const ctx = { now: new Date(), newId: () => `n${++n}`, instanceId: 'i' };
    const started = step(model, null, { type: 'start', variables: { requester: 'ann' } }, ctx);
    const taskEffect = started.effects.find((effect) => effect.type === 'task.create');
    const taskId = taskEffect?.type === 'task.create' ? taskEffect.task.id : '';
    // when
    const rounds = 2000;
    const begin = performance.now();
    for (let i = 0; i < rounds; i++)
      step(model, started.state, { type: 'task.complete', taskId, variables: {} }, ctx);
    const perStep = (performance.now() - begin) / rounds;
    // then (the budget is ~0.1 ms; the bound is loose because CI machines are noisy)
    expect(perStep).toBeLessThan(0.5);
  });
});

describe('runtime: service and send tasks', () => {
  it('creates a service job with its type, default retries, headers and the visible variables', async () => {
    // given
    const driver = new Driver(await loadModel('rt-service-task.bpmn'));
    // when
    driver.start({ amount: 10, channel: 'mail' });
    // then
    const job = driver.job('charge');
    expect(job).toMatchObject({
      kind: 'service',
      jobType: 'payment',
      retries: 3,
      dueAt: null,
      headers: { currency: 'EUR' },
    });
    expect(job.variables).toEqual({ amount: 10, channel: 'mail' });
    expect(driver.state?.tokens[0]?.wait).toEqual({ kind: 'job', jobId: job.id });
  });

  it('continues when the job completes, and evaluates a FEEL job type for the send task', async () => {
    // given
    const driver = new Driver(await loadModel('rt-service-task.bpmn'));
    driver.start({ amount: 10, channel: 'mail' });
    // when
    driver.completeJob('charge', { receipt: 'r-1' });
    // then
    expect(driver.variables).toMatchObject({ receipt: 'r-1' });
    expect(driver.job('notify')).toMatchObject({ jobType: 'mail-sender', retries: 5 });
    driver.completeJob('notify');
    expect(driver.status).toBe('completed');
  });

  it('rejects an unknown job', async () => {
    // given
    const driver = new Driver(await loadModel('rt-service-task.bpmn'));
    driver.start({ channel: 'mail' });
    // when / then
    expect(() => driver.run({ type: 'job.complete', jobId: 'nope', variables: {} })).toThrow(
      JobNotFoundError,
    );
  });

  it('parks the token in an incident when retries run out, and re-creates the job on retry', async () => {
    // given
    const driver = new Driver(await loadModel('rt-service-task.bpmn'));
    driver.start({ channel: 'mail' });
    const job = driver.job('charge');
    // when
    driver.jobs.delete(job.id);
    driver.run({ type: 'job.incident', jobId: job.id, message: 'card declined' });
    // then
    const incident = driver.incident('charge');
    expect(incident).toMatchObject({ incidentType: 'job', message: 'card declined' });
    expect(driver.state?.tokens[0]?.wait).toEqual({ kind: 'incident', incidentId: incident.id });
    // when
    driver.run({ type: 'incident.retry', incidentId: incident.id });
    // then
    expect(driver.incidents.size).toBe(0);
    expect(driver.job('charge').id).not.toBe(job.id);
    expect(driver.historyOf('incident.resolved')).toHaveLength(1);
  });
});
