import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  apiSession,
  launchBrowser,
  prepareTeam,
  type RunningServer,
  serverBuilt,
  signIn,
  startServer,
} from './harness.js';

// The modeler follows the app's language: palette, context pad and properties panel in 中文.
describe.skipIf(!serverBuilt)('the modeler in Chinese', () => {
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

  it('switches the open modeler to Chinese and keeps the diagram being drawn', async () => {
    // given dana drew a task in the English modeler
    const { context, page } = await signIn(browser, server.baseUrl, 'dana');
    await page.goto(`${server.baseUrl}/#/modeler/new`);
    const createTask = page.locator('.djs-palette [data-action="create.task"]');
    expect(await createTask.getAttribute('aria-label')).toBe('Create task');
    await page.locator('.djs-element[data-element-id="StartEvent_1"]').click();
    await page.click('.djs-context-pad [data-action="append.append-task"]');
    const task = page.locator('.djs-shape[data-element-id^="Activity_"]').first();
    await task.waitFor({ state: 'attached' });
    const taskId = await task.getAttribute('data-element-id');

    // when she switches the app to Chinese
    await page.selectOption('.topbar .lang-switch', 'zh');

    // then the palette, the context pad and the properties panel speak Chinese, and the task is still there
    await expect.poll(() => createTask.getAttribute('aria-label')).toBe('创建任务');
    await page.locator(`.djs-element[data-element-id="${taskId}"]`).click();
    expect(await page.locator('.djs-context-pad [data-action="append.gateway"]').getAttribute('title')).toBe(
      '追加网关',
    );
    await page.locator('.bio-properties-panel-group-header-title', { hasText: '常规' }).first().waitFor();
    await context.close();
  });

  it('offers the variable names and events of a conditional filter, and the engine takes what it writes', async () => {
    // given a deployed process that waits at a conditional catch event
    const admin = await apiSession(server.baseUrl, 'admin', ADMIN_PASSWORD);
    await admin('POST', '/api/definitions', {
      xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs-cf" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="cond-panel" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">=ready = true</bpmn:condition></bpmn:conditionalEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="cond-panel">
    <bpmndi:BPMNShape id="s1" bpmnElement="start"><dc:Bounds x="150" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s2" bpmnElement="wait"><dc:Bounds x="250" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s3" bpmnElement="end"><dc:Bounds x="350" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="e1" bpmnElement="f1"><di:waypoint x="186" y="118" /><di:waypoint x="250" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="e2" bpmnElement="f2"><di:waypoint x="286" y="118" /><di:waypoint x="350" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`,
    });
    // when dana opens it, selects the catch event and opens its condition
    const { context, page } = await signIn(browser, server.baseUrl, 'dana');
    await page.goto(`${server.baseUrl}/#/modeler/cond-panel`);
    await page.locator('.djs-element[data-element-id="wait"]').click();
    const header = page.locator('.bio-properties-panel-group-header', { hasText: 'Condition' }).first();
    await header.waitFor();
    if (!(await header.getAttribute('class'))?.includes('open')) await header.click();
    // then both halves of the filter are offered
    const names = page.locator('#bio-properties-panel-conditionalFilter-variableNames');
    await names.waitFor();
    expect(
      await page.locator('.bio-properties-panel-group', { hasText: 'Variable events' }).count(),
    ).toBeGreaterThan(0);
    // when she names two variables, ticks Update and deploys
    await names.fill('ready, approved');
    await page.locator('.bio-properties-panel-checkbox', { hasText: 'Update' }).locator('input').check();
    await page.waitForTimeout(500);
    await page.click('[data-testid="deploy"]');
    await expect
      .poll(() => page.locator('[data-testid="modeler-notice"]').textContent(), { timeout: 20_000 })
      .toContain('version 2');
    await context.close();
    // then the engine took the filter as written
    const list = await admin<{ items: { id: string; version: number }[] }>(
      'GET',
      '/api/definitions?processId=cond-panel',
    );
    const latest = list.items.find((d) => d.version === 2);
    const { xml } = await admin<{ xml: string }>('GET', `/api/definitions/${latest?.id}`);
    expect(xml).toMatch(/<zeebe:conditionalFilter[^>]*variableNames="ready,approved"/);
    expect(xml).toMatch(/<zeebe:conditionalFilter[^>]*variableEvents="update"/);
  });
});
