import { describe, expect, it } from 'vitest';
import {
  IncidentNotFoundError,
  InvalidArgumentError,
  TaskNotFoundError,
  TaskReturnTargetInvalidError,
} from '../../src/errors.js';
import type { ProcessModel } from '../../src/model/types.js';
import { Driver, loadModel, loadProcesses } from './support/driver.js';

async function atApprove(): Promise<Driver> {
  const driver = new Driver(await loadModel('three-user-tasks.bpmn'));
  driver.start({ requester: 'ann' });
  driver.completeTask('draft');
  driver.completeTask('review');
  return driver;
}

describe('runtime: returning a task (驳回)', () => {
  it('sends the token back to an earlier completed user task and cancels the current task', async () => {
    // given
    const driver = await atApprove();
    const approve = driver.task('approve');
    // when
    driver.run({ type: 'task.return', taskId: approve.id, targetElementId: 'draft' });
    // then
    expect(driver.effectsOf('task.cancel')).toEqual([{ type: 'task.cancel', taskId: approve.id }]);
    expect(driver.activeElements()).toEqual({ draft: 1 });
    expect(driver.task('draft').assignee).toBe('ann');
    expect(driver.historyOf('task.returned')).toEqual([
      expect.objectContaining({
        taskId: approve.id,
        elementId: 'approve',
        data: { from: 'approve', to: 'draft' },
      }),
    ]);
  });

  it('continues along the normal path after the returned task is done again', async () => {
    // given
    const driver = await atApprove();
    driver.run({ type: 'task.return', taskId: driver.task('approve').id, targetElementId: 'review' });
    // when
    driver.completeTask('review');
    driver.completeTask('approve');
    // then
    expect(driver.status).toBe('completed');
  });

  it('rejects a target that has not completed yet, itself, or an element that is not a user task', async () => {
    // given
    const driver = new Driver(await loadModel('three-user-tasks.bpmn'));
    driver.start({ requester: 'ann' });
    driver.completeTask('draft');
    const review = driver.task('review').id;
    // when / then
    for (const target of ['approve', 'review', 'start', 'nope']) {
      expect(() => driver.run({ type: 'task.return', taskId: review, targetElementId: target })).toThrow(
        TaskReturnTargetInvalidError,
      );
    }
    expect(driver.activeElements()).toEqual({ review: 1 });
  });

  it('rejects a target in another scope', async () => {
    // given
    const driver = new Driver(await loadModel('rt-io-mapping.bpmn'));
    driver.start({ order: { total: 1, items: [] }, orderId: 'o' });
    driver.completeTask('prepare', { approved: true });
    // when / then
    expect(() =>
      driver.run({ type: 'task.return', taskId: driver.task('innerEdit').id, targetElementId: 'prepare' }),
    ).toThrow(TaskReturnTargetInvalidError);
  });

  it('rejects returning a task that is not open', async () => {
    // given
    const driver = await atApprove();
    // when / then
    expect(() => driver.run({ type: 'task.return', taskId: 'nope', targetElementId: 'draft' })).toThrow(
      TaskNotFoundError,
    );
  });
});

describe('runtime: instance operations', () => {
  it('cancels every task, job, subscription and child when the instance is cancelled', async () => {
    // given
    const driver = new Driver(await loadModel('rt-boundary.bpmn'));
    driver.start({ caseId: 'c-1' });
    // when
    driver.run({ type: 'instance.cancel' });
    // then
    expect(driver.status).toBe('cancelled');
    expect(driver.state?.tokens).toEqual([]);
    expect(driver.tasks.size).toBe(0);
    expect(driver.jobs.size).toBe(0);
    expect(driver.subscriptions.size).toBe(0);
    expect(driver.variables).toEqual({ caseId: 'c-1' });
    expect(driver.historyOf('instance.cancelled')).toHaveLength(1);
  });

  it('cancels a called child instance with its parent', async () => {
    // given
    const processes = await loadProcesses('rt-call.bpmn');
    const driver = new Driver(processes.get('rt-call-parent') as ProcessModel);
    driver.start({ childProcess: 'rt-call-child' });
    // when
    driver.run({ type: 'instance.cancel' });
    // then
    expect(driver.cancelledChildren).toHaveLength(1);
  });

  it('sets variables on the root scope or on a given scope', async () => {
    // given
    const driver = new Driver(await loadModel('rt-io-mapping.bpmn'));
    driver.start({ order: { total: 1, items: [] }, orderId: 'o' });
    driver.completeTask('prepare', { approved: true });
    const keep = driver.state?.scopes.find((scope) => scope.elementId === 'keep');
    // when
    driver.run({ type: 'variables.set', variables: { note: 'root' } });
    driver.run({ type: 'variables.set', scopeId: keep?.id, variables: { counter: 9 } });
    // then
    expect(driver.variables).toMatchObject({ note: 'root' });
    expect(driver.state?.scopes.find((scope) => scope.elementId === 'keep')?.variables).toEqual({
      counter: 9,
    });
    expect(driver.task('innerEdit').variables).not.toHaveProperty('note');
    expect(() => driver.run({ type: 'variables.set', scopeId: 'nope', variables: {} })).toThrow(
      InvalidArgumentError,
    );
  });

  it('rejects retrying an incident that does not exist', async () => {
    // given
    const driver = await atApprove();
    // when / then
    expect(() => driver.run({ type: 'incident.retry', incidentId: 'nope' })).toThrow(IncidentNotFoundError);
  });

  it('rejects starting an instance twice', async () => {
    // given
    const driver = await atApprove();
    // when / then
    expect(() => driver.start({})).toThrow(InvalidArgumentError);
  });

  it('raises an unhandledError incident for a worker error nobody catches, and retries the job', async () => {
    // given
    const driver = new Driver(await loadModel('rt-service-task.bpmn'));
    driver.start({ channel: 'mail' });
    const job = driver.job('charge');
    driver.jobs.delete(job.id);
    // when
    driver.run({ type: 'job.error', jobId: job.id, errorCode: 'NOPE', variables: {} });
    // then
    const incident = driver.incident('charge');
    expect(incident.incidentType).toBe('unhandledError');
    // when
    driver.run({ type: 'incident.retry', incidentId: incident.id });
    // then
    expect(driver.job('charge').id).not.toBe(job.id);
  });
});

describe('runtime: terminate end event in a subprocess', () => {
  it('ends only the subprocess, which then completes normally', async () => {
    // given
    const driver = new Driver(await loadModel('rt-sub-terminate.bpmn'));
    driver.start();
    expect(driver.activeElements()).toEqual({ sub: 1, inner: 1, stopper: 1 });
    // when
    driver.completeTask('stopper');
    // then
    expect(driver.status).toBe('active');
    expect(driver.activeElements()).toEqual({ after: 1 });
    expect(driver.tasksAt('inner')).toHaveLength(0);
    expect(driver.state?.completedElementIds).toContain('sub');
  });
});
