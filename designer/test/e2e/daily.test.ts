import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession,
  designerDir,
  launchBrowser,
  prepareTeam,
  type RunningServer,
  serverBuilt,
  signIn,
  startServer,
  USER_PASSWORD,
  seriousViolations,
} from './harness.js';
import { splitWithoutConditions } from './daily-fixtures.js';

type Call = Awaited<ReturnType<typeof apiSession>>;
interface TaskRow {
  id: string;
  elementId: string;
  assignee: string | null;
  delegated: boolean;
}

const fixture = (name: string) => readFileSync(join(designerDir, 'test/e2e/fixtures', name), 'utf8');

/** One step any member of "staff" may claim. */
const claimable = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-pool" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="e2e-pool" name="Pool request" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="Task_pick" name="Pick up the request with a rather long name">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition candidateGroups="staff" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_pick" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_pick" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** One step for sam with a form of one text field. */
const withForm = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-note" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="e2e-note" name="Note request" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="Task_note" name="Write the note">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition assignee="sam" />
        <zeebe:formDefinition formId="e2e-note-form" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_note" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_note" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

// The daily path of staff, designers and managers: finishing delegated work, a session that ends,
// being told of hand-offs, not losing a diagram, a phone-sized screen, and the main pages for
// keyboard and screen reader users.
describe.skipIf(!serverBuilt)('Baton daily use in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let sam: Call;
  let dana: Call;
  let maya: Call;

  const start = async (processId: string) =>
    (await sam<{ id: string }>('POST', '/api/instances', { processId, variables: {} })).id;
  /** The open task of an instance, as the manager sees it. */
  const openTask = async (instanceId: string) => {
    const page = await maya<{ items: TaskRow[] }>('GET', `/api/tasks?scope=all&instanceId=${instanceId}`);
    const task = page.items[0];
    if (!task) throw new Error(`no open task in ${instanceId}`);
    return task;
  };

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    browser = await launchBrowser();
    dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    await dana('POST', '/api/definitions', { xml: fixture('review-approve.bpmn') });
    await dana('POST', '/api/definitions', { xml: claimable });
    await dana('POST', '/api/forms', {
      formId: 'e2e-note-form',
      name: 'Note',
      schema: { type: 'object', properties: { note: { type: 'string', title: 'Note' } } },
    });
    await dana('POST', '/api/definitions', { xml: withForm });
    sam = await apiSession(server.baseUrl, 'sam', USER_PASSWORD);
    maya = await apiSession(server.baseUrl, 'maya', USER_PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets the delegate resolve a delegated task with their data, and it goes back to its owner', async () => {
    // given sam delegated his task to kim
    const instanceId = await start('e2e-note');
    const task = await openTask(instanceId);
    await sam('POST', `/api/tasks/${task.id}/delegate`, { toUser: 'kim', reason: 'Please fill it in' });
    const { context, page } = await signIn(browser, server.baseUrl, 'kim');

    // when kim opens it: Resolve instead of Complete
    await page.goto(`${server.baseUrl}/#/tasks/${task.id}`);
    await page.locator('[data-testid="resolve"]').waitFor();
    expect(await page.locator('[data-testid="complete"]').isVisible()).toBe(false);
    // and she fills the form, saves it and resolves
    await page.fill('input[id$="note"]', 'Checked with the customer');
    await page.click('[data-testid="save-draft"]');
    await page.locator('.alert-info[role="status"]').waitFor();
    await page.click('[data-testid="resolve"]');

    // then the task is sam's again with kim's note, and kim is back in her inbox
    await page.locator('[data-testid="inbox"]').waitFor();
    const after = await maya<TaskRow & { draft: Record<string, unknown> | null }>(
      'GET',
      `/api/tasks/${task.id}`,
    );
    expect(after).toMatchObject({
      assignee: 'sam',
      delegated: false,
      draft: { note: 'Checked with the customer' },
    });
    await context.close();
  });

  it('sends a user whose session expired to the login page and back to where they were', async () => {
    for (const [locale, message] of [
      ['en-US', 'Your session has expired'],
      ['zh-CN', '登录已过期'],
    ] as const) {
      // given sam works on a task page
      const instanceId = await start('e2e-review');
      const task = await openTask(instanceId);
      const { context, page } = await signIn(browser, server.baseUrl, 'sam', { locale });
      await page.goto(`${server.baseUrl}/#/tasks/${task.id}`);
      await page.locator('[data-testid="task-title"]').waitFor();

      // when the session ends and he acts
      await context.clearCookies();
      await page.click('[data-testid="save-draft"]');

      // then the login page says why, and signing in returns to the task
      await expect
        .poll(() => page.locator('[data-testid="session-expired"]').textContent())
        .toContain(message);
      expect(await page.locator('.topbar').count()).toBe(0);
      // where typing goes straight into the first field
      expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('username');
      await page.fill('input[name="username"]', 'sam');
      await page.fill('input[name="password"]', USER_PASSWORD);
      await page.click('button[type="submit"]');
      await page.locator('[data-testid="task-title"]').waitFor();
      expect(await page.evaluate(() => window.location.hash)).toBe(`#/tasks/${task.id}`);
      await context.close();
    }
  });

  it('tells the new assignee of a hand-off at once, in the bell and the list', async () => {
    // given maya has her inbox open and sam holds a task
    const instanceId = await start('e2e-review');
    const task = await openTask(instanceId);
    const mayaUi = await signIn(browser, server.baseUrl, 'maya');
    expect(await mayaUi.page.locator('[data-testid="notification-count"]').count()).toBe(0);
    const samUi = await signIn(browser, server.baseUrl, 'sam');

    // when sam hands it off to maya with a reason
    await samUi.page.goto(`${server.baseUrl}/#/tasks/${task.id}`);
    await samUi.page.click('[data-testid="open-handoff"]');
    await samUi.page
      .locator('[data-testid="action-target"] option[value="maya"]')
      .waitFor({ state: 'attached' });
    await samUi.page.selectOption('[data-testid="action-target"]', 'maya');
    await samUi.page.fill('[data-testid="action-reason"]', 'I am away this week');
    await samUi.page.click('[data-testid="action-submit"]');

    // then maya's bell counts it live, and the list says what happened and why
    await expect
      .poll(() => mayaUi.page.locator('[data-testid="notification-count"]').textContent())
      .toBe('1');
    expect(await mayaUi.page.locator('[data-testid="notification-bell"]').getAttribute('aria-label')).toBe(
      'Notifications, 1 unread',
    );
    await mayaUi.page.goto(`${server.baseUrl}/#/notifications`);
    const entry = mayaUi.page.locator('[data-testid="notification"]').first();
    await entry.waitFor();
    expect(await entry.textContent()).toContain('sam handed "Prepare the request" over to you');
    expect(await entry.textContent()).toContain('I am away this week');
    expect(await mayaUi.page.locator('main').textContent()).toContain('1 notification');
    expect(await mayaUi.page.locator('main').textContent()).not.toContain('1 notifications');
    // and in Chinese
    await mayaUi.page.selectOption('.topbar .lang-switch', 'zh');
    await expect.poll(() => entry.textContent()).toContain('sam 把「Prepare the request」转交给了你');
    expect(await mayaUi.page.locator('main').textContent()).toContain('共 1 条通知');
    // and it leads to the task
    await entry.locator(`a[href="#/tasks/${task.id}"]`).click();
    await mayaUi.page.locator('[data-testid="task-title"]').waitFor();
    await mayaUi.context.close();
    await samUi.context.close();
  });

  it('asks before leaving a changed diagram, restores it as a draft, and lints a split without conditions', async () => {
    // given dana added a task to a new diagram
    const { context, page } = await signIn(browser, server.baseUrl, 'dana');
    await page.goto(`${server.baseUrl}/#/modeler/new`);
    await page.locator('.djs-element[data-element-id="StartEvent_1"]').click();
    await page.click('.djs-context-pad [data-action="append.append-task"]');
    await page.locator('.djs-shape[data-element-id^="Activity_"]').first().waitFor({ state: 'attached' });

    // when she follows a link away and declines to leave
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await page.click('.nav a[href="#/processes"]');
    // then she stays with her work
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toContain('not deployed');
    expect(await page.evaluate(() => window.location.hash)).toBe('#/modeler/new');
    expect(await page.locator('.djs-shape[data-element-id^="Activity_"]').count()).toBe(1);

    // when she leaves after all and comes back
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('.nav a[href="#/processes"]');
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Processes');
    await page.goto(`${server.baseUrl}/#/modeler/new`);

    // then her draft is back
    await page.locator('[data-testid="draft-restored"]').waitFor();
    await page.locator('.djs-shape[data-element-id^="Activity_"]').first().waitFor({ state: 'attached' });

    // when she imports a split whose flows have no condition
    await page.setInputFiles('.modeler-page input[type="file"]', {
      name: 'split.bpmn',
      mimeType: 'application/xml',
      buffer: Buffer.from(splitWithoutConditions('e2e-split')),
    });
    await page.locator('.djs-element[data-element-id="Gateway_approved"]').waitFor({ state: 'attached' });
    // then the browser's check finds it, and names the gateway by its name
    await page.click('[role="tab"]:has-text("Problems")');
    const problem = page.locator('[data-testid="problem-list"] li').filter({ hasText: 'need a condition' });
    await problem.waitFor();
    expect(await problem.locator('[data-testid="problem-element"]').textContent()).toBe('Approved?');
    expect(await problem.locator('[data-testid="problem-element"]').getAttribute('title')).toBe(
      'Gateway_approved',
    );
    await context.close();
  });

  it('keeps the inbox and the task page usable on a 390 px phone screen', async () => {
    // given a claimable task and sam on a phone
    const instanceId = await start('e2e-pool');
    const { context, page } = await signIn(browser, server.baseUrl, 'sam');
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

    // when he opens the claimable tasks
    await page.click('[data-testid="tab-claimable"]');
    const row = page.locator('[data-testid="task-row"]').filter({ hasText: 'Pick up the request' }).first();
    await row.waitFor();

    // then the navigation is readable, nothing runs off the screen and Claim is fully visible
    const nav = await page.locator('.nav').boundingBox();
    expect(nav?.width ?? 0).toBeGreaterThan(300);
    for (const link of await page.locator('.nav a').all()) {
      const box = await link.boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    }
    expect(await overflow()).toBeLessThanOrEqual(0);
    const claim = await row.locator('button').boundingBox();
    expect(claim).not.toBeNull();
    expect(claim!.x).toBeGreaterThanOrEqual(0);
    expect(claim!.x + claim!.width).toBeLessThanOrEqual(390);

    // and the task page too
    const task = await openTask(instanceId);
    await page.goto(`${server.baseUrl}/#/tasks/${task.id}`);
    const claimOnPage = await page.locator('[data-testid="claim"]').boundingBox();
    expect(claimOnPage!.x + claimOnPage!.width).toBeLessThanOrEqual(390);
    expect(await overflow()).toBeLessThanOrEqual(0);

    // and the manager's instance list scrolls inside itself instead of widening the page
    const manager = await signIn(browser, server.baseUrl, 'maya');
    await manager.page.setViewportSize({ width: 390, height: 844 });
    await manager.page.goto(`${server.baseUrl}/#/instances`);
    await manager.page.locator('main table').first().waitFor();
    expect(
      await manager.page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      ),
    ).toBeLessThanOrEqual(0);
    await manager.context.close();

    // and claiming keeps focus on the page, on its heading
    await page.click('[data-testid="claim"]');
    await page.locator('[data-testid="unclaim"]').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await context.close();
  });

  it('passes axe-core without serious findings on the main pages, in English and Chinese', async () => {
    // given a finished instance, a task and a form
    const instanceId = await start('e2e-review');
    const task = await openTask(instanceId);
    await dana('POST', '/api/forms', {
      formId: 'e2e-a11y',
      name: 'Accessibility check',
      schema: { type: 'object', properties: { note: { type: 'string', title: 'Note' } } },
    });
    const pages: [user: string, path: string, ready: string][] = [
      ['sam', '/inbox', '[data-testid="inbox"]'],
      ['sam', `/tasks/${task.id}`, '[data-testid="task-title"]'],
      ['dana', '/modeler/e2e-review', '.djs-element[data-element-id="Task_prepare"]'],
      ['dana', '/forms/e2e-a11y', 'main h1'],
      ['maya', `/instances/${instanceId}`, '[data-testid="diagram"] .djs-element'],
    ];
    const found: string[] = [];
    for (const locale of ['en-US', 'zh-CN']) {
      for (const [user, path, ready] of pages) {
        const { context, page } = await signIn(browser, server.baseUrl, user, { locale });
        // the first Tab goes to the skip link
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
        await page.goto(`${server.baseUrl}/#${path}`);
        await page.locator(ready).first().waitFor({ state: 'attached' });
        for (const v of await seriousViolations(page)) found.push(`${locale} ${path} ${v}`);
        await context.close();
      }
    }
    expect(found).toEqual([]);
  });

  it('serves the app compressed, fingerprinted assets cached for good, and a favicon', async () => {
    const index = await fetch(`${server.baseUrl}/`, { headers: { 'accept-encoding': 'br, gzip' } });
    const html = await index.text();
    const script = html.match(/src="\.?(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.baseUrl}${script}`, { headers: { 'accept-encoding': 'br, gzip' } });
    const favicon = await fetch(`${server.baseUrl}/favicon.ico`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('br');
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toContain('icon');
  });

  it('puts focus on the new page’s heading after a navigation, and moves between tabs with the arrow keys', async () => {
    const { context, page } = await signIn(browser, server.baseUrl, 'sam');
    // A page may take a moment to load on a busy machine: the app waits for its heading, so do we.
    await page.locator('#main-content h1').waitFor();
    await page.click('.nav a[href="#/start"]');
    await page.waitForFunction(() => window.location.hash.startsWith('#/start'));
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.tagName), { timeout: 8_000 })
      .toBe('H1');
    await page.click('.nav a[href="#/inbox"]');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent), { timeout: 8_000 })
      .toBe('Inbox');
    await page.locator('[data-testid="tab-mine"]').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'tab-claimable',
    );
    expect(await page.locator('[data-testid="tab-claimable"]').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('[data-testid="tab-mine"]').getAttribute('tabindex')).toBe('-1');
    await page.keyboard.press('End');
    expect(await page.locator('[data-testid="tab-overdue"]').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('[data-testid="tab-mine"]').getAttribute('aria-selected')).toBe('true');
    await context.close();
  });
});
