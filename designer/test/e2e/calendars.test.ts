import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  apiSession,
  launchBrowser,
  prepareTeam,
  type RunningServer,
  seriousViolations,
  serverBuilt,
  shoot,
  signIn,
  startServer,
} from './harness.js';

describe.skipIf(!serverBuilt)('business calendars in Chromium', () => {
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

  it('lets an admin edit hours, holidays and make-up days from the Team page, in English and Chinese', async () => {
    for (const [locale, team, save, saved] of [
      ['en-US', 'Team', 'Save calendar', 'Saved.'],
      ['zh-CN', '团队', '保存日历', '已保存。'],
    ] as const) {
      // given the admin on the Team page
      const { context, page } = await signIn(browser, server.baseUrl, 'admin', { locale });
      await page.click(`nav a:has-text("${team}")`);
      await page.click('[data-testid="calendars-link"]');
      // when they open the cn calendar
      await page.locator('[data-testid="calendar-list"] a', { hasText: '中国大陆' }).click();
      const editor = page.locator('[data-testid="calendar-editor"]');
      await editor.waitFor();
      // then the split hours and the State Council's make-up days are there
      const hours = page.locator('[data-testid="calendar-hours"] input');
      expect(await hours.nth(2).inputValue()).toBe('13:30');
      const makeUp = page.locator('[data-testid="calendar-make-up-days"] input[type="date"]');
      const dates = await makeUp.evaluateAll((inputs) =>
        inputs.map((input) => (input as HTMLInputElement).value),
      );
      expect(dates).toContain('2026-02-14');
      // when a bad closing time is typed, the server's pointer is shown
      await hours.nth(1).fill('25:00');
      await page.click(`button:has-text("${save}")`);
      const errors = page.locator('[data-testid="calendar-errors"]');
      await errors.waitFor();
      expect(await errors.textContent()).toContain('/hours/0/end');
      // and once fixed, with a company holiday added, it saves
      await hours.nth(1).fill('12:00');
      const holidays = page.locator('[data-testid="calendar-holidays"]');
      await holidays.locator('button', { hasText: locale === 'en-US' ? 'Add a date' : '添加日期' }).click();
      const last = holidays.locator('input[type="date"]').last();
      await last.fill(locale === 'en-US' ? '2026-12-31' : '2026-12-30');
      await page.click(`button:has-text("${save}")`);
      await page.locator('[role="status"]', { hasText: saved }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shoot(page, locale === 'en-US' ? 'calendars-edit' : 'calendars-edit-zh', { fullPage: false });
      await context.close();
    }
    // then the server holds both holidays and the hours unchanged
    const admin = await apiSession(server.baseUrl, 'admin', ADMIN_PASSWORD);
    const cn = await admin<{ holidays: { date: string }[]; hours: { start: string; end: string }[] }>(
      'GET',
      '/api/calendars/cn',
    );
    expect(cn.holidays.map((day) => day.date)).toEqual(expect.arrayContaining(['2026-12-30', '2026-12-31']));
    expect(cn.hours).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:30', end: '18:00' },
    ]);
  });

  it('shows a staff member the calendars read-only', async () => {
    const { context, page } = await signIn(browser, server.baseUrl, 'sam', { locale: 'zh-CN' });
    await page.goto(`${server.baseUrl}/#/team/calendars?id=default`);
    await page.locator('[data-testid="calendar-editor"]').waitFor();
    expect(await page.locator('[data-testid="calendar-editor"]').textContent()).toContain(
      '只有管理员可以修改日历。',
    );
    expect(await page.locator('[data-testid="calendar-editor"] input').first().isDisabled()).toBe(true);
    await context.close();
  });
});
