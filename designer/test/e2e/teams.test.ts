import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession,
  launchBrowser,
  prepareTeam,
  type RunningServer,
  serverBuilt,
  shoot,
  signIn,
  startServer,
  USER_PASSWORD,
  seriousViolations,
} from './harness.js';

/** One task, assigned to sam. */
const reviewProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-away" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="e2e-away" name="Contract review" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="review" name="Review the contract">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition assignee="sam" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** `datetime-local` text for now + `ms`, in the browser's own time zone. */
function localInput(page: Page, ms: number): Promise<string> {
  return page.evaluate((offset) => {
    const d = new Date(Date.now() + offset);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, ms);
}

describe.skipIf(!serverBuilt)('absences and substitutes in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    browser = await launchBrowser();
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    await dana('POST', '/api/definitions', { xml: reviewProcess });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets sam set an absence with kim standing in, and kim finds the task and the note in the inbox (en, zh)', async () => {
    // given a task of sam's from before his absence
    const starter = await apiSession(server.baseUrl, 'kim', USER_PASSWORD);
    await starter('POST', '/api/instances', {
      processId: 'e2e-away',
      businessKey: 'CONTRACT-1',
      variables: {},
    });
    // and sam sets his absence on the Team page
    const { context, page } = await signIn(browser, server.baseUrl, 'sam');
    await page.click('nav a:has-text("Team")');
    await page.locator('[data-testid="absence-form"]').waitFor();
    await page.fill('[data-testid="absence-from"]', await localInput(page, -3600_000));
    await page.fill('[data-testid="absence-to"]', await localInput(page, 2 * 24 * 3600_000));
    await page.fill('[data-testid="absence-substitute"]', 'kim');
    await page.click('[data-testid="absence-submit"]');
    const row = page.locator('[data-testid="absence-row"]', { hasText: 'sam' });
    await row.waitFor();
    expect(await row.textContent()).toContain('kim');
    expect(await row.textContent()).toContain('away now');
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'teams-absence');
    await context.close();

    // when a task meant for sam is created
    await starter('POST', '/api/instances', {
      processId: 'e2e-away',
      businessKey: 'CONTRACT-7',
      variables: {},
    });

    // then kim has it in her own tasks and sees who is away, in English and in Chinese
    for (const [locale, note] of [
      ['en-US', 'sam is away until'],
      ['zh-CN', 'sam 缺勤至'],
    ] as const) {
      const kim = await signIn(browser, server.baseUrl, 'kim', { locale });
      const banner = kim.page.locator('[data-testid="away-banner"]');
      await banner.waitFor();
      expect(await banner.textContent()).toContain(note);
      const task = kim.page.locator('[data-testid="task-row"]', { hasText: 'CONTRACT-7' });
      await task.waitFor();
      // and sam's earlier task is listed for her, and opens
      const earlier = kim.page.locator('[data-testid="stand-in-tasks"] a', {
        hasText: 'Review the contract',
      });
      expect(await earlier.count()).toBe(1);
      if (locale === 'zh-CN') await shoot(kim.page, 'teams-inbox-zh');
      expect(await seriousViolations(kim.page)).toEqual([]);
      await earlier.click();
      await kim.page.locator('h1', { hasText: 'Review the contract' }).waitFor();
      await kim.context.close();
    }
  });

  it("shows a manager the team's open load and who is away, in Chinese too", async () => {
    for (const [locale, link, away] of [
      ['en-US', 'Team', 'kim stands in'],
      ['zh-CN', '团队', '由 kim 代理'],
    ] as const) {
      const { context, page } = await signIn(browser, server.baseUrl, 'maya', { locale });
      await page.click(`nav a:has-text("${link}")`);
      const sam = page.locator('[data-testid="team-load-row"][data-user="sam"]');
      const kim = page.locator('[data-testid="team-load-row"][data-user="kim"]');
      await kim.waitFor();
      // kim has the task that came to her; sam keeps his earlier one and is away
      expect(await kim.locator('td').nth(1).textContent()).toBe('1');
      expect(await sam.locator('td').nth(1).textContent()).toBe('1');
      expect(await sam.textContent()).toContain(away);
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    }
  });
});
