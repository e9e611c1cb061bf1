import { describe, expect, it } from 'vitest';
import type { ProcessModel } from '../../src/model/types.js';
import { Driver, loadProcesses } from './support/driver.js';

async function parentAndChild(): Promise<{ parent: Driver; processes: Map<string, ProcessModel> }> {
  const processes = await loadProcesses('rt-call.bpmn');
  const parent = new Driver(processes.get('rt-call-parent') as ProcessModel, {
    findProcess: (id) => processes.get(id),
  });
  return { parent, processes };
}

function onlyChild(driver: Driver) {
  const [child] = [...driver.children.values()].slice(-1);
  if (!child) throw new Error('no child started');
  return child;
}

describe('runtime: call activity', () => {
  it('starts the called process with every parent variable and waits for it', async () => {
    // given
    const { parent } = await parentAndChild();
    // when
    parent.start({ childProcess: 'rt-call-child', amount: 7 });
    // then
    const child = onlyChild(parent);
    expect(child).toMatchObject({
      processId: 'rt-call-child',
      variables: { childProcess: 'rt-call-child', amount: 7 },
    });
    expect(parent.state?.tokens[0]?.wait).toEqual({
      kind: 'childInstance',
      childInstanceId: child.childInstanceId,
    });
  });

  it('runs the child to completion and reports its variables to the parent, which merges them', async () => {
    // given
    const { parent, processes } = await parentAndChild();
    parent.start({ childProcess: 'rt-call-child', amount: 7 });
    const started = onlyChild(parent);
    const child = new Driver(processes.get('rt-call-child') as ProcessModel, {
      instanceId: started.childInstanceId,
    });
    child.start(started.variables, { parentInstanceId: parent.instanceId });
    // when
    child.completeTask('childTask', { result: 'ok' });
    // then
    expect(child.status).toBe('completed');
    const [report] = child.notifications;
    expect(report).toMatchObject({ type: 'child.completed', childInstanceId: started.childInstanceId });
    // when
    parent.run(report as NonNullable<typeof report>);
    // then
    expect(parent.variables).toMatchObject({ result: 'ok', amount: 7 });
    expect(parent.activeElements()).toEqual({ callSelective: 1 });
  });

  it('passes only the input mappings when parent propagation is off, and maps only the outputs back', async () => {
    // given
    const { parent } = await parentAndChild();
    parent.start({ childProcess: 'rt-call-child', amount: 7, secret: 's' });
    parent.run({
      type: 'child.completed',
      childInstanceId: onlyChild(parent).childInstanceId,
      variables: {},
    });
    const selective = onlyChild(parent);
    // then
    expect(selective.variables).toEqual({ amount: 7 });
    // when
    parent.run({
      type: 'child.completed',
      childInstanceId: selective.childInstanceId,
      variables: { result: 42, noise: 1 },
    });
    // then
    expect(parent.status).toBe('completed');
    expect(parent.variables).toMatchObject({ childResult: 42 });
    expect(parent.variables).not.toHaveProperty('noise');
  });

  it('reports an error the child does not catch to the parent', async () => {
    // given
    const { processes } = await parentAndChild();
    const child = new Driver(processes.get('rt-call-child') as ProcessModel);
    // when
    child.start({ mode: 'fail' }, { parentInstanceId: 'parent-1' });
    // then
    expect(child.notifications).toEqual([
      {
        type: 'child.thrown',
        childInstanceId: child.instanceId,
        kind: 'error',
        code: 'CHILD_FAIL',
        variables: {},
      },
    ]);
  });

  it("catches the child's error at the call activity and cancels the child", async () => {
    // given
    const { parent } = await parentAndChild();
    parent.start({ childProcess: 'rt-call-child' });
    const child = onlyChild(parent);
    // when
    parent.run({
      type: 'child.thrown',
      childInstanceId: child.childInstanceId,
      kind: 'error',
      code: 'CHILD_FAIL',
      variables: {},
    });
    // then
    expect(parent.cancelledChildren).toEqual([child.childInstanceId]);
    expect(parent.activeElements()).toEqual({ handled: 1 });
  });

  it("reacts to a child's escalation without interrupting it", async () => {
    // given
    const { parent } = await parentAndChild();
    parent.start({ childProcess: 'rt-call-child' });
    const child = onlyChild(parent);
    // when
    parent.run({
      type: 'child.thrown',
      childInstanceId: child.childInstanceId,
      kind: 'escalation',
      code: 'CHILD_NOTE',
      variables: {},
    });
    // then
    expect(parent.cancelledChildren).toEqual([]);
    expect(parent.activeElements()).toEqual({ callChild: 1 });
    expect(parent.state?.completedElementIds).toContain('noted');
  });

  it('raises a calledElement incident when the called process is not deployed', async () => {
    // given
    const { parent } = await parentAndChild();
    // when
    parent.start({ childProcess: 'missing' });
    // then
    expect(parent.incident('callChild')).toMatchObject({ incidentType: 'calledElement' });
    expect(parent.children.size).toBe(0);
  });
});
