import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
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
  seriousViolations,
} from './harness.js';

type Call = Awaited<ReturnType<typeof apiSession>>;

/** Ask -> "Decide the request" for staff, with a form that shows the ask as background. */
const askProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-ask" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="e2e-ask" name="Equipment request" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="Task_decide" name="Decide the request">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition candidateGroups="staff" />
        <zeebe:formDefinition formId="e2e-decide" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_decide" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_decide" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="plane" bpmnElement="e2e-ask">
    <bpmndi:BPMNShape id="s_start" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_task" bpmnElement="Task_decide"><dc:Bounds x="190" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_end" bpmnElement="end"><dc:Bounds x="340" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="e_f1" bpmnElement="f1"><di:waypoint x="136" y="118" /><di:waypoint x="190" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="e_f2" bpmnElement="f2"><di:waypoint x="290" y="118" /><di:waypoint x="340" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

const decideForm = {
  formId: 'e2e-decide',
  name: { en: 'Decide the request', zh: '审批申请' },
  schema: {
    type: 'object',
    title: 'Decide the request',
    properties: { approve: { type: 'boolean', title: 'Approve' } },
  },
  uiSchema: {
    'ui:context': [
      { name: 'item', title: { en: 'Item asked for', zh: '申请物品' } },
      { name: 'reasons', title: { en: 'Reasons', zh: '理由' } },
    ],
    'ui:headline': ['item'],
  },
  i18n: { zh: { '/title': '审批申请', '/properties/approve/title': '批准' } },
};

// A requester follows what they started; the person deciding sees the background the form names.
describe.skipIf(!serverBuilt)('My requests and task context in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let sam: Call;
  let kim: Call;

  /**
   * Opens a page in a new context with the session of `signedIn` but an empty HTTP cache, and
   * reports the bytes that came over the wire (compressed, headers included, as Chromium counts
   * them), the first contentful paint, and when `ready` appeared.
   */
  async function coldLoad(signedIn: BrowserContext, path: string, ready: string) {
    const context = await browser.newContext({ storageState: await signedIn.storageState() });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    let bytes = 0;
    cdp.on('Network.loadingFinished', (event: { encodedDataLength: number }) => {
      bytes += event.encodedDataLength;
    });
    await page.goto(`${server.baseUrl}/#${path}`);
    await page.locator(ready).first().waitFor({ state: 'attached' });
    const readyMs = await page.evaluate(() => Math.round(performance.now()));
    const firstPaintMs = await page.evaluate(() =>
      Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1),
    );
    // Let the last responses finish before counting.
    await page.waitForLoadState('networkidle');
    await context.close();
    return { path, bytes, firstPaintMs, readyMs };
  }

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    browser = await launchBrowser();
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    await dana('POST', '/api/forms', decideForm);
    await dana('POST', '/api/definitions', { xml: askProcess });
    sam = await apiSession(server.baseUrl, 'sam', USER_PASSWORD);
    kim = await apiSession(server.baseUrl, 'kim', USER_PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows a requester where each request is and who has it, never someone else's, in both languages", async () => {
    // given sam asked for a laptop (kim holds it) and kim asked for a chair
    const laptop = await sam<{ id: string }>('POST', '/api/instances', {
      processId: 'e2e-ask',
      businessKey: 'REQ-LAPTOP',
      variables: { item: 'Laptop', reasons: ['old one broke'] },
    });
    await kim('POST', '/api/instances', {
      processId: 'e2e-ask',
      businessKey: 'REQ-CHAIR',
      variables: { item: 'Chair' },
    });
    const tasks = await kim<{ items: { id: string }[] }>(
      'GET',
      `/api/tasks?scope=claimable&instanceId=${laptop.id}`,
    );
    await kim('POST', `/api/tasks/${tasks.items[0]?.id}/claim`, {});

    for (const [locale, heading, step] of [
      ['en-US', 'My requests', 'Decide the request'],
      ['zh-CN', '我的申请', '审批申请'],
    ] as const) {
      // when sam opens My requests from the navigation
      const { context, page } = await signIn(browser, server.baseUrl, 'sam', { locale });
      await page.click(`nav a:has-text("${heading}")`);
      await page.locator('[data-testid="request-row"]').first().waitFor();

      // then only his request is there, with where it is and who has it, and no Cancel for staff
      const rows = page.locator('[data-testid="request-row"]');
      expect(await rows.count()).toBe(1);
      expect(await rows.first().textContent()).toContain('REQ-LAPTOP');
      expect(await page.locator('[data-testid="request-where"]').textContent()).toBe(step);
      expect(await page.locator('[data-testid="request-holder"]').textContent()).toBe('kim');
      expect(await page.locator('[data-testid="cancel-request"]').count()).toBe(0);

      // and its timeline opens in place; at 390 px the page does not widen
      await rows.first().locator('button[aria-expanded]').click();
      await page.locator('[data-testid="timeline"]').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      if (locale === 'en-US') await shoot(page, 'my-requests');
      await page.setViewportSize({ width: 390, height: 800 });
      const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
      await context.close();
    }
  });

  it('shows the person deciding the background the form names, and the headline in the inbox', async () => {
    // given a request for a monitor waits for staff
    await sam('POST', '/api/instances', {
      processId: 'e2e-ask',
      businessKey: 'REQ-MONITOR',
      variables: { item: 'Monitor', reasons: ['eyes', 'posture'] },
    });
    for (const [locale, title, headingText] of [
      ['en-US', 'Item asked for', 'Background'],
      ['zh-CN', '申请物品', '背景信息'],
    ] as const) {
      const { context, page } = await signIn(browser, server.baseUrl, 'kim', { locale });
      // when kim looks at the claimable tasks
      await page.click('[data-testid="tab-claimable"]');
      const row = page.locator('[data-testid="task-row"]', { hasText: 'REQ-MONITOR' });
      await row.waitFor();
      // then the row names the process, the business key and the headline
      expect(await row.locator('[data-testid="task-headline"]').textContent()).toBe('Monitor');
      expect(await row.textContent()).toContain('Equipment request');
      // and the task page shows the background, read-only, in her language
      await row.locator('a').first().click();
      await page.locator('[data-testid="task-context"]').waitFor();
      expect(await page.locator('#task-context-title').textContent()).toBe(headingText);
      const item = page.locator('[data-testid="context-item"]');
      expect(await item.locator('dt').textContent()).toBe(title);
      expect(await item.locator('dd').textContent()).toBe('Monitor');
      expect(await page.locator('[data-testid="context-reasons"] li').allTextContents()).toEqual([
        'eyes',
        'posture',
      ]);
      expect(await seriousViolations(page)).toEqual([]);
      if (locale === 'en-US') await shoot(page, 'task-context');
      if (locale === 'zh-CN')
        expect(await page.locator('[data-testid="task-title"]').textContent()).toBe('审批申请');
      await context.close();
    }
  });

  it('loads the inbox and the modeler from an empty cache within their byte budgets', async () => {
    // given signed-in staff and designer sessions
    const staff = await signIn(browser, server.baseUrl, 'sam');
    const designer = await signIn(browser, server.baseUrl, 'dana');
    // when each page loads afresh
    const inbox = await coldLoad(staff.context, '/inbox', '[data-testid="inbox"] h1');
    const modeler = await coldLoad(
      designer.context,
      '/modeler/conflict-mediation',
      '.djs-shape[data-element-id="Task_mediate"]',
    );
    await staff.context.close();
    await designer.context.close();
    console.log(`cold loads: ${JSON.stringify([inbox, modeler])}`);
    mkdirSync(screenshotDir, { recursive: true });
    writeFileSync(
      join(screenshotDir, 'web-app-load.json'),
      `${JSON.stringify({ measuredAt: new Date().toISOString(), httpCache: 'empty', pages: [inbox, modeler] }, null, 2)}\n`,
    );
    // then the inbox stays small (it loads no diagram or form code) and the modeler, with bpmn-js,
    // stays within what compression gives it
    expect(inbox.firstPaintMs).toBeGreaterThan(0);
    expect(inbox.bytes).toBeLessThan(160_000);
    expect(modeler.bytes).toBeLessThan(900_000);
  });
});
