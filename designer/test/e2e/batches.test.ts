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

type Call = Awaited<ReturnType<typeof apiSession>>;

/** start -> one user task (sam's, due at `due`: a value that is no date is an incident) -> end. */
const waitingProcess = (processId: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs_${processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" name="${processId}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="wait" name="Wait">
      <bpmn:extensionElements><zeebe:assignmentDefinition assignee="sam" /><zeebe:taskSchedule dueDate="=due" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

const LANGUAGES = [
  {
    lang: 'en',
    cancelMatching: 'Cancel matching as batch',
    confirm: '3 instance(s) match',
    done: '3 done, 0 failed of 3',
    failures: 'Failures (1)',
  },
  {
    lang: 'zh',
    cancelMatching: '批量取消符合条件的实例',
    confirm: '共有 3 个实例符合条件',
    done: '共 3 项，成功 3 项，失败 0 项',
    failures: '失败项（1）',
  },
] as const;

describe.skipIf(!serverBuilt)('batch operations in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let sam: Call;
  let maya: Call;

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    browser = await launchBrowser();
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    sam = await apiSession(server.baseUrl, 'sam', USER_PASSWORD);
    maya = await apiSession(server.baseUrl, 'maya', USER_PASSWORD);
    for (const { lang } of LANGUAGES)
      await dana('POST', '/api/definitions', { xml: waitingProcess(`e2e-batch-${lang}`) });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const { lang, cancelMatching, confirm, done, failures } of LANGUAGES) {
    it(`cancels the instances the list shows as one batch and shows its progress and failures (${lang})`, async () => {
      // given three running instances of one process
      const processId = `e2e-batch-${lang}`;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push((await sam<{ id: string }>('POST', '/api/instances', { processId, variables: {} })).id);
      const { context, page } = await signIn(browser, server.baseUrl, 'maya');
      await page.selectOption('.topbar .lang-switch', lang);
      await page.goto(`${server.baseUrl}/#/instances`);
      await page.locator(`select option[value="${processId}"]`).waitFor({ state: 'attached' });
      await page.locator('.filters select').first().selectOption(processId);
      await expect.poll(() => page.locator('[data-testid="instance-row"]').count()).toBe(3);

      // when the manager runs "cancel" on what the list shows: a dry run counts first
      await page.getByRole('button', { name: cancelMatching }).click();
      const dialog = page.getByRole('dialog', { name: cancelMatching });
      await expect.poll(() => dialog.textContent()).toContain(confirm);
      expect(await seriousViolations(page)).toEqual([]);
      await dialog.getByRole('button').first().click();

      // then the Batches page shows the batch reaching its end
      await page.waitForURL(/#\/batches$/);
      const row = page.locator('[data-testid="batch-row"]').first();
      await expect
        .poll(() => row.locator('[data-testid="batch-progress"]').textContent(), { timeout: 20_000 })
        .toBe(done);
      await expect.poll(() => row.getAttribute('data-state')).toBe('completed');
      for (const id of ids)
        expect((await maya<{ status: string }>('GET', `/api/instances/${id}`)).status).toBe('cancelled');
      expect(await seriousViolations(page)).toEqual([]);

      // and a retry batch over an incident that has no job to give retries to lists it as a
      // failure with its reason
      const stuck = (
        await sam<{ id: string }>('POST', '/api/instances', { processId, variables: { due: 'soon' } })
      ).id;
      await maya('POST', '/api/batches', {
        kind: 'retry',
        filter: { processId },
        parameters: { retries: 2 },
      });
      await page.reload();
      const failed = page.locator('[data-testid="batch-row"]').first();
      await expect.poll(() => failed.getAttribute('data-state'), { timeout: 20_000 }).toBe('completed');
      await failed.getByRole('button', { name: failures }).click();
      const list = page.locator('[data-testid="batch-failures"]');
      await expect.poll(() => list.textContent()).toContain(stuck.slice(0, 8));
      expect(await list.textContent()).toContain('INVALID_ARGUMENT');
      await context.close();
    });
  }
});
