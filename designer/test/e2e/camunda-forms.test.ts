import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession,
  launchBrowser,
  prepareTeam,
  type RunningServer,
  serverBuilt,
  signIn,
  startServer,
  USER_PASSWORD,
} from './harness.js';

// A Camunda Modeler `.form` file: a reason that shows only when the claim is rejected.
const FORM_FILE = new URL('./fixtures/expense-review.form', import.meta.url);
const formText = readFileSync(FORM_FILE, 'utf8');

/** The same form embedded in a process, as Camunda Modeler saves it. */
function processWithEmbeddedForm(): string {
  const body = formText.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="camunda-review" name="Camunda review" isExecutable="true">
    <bpmn:extensionElements><zeebe:userTaskForm id="UserTaskForm_1">${body}</zeebe:userTaskForm></bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="review" name="Review">
      <bpmn:extensionElements>
        <zeebe:formDefinition formKey="camunda-forms:bpmn:UserTaskForm_1" />
        <zeebe:assignmentDefinition assignee="sam" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;
}

/** A process as a Camunda 7 to 8 migration leaves it: Zeebe extensions beside a `camunda:` attribute. */
function migratedFromCamunda7(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="m" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="migrated-check" name="Migrated check" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="check" name="Check" camunda:asyncBefore="true">
      <bpmn:extensionElements><zeebe:assignmentDefinition assignee="sam" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="dia">
    <bpmndi:BPMNPlane id="plane" bpmnElement="migrated-check">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="check_di" bpmnElement="check"><dc:Bounds x="200" y="78" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="360" y="100" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="300" y="118" /><di:waypoint x="360" y="118" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

/** Whether the reason field shows, after choosing a decision, in the form whose ids start with `prefix`. */
async function reasonShownAfter(
  page: Page,
  scope: string,
  prefix: string,
  decision: string,
): Promise<boolean> {
  await page.locator(scope).getByLabel(decision, { exact: true }).check();
  if (decision === 'Reject') await page.locator(`#${prefix}_reason`).waitFor();
  else await page.locator(`#${prefix}_reason`).waitFor({ state: 'detached' });
  return (await page.locator(`#${prefix}_reason`).count()) === 1;
}

describe.skipIf(!serverBuilt)('Camunda Forms in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('imports a .form file into the form designer, whose preview hides the reason until a rejection', async () => {
    // given a designer on a new form
    const { context, page } = await signIn(browser, server.baseUrl, 'dana');
    await page.goto(`${server.baseUrl}/#/forms/new`);
    await page.locator('[data-testid="import-form-file"]').waitFor();
    // when they import the file
    await page.setInputFiles('[data-testid="import-form-input"]', FORM_FILE.pathname);
    // then it opens in the JSON tab with an id from the file, the spacer reported as skipped
    const notice = page.locator('[data-testid="form-notice"]');
    await expect.poll(() => notice.textContent()).toContain('Imported the Camunda form');
    expect(await notice.textContent()).toContain('Spacer_1 (spacer)');
    expect(await page.inputValue('[data-testid="form-id"]')).toBe('expense-review');
    expect(await page.getAttribute('[data-testid="form-tab-raw"]', 'aria-selected')).toBe('true');
    // and the preview shows the reason only for a rejection
    await page.locator('#preview_amount').waitFor();
    expect(await page.locator('#preview_reason').count()).toBe(0);
    expect(await reasonShownAfter(page, '.designer-preview', 'preview', 'Reject')).toBe(true);
    expect(await reasonShownAfter(page, '.designer-preview', 'preview', 'Approve')).toBe(false);
    // when it is saved
    await page.click('[data-testid="save-form"]');
    await expect.poll(() => notice.textContent()).toContain('version 1');
    await context.close();
  });

  it('refuses a .form file with a component it cannot convert, naming it', async () => {
    // given
    const { context, page } = await signIn(browser, server.baseUrl, 'dana');
    await page.goto(`${server.baseUrl}/#/forms/new`);
    await page.locator('[data-testid="import-form-file"]').waitFor();
    // when
    await page.setInputFiles('[data-testid="import-form-input"]', {
      name: 'frame.form',
      mimeType: 'application/json',
      buffer: Buffer.from(
        JSON.stringify({ type: 'default', components: [{ type: 'iframe', id: 'Frame_1' }] }),
      ),
    });
    // then
    await page.getByText('This file cannot be imported: Frame_1 (iframe)').waitFor();
    expect(await page.inputValue('[data-testid="form-id"]')).toBe('');
    await context.close();
  });

  it('shows the warnings of a file migrated from Camunda 7 on its elements, when checking and when deploying', async () => {
    // given a designer with a migrated file whose task keeps a Camunda 7 attribute
    const { context, page } = await signIn(browser, server.baseUrl, 'dana');
    await page.goto(`${server.baseUrl}/#/modeler/new`);
    await page.locator('[data-testid="modeler-canvas"]').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.setInputFiles('.modeler-page input[type="file"]', {
      name: 'migrated.bpmn',
      mimeType: 'application/xml',
      buffer: Buffer.from(migratedFromCamunda7()),
    });
    await page.locator('.djs-element[data-element-id="check"]').waitFor({ state: 'attached' });
    // when the server checks it
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    // then it is accepted, and the ignored attribute is a warning on the task, not an error
    const notice = page.locator('[data-testid="modeler-notice"]');
    await expect.poll(() => notice.textContent()).toContain('The server accepts this diagram.');
    expect(await notice.textContent()).toContain('1 warning: the server ignores what it names.');
    const warning = page
      .locator('[data-testid="problem-list"] li.problem-warn')
      .filter({ hasText: 'camunda:' });
    await warning.waitFor();
    expect(await warning.locator('[data-testid="problem-element"]').textContent()).toBe('Check');
    const serverErrors = page
      .locator('[data-testid="problem-list"] li.problem-error .problem-source')
      .filter({ hasText: /^server$/ });
    expect(await serverErrors.count()).toBe(0);
    expect(await page.locator('.baton-server-warning').count()).toBe(1);
    // when it is deployed
    await page.click('[data-testid="deploy"]');
    // then the deploy says so too, and the warning stays on the task
    await expect.poll(() => notice.textContent()).toContain('Deployed as version 1.');
    expect(await notice.textContent()).toContain('1 warning');
    await warning.waitFor();
    await context.close();
  });

  it('runs the same form embedded in a process: staff see the reason only when rejecting, and must give it', async () => {
    // given the process deployed with the form embedded, and an instance waiting on sam
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    await dana('POST', '/api/definitions', { xml: processWithEmbeddedForm() });
    const sam = await apiSession(server.baseUrl, 'sam', USER_PASSWORD);
    const instance = await sam<{ id: string }>('POST', '/api/instances', { processId: 'camunda-review' });
    const tasks = await sam<{ items: { id: string }[] }>('GET', `/api/tasks?instanceId=${instance.id}`);
    const taskId = tasks.items[0]?.id;
    // when sam opens the task and rejects without a reason
    const { context, page } = await signIn(browser, server.baseUrl, 'sam');
    await page.goto(`${server.baseUrl}/#/tasks/${taskId}`);
    await page.locator('#task_amount').waitFor();
    expect(await page.locator('#task_reason').count()).toBe(0);
    await page.fill('#task_amount', '120');
    expect(await reasonShownAfter(page, '.task-form, form', 'task', 'Reject')).toBe(true);
    await page.click('[data-testid="complete"]');
    // then the reason is asked for
    await page.locator('.form-group:has(#task_reason) .error-detail').waitFor();
    // when it is given
    await page.fill('#task_reason', 'No receipt attached');
    await page.click('[data-testid="complete"]');
    // then the task is done with the form's data
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/inbox');
    const done = await sam<{ variables: Record<string, unknown> }>('GET', `/api/instances/${instance.id}`);
    expect(done.variables).toMatchObject({ amount: 120, decision: 'reject', reason: 'No receipt attached' });
    await context.close();
  });
});
