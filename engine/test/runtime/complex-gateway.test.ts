import { describe, expect, it } from 'vitest';
import { Driver, loadModel } from './support/driver.js';

async function started(processId: string, variables = {}): Promise<Driver> {
  const driver = new Driver(await loadModel('rt-complex.bpmn', processId));
  driver.start(variables);
  return driver;
}

describe('runtime: complex gateway', () => {
  it('waits until its activation condition holds, then passes the consumed tokens on as one', async () => {
    // given three reviews, two of which decide
    const driver = await started('two-of-three');
    // when the first review is done
    driver.completeTask('r1');
    // then the gateway waits
    expect(driver.activeElements()).toEqual({ enough: 1, r2: 1, r3: 1 });
    // when the second is done
    driver.completeTask('r2');
    // then one token goes on, and the gateway waits for reset while the third review can still come
    expect(driver.tasksAt('decide')).toHaveLength(1);
    expect(driver.activeElements()).toEqual({ decide: 1, enough: 1, r3: 1 });
    expect(driver.state?.tokens.find((t) => t.elementId === 'enough')?.wait).toEqual({
      kind: 'join',
      resetAfter: ['j1', 'j2'],
    });
  });

  it('ends the late token at the reset without passing it on, and only then lets the instance complete', async () => {
    // given two reviews decided
    const driver = await started('two-of-three');
    driver.completeTask('r1');
    driver.completeTask('r2');
    // when the decision is made while the third review is still open
    driver.completeTask('decide');
    // then the instance goes on waiting for it
    expect(driver.status).toBe('active');
    expect(driver.activeElements()).toEqual({ enough: 1, r3: 1 });
    // when the third review comes in
    driver.completeTask('r3');
    // then the gateway resets, nothing is decided twice and the instance completes
    expect(driver.historyOf('task.created').filter((h) => h.elementId === 'decide')).toHaveLength(1);
    expect(driver.status).toBe('completed');
  });

  it('passes a late token on by the flows whose condition holds when it resets (waitingForStart is false)', async () => {
    // given
    const driver = await started('first-and-late');
    // when a finishes first
    driver.completeTask('a');
    // then the activating token took only the flow for the first
    expect(driver.activeElements()).toEqual({ first: 1, race: 1, b: 1 });
    // when b finishes later
    driver.completeTask('b');
    // then it went the late way; the default flow is for activation only
    expect(driver.activeElements()).toEqual({ first: 1, late: 1 });
    expect(driver.state?.takenFlowIds).not.toContain('to-never');
  });

  it('counts arrivals per incoming flow, and consumes one token of each flow that has one when it activates', async () => {
    // given the gateway waits for the flow from na in particular
    const driver = await started('needs-a', { amount: 50 });
    // when nb arrives first
    driver.completeTask('nb');
    // then it waits
    expect(driver.activeElements()).toEqual({ 'after-a': 1, na: 1 });
    // when na arrives
    driver.completeTask('na');
    // then both tokens are consumed at once: one goes on, and nothing is left to wait for
    expect(driver.activeElements()).toEqual({ 'go-on': 1 });
  });

  it('raises an incident when it activates and no outgoing condition holds and there is no default', async () => {
    // given
    const driver = await started('needs-a', { amount: 5 });
    driver.completeTask('nb');
    // when
    driver.completeTask('na');
    // then
    expect(driver.incident('after-a')).toMatchObject({ incidentType: 'condition' });
    // when the data is fixed and the incident retried
    driver.run({ type: 'variables.set', variables: { amount: 11 } });
    driver.run({ type: 'incident.retry', incidentId: driver.incident('after-a').id });
    // then
    expect(driver.activeElements()).toEqual({ 'go-on': 1 });
  });
});
