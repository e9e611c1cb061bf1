import type { Browser, Page } from 'playwright-core';
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

/** A straight line of user tasks (all sam's), drawn left to right so the diagram shows each. */
function lineProcess(processId: string, steps: readonly (readonly [id: string, name: string])[]): string {
  const nodes = [['start', 'Filed'] as const, ...steps, ['end', 'Done'] as const];
  const flows = nodes.slice(1).map((node, i) => ({ id: `flow_${i}`, from: nodes[i]![0], to: node[0] }));
  const model = nodes.map(([id, name], i) => {
    const incoming = flows.filter((f) => f.to === id).map((f) => `<bpmn:incoming>${f.id}</bpmn:incoming>`);
    const outgoing = flows.filter((f) => f.from === id).map((f) => `<bpmn:outgoing>${f.id}</bpmn:outgoing>`);
    const kind = i === 0 ? 'startEvent' : i === nodes.length - 1 ? 'endEvent' : 'userTask';
    const assignee =
      kind === 'userTask'
        ? '<bpmn:extensionElements><zeebe:assignmentDefinition assignee="sam" /></bpmn:extensionElements>'
        : '';
    return `<bpmn:${kind} id="${id}" name="${name}">${assignee}${incoming.join('')}${outgoing.join('')}</bpmn:${kind}>`;
  });
  const x = (i: number) => 100 + i * 160;
  const shapes = nodes.map(([id], i) => {
    const event = i === 0 || i === nodes.length - 1;
    return `<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${x(i)}" y="${event ? 102 : 80}" width="${event ? 36 : 100}" height="${event ? 36 : 80}" /></bpmndi:BPMNShape>`;
  });
  const edges = flows.map(
    (f, i) =>
      `<bpmndi:BPMNEdge id="${f.id}_di" bpmnElement="${f.id}"><di:waypoint x="${x(i) + 100}" y="120" /><di:waypoint x="${x(i + 1)}" y="120" /></bpmndi:BPMNEdge>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="defs_${processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" name="${processId}" isExecutable="true">
    ${model.join('\n    ')}
    ${flows.map((f) => `<bpmn:sequenceFlow id="${f.id}" sourceRef="${f.from}" targetRef="${f.to}" />`).join('\n    ')}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_${processId}">
    <bpmndi:BPMNPlane id="plane_${processId}" bpmnElement="${processId}">
      ${[...shapes, ...edges].join('\n      ')}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

const MOVE = lineProcess('e2e-repair-move', [
  ['draft', 'Draft'],
  ['review', 'Review'],
  ['approve', 'Approve'],
]);
const MIGRATE_V1 = lineProcess('e2e-repair-migrate', [
  ['draft', 'Draft'],
  ['approve', 'Approve'],
]);
// Version 2 renamed the first step: an instance waiting at `draft` must be mapped to `write`.
const MIGRATE_V2 = lineProcess('e2e-repair-migrate', [
  ['write', 'Write'],
  ['approve', 'Approve'],
]);

const LANGUAGES = [
  { lang: 'en', modified: 'Tokens moved by hand', width: 1280 },
  { lang: 'zh', modified: '已手动调整令牌', width: 390 },
] as const;

/** The diagram shape of one element carries the active-token marker. */
const activeShape = (page: Page, elementId: string) =>
  page.locator(`[data-testid="diagram"] g.djs-element.baton-active[data-element-id="${elementId}"]`);

async function openInstance(page: Page, baseUrl: string, lang: string, width: number, instanceId: string) {
  await page.setViewportSize({ width, height: 860 });
  await page.selectOption('.topbar .lang-switch', lang);
  await page.goto(`${baseUrl}/#/instances/${instanceId}`);
  await page.locator('[data-testid="diagram"] g.djs-element').first().waitFor();
}

/** The page is no wider than the window: nothing needs a sideways scroll. */
async function expectNoSideScroll(page: Page): Promise<void> {
  const [scroll, client] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  expect(scroll, `page is ${scroll} px wide in a ${client} px window`).toBeLessThanOrEqual(client ?? 0);
}

describe.skipIf(!serverBuilt)('repairing a running instance in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let sam: Call;
  const moveInstances = new Map<string, string>();
  const migrateInstances = new Map<string, string>();

  const start = async (processId: string) =>
    (await sam<{ id: string }>('POST', '/api/instances', { processId, variables: {} })).id;

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    browser = await launchBrowser();
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    sam = await apiSession(server.baseUrl, 'sam', USER_PASSWORD);
    await dana('POST', '/api/definitions', { xml: MOVE });
    await dana('POST', '/api/definitions', { xml: MIGRATE_V1 });
    // Instances of version 1 start before version 2 exists.
    for (const { lang } of LANGUAGES) {
      moveInstances.set(lang, await start('e2e-repair-move'));
      migrateInstances.set(lang, await start('e2e-repair-migrate'));
    }
    await dana('POST', '/api/definitions', { xml: MIGRATE_V2 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const { lang, modified, width } of LANGUAGES) {
    it(`lets a manager move a token from one step to a later one (${lang}, ${width} px)`, async () => {
      // given a request waiting at "Draft", opened by a manager
      const instanceId = moveInstances.get(lang)!;
      const { context, page } = await signIn(browser, server.baseUrl, 'maya');
      await openInstance(page, server.baseUrl, lang, width, instanceId);
      await activeShape(page, 'draft').waitFor();

      // when the manager picks "Draft" from the list and "Approve" (on the diagram in English)
      await page.click('[data-testid="open-move-token"]');
      await page.selectOption('[data-testid="move-cancel"]', 'draft');
      if (lang === 'en') await page.locator('[data-testid="diagram"] [data-element-id="approve"]').click();
      else await page.selectOption('[data-testid="move-start"]', 'approve');
      await page.fill('[data-testid="move-reason"]', 'drafted by phone');

      // then the change reads in plain words before anything is sent
      await expect
        .poll(() => page.locator('[data-testid="move-preview"]').textContent())
        .toBe(lang === 'en' ? 'Cancel “Draft”, start before “Approve”.' : '取消“Draft”，在“Approve”前启动。');
      expect(await page.inputValue('[data-testid="move-start"]')).toBe('approve');
      expect(await seriousViolations(page)).toEqual([]);
      await expectNoSideScroll(page);

      // when the manager confirms
      await page.click('[data-testid="move-confirm"]');

      // then the token marker moves to "Approve", and the timeline tells who moved it and why
      await activeShape(page, 'approve').waitFor();
      expect(await activeShape(page, 'draft').count()).toBe(0);
      const timeline = page.locator('[data-testid="timeline"]');
      await expect.poll(() => timeline.textContent()).toContain(modified);
      const route = await timeline.locator('[data-testid="timeline-route"]').last().textContent();
      expect(route).toContain('Draft');
      expect(route).toContain('Approve');
      expect(await timeline.textContent()).toContain('drafted by phone');
      await context.close();
    });

    it(`lets a manager migrate an instance to a version that renamed its step (${lang}, ${width} px)`, async () => {
      // given an instance of version 1 waiting at "Draft", which version 2 calls "Write"
      const instanceId = migrateInstances.get(lang)!;
      const { context, page } = await signIn(browser, server.baseUrl, 'maya');
      await openInstance(page, server.baseUrl, lang, width, instanceId);
      await expect.poll(() => page.textContent('h1')).toContain('e2e-repair-migrate v1');

      // when the manager chooses version 2, the dry run names the missing step
      await page.click('[data-testid="open-migrate"]');
      await page
        .locator('[data-testid="migrate-target"] option', { hasText: 'v2' })
        .waitFor({ state: 'attached' });
      const v2 = await page
        .locator('[data-testid="migrate-target"] option', { hasText: 'v2' })
        .getAttribute('value');
      await page.selectOption('[data-testid="migrate-target"]', v2!);
      await expect.poll(() => page.textContent('[data-testid="migrate-problems"]')).toContain('Draft');
      expect(await page.isDisabled('[data-testid="migrate-confirm"]')).toBe(true);

      // and maps it to "Write": the dry run comes back clean
      await page
        .locator('[data-testid="migrate-map-draft"] option[value="write"]')
        .waitFor({ state: 'attached' });
      await page.selectOption('[data-testid="migrate-map-draft"]', 'write');
      await page.locator('[data-testid="migrate-report"] .repair-ok').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await expectNoSideScroll(page);
      await page.click('[data-testid="migrate-confirm"]');

      // then the page shows version 2, with the token at "Write"
      await expect.poll(() => page.textContent('h1')).toContain('e2e-repair-migrate v2');
      await activeShape(page, 'write').waitFor();
      await context.close();
    });
  }

  it('shows a refusal from the server as a message in the form, and the page stays', async () => {
    // given a manager whose right to repair the server withdraws (a 403 from the modification route)
    const instanceId = await start('e2e-repair-move');
    const { context, page } = await signIn(browser, server.baseUrl, 'maya');
    await page.route('**/api/instances/*/modification', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Forbidden', status: 403, code: 'FORBIDDEN' }),
      }),
    );
    await openInstance(page, server.baseUrl, 'en', 1280, instanceId);

    // when the manager moves the token
    await page.click('[data-testid="open-move-token"]');
    await page.selectOption('[data-testid="move-cancel"]', 'draft');
    await page.selectOption('[data-testid="move-start"]', 'review');
    await page.click('[data-testid="move-confirm"]');

    // then the form says so, and the diagram still shows the token where it was
    await expect
      .poll(() => page.locator('[data-testid="move-token"] [role="alert"]').textContent())
      .toBe('You are not allowed to do this.');
    expect(await activeShape(page, 'draft').count()).toBe(1);
    await context.close();
  });

  it("shows the server's reason when a move is refused: the step moved on meanwhile", async () => {
    // given a manager who has picked "Draft" to cancel
    const instanceId = await start('e2e-repair-move');
    const { context, page } = await signIn(browser, server.baseUrl, 'maya');
    await openInstance(page, server.baseUrl, 'en', 1280, instanceId);
    await page.click('[data-testid="open-move-token"]');
    await page.selectOption('[data-testid="move-cancel"]', 'draft');
    await page.selectOption('[data-testid="move-start"]', 'approve');

    // when sam finishes "Draft" before the manager confirms
    const maya = await apiSession(server.baseUrl, 'maya', USER_PASSWORD);
    const tasks = await maya<{ items: { id: string; elementId: string }[] }>(
      'GET',
      `/api/tasks?scope=all&instanceId=${instanceId}`,
    );
    const draft = tasks.items.find((task) => task.elementId === 'draft');
    await sam('POST', `/api/tasks/${draft!.id}/complete`, { variables: {} });
    await page.click('[data-testid="move-confirm"]');

    // then the form shows the server's message, and the token stays where sam's work put it
    await expect
      .poll(() => page.locator('[data-testid="move-token"] [role="alert"]').textContent())
      .toContain("'draft' is not active");
    await activeShape(page, 'review').waitFor();
    await context.close();
  });

  it('shows staff who take part no repair tools', async () => {
    // given sam, who started the request
    const instanceId = await start('e2e-repair-move');
    const { context, page } = await signIn(browser, server.baseUrl, 'sam');

    // when sam opens it
    await page.goto(`${server.baseUrl}/#/instances/${instanceId}`);
    await page.locator('[data-testid="diagram"] g.djs-element').first().waitFor();

    // then there is nothing to move or migrate
    await page.locator('h1').waitFor();
    expect(await page.locator('[data-testid="open-move-token"]').count()).toBe(0);
    expect(await page.locator('[data-testid="open-migrate"]').count()).toBe(0);
    await context.close();
  });
});
