import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
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

const fixture = resolve(import.meta.dirname, 'fixtures/modeler-drd.dmn');

/** Whether the page is wider than its window (sideways scrolling). */
const scrollsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

describe.skipIf(!serverBuilt)('the decision editor in Chromium', () => {
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

  it('imports a .dmn file, deploys it and evaluates it with variables (English)', async () => {
    // given a designer on the Decisions page
    const { context, page } = await signIn(browser, server.baseUrl, 'dana');
    await page.click('nav a:has-text("Decisions")');
    await page.locator('h1', { hasText: 'Decisions' }).waitFor();
    // when they import the modeler's file, it opens in the decision table editor
    await page.setInputFiles('[data-testid="decision-import"]', fixture);
    await page.locator('h1', { hasText: 'Decision editor' }).waitFor();
    await page.locator('[data-testid="decision-editor"] .tjs-table').waitFor();
    expect(await page.locator('[data-testid="decision-editor"]').textContent()).toContain('Spareribs');
    // and they deploy it: both decisions of the file at version 1
    await page.click('[data-testid="deploy-decision"]');
    const deployed = page.locator('[data-testid="decision-deployed"]');
    await deployed.waitFor();
    expect(await deployed.textContent()).toMatch(/Dish \(Decision_dish\) v1.*Season \(Decision_season\) v1/);
    // when they try the dish for October
    await page.selectOption('[data-testid="try-decision"]', 'Decision_dish');
    await page.fill('[data-testid="try-variables"]', '{"month": 10}');
    await page.click('[data-testid="try-evaluate"]');
    const result = page.locator('[data-testid="try-result"]');
    await result.waitFor();
    // then the result and the matched rules of both decisions show
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('"Spareribs"');
    expect(text).toContain('Decision_dish: matched rules: DecisionRule_fall');
    // and the evaluation is kept: the list under "Try it" shows it, by dana, with its rule
    const history = page.locator('[data-testid="decision-history"]');
    await history.locator('tbody tr', { hasText: 'DecisionRule_fall' }).waitFor();
    expect(await history.locator('h3').textContent()).toBe('Evaluations kept (1)');
    expect(await history.locator('tbody tr').first().textContent()).toContain('dana');
    // and bad JSON is caught before it is sent
    await page.fill('[data-testid="try-variables"]', '{month: 10');
    await page.click('[data-testid="try-evaluate"]');
    await page.locator('[data-testid="decision-try"] [role="alert"]', { hasText: 'JSON object' }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    // when a file with a broken input entry is imported into the editor and deployed
    const broken = readFileSync(fixture, 'utf8')
      .replace('<text>"Fall"</text>', '<text>&gt;= </text>')
      .replace('"Stew"', '"Broth"');
    await page.setInputFiles('[data-testid="decision-editor-import"]', {
      name: 'broken.dmn',
      mimeType: 'application/xml',
      buffer: Buffer.from(broken),
    });
    await page.locator('[data-testid="decision-editor"]', { hasText: 'Broth' }).waitFor();
    await page.click('[data-testid="deploy-decision"]');
    // then the server's problem shows on the rule's id, and nothing new is deployed
    const problems = page.locator('[data-testid="decision-problems"]');
    await problems.waitFor();
    expect(await problems.locator('code').allTextContents()).toContain('DecisionRule_fall');
    expect(await page.locator('[data-testid="decision-deployed"]').count()).toBe(0);
    await context.close();
    // and the server holds the file's decisions
    const dana = await apiSession(server.baseUrl, 'admin', ADMIN_PASSWORD);
    const list = await dana<{ items: { decisionId: string; version: number }[] }>(
      'GET',
      '/api/decisions?latestOnly=true',
    );
    expect(list.items.map((d) => [d.decisionId, d.version])).toEqual([
      ['Decision_dish', 1],
      ['Decision_season', 1],
    ]);
  });

  it('starts a new decision table and deploys it', async () => {
    // given a designer who starts a new decision
    const { context, page } = await signIn(browser, server.baseUrl, 'dana');
    await page.goto(`${server.baseUrl}/#/decisions`);
    await page.click('[data-testid="new-decision"]');
    // then one decision table opens, and deploying it gives version 1
    await page.locator('[data-testid="decision-editor"] .tjs-table').waitFor();
    await page.click('[data-testid="deploy-decision"]');
    const deployed = page.locator('[data-testid="decision-deployed"]');
    await deployed.waitFor();
    expect(await deployed.textContent()).toMatch(/Decision 1 \(Decision_\w+\) v1/);
    await context.close();
  });

  it('opens a deployed version from the list and evaluates it, in Chinese at 390 px without sideways scrolling', async () => {
    // given a designer in Chinese on a 390 px screen
    const { context, page } = await signIn(browser, server.baseUrl, 'dana', { locale: 'zh-CN' });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.locator('nav a', { hasText: '决策' }).count()).toBe(1);
    await page.goto(`${server.baseUrl}/#/decisions`);
    await page.locator('h1', { hasText: '决策' }).waitFor();
    // the list shows the latest version of each decision
    const row = page.locator('[data-testid="decision-list"] tr', { hasText: 'Decision_dish' });
    expect(await row.textContent()).toContain('Dish');
    expect(await scrollsSideways(page)).toBe(false);
    // when they open it
    await row.locator('a').click();
    await page.locator('h1', { hasText: '决策编辑器' }).waitFor();
    await page.locator('[data-testid="decision-editor"] .tjs-table').waitFor();
    // and evaluate January
    await page.fill('[data-testid="try-variables"]', '{"month": 1}');
    await page.click('[data-testid="try-evaluate"]');
    const result = page.locator('[data-testid="try-result"]');
    await result.waitFor();
    // then the other rule matched, in Chinese, and the page does not scroll sideways
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('结果');
    expect(text).toContain('"Stew"');
    expect(text).toContain('命中的规则： DecisionRule_other');
    // and the kept evaluations list it, in Chinese
    const history = page.locator('[data-testid="decision-history"]');
    await history.locator('tbody tr', { hasText: 'DecisionRule_other' }).waitFor();
    expect(await history.locator('h3').textContent()).toMatch(/^已保存的试算记录 \(\d+\)$/);
    expect(await scrollsSideways(page)).toBe(false);
    await context.close();
  });
});
