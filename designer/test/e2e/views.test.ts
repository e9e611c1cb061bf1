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

/** One task for the staff group. */
const invoiceProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-views" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="e2e-views" name="Invoice check" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="check" name="Check the invoice">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition candidateGroups="staff" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe.skipIf(!serverBuilt)('saved views and bulk actions in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    browser = await launchBrowser();
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    await dana('POST', '/api/definitions', { xml: invoiceProcess });
    const kim = await apiSession(server.baseUrl, 'kim', USER_PASSWORD);
    for (const businessKey of ['INV-1', 'INV-2']) {
      await kim('POST', '/api/instances', { processId: 'e2e-views', businessKey, variables: {} });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sam saves a view shared with staff (en); kim opens it and claims and hands off two tasks at once (zh)', async () => {
    // given sam saves the claimable tasks sorted by priority as a view for his group
    const sam = await signIn(browser, server.baseUrl, 'sam');
    await sam.page.click('[data-testid="tab-claimable"]');
    await sam.page.selectOption('.filters select', 'priority');
    await sam.page.locator('[data-testid="task-row"]').nth(1).waitFor();
    await sam.page.getByRole('button', { name: 'Save this filter as a view' }).click();
    await sam.page.getByLabel('Name', { exact: true }).fill('Team invoices');
    await sam.page.selectOption('[data-testid="view-group"]', 'staff');
    await sam.page.getByRole('button', { name: 'Save view', exact: true }).click();
    await sam.page.locator('[data-testid="view-picker"] option', { hasText: 'Team invoices' }).waitFor({
      state: 'attached',
    });
    expect(await seriousViolations(sam.page)).toEqual([]);
    await sam.context.close();

    // when kim, in the same group, opens it in Chinese
    const kim = await signIn(browser, server.baseUrl, 'kim', { locale: 'zh-CN' });
    const option = kim.page.locator('[data-testid="view-picker"] option', {
      hasText: 'Team invoices（sam 共享）',
    });
    await option.waitFor({ state: 'attached' });
    await kim.page.selectOption('[data-testid="view-picker"]', { label: 'Team invoices（sam 共享）' });

    // then the view's filter is applied: the claimable tab, by priority
    await kim.page.locator('[data-testid="tab-claimable"][aria-selected="true"]').waitFor();
    expect(await kim.page.locator('.filters select').inputValue()).toBe('priority');
    const rows = kim.page.locator('[data-testid="task-row"]');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);

    // when she selects both with the keyboard and claims them together
    for (const index of [0, 1]) {
      await rows.nth(index).locator('[data-testid="task-select"]').focus();
      await kim.page.keyboard.press('Space');
    }
    expect(await kim.page.locator('[data-testid="bulk-actions"]').textContent()).toContain('已选 2 项');
    await kim.page.getByRole('button', { name: '认领所选' }).click();
    const report = kim.page.locator('[data-testid="bulk-report"]');
    await report.waitFor();
    expect(await report.textContent()).toContain('成功 2 项，被拒绝 0 项');

    // and hands both off to sam from her own tasks
    await kim.page.click('[data-testid="tab-mine"]');
    await rows.nth(1).waitFor();
    await kim.page.getByLabel('选择显示的全部任务').check();
    await kim.page.getByRole('button', { name: '转交所选' }).click();
    await kim.page.getByLabel('转交给用户').fill('sam');
    await kim.page.getByLabel('原因', { exact: true }).fill('休假');
    await kim.page.getByRole('button', { name: '转交', exact: true }).click();
    await kim.page.locator('[data-testid="bulk-report"]', { hasText: '成功 2 项' }).waitFor();
    expect(await kim.page.locator('[data-testid="bulk-result"][data-ok="true"]').count()).toBe(2);
    expect(await seriousViolations(kim.page)).toEqual([]);
    await kim.context.close();

    // then both are sam's
    const samApi = await apiSession(server.baseUrl, 'sam', USER_PASSWORD);
    const mine = await samApi<{ total: number; items: { assignee: string }[] }>(
      'GET',
      '/api/tasks?scope=mine&processId=e2e-views',
    );
    expect(mine.total).toBe(2);
  });
});
