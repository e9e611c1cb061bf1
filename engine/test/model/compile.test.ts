import { describe, expect, it } from 'vitest';
import { boundaryEventsOf, compileBpmn, flowsIn, flowsOut } from '../../src/model/index.js';
import type {
  ActivityElement,
  BoundaryEventElement,
  EventElement,
  GatewayElement,
} from '../../src/model/index.js';
import { compileValid, processFile, readFixture } from './bpmn-text.js';

describe('compileBpmn on the benchmark fixtures', () => {
  it('compiles three sequential user tasks with their assignments', async () => {
    // given / when
    const model = await compileValid(readFixture('three-user-tasks.bpmn'));
    // then
    expect(model.id).toBe('three-user-tasks');
    expect(model.scopes['three-user-tasks']).toMatchObject({
      noneStartEventId: 'start',
      startEventIds: ['start'],
    });
    expect(flowsOut(model, 'start').map((f) => f.targetId)).toEqual(['draft']);
    const draft = model.elements.draft as ActivityElement;
    expect(draft.userTask?.assignee).toEqual({ feel: true, source: 'requester' });
    const approve = model.elements.approve as ActivityElement;
    expect(approve.userTask).toEqual({
      candidateGroups: { feel: false, value: 'managers' },
      candidateUsers: { feel: false, value: 'alice, bob' },
    });
  });

  it('compiles a parallel fan-out of ten service tasks and their join', async () => {
    const model = await compileValid(readFixture('parallel-10.bpmn'));
    expect(flowsOut(model, 'fork')).toHaveLength(10);
    expect(flowsIn(model, 'join')).toHaveLength(10);
    expect(model.elements['work-7']).toMatchObject({
      jobType: { feel: false, value: 'work' },
      jobRetries: 3,
    });
  });
});

describe('compileBpmn on a file with every supported element', () => {
  it('compiles both processes without a problem', async () => {
    const { processes, issues } = await compileBpmn(readFixture('all-elements.bpmn'));
    expect(issues).toEqual([]);
    expect(processes.map((p) => p.id)).toEqual(['all-elements', 'child-process']);
  });

  it('reads user task assignment, schedule, priority, form, mappings and lane', async () => {
    const model = await compileValid(readFixture('all-elements.bpmn'), 'all-elements');
    const fill = model.elements.fill as ActivityElement;
    expect(fill.documentation).toBe('The requester completes the form.');
    expect(fill.userTask).toEqual({
      assignee: { feel: true, source: 'initiator' },
      candidateGroups: { feel: false, value: 'staff, leads' },
      candidateUsers: { feel: true, source: '["ann", "bob"]' },
      dueDate: { feel: true, source: 'now() + duration("P2D")' },
      followUpDate: { feel: false, value: '2030-01-01T09:00:00Z' },
      priority: { feel: false, value: '75' },
      formId: 'fill-form',
      laneName: 'staff',
    });
    expect(fill.ioMapping).toEqual({
      inputs: [{ source: { feel: true, source: 'request.amount' }, target: 'amount' }],
      outputs: [{ source: { feel: true, source: 'amount * 2' }, target: 'doubled' }],
    });
    expect(fill.boundaryEventIds).toEqual(['reminder', 'sla']);
    expect((model.elements['review-task'] as ActivityElement).userTask?.laneName).toBe('leads');
    expect(model.formIds).toEqual(['request-form', 'fill-form']);
  });

  it('gives elements inside a subprocess the lane of the subprocess', async () => {
    const model = await compileValid(readFixture('all-elements.bpmn'), 'all-elements');
    expect((model.elements['sub-task'] as ActivityElement).userTask?.laneName).toBe('staff');
  });

  it('reads start events of every kind', async () => {
    const model = await compileValid(readFixture('all-elements.bpmn'), 'all-elements');
    expect(model.scopes['all-elements']?.startEventIds).toEqual([
      'start',
      'msg-start',
      'timer-start',
      'signal-start',
    ]);
    expect((model.elements.start as EventElement).formId).toBe('request-form');
    expect((model.elements['msg-start'] as EventElement).event).toEqual({
      kind: 'message',
      messageName: { feel: false, value: 'order-placed' },
    });
    expect((model.elements['timer-start'] as EventElement).event).toEqual({
      kind: 'timer',
      timer: { type: 'cycle', expr: { feel: false, value: '0 9 * * MON-FRI' } },
    });
    expect((model.elements['signal-start'] as EventElement).event).toEqual({
      kind: 'signal',
      signalName: { feel: false, value: 'start-signal' },
    });
  });

  it('reads boundary events with their host and interruption', async () => {
    const model = await compileValid(readFixture('all-elements.bpmn'), 'all-elements');
    expect(model.elements.reminder).toMatchObject({
      attachedToId: 'fill',
      cancelActivity: false,
      event: { kind: 'timer', timer: { type: 'cycle', expr: { feel: false, value: 'R3/PT1H' } } },
    });
    expect((model.elements['charge-failed'] as BoundaryEventElement).event).toEqual({
      kind: 'error',
      errorCode: 'PAYMENT',
    });
    expect(model.elements['sub-escalated']).toMatchObject({
      cancelActivity: false,
      event: { kind: 'escalation', escalationCode: 'SUB' },
    });
    expect((model.elements['call-message'] as BoundaryEventElement).event).toEqual({
      kind: 'message',
      messageName: { feel: false, value: 'call-cancel' },
      correlationKey: { feel: true, source: 'orderId' },
    });
    expect(boundaryEventsOf(model, 'call').map((b) => b.id)).toEqual(['call-message', 'call-signal']);
  });

  it('reads gateways with default flows and conditions', async () => {
    const model = await compileValid(readFixture('all-elements.bpmn'), 'all-elements');
    expect((model.elements.decide as GatewayElement).defaultFlowId).toBe('to-manual');
    expect(model.flows['to-charge']).toEqual({
      id: 'to-charge',
      name: 'large',
      sourceId: 'decide',
      targetId: 'charge',
      condition: { feel: true, source: 'amount > 100' },
    });
    expect(model.flows['to-manual']?.condition).toBeUndefined();
    expect((model.elements.inc as GatewayElement).defaultFlowId).toBe('to-plain');
    expect(model.elements.race?.kind).toBe('bpmn:EventBasedGateway');
  });

  it('reads service, send, script, receive and call activities', async () => {
    const model = await compileValid(readFixture('all-elements.bpmn'), 'all-elements');
    expect(model.elements.charge).toMatchObject({
      jobType: { feel: true, source: '"charge-" + currency' },
      jobRetries: 3,
      headers: { provider: 'acme' },
    });
    expect(model.elements['send-reminder']).toMatchObject({ jobRetries: 5 });
    expect(model.elements.notify).toMatchObject({
      kind: 'bpmn:SendTask',
      jobType: { feel: false, value: 'notify' },
    });
    expect((model.elements.compute as ActivityElement).script).toEqual({
      expression: { feel: true, source: 'amount + 1' },
      resultVariable: 'total',
    });
    expect((model.elements['wait-ack'] as ActivityElement).message).toEqual({
      messageName: { feel: false, value: 'ack' },
      correlationKey: { feel: true, source: 'orderId' },
    });
    expect((model.elements.call as ActivityElement).calledElement).toEqual({
      processId: { feel: false, value: 'child-process' },
      propagateAllChildVariables: false,
      propagateAllParentVariables: true,
    });
  });

  it('reads multi-instance and standard loops', async () => {
    const model = await compileValid(readFixture('all-elements.bpmn'), 'all-elements');
    expect((model.elements.charge as ActivityElement).loop).toEqual({
      kind: 'multiInstance',
      sequential: false,
      inputCollection: { feel: true, source: 'items' },
      inputElement: 'item',
      outputCollection: 'receipts',
      outputElement: { feel: true, source: 'receipt' },
      completionCondition: { feel: true, source: 'numberOfCompletedInstances >= 2' },
    });
    expect((model.elements.sub as ActivityElement).loop).toMatchObject({
      kind: 'multiInstance',
      sequential: true,
      inputElement: 'reviewer',
    });
    expect((model.elements.plain as ActivityElement).loop).toEqual({
      kind: 'standardLoop',
      condition: { feel: true, source: 'count < 3' },
      testBefore: true,
      maximum: 5,
    });
  });

  it('builds scopes for subprocesses and event subprocesses', async () => {
    const model = await compileValid(readFixture('all-elements.bpmn'), 'all-elements');
    expect(model.scopes['all-elements']?.eventSubProcessIds).toEqual(['esp', 'esp-error']);
    expect(model.scopes.sub).toEqual({
      id: 'sub',
      childIds: ['sub-start', 'sub-task', 'sub-end'],
      noneStartEventId: 'sub-start',
      startEventIds: ['sub-start'],
      eventSubProcessIds: [],
    });
    expect(model.elements['sub-task']?.parentId).toBe('sub');
    expect(model.elements.esp).toMatchObject({ triggeredByEvent: true, parentId: 'all-elements' });
    expect(model.elements['esp-start']).toMatchObject({
      interrupting: false,
      event: {
        kind: 'message',
        messageName: { feel: false, value: 'update' },
        correlationKey: { feel: true, source: 'orderId' },
      },
    });
    expect(model.elements['esp-error-start']).toMatchObject({ interrupting: true, event: { kind: 'error' } });
  });

  it('reads throw and end events, and links by scope and name', async () => {
    const model = await compileValid(readFixture('all-elements.bpmn'), 'all-elements');
    expect((model.elements.milestone as EventElement).event).toEqual({ kind: 'none' });
    expect((model.elements.broadcast as EventElement).event).toEqual({
      kind: 'signal',
      signalName: { feel: false, value: 'broadcast' },
    });
    expect((model.elements.escalate as EventElement).event).toEqual({
      kind: 'escalation',
      escalationCode: 'SLA',
    });
    expect((model.elements['timed-out-end'] as EventElement).event).toEqual({ kind: 'terminate' });
    expect((model.elements['esp-error-end'] as EventElement).event).toEqual({
      kind: 'error',
      errorCode: 'PAYMENT',
    });
    expect(model.elements['final-message']).toMatchObject({
      event: { kind: 'message' },
      jobType: { feel: false, value: 'publish-final' },
    });
    expect((model.elements.confirm as EventElement).event).toMatchObject({
      messageName: { feel: true, source: '"confirm-" + kind' },
    });
    expect(model.linkTargets).toEqual({ 'all-elements:to-finish': 'landing' });
  });

  it('skips data objects and annotations, which do not change behaviour', async () => {
    const model = await compileValid(readFixture('all-elements.bpmn'), 'all-elements');
    expect(model.elements['request-data']).toBeUndefined();
    expect(model.elements.note).toBeUndefined();
    expect(model.documentation).toBe('Exercises every supported element.');
  });
});

describe('compileBpmn on collaborations', () => {
  it('compiles every executable pool and skips the others', async () => {
    // given a collaboration of two executable pools and one documentation-only pool
    const { processes, issues } = await compileBpmn(readFixture('collaboration-two-pools.bpmn'));
    // then
    expect(issues).toEqual([]);
    expect(processes.map((p) => p.id)).toEqual(['customer', 'shop']);
  });

  it('takes the innermost lane name', async () => {
    const shop = await compileValid(readFixture('collaboration-two-pools.bpmn'), 'shop');
    expect((shop.elements['approve-order'] as ActivityElement).userTask?.laneName).toBe('sales-managers');
  });
});

describe('compiled model', () => {
  it('lists incoming and outgoing flows in document order', async () => {
    const model = await compileValid(
      processFile(`
        <bpmn:startEvent id="s" />
        <bpmn:parallelGateway id="fork" />
        <bpmn:task id="a" /><bpmn:task id="b" />
        <bpmn:parallelGateway id="join" />
        <bpmn:endEvent id="e" />
        <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="fork" />
        <bpmn:sequenceFlow id="fb" sourceRef="fork" targetRef="b" />
        <bpmn:sequenceFlow id="fa" sourceRef="fork" targetRef="a" />
        <bpmn:sequenceFlow id="ja" sourceRef="a" targetRef="join" />
        <bpmn:sequenceFlow id="jb" sourceRef="b" targetRef="join" />
        <bpmn:sequenceFlow id="fe" sourceRef="join" targetRef="e" />`),
    );
    expect(model.elements.fork?.outgoing).toEqual(['fb', 'fa']);
    expect(model.elements.join?.incoming).toEqual(['ja', 'jb']);
    expect(model.elements.e?.outgoing).toEqual([]);
  });

  it('is plain JSON, so it can be cached and shared', async () => {
    const model = await compileValid(readFixture('all-elements.bpmn'), 'all-elements');
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });
});
