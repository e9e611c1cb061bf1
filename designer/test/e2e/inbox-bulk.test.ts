import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession,
  launchBrowser,
  prepareTeam,
  type RunningServer,
  seriousViolations,
  serverBuilt,
  signIn,
  startServer,
  USER_PASSWORD,
} from './harness.js';

/** One task for the person named by `who`, its priority from `prio`, with a form whose headline is `region`. */
const orderProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-bulk" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="e2e-bulk" name="Order check" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="check" name="Check the order">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition assignee="=who" />
        <zeebe:priorityDefinition priority="=prio" />
        <zeebe:formDefinition formId="e2e-bulk-form" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

type TaskPage = {
  total: number;
  items: { id: string; priority: number; variables?: Record<string, unknown> }[];
};

describe.skipIf(!serverBuilt)('bulk completion and saved views by priority and headline in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    browser = await launchBrowser();
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    await dana('POST', '/api/forms', {
      formId: 'e2e-bulk-form',
      name: 'Order check',
      schema: {
        type: 'object',
        properties: { note: { type: 'string', title: 'Note', minLength: 2 } },
        required: ['note'],
      },
      uiSchema: { 'ui:headline': ['region'] },
    });
    await dana('POST', '/api/definitions', { xml: orderProcess });
    const kim = await apiSession(server.baseUrl, 'kim', USER_PASSWORD);
    const orders: [string, string, number, string][] = [
      ['K-1', 'kim', 50, 'north'],
      ['K-2', 'kim', 50, 'south'],
      ['K-3', 'kim', 50, 'east'],
      ['S-N90', 'sam', 90, 'north'],
      ['S-N20', 'sam', 20, 'north'],
      ['S-S90', 'sam', 90, 'south'],
      ['S-N85', 'sam', 85, 'north'],
    ];
    for (const [businessKey, who, prio, region] of orders) {
      await kim('POST', '/api/instances', {
        processId: 'e2e-bulk',
        businessKey,
        variables: { who, prio, region },
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('kim completes three tasks at once with one form (en)', async () => {
    // given kim's three open tasks of the same form
    const kim = await signIn(browser, server.baseUrl, 'kim');
    const rows = kim.page.locator('[data-testid="task-row"]');
    await rows.nth(2).waitFor();
    expect(await rows.count()).toBe(3);

    // when she selects all three and fills the form once
    await kim.page.getByLabel('Select all shown tasks').check();
    await kim.page.getByRole('button', { name: 'Complete selected' }).click();
    const form = kim.page.locator('[data-testid="bulk-form"]');
    await form.waitFor();
    await form.getByLabel('Note').fill('All checked');
    await kim.page.getByRole('button', { name: 'Complete 3 tasks' }).click();

    // then the report says each was done, and her inbox is empty
    await kim.page.locator('[data-testid="bulk-report"]', { hasText: '3 done, 0 refused' }).waitFor();
    expect(await kim.page.locator('[data-testid="bulk-result"][data-ok="true"]').count()).toBe(3);
    await kim.page.locator('[data-testid="count-mine"]', { hasText: '0' }).waitFor();
    expect(await seriousViolations(kim.page)).toEqual([]);
    await kim.context.close();
    const api = await apiSession(server.baseUrl, 'kim', USER_PASSWORD);
    const left = await api<TaskPage>('GET', '/api/tasks?scope=mine&processId=e2e-bulk');
    expect(left.total).toBe(0);
  });

  it('sam saves a view of priority 80 and up in the region north, which shows exactly those tasks (zh)', async () => {
    // given sam's four tasks, two of them north with priority at least 80
    const sam = await signIn(browser, server.baseUrl, 'sam', { locale: 'zh-CN' });
    const rows = sam.page.locator('[data-testid="task-row"]');
    await rows.nth(3).waitFor();

    // when he saves a view narrowed by priority and the headline field "region"
    await sam.page.getByRole('button', { name: '将当前筛选保存为视图' }).click();
    await sam.page.getByLabel('名称', { exact: true }).fill('北区加急');
    await sam.page.getByLabel('优先级从').fill('80');
    await sam.page.getByLabel('标题字段').fill('region');
    await sam.page.getByLabel('值', { exact: true }).fill('north');
    await sam.page.getByRole('button', { name: '保存视图', exact: true }).click();

    // then the list shows exactly the two matching tasks
    await sam.page.locator('[data-testid="view-picker"] option', { hasText: '北区加急' }).waitFor({
      state: 'attached',
    });
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    const keys = (await rows.allTextContents()).map((text) => /S-[A-Z0-9]+/.exec(text)?.[0]).sort();
    expect(keys).toEqual(['S-N85', 'S-N90']);

    // and picking "none", then the view again, brings the same two back
    await sam.page.selectOption('[data-testid="view-picker"]', '');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(4);
    await sam.page.selectOption('[data-testid="view-picker"]', { label: '北区加急' });
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    expect(await seriousViolations(sam.page)).toEqual([]);

    // and the page fits a phone's width
    await sam.page.setViewportSize({ width: 390, height: 800 });
    const overflow = await sam.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await sam.context.close();
  });
});
