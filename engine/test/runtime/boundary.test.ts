import { describe, expect, it } from 'vitest';
import { Driver, loadModel } from './support/driver.js';

async function atReview(): Promise<Driver> {
  const driver = new Driver(await loadModel('rt-boundary.bpmn'));
  driver.start({ caseId: 'c-1' });
  return driver;
}

describe('runtime: boundary events on tasks', () => {
  it('arms every boundary event when the task is entered', async () => {
    // when
    const driver = await atReview();
    // then
    const token = driver.state?.tokens[0];
    expect(token?.boundary?.map((entry) => entry.elementId)).toEqual(['sla', 'reminder', 'info', 'withdraw']);
    expect(driver.job('sla', 'timer').dueAt).toEqual(new Date('2026-03-02T10:00:00Z'));
    expect(driver.job('reminder', 'timer')).toMatchObject({
      dueAt: new Date('2026-03-02T09:10:00Z'),
      cycle: { remaining: 1, expression: 'R2/PT10M' },
    });
    expect(
      [...driver.subscriptions.values()].map((s) => `${s.kind}:${s.name}:${s.correlationKey}`).sort(),
    ).toEqual(['message:info:c-1', 'signal:withdraw:null']);
  });

  it('removes the boundary jobs and subscriptions when the task completes', async () => {
    // given
    const driver = await atReview();
    // when
    driver.completeTask('review');
    // then
    expect(driver.subscriptions.size).toBe(0);
    expect([...driver.jobs.values()].map((job) => job.elementId)).toEqual(['charge']);
  });

  it('cancels the task and follows the boundary path when an interrupting timer fires', async () => {
    // given
    const driver = await atReview();
    const reviewTask = driver.task('review').id;
    // when
    driver.fireTimer('sla');
    // then
    expect(driver.effectsOf('task.cancel')).toEqual([{ type: 'task.cancel', taskId: reviewTask }]);
    expect(driver.activeElements()).toEqual({ escalated: 1 });
    expect(driver.jobs.size).toBe(0);
    expect(driver.subscriptions.size).toBe(0);
    expect(driver.historyOf('element.terminated').map((r) => r.elementId)).toEqual(['review']);
  });

  it('spawns a token for a non-interrupting cycle timer and re-arms it until the repetitions run out', async () => {
    // given
    const driver = await atReview();
    // when
    driver.fireTimer('reminder');
    // then
    expect(driver.activeElements()).toEqual({ review: 1, remindAgain: 1 });
    expect(driver.job('reminder', 'timer')).toMatchObject({
      dueAt: new Date('2026-03-02T09:20:00Z'),
      cycle: { remaining: 0 },
    });
    // when
    driver.fireTimer('reminder');
    // then
    expect(driver.tasksAt('remindAgain')).toHaveLength(2);
    expect(driver.jobsAt('reminder')).toHaveLength(0);
    expect(driver.activeElements().review).toBe(1);
  });

  it('keeps a non-interrupting message subscription open and reacts to every message', async () => {
    // given
    const driver = await atReview();
    // when
    driver.correlate('info', { note: 'a' }, 'c-1');
    driver.correlate('info', { note: 'b' }, 'c-1');
    // then
    expect(driver.variables).toMatchObject({ note: 'b' });
    expect(driver.historyOf('element.completed').filter((r) => r.elementId === 'noteInfo')).toHaveLength(2);
    expect(driver.activeElements()).toEqual({ review: 1 });
  });

  it('interrupts the task on a signal', async () => {
    // given
    const driver = await atReview();
    // when
    driver.signal('withdraw');
    // then
    expect(driver.status).toBe('completed');
    expect(driver.tasks.size).toBe(0);
    expect(driver.jobs.size).toBe(0);
    expect(driver.subscriptions.size).toBe(0);
  });

  it('catches a BPMN error from a worker with the boundary event of that code', async () => {
    // given
    const driver = await atReview();
    driver.completeTask('review');
    const job = driver.job('charge');
    // when
    driver.run({
      type: 'job.error',
      jobId: job.id,
      errorCode: 'CARD_DECLINED',
      errorMessage: 'no funds',
      variables: { reason: 'funds' },
    });
    // then
    expect(driver.activeElements()).toEqual({ handleDecline: 1 });
    expect(driver.variables).toMatchObject({ reason: 'funds' });
    expect(driver.historyOf('error.thrown')[0]).toMatchObject({
      elementId: 'charge',
      data: { errorCode: 'CARD_DECLINED' },
    });
  });

  it('catches any other error code with the catch-all boundary event', async () => {
    // given
    const driver = await atReview();
    driver.completeTask('review');
    // when
    driver.run({ type: 'job.error', jobId: driver.job('charge').id, errorCode: 'TIMEOUT', variables: {} });
    // then
    expect(driver.activeElements()).toEqual({ handleAny: 1 });
  });
});

describe('runtime: boundary events on subprocesses', () => {
  it('catches an error end event inside the subprocess and cancels the subprocess', async () => {
    // given
    const driver = new Driver(await loadModel('rt-subprocess-throws.bpmn'));
    // when
    driver.start({ mode: 'error' });
    // then
    expect(driver.activeElements()).toEqual({ handleError: 1 });
    expect(driver.state?.scopes).toHaveLength(1);
    expect(driver.state?.completedElementIds).toContain('errEnd');
  });

  it('lets the subprocess continue after a non-interrupting escalation', async () => {
    // given
    const driver = new Driver(await loadModel('rt-subprocess-throws.bpmn'));
    // when
    driver.start({ mode: 'note' });
    // then
    expect(driver.activeElements()).toEqual({ sub: 1, innerTask: 1, readNote: 1 });
    // when
    driver.completeTask('innerTask');
    // then
    expect(driver.activeElements()).toEqual({ afterSub: 1, readNote: 1 });
  });

  it('interrupts the subprocess for an escalation end event caught by an interrupting boundary', async () => {
    // given
    const driver = new Driver(await loadModel('rt-subprocess-throws.bpmn'));
    // when
    driver.start({ mode: 'help' });
    // then
    expect(driver.activeElements()).toEqual({ help: 1 });
  });

  it('completes the subprocess normally when nothing is thrown', async () => {
    // given
    const driver = new Driver(await loadModel('rt-subprocess-throws.bpmn'));
    driver.start({ mode: 'plain' });
    // when
    driver.completeTask('innerTask');
    driver.completeTask('afterSub');
    // then
    expect(driver.status).toBe('completed');
    expect(driver.state?.completedElementIds).toEqual([
      'start',
      'subStart',
      'mode',
      'innerTask',
      'subEnd',
      'sub',
      'afterSub',
      'end',
    ]);
  });
});
