import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { DefinitionInvalidError, MessageNotCorrelatedError } from '../../src/errors.js';
import { SYSTEM } from '../../src/identity.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';

const fixture = readFileSync(new URL('../fixtures/rt-instantiate.bpmn', import.meta.url), 'utf8');

/** A file with one process `p` holding `body`, and `roots` beside it. */
const file = (body: string, roots = '') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true">${body}</bpmn:process>${roots}
</bpmn:definitions>`;

describe.each(databases())('instantiating receive tasks and event-based gateways on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
    await engine.deploy(fixture);
  });

  it('starts the process on the message of an instantiating receive task, which completes at once', async () => {
    // when
    const { instanceId } = await engine.correlateMessage(
      { name: 'order-placed', variables: { item: 'ab-1' } },
      SYSTEM,
    );
    // then: the receive task completed with the message (its output mapping ran) and the next task waits
    const instance = await engine.getInstance(instanceId as string);
    expect(instance.processId).toBe('order-intake');
    expect(instance.activeElements).toEqual({ pack: 1 });
    expect(instance.variables).toMatchObject({ item: 'ab-1', itemCode: 'AB-1' });
    const history = await engine.getHistory(instanceId as string);
    expect(history.find((e) => e.type === 'element.completed')?.elementId).toBe('receive-order');
    // and each message starts another instance
    const second = await engine.correlateMessage({ name: 'order-placed', variables: { item: 'x' } }, SYSTEM);
    expect(second.instanceId).not.toBe(instanceId);
  });

  it('starts the process on the first message after an instantiating gateway; the other event is not armed', async () => {
    // when
    const { instanceId } = await engine.correlateMessage(
      { name: 'claim-by-phone', variables: { caller: 'Li' } },
      SYSTEM,
    );
    // then
    const instance = await engine.getInstance(instanceId as string);
    expect(instance.processId).toBe('claim-intake');
    expect(instance.activeElements).toEqual({ 'call-back': 1 });
    expect(instance.variables).toMatchObject({ caller: 'Li' });
    const completed = (await engine.getHistory(instanceId as string))
      .filter((e) => e.type === 'element.completed')
      .map((e) => e.elementId);
    expect(completed).toEqual(['which-channel', 'by-phone']);
    // and the mail message is no subscription of that instance: it starts a new one instead
    const mail = await engine.correlateMessage({ name: 'claim-by-mail' }, SYSTEM);
    expect(mail.instanceId).not.toBe(instanceId);
    expect((await onlyOpenTask(engine, mail.instanceId as string)).elementId).toBe('read-letter');
    expect((await engine.getInstance(instanceId as string)).activeElements).toEqual({ 'call-back': 1 });
  });

  it('keeps the message start of the latest version only', async () => {
    // given a second version without the instantiating receive task's message
    await engine.deploy(fixture.replace('name="order-placed"', 'name="order-placed-v2"'));
    // when / then
    await expect(engine.correlateMessage({ name: 'order-placed' }, SYSTEM)).rejects.toBeInstanceOf(
      MessageNotCorrelatedError,
    );
    const { instanceId } = await engine.correlateMessage(
      { name: 'order-placed-v2', variables: { item: 'q' } },
      SYSTEM,
    );
    expect((await engine.getInstance(instanceId as string)).activeElements).toEqual({ pack: 1 });
  });

  it('starts a process on any one of the messages and signals of a multiple start event', async () => {
    // given
    await engine.deploy(
      file(
        `<bpmn:startEvent id="any"><bpmn:messageEventDefinition messageRef="m1" /><bpmn:messageEventDefinition messageRef="m2" /><bpmn:signalEventDefinition signalRef="s1" /></bpmn:startEvent>
         <bpmn:userTask id="triage" /><bpmn:endEvent id="e" />
         <bpmn:sequenceFlow id="f1" sourceRef="any" targetRef="triage" /><bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="e" />`,
        '<bpmn:message id="m1" name="by-form" /><bpmn:message id="m2" name="by-mail" /><bpmn:signal id="s1" name="audit-day" />',
      ),
    );
    // when
    const first = await engine.correlateMessage({ name: 'by-form', variables: { via: 'form' } }, SYSTEM);
    const second = await engine.correlateMessage({ name: 'by-mail', variables: { via: 'mail' } }, SYSTEM);
    await engine.broadcastSignal({ name: 'audit-day' }, SYSTEM);
    // then
    for (const { instanceId } of [first, second]) {
      const instance = await engine.getInstance(instanceId as string);
      expect(instance.processId).toBe('p');
      expect(instance.activeElements).toEqual({ triage: 1 });
    }
    expect((await engine.getInstance(second.instanceId as string)).variables).toMatchObject({ via: 'mail' });
    const all = (await engine.listInstances({ processId: 'p' })).items;
    expect(all).toHaveLength(3);
    for (const instance of all) expect(instance.status).toBe('active');
  });

  it('rejects at deploy an instantiating receive task with an incoming flow, a timer after an instantiating gateway, and a parallel event-based gateway', async () => {
    const deployIssues = async (xml: string) => {
      try {
        await engine.deploy(xml);
      } catch (error) {
        if (error instanceof DefinitionInvalidError)
          return error.issues.map((issue) => `${issue.elementId} ${issue.code}`);
        throw error;
      }
      return [];
    };
    expect(
      await deployIssues(
        file(
          `<bpmn:startEvent id="s" /><bpmn:receiveTask id="r" instantiate="true" messageRef="m" /><bpmn:endEvent id="e" />
           <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="r" /><bpmn:sequenceFlow id="f2" sourceRef="r" targetRef="e" />`,
          '<bpmn:message id="m" name="go" />',
        ),
      ),
    ).toEqual(['r flow.incoming-invalid']);
    expect(
      await deployIssues(
        file(
          `<bpmn:eventBasedGateway id="g" instantiate="true" />
           <bpmn:intermediateCatchEvent id="msg"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
           <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
           <bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />
           <bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="msg" /><bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="wait" />
           <bpmn:sequenceFlow id="f3" sourceRef="msg" targetRef="e1" /><bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="e2" />`,
          '<bpmn:message id="m" name="go" />',
        ),
      ),
    ).toEqual(['wait gateway.target-invalid']);
    const parallel = await deployIssues(
      fixture.replace(
        'id="which-channel" instantiate="true"',
        'id="which-channel" instantiate="true" eventGatewayType="Parallel"',
      ),
    );
    expect(parallel).toEqual(['which-channel element.unsupported']);
  });
});
