import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

/** A file migrated from Camunda 7: `camunda:*` attributes and extensions beside the Zeebe ones. */
const migrated = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="defs-migrated" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="migrated" isExecutable="true" camunda:historyTimeToLive="180">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="sign" camunda:assignee="ann">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition assignee="ann" />
        <camunda:taskListener event="create" class="x" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sign" />
    <bpmn:sequenceFlow id="f2" sourceRef="sign" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe.each(dialects())('deploy warnings on %s', (dialect) => {
  let t: TestApp;
  let dana: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    dana = await t.userSession('dana', ['designer']);
  });
  afterAll(async () => t?.close());

  it('validates and deploys a Camunda 7 file, naming each ignored attribute as a warning', async () => {
    const checked = await t.call(dana, {
      method: 'POST',
      url: '/api/definitions/validate',
      payload: { xml: migrated },
    });
    expect(checked.statusCode).toBe(200);
    expect(checked.json().issues).toEqual([]);
    const warned = JSON.stringify(checked.json().warnings);
    expect(warned).toContain('camunda:historyTimeToLive');
    expect(warned).toContain('camunda:assignee');
    const deployed = await t.call(dana, {
      method: 'POST',
      url: '/api/definitions',
      payload: { xml: migrated },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    expect(deployed.json().warnings.every((w: { severity: string }) => w.severity === 'warning')).toBe(true);
    expect(deployed.json().warnings.map((w: { elementId: string }) => w.elementId)).toContain('sign');
  });
});
