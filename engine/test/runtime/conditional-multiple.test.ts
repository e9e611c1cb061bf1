import { describe, expect, it } from 'vitest';
import type { Variables } from '../../src/runtime/index.js';
import { Driver, loadModel } from './support/driver.js';

const FIXTURE = 'rt-conditional-multiple.bpmn';

async function started(processId: string, variables: Variables = {}): Promise<Driver> {
  const driver = new Driver(await loadModel(FIXTURE, processId));
  driver.start({ key: 'k-1', ...variables });
  return driver;
}

function setVariables(driver: Driver, variables: Variables): void {
  driver.run({ type: 'variables.set', variables });
}

describe('runtime: conditional definitions in multiple events', () => {
  describe('multiple intermediate catch event', () => {
    it('passes when its condition turns true, and cancels its message subscription', async () => {
      // given
      const driver = await started('cm-catch', { ready: false });
      expect(driver.activeElements()).toEqual({ either: 1 });
      expect(driver.openWork()).toEqual({ subscriptions: ['message:ping:either'], jobs: [] });
      // when
      setVariables(driver, { ready: true });
      // then
      expect(driver.activeElements()).toEqual({ next: 1 });
      expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    });

    it('passes at once when its condition already holds on arrival', async () => {
      const driver = await started('cm-catch', { ready: true });
      expect(driver.activeElements()).toEqual({ next: 1 });
      expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    });

    it('passes on its message while the condition never held, and then ignores the condition', async () => {
      // given
      const driver = await started('cm-catch');
      setVariables(driver, { ready: false });
      expect(driver.activeElements()).toEqual({ either: 1 });
      // when
      driver.correlate('ping', { pinged: 1 }, 'k-1');
      // then
      expect(driver.activeElements()).toEqual({ next: 1 });
      expect(driver.variables).toMatchObject({ pinged: 1 });
      expect(driver.state?.tokens.find((token) => token.elementId === 'next')?.boundary).toBeUndefined();
      // when the condition turns true later
      setVariables(driver, { ready: true });
      // then nothing else moves
      expect(driver.activeElements()).toEqual({ next: 1 });
    });

    it('raises an expression incident on the waiting event when its condition gives a number; a retry evaluates it again', async () => {
      // given
      const driver = await started('cm-fail');
      expect(driver.activeElements()).toEqual({ check: 1 });
      // when
      setVariables(driver, { level: 5 });
      // then
      const incident = driver.incident('check');
      expect(incident.incidentType).toBe('expression');
      expect(incident.message).toMatch(/true, false or null/);
      expect(driver.activeElements()).toEqual({ check: 1 });
      // when the variable is repaired and the incident retried
      setVariables(driver, { level: true });
      expect(driver.activeElements()).toEqual({ check: 1 });
      driver.run({ type: 'incident.retry', incidentId: incident.id });
      // then
      expect(driver.incidents.size).toBe(0);
      expect(driver.activeElements()).toEqual({ checked: 1 });
      expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    });
  });

  describe('parallel multiple intermediate catch event', () => {
    it('needs the condition and the message: condition first, across a reload', async () => {
      // given
      const driver = await started('cm-all', { ready: false });
      expect(driver.activeElements()).toEqual({ both: 1 });
      // when
      setVariables(driver, { ready: true });
      driver.reload();
      // then recorded, still waiting
      expect(driver.activeElements()).toEqual({ both: 1 });
      expect(driver.state?.tokens[0]?.boundary).toEqual([
        expect.objectContaining({ elementId: 'both', subscriptionId: expect.any(String), definition: 0 }),
        { elementId: 'both', definition: 1, fired: true },
      ]);
      // when the condition turns false again, the occurrence stays recorded
      setVariables(driver, { ready: false });
      driver.reload();
      driver.correlate('ping', { pinged: 1 }, 'k-1');
      // then
      expect(driver.activeElements()).toEqual({ after: 1 });
      expect(driver.variables).toMatchObject({ pinged: 1 });
      expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    });

    it('needs the message and the condition: message first, across a reload', async () => {
      // given
      const driver = await started('cm-all');
      // when
      driver.correlate('ping', {}, 'k-1');
      driver.reload();
      // then
      expect(driver.activeElements()).toEqual({ both: 1 });
      expect(driver.state?.tokens[0]?.boundary).toEqual([
        { elementId: 'both', definition: 0, fired: true },
        { elementId: 'both', definition: 1 },
      ]);
      // when
      setVariables(driver, { ready: true });
      // then
      expect(driver.activeElements()).toEqual({ after: 1 });
      expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    });
  });

  describe('multiple boundary event', () => {
    it('fires a non-interrupting one on its condition each time it turns true, and on its signal', async () => {
      // given
      const driver = await started('cm-boundary', { urgent: false });
      expect(driver.activeElements()).toEqual({ work: 1 });
      // when
      setVariables(driver, { urgent: true });
      // then
      expect(driver.activeElements()).toEqual({ work: 1, notify: 1 });
      // when it stays true
      setVariables(driver, { urgent: true, note: 'again' });
      expect(driver.tasksAt('notify')).toHaveLength(1);
      // when it turns false and true again
      setVariables(driver, { urgent: false });
      setVariables(driver, { urgent: true });
      expect(driver.tasksAt('notify')).toHaveLength(2);
      // when the signal comes
      driver.signal('nudge');
      // then a third time, and the activity still runs with both triggers armed
      expect(driver.activeElements()).toEqual({ work: 1, notify: 3 });
      expect(driver.openWork()).toEqual({ subscriptions: ['signal:nudge:alert'], jobs: [] });
      // when the activity completes
      driver.completeTask('work');
      // then its triggers are gone
      expect(driver.activeElements()).toEqual({ notify: 3 });
      expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    });
  });

  describe('interrupting multiple boundary event', () => {
    it('interrupts its activity when its condition turns true, and closes its message subscription and timer', async () => {
      // given the activity runs with the message, the timer and the condition armed
      const driver = await started('cm-boundary-stop', { stop: false });
      expect(driver.activeElements()).toEqual({ job: 1 });
      expect(driver.openWork()).toEqual({
        subscriptions: ['message:ping:halt'],
        jobs: [expect.stringContaining('halt')],
      });
      // when another variable changes, nothing moves
      setVariables(driver, { note: 'later' });
      expect(driver.activeElements()).toEqual({ job: 1 });
      // when the condition turns true
      setVariables(driver, { stop: true });
      // then the activity was cancelled and the boundary's path runs
      expect(driver.activeElements()).toEqual({ halted: 1 });
      expect(driver.tasksAt('job')).toHaveLength(0);
      // and the other definitions' subscription and timer are gone
      expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
      // and the condition turning true again moves nothing
      setVariables(driver, { stop: false });
      setVariables(driver, { stop: true });
      expect(driver.tasksAt('halted')).toHaveLength(1);
    });
  });

  describe('parallel multiple boundary event', () => {
    it('fires a non-interrupting one after its signal and its condition; armed again, the condition must turn true anew', async () => {
      // given
      const driver = await started('cm-boundary-all', { urgent: false });
      // when the condition holds, then the signal comes
      setVariables(driver, { urgent: true });
      expect(driver.activeElements()).toEqual({ task: 1 });
      driver.signal('nudge');
      // then it fired once, and is armed again
      expect(driver.activeElements()).toEqual({ task: 1, escalate: 1 });
      // when the signal comes again while the condition still holds
      driver.signal('nudge');
      driver.reload();
      // then the held condition does not count again
      expect(driver.tasksAt('escalate')).toHaveLength(1);
      // when it turns false and true again
      setVariables(driver, { urgent: false });
      setVariables(driver, { urgent: true });
      // then both happened once more: it fires a second time
      expect(driver.tasksAt('escalate')).toHaveLength(2);
      expect(driver.activeElements()).toEqual({ task: 1, escalate: 2 });
    });
  });

  describe('multiple event subprocess start', () => {
    it('starts an interrupting event subprocess when its condition turns true, cancelling its timer', async () => {
      // given
      const driver = await started('cm-esp');
      expect(driver.activeElements()).toEqual({ main: 1 });
      expect(driver.openWork().jobs).toHaveLength(1);
      // when
      setVariables(driver, { stop: true });
      // then
      expect(driver.activeElements()).toEqual({ abort: 1, cleanup: 1 });
      expect(driver.tasksAt('main')).toHaveLength(0);
      expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    });
  });

  describe('parallel multiple event subprocess start', () => {
    it('starts only once its condition and its message both happened: condition first, across a reload', async () => {
      // given
      const driver = await started('cm-esp-all', { go: false });
      expect(driver.activeElements()).toEqual({ 'main-a': 1 });
      // when the condition turns true
      setVariables(driver, { go: true });
      driver.reload();
      // then nothing started yet
      expect(driver.activeElements()).toEqual({ 'main-a': 1 });
      // when the condition turns false again and the message comes
      setVariables(driver, { go: false });
      driver.correlate('ping', { pinged: 1 }, 'k-1');
      // then the event subprocess started with the message's payload, interrupting the main path
      expect(driver.activeElements()).toEqual({ takeover: 1, take: 1 });
      expect(driver.tasksAt('main-a')).toHaveLength(0);
      expect(driver.variables).toMatchObject({ pinged: 1 });
      expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    });

    it('starts only once its message and its condition both happened: message first', async () => {
      // given
      const driver = await started('cm-esp-all');
      // when the message comes
      driver.correlate('ping', {}, 'k-1');
      driver.reload();
      // then nothing started yet
      expect(driver.activeElements()).toEqual({ 'main-a': 1 });
      // when the condition turns true
      setVariables(driver, { go: true });
      // then
      expect(driver.activeElements()).toEqual({ takeover: 1, take: 1 });
      expect(driver.tasksAt('main-a')).toHaveLength(0);
      expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    });
  });

  describe('zeebe:conditionalFilter in a multiple catch event', () => {
    it('evaluates its condition again only when the named variable changes', async () => {
      // given the catch waits for the signal or amount > 10, filtered on trigger
      const driver = await started('cm-catch-filter', { amount: 1 });
      expect(driver.activeElements()).toEqual({ filtered: 1 });
      expect(driver.openWork()).toEqual({ subscriptions: ['signal:nudge:filtered'], jobs: [] });
      // when amount makes the condition true, but amount is not the named variable
      setVariables(driver, { amount: 50 });
      // then the condition was not evaluated: still waiting
      expect(driver.activeElements()).toEqual({ filtered: 1 });
      driver.reload();
      // when the named variable changes
      setVariables(driver, { trigger: 'now' });
      // then the condition holds and the catch passed, closing its signal subscription
      expect(driver.activeElements()).toEqual({ passed: 1 });
      expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    });

    it('passes at once on arrival when its condition holds, filter or not', async () => {
      const driver = await started('cm-catch-filter', { amount: 11 });
      expect(driver.activeElements()).toEqual({ passed: 1 });
      expect(driver.openWork()).toEqual({ subscriptions: [], jobs: [] });
    });
  });
});
