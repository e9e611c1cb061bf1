import { describe, expect, it } from 'vitest';
import { Driver, loadModel } from './support/driver.js';

async function started(): Promise<Driver> {
  const driver = new Driver(await loadModel('rt-event-subprocess.bpmn'));
  driver.start({ orderId: 'o-1' });
  return driver;
}

describe('runtime: event subprocesses', () => {
  it('arms the message, timer and signal starts when the process starts, on behalf of the scope', async () => {
    // when
    const driver = await started();
    // then
    const root = driver.state?.scopes[0];
    expect(root?.listeners?.map((entry) => entry.elementId)).toEqual([
      'cancelStart',
      'reminderStart',
      'pingStart',
    ]);
    expect(
      [...driver.subscriptions.values()].map(
        (s) => `${s.name}:${s.correlationKey}:${s.tokenId === root?.id}`,
      ),
    ).toEqual(['cancel:o-1:true', 'ping:null:true']);
    expect(driver.job('reminderStart', 'timer').dueAt).toEqual(new Date('2026-03-02T10:00:00Z'));
    expect(driver.activeElements()).toEqual({ main: 1 });
  });

  it('runs a non-interrupting timer event subprocess beside the main flow', async () => {
    // given
    const driver = await started();
    // when
    driver.fireTimer('reminderStart');
    // then
    expect(driver.activeElements()).toEqual({ main: 1, onReminder: 1, reminderTask: 1 });
    expect(driver.jobsAt('reminderStart')).toHaveLength(0);
    // when
    driver.completeTask('reminderTask');
    // then
    expect(driver.activeElements()).toEqual({ main: 1 });
  });

  it('interrupts everything for an interrupting message event subprocess, and completes after it', async () => {
    // given
    const driver = await started();
    // when
    driver.correlate('cancel', { reason: 'customer' }, 'o-1');
    // then
    expect(driver.activeElements()).toEqual({ onCancel: 1, cancelTask: 1 });
    expect(driver.tasksAt('main')).toHaveLength(0);
    expect(driver.subscriptions.size).toBe(0);
    expect(driver.jobs.size).toBe(0);
    expect(driver.variables).toMatchObject({ reason: 'customer' });
    // when
    driver.completeTask('cancelTask');
    // then
    expect(driver.status).toBe('completed');
  });

  it('catches a worker error with an error event subprocess', async () => {
    // given
    const driver = await started();
    driver.completeTask('main');
    // when
    driver.run({ type: 'job.error', jobId: driver.job('work').id, errorCode: 'FAIL', variables: {} });
    // then
    expect(driver.activeElements()).toEqual({ onFail: 1, failTask: 1 });
    expect(driver.historyOf('element.terminated').map((r) => r.elementId)).toEqual(['work']);
  });

  it('runs a non-interrupting signal event subprocess every time the signal comes', async () => {
    // given
    const driver = await started();
    // when
    driver.signal('ping');
    driver.signal('ping');
    // then
    expect(driver.historyOf('element.completed').filter((r) => r.elementId === 'pingEnd')).toHaveLength(2);
    expect(driver.activeElements()).toEqual({ main: 1 });
    expect(driver.status).toBe('active');
  });

  it('cancels the listeners when the process completes', async () => {
    // given
    const driver = await started();
    driver.completeTask('main');
    // when
    driver.completeJob('work');
    // then
    expect(driver.status).toBe('completed');
    expect(driver.subscriptions.size).toBe(0);
    expect(driver.jobs.size).toBe(0);
    expect(driver.state?.scopes[0]?.listeners).toBeUndefined();
  });
});

describe('runtime: escalation and cycle event subprocesses', () => {
  it('catches an escalation with a non-interrupting event subprocess while the flow carries on', async () => {
    // given
    const driver = new Driver(await loadModel('rt-esp-more.bpmn'));
    // when
    driver.start();
    // then
    expect(driver.activeElements()).toEqual({ main: 1, onUp: 1, upTask: 1 });
    expect(driver.historyOf('escalation.thrown')).toHaveLength(1);
  });

  it('re-arms a non-interrupting cycle timer start until its repetitions run out', async () => {
    // given
    const driver = new Driver(await loadModel('rt-esp-more.bpmn'));
    driver.start();
    expect(driver.job('tickStart', 'timer')).toMatchObject({
      dueAt: new Date('2026-03-02T10:00:00Z'),
      cycle: { remaining: 1 },
    });
    // when
    driver.fireTimer('tickStart');
    // then
    expect(driver.job('tickStart', 'timer')).toMatchObject({
      dueAt: new Date('2026-03-02T11:00:00Z'),
      cycle: { remaining: 0 },
    });
    // when
    driver.fireTimer('tickStart');
    // then
    expect(driver.jobsAt('tickStart')).toHaveLength(0);
    expect(driver.historyOf('element.completed').filter((r) => r.elementId === 'tickEnd')).toHaveLength(2);
    expect(driver.state?.scopes[0]?.listeners).toBeUndefined();
  });
});
