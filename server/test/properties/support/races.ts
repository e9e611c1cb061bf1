import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Harness } from './harness.js';
import { SYSTEM, systemIdentity } from '@baton/engine';

const NS =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';

/** One user task for the staff group, guarded by an interrupting one-minute timer that escalates. */
export const RACE_PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d-race" targetNamespace="urn:test">
  <bpmn:message id="m-paid" name="paid"><bpmn:extensionElements><zeebe:subscription correlationKey="=orderId" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="race" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="work" name="Work">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="staff" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="late" attachedToRef="work" cancelActivity="true">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:userTask id="escalated" name="Escalated">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="staff" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:intermediateCatchEvent id="wait-paid"><bpmn:messageEventDefinition messageRef="m-paid" /></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="ship" name="Ship">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="staff" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:endEvent id="end-late" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="wait-paid" />
    <bpmn:sequenceFlow id="f3" sourceRef="wait-paid" targetRef="ship" />
    <bpmn:sequenceFlow id="f4" sourceRef="ship" targetRef="end" />
    <bpmn:sequenceFlow id="f5" sourceRef="late" targetRef="escalated" />
    <bpmn:sequenceFlow id="f6" sourceRef="escalated" targetRef="end-late" />
  </bpmn:process>
</bpmn:definitions>`;

const ok = (status: number) => status >= 200 && status < 300;

async function openTask(h: Harness, instanceId: string, elementId: string): Promise<string> {
  const tasks = await h.engine.listTasks({ instanceId, state: 'created' });
  const task = tasks.items.find((t) => t.elementId === elementId);
  if (!task) throw new Error(`no open ${elementId} task in ${instanceId}`);
  return task.id;
}

async function taskRows(h: Harness, instanceId: string) {
  const rows = await sql<{ element_id: string; state: string; token_id: string }>`
    select element_id, state, token_id from user_tasks where instance_id = ${instanceId}::uuid`.execute(h.db);
  return rows.rows;
}

/** Two concurrent completions of one task: exactly one wins, the other gets 409, the token moves once. */
export async function doubleCompletionTrial(
  h: Harness,
  headers: Record<string, string>,
  orderId: string,
): Promise<void> {
  const instance = await h.engine.startInstance({ processId: 'race', variables: { orderId } }, SYSTEM);
  const taskId = await openTask(h, instance.id, 'work');
  const complete = () =>
    h.inject({
      method: 'POST',
      url: `/api/tasks/${taskId}/complete`,
      headers,
      payload: { variables: { by: orderId } },
    });
  const results = await Promise.all([complete(), complete()]);
  const statuses = results.map((r) => r.statusCode).sort();
  expect(statuses.filter(ok), `statuses ${statuses}: ${results.map((r) => r.body).join(' / ')}`).toHaveLength(
    1,
  );
  expect(
    statuses.filter((s) => s === 409),
    `statuses ${statuses}`,
  ).toHaveLength(1);
  const detail = await h.engine.getInstance(instance.id);
  expect(detail.activeElements).toEqual({ 'wait-paid': 1 });
  const completed = (await h.engine.getHistory(instance.id)).filter(
    (e) => e.type === 'task.completed' || (e.type === 'element.completed' && e.elementId === 'work'),
  );
  expect(new Set(completed.map((e) => e.type)).size).toBe(completed.length);
}

/** Two concurrent correlations of one message to one waiting instance: one is delivered, the token moves once. */
export async function doubleCorrelationTrial(
  h: Harness,
  headers: Record<string, string>,
  orderId: string,
): Promise<void> {
  const instance = await h.engine.startInstance({ processId: 'race', variables: { orderId } }, SYSTEM);
  await h.engine.completeTask(await openTask(h, instance.id, 'work'), {}, systemIdentity('alice'));
  const correlate = () =>
    h.inject({
      method: 'POST',
      url: '/api/messages',
      headers,
      payload: { name: 'paid', correlationKey: orderId },
    });
  const results = await Promise.all([correlate(), correlate()]);
  const statuses = results.map((r) => r.statusCode).sort();
  expect(statuses.filter(ok), `statuses ${statuses}: ${results.map((r) => r.body).join(' / ')}`).toHaveLength(
    1,
  );
  expect(
    statuses.every((s) => ok(s) || s === 404 || s === 409),
    `statuses ${statuses}: ${results.map((r) => r.body).join(' / ')}`,
  ).toBe(true);
  expect((await h.engine.getInstance(instance.id)).activeElements).toEqual({ ship: 1 });
  expect((await taskRows(h, instance.id)).filter((t) => t.element_id === 'ship')).toHaveLength(1);
}

/** The boundary timer fires while the task is being completed: exactly one of the two takes effect. */
export async function timerVersusCompletionTrial(
  h: Harness,
  headers: Record<string, string>,
  orderId: string,
): Promise<'completed' | 'escalated'> {
  const instance = await h.engine.startInstance({ processId: 'race', variables: { orderId } }, SYSTEM);
  const taskId = await openTask(h, instance.id, 'work');
  h.clock.advance(61_000);
  const [completion] = await Promise.all([
    h.inject({ method: 'POST', url: `/api/tasks/${taskId}/complete`, headers, payload: { variables: {} } }),
    h.engine.runDueJobs(),
  ]);
  const active = (await h.engine.getInstance(instance.id)).activeElements;
  const tasks = await taskRows(h, instance.id);
  const work = tasks.find((t) => t.element_id === 'work');
  const escalated = tasks.filter((t) => t.element_id === 'escalated');
  if (ok(completion.statusCode)) {
    // the completion won: the timer must have done nothing
    expect(work?.state).toBe('completed');
    expect(escalated).toHaveLength(0);
    expect(active).toEqual({ 'wait-paid': 1 });
    return 'completed';
  }
  // the timer won: the completion was refused and the task cancelled
  expect([404, 409], completion.body).toContain(completion.statusCode);
  expect(work?.state).toBe('cancelled');
  expect(escalated).toHaveLength(1);
  expect(active).toEqual({ escalated: 1 });
  return 'escalated';
}
