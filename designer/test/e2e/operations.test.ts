import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  apiSession,
  designerDir,
  launchBrowser,
  prepareTeam,
  type RunningServer,
  serverBuilt,
  shoot,
  signIn,
  startServer,
  USER_PASSWORD,
} from './harness.js';

type Call = Awaited<ReturnType<typeof apiSession>>;
interface TaskRow {
  id: string;
  instanceId: string;
  elementId: string;
  name: string;
  assignee: string | null;
}

const fixture = (name: string) => readFileSync(join(designerDir, 'test/e2e/fixtures', name), 'utf8');

/** The open task of an instance at one element, as its assignee sees it. */
async function openTask(call: Call, instanceId: string, elementId: string): Promise<TaskRow> {
  const page = await call<{ items: TaskRow[] }>('GET', `/api/tasks?scope=all&instanceId=${instanceId}`);
  const task = page.items.find((t) => t.elementId === elementId);
  if (!task) throw new Error(`no open task at ${elementId} in ${instanceId}`);
  return task;
}

// What managers and designers do beyond the happy path: reassign, return (驳回), cancel, incidents,
// templates; and staff's notifications.
describe.skipIf(!serverBuilt)('Baton web app operations in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let sam: Call;
  let maya: Call;

  const start = async (processId: string, variables: Record<string, unknown> = {}) =>
    (await sam<{ id: string }>('POST', '/api/instances', { processId, variables })).id;

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    browser = await launchBrowser();
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    for (const file of ['review-approve.bpmn', 'gateway-incident.bpmn'])
      await dana('POST', '/api/definitions', { xml: fixture(file) });
    sam = await apiSession(server.baseUrl, 'sam', USER_PASSWORD);
    maya = await apiSession(server.baseUrl, 'maya', USER_PASSWORD);
    expect(ADMIN_PASSWORD).not.toBe(USER_PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets a manager reassign an open task, and the new assignee finds it in their inbox', async () => {
    // given sam holds the first step of a request
    const instanceId = await start('e2e-review');
    const { context, page } = await signIn(browser, server.baseUrl, 'maya');

    // when the manager opens it from the instance and reassigns it to kim
    await page.goto(`${server.baseUrl}/#/instances/${instanceId}`);
    await page.locator('[data-testid="open-task"] a').click();
    await page.click('[data-testid="open-reassign"]');
    await page.locator('[data-testid="action-target"] option[value="kim"]').waitFor({ state: 'attached' });
    await page.selectOption('[data-testid="action-target"]', 'kim');
    await page.click('[data-testid="action-submit"]');

    // then the task's history says who took it from whom
    await expect
      .poll(() => page.locator('[data-testid="timeline-route"]').allTextContents())
      .toContain('sam → kim');
    await context.close();

    // and kim finds it in "My tasks"
    const kim = await signIn(browser, server.baseUrl, 'kim');
    await kim.page.goto(`${server.baseUrl}/#/inbox`);
    await expect.poll(() => kim.page.locator('[data-testid="count-mine"]').textContent()).toBe('1');
    expect(await kim.page.locator('[data-testid="task-row"]').first().textContent()).toContain(
      'Prepare the request',
    );
    await kim.context.close();
  });

  it('returns (驳回) a task to an earlier step, and the timeline tells it by step names', async () => {
    // given sam prepared a request and now has to approve it
    const instanceId = await start('e2e-review');
    await sam('POST', `/api/tasks/${(await openTask(maya, instanceId, 'Task_prepare')).id}/complete`, {
      variables: {},
    });
    const approve = await openTask(maya, instanceId, 'Task_approve');
    const { context, page } = await signIn(browser, server.baseUrl, 'sam');

    // when sam opens the approval, the diagram highlights exactly that step
    await page.goto(`${server.baseUrl}/#/tasks/${approve.id}`);
    const highlighted = page.locator('[data-testid="diagram"] .djs-element.baton-highlight');
    await highlighted.first().waitFor({ state: 'attached' });
    expect(await highlighted.evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id')))).toEqual(
      ['Task_approve'],
    );

    // and returns it to the preparation with a reason
    await page.click('[data-testid="open-return"]');
    await page.selectOption('[data-testid="action-target"]', 'Task_prepare');
    await page.fill('[data-testid="action-reason"]', 'The quote is missing');
    await page.click('[data-testid="action-submit"]');

    // then the preparation is back in sam's inbox
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/inbox');
    await expect
      .poll(() => page.locator('[data-testid="task-row"]').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('Prepare the request')]));
    await context.close();

    // and the manager's timeline names both steps and the reason, with no element ids in the text
    const manager = await signIn(browser, server.baseUrl, 'maya');
    await manager.page.goto(`${server.baseUrl}/#/instances/${instanceId}`);
    // (names come from the diagram's XML, which may arrive after the history)
    await manager.page
      .locator('[data-testid="diagram"] .djs-element.baton-active[data-element-id="Task_prepare"]')
      .waitFor({ state: 'attached' });
    const returned = manager.page.locator('[data-testid="timeline"] li[data-type="task.returned"]');
    await expect.poll(() => returned.textContent()).toContain('Approve the request → Prepare the request');
    expect(await returned.textContent()).toContain('The quote is missing');
    await expect
      .poll(() => manager.page.locator('[data-testid="timeline"]').textContent())
      .not.toMatch(/Task_|Start_/);
    expect(await returned.locator('.element-name').first().getAttribute('title')).toBe('Task_approve');
    await shoot(manager.page, 'instance-return', { fullPage: true });
    await manager.context.close();
  });

  it('cancels a running instance and withdraws its open task', async () => {
    // given a running request
    const instanceId = await start('e2e-review');
    const { context, page } = await signIn(browser, server.baseUrl, 'maya');
    await page.goto(`${server.baseUrl}/#/instances/${instanceId}`);

    // when the manager cancels it and confirms
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('[data-testid="cancel-instance"]');

    // then it is cancelled, says so in the timeline, and has no open task left
    await expect.poll(() => page.locator('[data-testid="instance-status"]').textContent()).toBe('cancelled');
    await expect
      .poll(() => page.locator('[data-testid="timeline"]').textContent())
      .toContain('Instance cancelled');
    await expect.poll(() => page.locator('[data-testid="open-task"]').count()).toBe(0);
    expect(await page.locator('[data-testid="cancel-instance"]').count()).toBe(0);
    await context.close();
  });

  it('marks an incident on the diagram, and a fixed variable plus a retry moves the token on', async () => {
    // given an expense whose gateway cannot decide: no amount, no default flow
    const instanceId = await start('e2e-routing');
    const { context, page } = await signIn(browser, server.baseUrl, 'maya');

    // when the manager opens it
    await page.goto(`${server.baseUrl}/#/instances/${instanceId}`);

    // then the gateway carries the incident marker, named in the incident list
    const marked = page.locator('[data-testid="diagram"] .djs-element.baton-incident');
    await marked.first().waitFor({ state: 'attached' });
    expect(await marked.first().getAttribute('data-element-id')).toBe('Gateway_amount');
    await page.locator('[data-testid="retry-incident"]').waitFor();
    await shoot(page, 'incident');

    // when the amount is set in the variables editor and the incident is retried
    await page.click('[data-testid="edit-variables"]');
    await page.fill('[data-testid="variables-editor"]', '{ "amount": 250 }');
    await page.click('[data-testid="save-variables"]');
    await expect.poll(() => page.locator('[data-testid="variables"]').textContent()).toContain('250');
    await page.click('[data-testid="retry-incident"]');

    // then the incident is gone and the small-amount branch has its task
    await expect.poll(() => marked.count()).toBe(0);
    await expect
      .poll(() => page.locator('[data-testid="open-task"]').allTextContents())
      .toEqual([expect.stringContaining('Lead approval')]);
    await page
      .locator('[data-testid="diagram"] .djs-element.baton-active[data-element-id="Task_lead"]')
      .waitFor({ state: 'attached' });
    await context.close();
  });

  it('copies a template into an editable draft from the gallery, and the modeler opens it', async () => {
    // given a designer in the template gallery
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    const { context, page } = await signIn(browser, server.baseUrl, 'dana');
    await page.goto(`${server.baseUrl}/#/templates`);
    const card = page.locator('[data-testid="template-card"]').first();
    await card.locator('[data-testid="copy-template"]').waitFor();
    const title = (await card.locator('h2').textContent()) ?? '';
    const templates = await dana<{ items: { id: string; name: { en: string } }[] }>('GET', '/api/templates');
    const template = templates.items.find((t) => t.name.en === title);
    expect(template).toBeDefined();
    const { xml } = await dana<{ xml: string }>('GET', `/api/templates/${template?.id}`);
    const firstTaskId = /<bpmn:userTask[^>]*\sid="([^"]+)"/.exec(xml)?.[1] ?? '';
    expect(firstTaskId).not.toBe('');

    // when they copy the first template
    await card.locator('[data-testid="copy-template"]').click();

    // then the modeler opens the copy, with the template's steps on the canvas
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/modeler/draft');
    const canvas = page.locator('[data-testid="modeler-canvas"]');
    await canvas.locator('.djs-shape[data-element-id]').first().waitFor();
    await canvas.locator(`.djs-shape[data-element-id="${firstTaskId}"]`).waitFor();
    expect(await canvas.locator('.djs-shape[data-element-id]').count()).toBeGreaterThan(5);
    await context.close();
  });

  it('shows a new notification live on the bell, and marking it read clears the count', async (ctx) => {
    // given a server that has the notifications API (this test is skipped only when it does not)
    const unreadOf = (call: Call) =>
      call<{ total: number }>('GET', '/api/notifications?unread=true&limit=1').then(
        (page) => page.total,
        (error: Error) => (/: 404 /.test(error.message) ? null : Promise.reject(error)),
      );
    const before = await unreadOf(sam);
    if (before === null) return ctx.skip();
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    await dana('POST', '/api/definitions', { xml: fixture('notify-reminder.bpmn') });
    const { context, page } = await signIn(browser, server.baseUrl, 'sam');
    await page.goto(`${server.baseUrl}/#/inbox`);
    await page.locator('[data-testid="notification-bell"]').waitFor();
    const count = page.locator('[data-testid="notification-count"]');
    await expect.poll(() => count.count()).toBe(before > 0 ? 1 : 0);

    // when a process sends sam a reminder while the inbox is open
    await start('e2e-reminder');

    // then the bell counts it without a reload, and its dropdown shows what it says
    await expect.poll(() => count.textContent(), { timeout: 20_000 }).toBe(String(before + 1));
    await page.click('[data-testid="notification-bell"]');
    const entry = page.locator('[data-testid="notification-panel"] [data-testid="notification"]').first();
    await expect.poll(() => entry.textContent()).toContain("Please attach the supplier's quote");
    expect(await entry.getAttribute('data-unread')).toBe('true');
    await shoot(page, 'notifications');

    // when sam marks it read
    await entry.locator('[data-testid="notification-mark-read"]').click();

    // then the count drops, the server agrees, and the list page shows it read
    await expect.poll(() => entry.getAttribute('data-unread')).toBe('false');
    if (before === 0) await expect.poll(() => count.count()).toBe(0);
    else await expect.poll(() => count.textContent()).toBe(String(before));
    expect(await unreadOf(sam)).toBe(before);
    await page.locator('[data-testid="notification-panel"] a[href="#/notifications"]').click();
    const listed = page.locator('[data-testid="notifications"] [data-testid="notification"]').first();
    await expect.poll(() => listed.textContent()).toContain('The purchase review waits for it.');
    expect(await listed.getAttribute('data-unread')).toBe('false');
    await context.close();
  });
});
