import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession,
  launchBrowser,
  prepareTeam,
  type RunningServer,
  screenshotDir,
  serverBuilt,
  shoot,
  signIn,
  startServer,
  USER_PASSWORD,
} from './harness.js';

const FORM_ID = 'e2e-expense';
const TASK_NAME = 'Approve expense';

async function clickElement(page: Page, elementId: string): Promise<void> {
  await page.locator(`.djs-element[data-element-id="${elementId}"]`).first().click();
}

async function selectedElementId(page: Page): Promise<string> {
  return page.locator('.djs-element.selected').first().getAttribute('data-element-id') as Promise<string>;
}

// Drives the built app against the real server process; skipped only when the server is not built.
describe.skipIf(!serverBuilt)('Baton web app in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let processId = '';

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets a designer build a form, draw a process with a user task, link the form and deploy', async () => {
    // given a designer signed in
    const { context, page } = await signIn(browser, server.baseUrl, 'dana', { screenshot: 'login' });

    // when they build a form with a bounded, required number and a required text
    await page.goto(`${server.baseUrl}/#/forms/new`);
    await page.fill('[data-testid="form-id"]', FORM_ID);
    await page.fill('[data-testid="form-name"]', 'Expense approval');
    await page.click('[data-testid="add-number"]');
    const amount = page.locator('.field-card').nth(0);
    await amount.locator('[data-testid="field-key"]').fill('amount');
    await amount.locator('[data-testid="field-title"]').fill('Amount');
    await amount.locator('[data-testid="field-min"]').fill('1');
    await amount.locator('[data-testid="field-max"]').fill('1000');
    await amount.locator('[data-testid="field-required"]').check();
    await page.click('[data-testid="add-text"]');
    const purpose = page.locator('.field-card').nth(1);
    await purpose.locator('[data-testid="field-key"]').fill('purpose');
    await purpose.locator('[data-testid="field-title"]').fill('Purpose');
    await purpose.locator('[data-testid="field-required"]').check();
    await page.locator('.designer-preview #preview_amount').waitFor();
    await shoot(page, 'form-designer', { fullPage: true });
    await page.click('[data-testid="save-form"]');
    await expect.poll(() => page.locator('[data-testid="form-notice"]').textContent()).toContain('version 1');

    // and draws start -> user task -> end in the modeler
    await page.goto(`${server.baseUrl}/#/modeler/new`);
    await page.locator('.djs-element[data-element-id="StartEvent_1"]').waitFor();
    await clickElement(page, 'StartEvent_1');
    await page.click('.djs-context-pad [data-action="append.append-task"]');
    await page.keyboard.type(TASK_NAME);
    await page.locator('[data-testid="modeler-canvas"]').click({ position: { x: 600, y: 500 } });
    const taskId = await page.evaluate(() => {
      const shapes = [...document.querySelectorAll('.djs-shape[data-element-id^="Activity_"]')];
      return shapes[0]?.getAttribute('data-element-id') ?? '';
    });
    expect(taskId).not.toBe('');
    await clickElement(page, taskId);
    await page.click('.djs-context-pad [data-action="replace"]');
    // every task the engine runs is offered, business rule tasks (DMN decisions) included
    await page.locator('.djs-popup [data-id="replace-with-user-task"]').waitFor();
    expect(await page.locator('.djs-popup [data-id="replace-with-rule-task"]').count()).toBe(1);
    await page.click('.djs-popup [data-id="replace-with-user-task"]');
    const userTaskId = await selectedElementId(page);

    // assign it to sam in the Zeebe properties panel
    await page.click('[data-group-id="group-assignmentDefinition"] .bio-properties-panel-group-header');
    await page.fill('#bio-properties-panel-assignmentDefinitionAssignee', 'sam');
    // leave the field so the panel commits it now, not on the next click
    await page.keyboard.press('Tab');
    await page.waitForTimeout(400);
    // link the form through Baton's picker
    await page.selectOption('[data-testid="form-link"]', FORM_ID);
    expect(await selectedElementId(page)).toBe(userTaskId);
    // the form link re-renders the side panel; let the context pad settle before appending
    await expect.poll(() => page.inputValue('[data-testid="form-link"]')).toBe(FORM_ID);
    await page.waitForTimeout(300);
    await page.click('.djs-context-pad [data-action="append.end-event"]');
    await page.locator('.djs-shape[data-element-id^="Event_"]').first().waitFor({ state: 'attached' });
    await page.locator('[data-testid="modeler-canvas"]').click({ position: { x: 600, y: 500 } });

    // then deploying succeeds and the route names the new process
    await page.click('[data-testid="deploy"]');
    await expect
      .poll(() => page.locator('[data-testid="modeler-notice"]').textContent(), { timeout: 20_000 })
      .toContain('version 1');
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/^#\/modeler\/Process_/);
    processId = decodeURIComponent(
      (await page.evaluate(() => window.location.hash)).replace('#/modeler/', '').split('?')[0]!,
    );
    await page.locator('.djs-element[data-element-id="StartEvent_1"]').waitFor();
    await shoot(page, 'modeler');

    // and two instances can be started from the start page: the form is put away after the
    // first, so a second start is a deliberate "start another"
    await page.goto(`${server.baseUrl}/#/start/${encodeURIComponent(processId)}`);
    await page.click('[data-testid="start-submit"]');
    await page.locator('[data-testid="started"]').waitFor();
    await page.click('[data-testid="start-again"]');
    await page.click('[data-testid="start-submit"]');
    await expect.poll(() => page.locator('[data-testid="started"]').count()).toBe(1);

    // and a built-in template's start form renders for the screenshot
    await page.goto(`${server.baseUrl}/#/start/work-request`);
    await page.locator('[data-testid="start-submit"]').waitFor();
    await page.locator('form .form-group input, form .form-group textarea').first().waitFor();
    await shoot(page, 'start');
    await context.close();
  });

  it('shows staff the task in the inbox, rejects bad data on its field, then completes it', async () => {
    // given sam signed in
    const { context, page } = await signIn(browser, server.baseUrl, 'sam');

    // when the app is loaded afresh (first load: navigation start -> inbox rendered), in a new
    // browser context with sam's cookie but an empty HTTP cache, as a first visit would be
    const bpmnRequests: string[] = [];
    const coldContext = await browser.newContext({ storageState: await context.storageState() });
    const fresh = await coldContext.newPage();
    fresh.on('request', (r) => {
      if (/ModelerPage|NavigatedViewer|DiagramViewer|SchemaForm/.test(r.url())) bpmnRequests.push(r.url());
    });
    await fresh.goto(`${server.baseUrl}/#/inbox`);
    await fresh.locator('[data-testid="task-row"]').first().waitFor();
    const firstLoadMs = await fresh.evaluate(() => Math.round(performance.now()));
    console.log(`first load (navigation start -> inbox rendered): ${firstLoadMs} ms`);
    mkdirSync(screenshotDir, { recursive: true });
    writeFileSync(
      join(screenshotDir, 'first-load.json'),
      `${JSON.stringify({ firstLoadMs, measuredAt: new Date().toISOString(), database: 'embedded PGlite', browser: 'Debian chromium, headless', httpCache: 'empty' }, null, 2)}\n`,
    );
    // The 2 s target is a benchmark figure (docs/BENCHMARKS.md), not a timed assertion: this
    // machine is shared and noisy. What must hold every time: the inbox loads no diagram or form code.
    expect(bpmnRequests).toEqual([]);
    await coldContext.close();

    // then both tasks are in "My tasks"
    await page.goto(`${server.baseUrl}/#/inbox`);
    await expect.poll(() => page.locator('[data-testid="task-row"]').count()).toBe(2);
    expect(await page.locator('[data-testid="count-mine"]').textContent()).toBe('2');
    await shoot(page, 'inbox');

    // when sam opens one and submits an amount above the maximum
    await page.locator('[data-testid="task-row"] a').first().click();
    await page.locator('#task_amount').waitFor();
    const completions: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/complete')) completions.push(request.url());
    });
    await page.fill('#task_amount', '5000');
    await page.fill('#task_purpose', 'Team offsite');
    await page.click('[data-testid="complete"]');

    // then the browser's own validation (under the server's CSP) puts Ajv's wording on the field,
    // and nothing is sent
    const fieldError = page.locator('.form-group:has(#task_amount) .error-detail');
    await expect.poll(() => fieldError.textContent()).toContain('must be <= 1000');
    expect(completions).toEqual([]);
    await page.locator('[data-testid="diagram"] .djs-element.baton-highlight').first().waitFor();
    await shoot(page, 'task');

    // when the amount is fixed
    await page.fill('#task_amount', '250');
    await page.click('[data-testid="complete"]');

    // then the task leaves the inbox
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/inbox');
    await expect.poll(() => page.locator('[data-testid="task-row"]').count()).toBe(1);
    await context.close();
  });

  it('hands a task off to another person, who then finds it in their inbox', async () => {
    // given kim has nothing and sam has one task
    const kim = await signIn(browser, server.baseUrl, 'kim');
    await kim.page.goto(`${server.baseUrl}/#/inbox`);
    await kim.page.locator('[data-testid="count-mine"]').waitFor();
    await expect.poll(() => kim.page.locator('[data-testid="count-mine"]').textContent()).toBe('0');
    const sam = await signIn(browser, server.baseUrl, 'sam');
    await sam.page.goto(`${server.baseUrl}/#/inbox`);
    await sam.page.locator('[data-testid="task-row"] a').first().click();

    // when sam hands it off to kim with a reason
    await sam.page.click('[data-testid="open-handoff"]');
    await sam.page
      .locator('[data-testid="action-target"] option[value="kim"]')
      .waitFor({ state: 'attached' });
    await sam.page.selectOption('[data-testid="action-target"]', 'kim');
    await sam.page.fill('[data-testid="action-reason"]', 'Kim owns this budget');
    await sam.page.click('[data-testid="action-submit"]');
    // then the task leaves sam's hands
    await expect.poll(() => sam.page.evaluate(() => window.location.hash)).toBe('#/inbox');
    await expect.poll(() => sam.page.locator('[data-testid="count-mine"]').textContent()).toBe('0');

    // and kim's open inbox updates live (server-sent events) and shows the task
    await expect
      .poll(() => kim.page.locator('[data-testid="count-mine"]').textContent(), { timeout: 15_000 })
      .toBe('1');
    await kim.page.locator('[data-testid="task-row"]').first().waitFor();
    expect(await kim.page.locator('[data-testid="task-row"]').first().textContent()).toContain(TASK_NAME);
    await kim.context.close();
    await sam.context.close();
  });

  it('shows a manager the instance with its completed path and timeline, and the KPIs', async () => {
    // given maya signed in
    const { context, page } = await signIn(browser, server.baseUrl, 'maya');

    // when she opens the completed instance
    await page.goto(`${server.baseUrl}/#/instances`);
    await expect.poll(() => page.locator('[data-testid="instance-row"]').count()).toBeGreaterThanOrEqual(2);
    await shoot(page, 'instances');
    await page.selectOption('select[aria-label="State"]', 'completed');
    await expect.poll(() => page.locator('[data-testid="instance-row"]').count()).toBe(1);
    await page.locator('[data-testid="instance-row"] a').first().click();

    // then the diagram marks the path taken and the timeline tells who completed what
    await page
      .locator('[data-testid="diagram"] .djs-connection.baton-done')
      .first()
      .waitFor({ state: 'attached' });
    expect(
      await page.locator('[data-testid="diagram"] .djs-element.baton-done').count(),
    ).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('[data-testid="timeline"]').textContent()).toContain('sam');
    expect(await page.locator('[data-testid="timeline"]').textContent()).toContain('Completed');
    // the timeline names the task, not its generated id (the id stays as a tooltip)
    await expect.poll(() => page.locator('[data-testid="timeline"]').textContent()).toContain(TASK_NAME);
    await expect.poll(() => page.locator('[data-testid="timeline"]').textContent()).not.toMatch(/Activity_/);
    await shoot(page, 'instance', { fullPage: true });

    // and the KPI page draws its charts and heat map
    await page.goto(`${server.baseUrl}/#/kpis/${encodeURIComponent(processId)}`);
    await page.locator('[data-testid="kpis"]').waitFor();
    await page.locator('[data-testid="diagram"] .djs-element').first().waitFor({ state: 'attached' });
    await shoot(page, 'kpis');

    // and the template gallery lists the built-in templates
    await page.goto(`${server.baseUrl}/#/templates`);
    await page.locator('[data-testid="template-card"]').first().waitFor();
    await page
      .locator('[data-testid="template-card"] [data-testid="diagram"] .djs-element')
      .first()
      .waitFor({ state: 'attached' });
    await shoot(page, 'templates');
    await context.close();
  });

  it('renders the Chinese UI, chosen from the browser language and remembered', async () => {
    // given kim holds a task (started by dana, reassigned by the manager)
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    const maya = await apiSession(server.baseUrl, 'maya', USER_PASSWORD);
    const started = await dana<{ id: string }>('POST', '/api/instances', {
      processId,
      businessKey: '差旅报销',
    });
    const tasks = await maya<{ items: { id: string }[] }>(
      'GET',
      `/api/tasks?scope=all&instanceId=${started.id}`,
    );
    await maya('POST', `/api/tasks/${tasks.items[0]?.id}/assign`, { user: 'kim' });
    // and a browser that prefers Simplified Chinese
    const { context, page } = await signIn(browser, server.baseUrl, 'kim', { locale: 'zh-CN' });

    // when the inbox loads
    await page.goto(`${server.baseUrl}/#/inbox`);

    // then the navigation and the inbox speak Chinese, and the list shows kim's tasks
    await expect.poll(() => page.locator('.nav').textContent()).toContain('待办');
    expect(await page.locator('[data-testid="tab-mine"]').textContent()).toContain('我的任务');
    await page.locator('[data-testid="task-row"]').first().waitFor();
    expect(await page.locator('.loading').count()).toBe(0);
    await shoot(page, 'inbox-zh');

    // when the user switches to English, the choice survives a reload
    await page.selectOption('.lang-switch', 'en');
    await page.reload();
    await expect.poll(() => page.locator('.nav').textContent()).toContain('Inbox');
    await context.close();
  });
});
