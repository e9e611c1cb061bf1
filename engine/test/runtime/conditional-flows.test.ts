import { describe, expect, it } from 'vitest';
import { Driver, loadModel } from './support/driver.js';

async function assessed(variables: Record<string, number | boolean>): Promise<Driver> {
  const driver = new Driver(await loadModel('rt-conditional-flows.bpmn', 'implicit-split'));
  driver.start();
  driver.completeTask('assess', variables);
  return driver;
}

describe('runtime: conditional and default flows out of activities and events', () => {
  it('gives a token to every unconditional flow and every flow whose condition holds', async () => {
    // when
    const driver = await assessed({ amount: 500, vip: true });
    // then
    expect(driver.activeElements()).toEqual({ always: 1, big: 1, 'vip-desk': 1 });
    expect(driver.state?.takenFlowIds).not.toContain('to-standard');
  });

  it('takes the default flow only when no condition holds, beside the unconditional flows', async () => {
    // when
    const driver = await assessed({ amount: 5, vip: false });
    // then
    expect(driver.activeElements()).toEqual({ always: 1, standard: 1 });
  });

  it('does not take the default flow when one condition holds', async () => {
    // when
    const driver = await assessed({ amount: 5, vip: true });
    // then
    expect(driver.activeElements()).toEqual({ always: 1, 'vip-desk': 1 });
  });

  it('raises an incident when no flow can be taken, and a retry evaluates the conditions again', async () => {
    // given
    const driver = new Driver(await loadModel('rt-conditional-flows.bpmn', 'no-way-out'));
    driver.start();
    // when no condition holds
    driver.completeTask('check', { ok: false, risk: 1 });
    // then the token waits in a condition incident at the task
    const incident = driver.incident('check');
    expect(incident).toMatchObject({ incidentType: 'condition' });
    expect(incident.message).toContain("'check'");
    expect(driver.activeElements()).toEqual({ check: 1 });
    // when the data is fixed and the incident retried
    driver.run({ type: 'variables.set', variables: { risk: 9 } });
    driver.run({ type: 'incident.retry', incidentId: incident.id });
    // then only the flow whose condition now holds is taken, and the task is not run or completed again
    expect(driver.activeElements()).toEqual({ escalated: 1 });
    expect(driver.historyOf('element.completed').filter((h) => h.elementId === 'check')).toHaveLength(1);
    expect(driver.historyOf('task.created').filter((h) => h.elementId === 'check')).toHaveLength(1);
  });

  it('splits at an event as at an activity', async () => {
    // given
    const driver = new Driver(await loadModel('rt-conditional-flows.bpmn', 'event-split'));
    // when
    driver.start({ route: 'b' });
    // then
    expect(driver.activeElements()).toEqual({ 'route-b': 1, audit: 1 });
  });
});
