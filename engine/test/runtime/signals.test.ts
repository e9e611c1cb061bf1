import { describe, expect, it } from 'vitest';
import { Driver, loadModel } from './support/driver.js';

describe('runtime: signals thrown inside the instance', () => {
  it("triggers the subprocess's own interrupting signal boundary from a signal end event inside it", async () => {
    // given
    const driver = new Driver(await loadModel('rt-signal-here.bpmn', 'signal-end-in-sub'));
    // when the subprocess reaches its signal end event
    driver.start();
    // then the boundary caught it in the same step: the boundary path runs, the normal one does not
    expect(driver.activeElements()).toEqual({ handle: 1 });
    expect(driver.state?.completedElementIds).toContain('stopped');
    expect(driver.state?.takenFlowIds).not.toContain('f2');
    // with the end event's input mappings as the signal's variables
    expect(driver.variables).toMatchObject({ level: 'red' });
    expect(driver.variables).not.toHaveProperty('inner');
    // and no subscription is left behind; other instances still get the broadcast
    expect(driver.subscriptions.size).toBe(0);
    expect(driver.broadcasts).toEqual([
      { type: 'signal.broadcast', signalName: 'stop', variables: { level: 'red' }, otherInstancesOnly: true },
    ]);
    expect(driver.historyOf('element.terminated').map((h) => h.elementId)).toContain('sub');
  });

  it('runs a non-interrupting boundary and then completes the subprocess normally', async () => {
    // given
    const driver = new Driver(await loadModel('rt-signal-here.bpmn', 'signal-end-in-sub-non-interrupting'));
    // when
    driver.start();
    // then both paths go on and the boundary's subscription closed with the subprocess
    expect(driver.activeElements()).toEqual({ 'n-normal': 1, 'n-side': 1 });
    expect(driver.subscriptions.size).toBe(0);
    expect(driver.historyOf('element.terminated')).toEqual([]);
  });

  it('reaches every catch event of the name waiting in the instance, once, and not one armed after the throw', async () => {
    // given one branch waits for "go", an event subprocess listens for it, the other branch is at a task
    const driver = new Driver(await loadModel('rt-signal-here.bpmn', 'signal-branches'));
    driver.start();
    expect([...driver.subscriptions.values()].map((s) => s.elementId).sort()).toEqual([
      'on-go-start',
      'wait-go',
    ]);
    // when the other branch throws "go"
    driver.completeTask('trigger');
    // then the waiting catch and the non-interrupting event subprocess got it in the same step
    expect(driver.activeElements()).toEqual({ 'after-go': 1, 'log-go': 1, 'late-go': 1, 'on-go': 1 });
    expect(driver.tasksAt('log-go')).toHaveLength(1);
    // the catch reached after the throw waits for a later signal, like the event subprocess
    expect([...driver.subscriptions.values()].map((s) => s.elementId).sort()).toEqual([
      'late-go',
      'on-go-start',
    ]);
    // when a signal comes from outside
    driver.signal('go');
    // then the late catch goes on and the event subprocess runs again
    expect(driver.tasksAt('log-go')).toHaveLength(2);
    expect(driver.activeElements()['late-go']).toBeUndefined();
  });
});
