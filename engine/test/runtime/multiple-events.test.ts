import { describe, expect, it } from 'vitest';
import { Driver, loadModel } from './support/driver.js';

async function waiting(): Promise<Driver> {
  const driver = new Driver(await loadModel('rt-multiple.bpmn', 'multi-catch'));
  driver.start({ id: 'k-1' });
  return driver;
}

describe('runtime: multiple events (the first of several events triggers)', () => {
  it('arms every event of a multiple catch event at once', async () => {
    // when
    const driver = await waiting();
    // then
    expect(driver.activeElements()).toEqual({ wake: 1 });
    expect(driver.openWork()).toEqual({
      subscriptions: ['message:ping:wake', 'signal:go:wake'],
      jobs: ['timer:wake'],
    });
    expect(driver.job('wake', 'timer').dueAt).toEqual(new Date('2026-03-02T10:00:00Z'));
  });

  it('completes on the message, with its variables, and cancels the timer and the signal', async () => {
    // given
    const driver = await waiting();
    // when
    driver.correlate('ping', { pinged: true }, 'k-1');
    // then
    expect(driver.activeElements()).toEqual({ next: 1 });
    expect(driver.variables).toMatchObject({ pinged: true });
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
  });

  it('completes on the timer and closes both subscriptions', async () => {
    // given
    const driver = await waiting();
    // when
    driver.fireTimer('wake');
    // then
    expect(driver.activeElements()).toEqual({ next: 1 });
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
  });

  it('completes on the signal', async () => {
    // given
    const driver = await waiting();
    // when
    driver.signal('go');
    // then
    expect(driver.activeElements()).toEqual({ next: 1 });
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
  });

  it('fires a non-interrupting multiple boundary on each of its events and keeps it armed', async () => {
    // given
    const driver = new Driver(await loadModel('rt-multiple.bpmn', 'multi-boundary'));
    driver.start({ id: 'k-2' });
    expect(driver.openWork()).toEqual({
      subscriptions: ['message:ping:nudge', 'signal:stop:stop'],
      jobs: ['timer:nudge', 'timer:stop'],
    });
    // when the message comes, then the repeating timer fires
    driver.correlate('ping', {}, 'k-2');
    const nudgeTimer = driver.jobsAt('nudge')[0];
    driver.run({ type: 'timer.fire', jobId: nudgeTimer?.id ?? '' });
    driver.jobs.delete(nudgeTimer?.id ?? '');
    // then the side path ran twice, the task is still open, and both events still listen
    expect(driver.historyOf('element.completed').filter((h) => h.elementId === 'noted')).toHaveLength(2);
    expect(driver.activeElements()).toEqual({ work: 1 });
    expect(driver.openWork().subscriptions).toContain('message:ping:nudge');
    expect(driver.jobsAt('nudge')).toHaveLength(1);
  });

  it('interrupts on either event of an interrupting multiple boundary and cancels everything the task held', async () => {
    // given
    const driver = new Driver(await loadModel('rt-multiple.bpmn', 'multi-boundary'));
    driver.start({ id: 'k-3' });
    // when the interrupting boundary's timer fires
    driver.fireTimer('stop');
    // then the task and every trigger of both boundaries are gone
    expect(driver.status).toBe('completed');
    expect(driver.tasksAt('work')).toEqual([]);
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
  });

  it('lets a multiple catch event after an event-based gateway win the race on any of its events', async () => {
    // given
    const driver = new Driver(await loadModel('rt-multiple.bpmn', 'multi-after-gateway'));
    driver.start({ id: 'k-4' });
    expect(driver.openWork()).toEqual({
      subscriptions: ['message:ping:either', 'signal:go:either'],
      jobs: ['timer:too-late'],
    });
    // when the signal comes
    driver.signal('go', { via: 'signal' });
    // then the multiple event won: its path runs and every other trigger is gone
    expect(driver.activeElements()).toEqual({ won: 1 });
    expect(driver.variables).toMatchObject({ via: 'signal' });
    expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
  });
});
