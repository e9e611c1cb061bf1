import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import type { Variables } from '../../src/runtime/types.js';
import { Driver, loadModel } from './support/driver.js';

async function started(processId: string, variables: Variables = {}): Promise<Driver> {
  const driver = new Driver(await loadModel('rt-adhoc.bpmn', processId));
  driver.start(variables);
  return driver;
}

const activate = (driver: Driver, elementIds: string[], variables?: Variables, adHoc = 'work') =>
  driver.run({
    type: 'adhoc.activate',
    adHocSubProcess: adHoc,
    elementIds,
    ...(variables ? { variables } : {}),
  });

const openTasks = (driver: Driver) => [...driver.tasks.values()].map((task) => task.elementId).sort();

describe('runtime: ad-hoc subprocesses', () => {
  it('starts the inner elements the active elements collection lists, and no other', async () => {
    // when
    const driver = await started('adhoc-basic', { toActivate: ['a', 'c'] });
    // then
    expect(openTasks(driver)).toEqual(['a', 'c']);
    expect(driver.activeElements()).toEqual({ work: 1, a: 1, c: 1 });
  });

  it('follows flows inside and completes once no inner path is left, then leaves by its flow', async () => {
    // given
    const driver = await started('adhoc-basic', { toActivate: ['a', 'c'] });
    // when
    driver.completeTask('a');
    driver.completeTask('c');
    // then: d follows c inside; the subprocess still runs
    expect(openTasks(driver)).toEqual(['d']);
    expect(driver.activeElements()).toMatchObject({ work: 1 });
    // when
    driver.completeTask('d');
    // then
    expect(driver.activeElements()).toEqual({ after: 1 });
    expect(driver.historyOf('element.completed').map((r) => r.elementId)).toContain('work');
  });

  it('stays active with nothing inside when the collection is empty or absent, until elements are activated', async () => {
    // given: no variable at all (null), so nothing starts
    const driver = await started('adhoc-basic');
    expect(driver.activeElements()).toEqual({ work: 1 });
    // when
    activate(driver, ['calc', 'b'], { note: 'from the activation' });
    // then: the script ran at once; b waits with the variable set in the subprocess's scope
    expect(openTasks(driver)).toEqual(['b']);
    expect(driver.task('b').variables).toMatchObject({ note: 'from the activation', two: 2 });
    expect(driver.variables).not.toHaveProperty('note');
    // when
    driver.completeTask('b');
    // then
    expect(driver.activeElements()).toEqual({ after: 1 });
  });

  it('runs an element again when it is activated while it already runs', async () => {
    // given
    const driver = await started('adhoc-basic', { toActivate: ['a'] });
    // when
    activate(driver, ['a']);
    // then
    expect(driver.tasksAt('a')).toHaveLength(2);
  });

  it('refuses to activate ids that are not inner elements, naming them, and changes nothing', async () => {
    // given
    const driver = await started('adhoc-basic', { toActivate: ['a'] });
    const before = driver.state;
    // when / then
    expect(() => activate(driver, ['b', 'after', 'nope'])).toThrow(InvalidArgumentError);
    expect(() => activate(driver, ['b', 'after', 'nope'])).toThrow(
      "'after', 'nope' are not inner elements of ad-hoc subprocess 'work'",
    );
    expect(driver.state).toBe(before);
  });

  it('refuses an activation when the ad-hoc subprocess is not running or is not one', async () => {
    // given
    const driver = await started('adhoc-basic', { toActivate: ['a'] });
    // then
    expect(() => activate(driver, ['a'], undefined, 'after')).toThrow("'after' is not an ad-hoc subprocess");
    driver.completeTask('a');
    expect(() => activate(driver, ['a'])).toThrow("Ad-hoc subprocess 'work' is not running");
  });

  it('names the subprocess by its element instance (token) id as well', async () => {
    // given
    const driver = await started('adhoc-basic', { toActivate: [] });
    const token = driver.state?.tokens.find((t) => t.elementId === 'work');
    // when
    activate(driver, ['b'], undefined, token?.id ?? '');
    // then
    expect(openTasks(driver)).toEqual(['b']);
  });

  it('raises an incident naming the ids of the collection that are not inner elements; a retry activates', async () => {
    // given
    const driver = await started('adhoc-basic', { toActivate: ['a', 'ghost', 'after'] });
    // then
    const incident = driver.incident('work');
    expect(incident.incidentType).toBe('expression');
    expect(incident.message).toContain("'ghost', 'after'");
    expect(driver.tasks.size).toBe(0);
    // when the variable is fixed and the incident retried
    driver.run({ type: 'variables.set', variables: { toActivate: ['b'] } });
    driver.run({ type: 'incident.retry', incidentId: incident.id });
    // then
    expect(openTasks(driver)).toEqual(['b']);
    expect(driver.incidents.size).toBe(0);
  });

  it('raises an incident when the collection is not a list of strings', async () => {
    // when
    const driver = await started('adhoc-basic', { toActivate: 'a' });
    // then
    expect(driver.incident('work').message).toContain('must be a list of element ids');
  });

  it('completes when the completion condition holds, terminating what still runs', async () => {
    // given
    const driver = await started('adhoc-condition');
    expect(openTasks(driver)).toEqual(['a2', 'b2']);
    // when
    driver.completeTask('a2', { enough: true });
    // then
    expect(driver.tasks.size).toBe(0);
    expect(driver.status).toBe('completed');
    expect(driver.historyOf('element.terminated').map((r) => r.elementId)).toEqual(['b2']);
  });

  it('keeps running while the completion condition is false, and completes when no path is left', async () => {
    // given
    const driver = await started('adhoc-condition');
    // when
    driver.completeTask('a2', { enough: false });
    // then
    expect(openTasks(driver)).toEqual(['b2']);
    // when
    driver.completeTask('b2');
    // then
    expect(driver.status).toBe('completed');
  });

  it('with cancelRemainingInstances=false, lets what runs finish before completing', async () => {
    // given
    const driver = await started('adhoc-keep');
    // when
    driver.completeTask('a3', { enough: true });
    // then
    expect(openTasks(driver)).toEqual(['b3']);
    expect(driver.status).toBe('active');
    // when
    driver.completeTask('b3');
    // then
    expect(driver.status).toBe('completed');
    expect(driver.historyOf('element.terminated')).toEqual([]);
  });

  it('resumes from its persisted state (JSON) as from the live one', async () => {
    // given
    const driver = await started('adhoc-basic', { toActivate: ['c'] });
    // when: the state is stored and read back
    driver.reload();
    activate(driver, ['a']);
    driver.completeTask('c');
    driver.reload();
    driver.completeTask('d');
    // then
    expect(openTasks(driver)).toEqual(['a']);
    driver.completeTask('a');
    expect(driver.activeElements()).toEqual({ after: 1 });
  });
});
