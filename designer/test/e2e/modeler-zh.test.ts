import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
});
