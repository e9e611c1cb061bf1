import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, JobNotFoundError } from '../../src/errors.js';
import { Driver, loadModel } from './support/driver.js';

describe('runtime: intermediate catch events', () => {
  it('creates a timer job due after a FEEL-evaluated duration', async () => {
    // given
    const driver = new Driver(await loadModel('rt-catch-events.bpmn'));
    // when
    driver.start({ pauseFor: 'PT30M', kind: 'loan', requestId: 'r-1' });
    // then
    const job = driver.job('pause', 'timer');
    expect(job.dueAt).toEqual(new Date('2026-03-02T09:30:00Z'));
    expect(driver.state?.tokens[0]?.wait).toEqual({ kind: 'timer', jobId: job.id });
  });

  it('waits on a cycle timer for its next occurrence, once: a repeating interval, then a cron', async () => {
    // given an instance started at 09:00 on the driver's clock (2026-03-02)
    const driver = new Driver(await loadModel('rt-cycle-catch.bpmn'));
    // when it reaches a cycle of every hour at a quarter past
    driver.start();
    // then it waits for the next quarter past, not for the cycle's start nor a full hour
    const hourly = driver.job('on-the-hour', 'timer');
    expect(hourly.dueAt).toEqual(new Date('2026-03-02T09:15:00Z'));
    // when that fires, it goes on to the next cycle (noon every day) and arms nothing again
    driver.now = new Date('2026-03-02T09:15:00Z');
    driver.fireTimer('on-the-hour');
    expect([...driver.jobs.values()].map((job) => job.elementId)).toEqual(['noon']);
    expect(driver.job('noon', 'timer').dueAt).toEqual(new Date('2026-03-02T12:00:00Z'));
    driver.now = new Date('2026-03-02T12:00:00Z');
    driver.fireTimer('noon');
    expect(driver.state?.status).toBe('completed');
    expect(driver.jobs.size).toBe(0);
  });

  it('subscribes to a message with an evaluated name and correlation key once the timer fired', async () => {
    // given
    const driver = new Driver(await loadModel('rt-catch-events.bpmn'));
    driver.start({ pauseFor: 'PT30M', kind: 'loan', requestId: 'r-1' });
    // when
    driver.fireTimer('pause');
    // then
    expect([...driver.subscriptions.values()]).toEqual([
      expect.objectContaining({
        kind: 'message',
        name: 'approval-loan',
        correlationKey: 'r-1',
        elementId: 'approval',
      }),
    ]);
  });

  it('merges the message variables and unsubscribes when the message is correlated', async () => {
    // given
    const driver = new Driver(await loadModel('rt-catch-events.bpmn'));
    driver.start({ pauseFor: 'PT30M', kind: 'loan', requestId: 'r-1' });
    driver.fireTimer('pause');
    // when
    driver.correlate('approval-loan', { approvedBy: 'kim' }, 'r-1');
    // then
    expect(driver.variables).toMatchObject({ approvedBy: 'kim' });
    expect([...driver.subscriptions.values()].map((s) => `${s.kind}:${s.name}`)).toEqual(['signal:go']);
  });

  it('waits for a signal, then for a fixed date, then ends', async () => {
    // given
    const driver = new Driver(await loadModel('rt-catch-events.bpmn'));
    driver.start({ pauseFor: 'PT30M', kind: 'loan', requestId: 'r-1' });
    driver.fireTimer('pause');
    driver.correlate('approval-loan', {}, 'r-1');
    // when
    driver.signal('go', { signalled: true });
    // then
    expect(driver.variables).toMatchObject({ signalled: true });
    expect(driver.job('deadline', 'timer').dueAt).toEqual(new Date('2026-04-01T08:00:00Z'));
    // when
    driver.fireTimer('deadline');
    // then
    expect(driver.status).toBe('completed');
  });

  it('raises an expression incident when the timer value is not a duration', async () => {
    // given
    const driver = new Driver(await loadModel('rt-catch-events.bpmn'));
    // when
    driver.start({ pauseFor: 'soon' });
    // then
    expect(driver.incident('pause').incidentType).toBe('expression');
    expect(driver.jobs.size).toBe(0);
    // when
    driver.run({ type: 'variables.set', variables: { pauseFor: 'PT1M' } });
    driver.run({ type: 'incident.retry', incidentId: driver.incident('pause').id });
    // then
    expect(driver.job('pause', 'timer').dueAt).toEqual(new Date('2026-03-02T09:01:00Z'));
  });

  it('rejects a timer or subscription that the instance does not hold', async () => {
    // given
    const driver = new Driver(await loadModel('rt-catch-events.bpmn'));
    driver.start({ pauseFor: 'PT30M' });
    // when / then
    expect(() => driver.run({ type: 'timer.fire', jobId: 'nope' })).toThrow(JobNotFoundError);
    expect(() => driver.run({ type: 'message.correlate', subscriptionId: 'nope', variables: {} })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('runtime: throw events', () => {
  it('passes through a none throw event and jumps from a link throw to the catch of the same name', async () => {
    // given
    const driver = new Driver(await loadModel('rt-link.bpmn'));
    // when
    driver.start();
    // then
    expect(driver.activeElements()).toEqual({ work: 1 });
    expect(driver.state?.completedElementIds).toEqual(['start', 'nothing', 'goThere', 'arriveThere']);
  });

  it('broadcasts a signal with an evaluated name and the input mappings as variables', async () => {
    // given
    const driver = new Driver(await loadModel('rt-throw-events.bpmn'));
    // when
    driver.start({ zone: 'north' });
    // then
    expect(driver.broadcasts).toEqual([
      {
        type: 'signal.broadcast',
        signalName: 'alarm-north',
        variables: { zone: 'north' },
        otherInstancesOnly: true,
      },
    ]);
    expect(driver.historyOf('signal.thrown')[0]).toMatchObject({
      elementId: 'alarm',
      data: { signalName: 'alarm-north' },
    });
  });

  it('runs a message throw event with a job type as a job, and passes through one without', async () => {
    // given
    const driver = new Driver(await loadModel('rt-throw-events.bpmn'));
    driver.start({ zone: 'north' });
    expect(driver.job('publish', 'service').jobType).toBe('publisher');
    // when
    driver.completeJob('publish');
    // then: plain message throw passes, the signal end event broadcasts, the instance completes
    expect(driver.broadcasts.map((b) => b.signalName)).toEqual(['alarm-north', 'done']);
    expect(driver.status).toBe('completed');
  });

  it('terminates every other token and the instance at a terminate end event', async () => {
    // given
    const driver = new Driver(await loadModel('rt-terminate.bpmn'));
    driver.start();
    expect(driver.activeElements()).toEqual({ slow: 1, call: 1, decide: 1 });
    // when
    driver.completeTask('decide');
    // then
    expect(driver.status).toBe('terminated');
    expect(driver.state?.tokens).toEqual([]);
    expect(driver.tasks.size).toBe(0);
    expect(driver.jobs.size).toBe(0);
    expect(
      driver
        .historyOf('element.terminated')
        .map((r) => r.elementId)
        .sort(),
    ).toEqual(['call', 'slow']);
    expect(driver.historyOf('instance.terminated')).toHaveLength(1);
  });

  it('raises an unhandledError incident at an error end event nobody catches', async () => {
    // given
    const driver = new Driver(await loadModel('rt-root-throws.bpmn'));
    // when
    driver.start({ mode: 'fail' });
    // then
    expect(driver.status).toBe('active');
    expect(driver.incident('fail')).toMatchObject({ incidentType: 'unhandledError' });
    expect(driver.historyOf('error.thrown')[0]).toMatchObject({
      elementId: 'fail',
      data: { errorCode: 'BROKEN' },
    });
  });

  it('carries on after an escalation nobody catches', async () => {
    // given
    const driver = new Driver(await loadModel('rt-root-throws.bpmn'));
    // when
    driver.start({ mode: 'escalate' });
    // then
    expect(driver.activeElements()).toEqual({ afterEscalation: 1 });
    expect(driver.historyOf('escalation.thrown')[0]).toMatchObject({ data: { escalationCode: 'LATE' } });
  });
});
