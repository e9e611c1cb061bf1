import { describe, expect, it } from 'vitest';
import type { Variables } from '../../src/runtime/index.js';
import { Driver, loadModel } from './support/driver.js';

const FIXTURE = 'rt-conditional-events.bpmn';

function setVariables(driver: Driver, variables: Variables): void {
  driver.run({ type: 'variables.set', variables });
}

describe('runtime: conditional events', () => {
  describe('intermediate catch event', () => {
    it('passes at once when the condition holds as the token arrives', async () => {
      // given
      const driver = new Driver(await loadModel(FIXTURE, 'cond-catch'));
      // when
      driver.start({ approved: true });
      // then the waiting branch went straight on
      expect(driver.activeElements()).toEqual({ work: 1, proceed: 1 });
      expect(driver.state?.completedElementIds).toContain('wait-approved');
    });

    it('waits, ignores a change that keeps the condition false, and passes when a task completion makes it true', async () => {
      // given
      const driver = new Driver(await loadModel(FIXTURE, 'cond-catch'));
      driver.start();
      expect(driver.activeElements()).toEqual({ work: 1, 'wait-approved': 1 });
      expect(driver.state?.tokens.find((t) => t.elementId === 'wait-approved')?.wait).toEqual({
        kind: 'condition',
      });
      // when a variable changes but the condition stays false
      setVariables(driver, { approved: false });
      // then it still waits
      expect(driver.activeElements()).toEqual({ work: 1, 'wait-approved': 1 });
      // when the other branch's task completes with approved = true
      driver.completeTask('work', { approved: true });
      // then the catch passed within the same step
      expect(driver.activeElements()).toEqual({ proceed: 1 });
      expect(driver.tasksAt('proceed')).toHaveLength(1);
    });
  });

  describe('boundary events', () => {
    it("interrupts the activity when another task's completion makes the condition true", async () => {
      // given
      const driver = new Driver(await loadModel(FIXTURE, 'cond-boundary'));
      driver.start({ amount: 50 });
      expect(driver.activeElements()).toEqual({ review: 1, edit: 1 });
      // when edit completes with a larger amount
      driver.completeTask('edit', { amount: 150 });
      // then review is cancelled and recheck runs
      expect(driver.activeElements()).toEqual({ recheck: 1 });
      expect(driver.tasksAt('review')).toHaveLength(0);
      expect(driver.historyOf('element.terminated').map((h) => h.elementId)).toContain('review');
    });

    it('fires a non-interrupting one each time its condition turns from false to true, not while it stays true', async () => {
      // given
      const driver = new Driver(await loadModel(FIXTURE, 'cond-boundary'));
      driver.start({ amount: 0, urgent: false });
      // when urgent turns true
      setVariables(driver, { urgent: true });
      // then one notification, review still runs
      expect(driver.tasksAt('notify')).toHaveLength(1);
      expect(driver.tasksAt('review')).toHaveLength(1);
      // when a change leaves it true
      setVariables(driver, { urgent: true, note: 'again' });
      // then nothing fires
      expect(driver.tasksAt('notify')).toHaveLength(1);
      // when it turns false, then true again
      setVariables(driver, { urgent: false });
      setVariables(driver, { urgent: true });
      // then it fires a second time
      expect(driver.tasksAt('notify')).toHaveLength(2);
      expect(driver.activeElements()).toMatchObject({ review: 1, notify: 2, edit: 1 });
    });

    it('triggers when the activity is entered with the condition already true', async () => {
      const driver = new Driver(await loadModel(FIXTURE, 'cond-boundary'));
      driver.start({ amount: 500 });
      expect(driver.activeElements()).toEqual({ recheck: 1, edit: 1 });
    });

    it('is disarmed when its activity completes', async () => {
      // given
      const driver = new Driver(await loadModel(FIXTURE, 'cond-boundary'));
      driver.start({ amount: 0 });
      driver.completeTask('review');
      // when the amount changes afterwards
      driver.completeTask('edit', { amount: 1000 });
      // then no boundary fires: the instance is done
      expect(driver.status).toBe('completed');
      expect(driver.tasksAt('recheck')).toHaveLength(0);
    });
  });

  describe('event subprocess start events', () => {
    it('runs a non-interrupting one beside the process, and an interrupting one ends the process scope', async () => {
      // given
      const driver = new Driver(await loadModel(FIXTURE, 'cond-esp'));
      driver.start();
      expect(driver.activeElements()).toEqual({ sub: 1, inner: 1 });
      // when remind turns true
      setVariables(driver, { remind: true });
      // then the reminder runs beside the subprocess
      expect(driver.activeElements()).toEqual({ sub: 1, inner: 1, 'remind-esp': 1, remind: 1 });
      // when cancelled turns true
      setVariables(driver, { cancelled: true });
      // then everything else in the process is terminated
      expect(driver.activeElements()).toEqual({ 'cancel-esp': 1, 'handle-cancel': 1 });
      expect(driver.tasksAt('inner')).toHaveLength(0);
      expect(driver.tasksAt('remind')).toHaveLength(0);
    });

    it('interrupts a subprocess from a start event inside it, and the process goes on after the subprocess', async () => {
      // given
      const driver = new Driver(await loadModel(FIXTURE, 'cond-esp'));
      driver.start();
      // when stop turns true
      setVariables(driver, { stop: true });
      // then the subprocess's own event subprocess ran and inner is cancelled
      expect(driver.activeElements()).toEqual({ sub: 1, 'sub-esp': 1, stopped: 1 });
      // when the handler completes
      driver.completeTask('stopped');
      // then the subprocess completes and the process moves on
      expect(driver.activeElements()).toEqual({ 'after-sub': 1 });
    });
  });

  describe('results other than a boolean and failures', () => {
    it('treats null (a missing variable) as not met, parks a catch with a number in an incident, and a retry evaluates it again', async () => {
      // given flag is missing: the catch waits
      const driver = new Driver(await loadModel(FIXTURE, 'cond-errors'));
      driver.start();
      expect(driver.activeElements()).toMatchObject({ 'wait-flag': 1, guarded: 1 });
      // when flag becomes a string
      setVariables(driver, { flag: 'yes' });
      // then an expression incident on the catch event
      const incident = driver.incident('wait-flag');
      expect(incident.incidentType).toBe('expression');
      expect(incident.message).toMatch(/true, false or null/);
      // when the flag is repaired and the incident retried
      setVariables(driver, { flag: true });
      expect(driver.activeElements()).toMatchObject({ 'wait-flag': 1 });
      driver.run({ type: 'incident.retry', incidentId: incident.id });
      // then the catch passes
      expect(driver.incidents.size).toBe(0);
      expect(driver.activeElements()).toMatchObject({ 'after-flag': 1 });
    });

    it('raises an incident on a boundary event whose condition gives a number, keeps the activity running, and fires after the retry', async () => {
      // given
      const driver = new Driver(await loadModel(FIXTURE, 'cond-errors'));
      driver.start({ flag: false });
      // when level becomes a number
      setVariables(driver, { level: 3 });
      // then an incident on the boundary event; the task still runs
      const incident = driver.incident('level-up');
      expect(incident.incidentType).toBe('expression');
      expect(driver.tasksAt('guarded')).toHaveLength(1);
      // while the incident is open, the condition is not evaluated
      setVariables(driver, { level: true });
      expect(driver.tasksAt('escalated')).toHaveLength(0);
      // when the incident is retried
      driver.run({ type: 'incident.retry', incidentId: incident.id });
      // then the condition is evaluated again and the interrupting boundary fires
      expect(driver.incidents.size).toBe(0);
      expect(driver.tasksAt('escalated')).toHaveLength(1);
      expect(driver.tasksAt('guarded')).toHaveLength(0);
    });

    it("resolves a boundary condition's incident when its activity ends", async () => {
      const driver = new Driver(await loadModel(FIXTURE, 'cond-errors'));
      driver.start({ flag: false, level: 'high' });
      expect(driver.incident('level-up').incidentType).toBe('expression');
      driver.completeTask('guarded');
      expect(driver.incidents.size).toBe(0);
    });
  });

  describe('conditional start and event-based gateway', () => {
    it('starts at the conditional start event and takes the conditional target of an event-based gateway when it turns true', async () => {
      // given
      const driver = new Driver(await loadModel(FIXTURE, 'cond-start'));
      driver.start({ temperature: 35 }, { startEventId: 'hot' });
      expect(driver.activeElements()).toEqual({ g: 1 });
      expect(driver.jobsAt('timeout')).toHaveLength(1);
      // when it cools down
      setVariables(driver, { temperature: 15 });
      // then the gateway took the conditional path and cancelled the timer
      expect(driver.status).toBe('completed');
      expect(driver.state?.takenFlowIds).toContain('h4');
      expect(driver.jobsAt('timeout')).toHaveLength(0);
    });
  });

  describe('zeebe:conditionalFilter', () => {
    it('evaluates a boundary again only when one of its variable names changes, and always when its activity starts', async () => {
      // given a boundary `amount > limit` filtered on trigger and limit
      const driver = new Driver(await loadModel(FIXTURE, 'cond-filter'));
      driver.start({ amount: 50, limit: 100, ready: false });
      expect(driver.activeElements()).toEqual({ 'f-review': 1, 'f-wait': 1 });
      // when amount changes (not a named variable), making the condition true
      setVariables(driver, { amount: 500 });
      // then the condition is not evaluated: the review goes on
      expect(driver.activeElements()).toEqual({ 'f-review': 1, 'f-wait': 1 });
      // when a named variable changes
      setVariables(driver, { trigger: 1 });
      // then the condition is evaluated and the boundary interrupts the review
      expect(driver.activeElements()).toEqual({ 'f-escalated': 1, 'f-wait': 1 });
    });

    it('passes a catch filtered on updates only when a variable is updated, not created or written with its own value', async () => {
      // given a catch `ready = true` filtered on update, with ready not yet defined
      const driver = new Driver(await loadModel(FIXTURE, 'cond-filter'));
      driver.start({ amount: 0, limit: 100 });
      // when ready is created true
      setVariables(driver, { ready: true });
      // then the catch still waits: a creation is not an update
      expect(driver.activeElements()).toEqual({ 'f-review': 1, 'f-wait': 1 });
      // when ready is written with the same value: no change, still waiting
      setVariables(driver, { ready: true });
      expect(driver.activeElements()).toEqual({ 'f-review': 1, 'f-wait': 1 });
      // when it is updated to false and back to true
      setVariables(driver, { ready: false });
      setVariables(driver, { ready: true });
      // then the update evaluated the condition and the catch passed
      expect(driver.activeElements()).toEqual({ 'f-review': 1, 'f-go': 1 });
    });

    it('starts an event subprocess filtered on a created variable only when that variable is created', async () => {
      // given an event subprocess `stop = true or halt = true`, filtered on stop being created
      const driver = new Driver(await loadModel(FIXTURE, 'cond-filter'));
      driver.start({ amount: 0, limit: 100, stop: false });
      // when halt is created true (not the named variable), and stop updated (not a creation)
      setVariables(driver, { halt: true });
      setVariables(driver, { stop: true });
      // then the event subprocess did not start
      expect(driver.activeElements()).toEqual({ 'f-review': 1, 'f-wait': 1 });
      // when a second instance creates stop
      const other = new Driver(await loadModel(FIXTURE, 'cond-filter'));
      other.start({ amount: 0, limit: 100 });
      setVariables(other, { stop: true });
      // then the interrupting event subprocess ran and ended the instance
      expect(other.state?.status).toBe('completed');
      expect(other.state?.completedElementIds).toContain('f-stop-end');
    });
  });
});
