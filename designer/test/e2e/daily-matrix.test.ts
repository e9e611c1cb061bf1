import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageKey } from '../../src/app/en.js';
import { type Locale, translate } from '../../src/app/i18n-core.js';
import { FORMS, oneTaskProcess, PROCESSES, splitWithoutConditions, twoSteps } from './daily-fixtures.js';
import {
  ADMIN_PASSWORD,
  apiSession,
  launchBrowser,
  prepareTeam,
  type RunningServer,
  serverBuilt,
  startServer,
  USER_PASSWORD,
  seriousViolations,
} from './harness.js';

type Call = Awaited<ReturnType<typeof apiSession>>;
interface TaskRow {
  id: string;
  assignee: string | null;
  delegated: boolean;
}

/** The four ways the daily path is walked: each language at a desktop and at a phone width. */
const COMBOS = [
  { name: 'English, 1280 px', lang: 'en', width: 1280, height: 800 },
  { name: 'English, 390 px', lang: 'en', width: 390, height: 844 },
  { name: '中文, 1280 px', lang: 'zh', width: 1280, height: 800 },
  { name: '中文, 390 px', lang: 'zh', width: 390, height: 844 },
] as const satisfies readonly { name: string; lang: Locale; width: number; height: number }[];
type Combo = (typeof COMBOS)[number];

/** Requests one user starts, more than one page of "My requests" holds. */
const REQUESTS_PAGE = 25;
const PAGED_REQUESTS = REQUESTS_PAGE + 4;

/** The session cookie of a user, signed in through the API (for scenarios that do not test login). */
async function sessionCookie(baseUrl: string, username: string) {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: username === 'admin' ? ADMIN_PASSWORD : USER_PASSWORD }),
  });
  if (!response.ok) throw new Error(`login ${username}: ${response.status}`);
  const [pair = ''] = (response.headers.get('set-cookie') ?? '').split(';');
  const at = pair.indexOf('=');
  return { name: pair.slice(0, at), value: pair.slice(at + 1), url: baseUrl };
}

// One browser scenario per defect and gap of the daily path (see docs/ARCHITECTURE.md, "Browser
// scenario matrix"), each walked in English and Chinese, at 1280 px and at a 390 px phone width.
describe.skipIf(!serverBuilt)('the daily path in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let sam: Call;
  let kim: Call;
  let maya: Call;
  let ren: Call;

  const start = async (
    who: Call,
    processId: string,
    variables: Record<string, unknown> = {},
    businessKey?: string,
  ) => (await who<{ id: string }>('POST', '/api/instances', { processId, variables, businessKey })).id;
  const openTask = async (instanceId: string) => {
    const page = await maya<{ items: TaskRow[] }>('GET', `/api/tasks?scope=all&instanceId=${instanceId}`);
    const task = page.items[0];
    if (!task) throw new Error(`no open task in ${instanceId}`);
    return task;
  };

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    const admin = await apiSession(server.baseUrl, 'admin', ADMIN_PASSWORD);
    await admin('POST', '/api/users', {
      username: 'ren',
      displayName: 'ren',
      roles: ['staff'],
      groups: [],
      password: USER_PASSWORD,
    });
    browser = await launchBrowser();
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    for (const form of FORMS) await dana('POST', '/api/forms', form);
    for (const process of Object.values(PROCESSES))
      await dana('POST', '/api/definitions', { xml: oneTaskProcess(process) });
    await dana('POST', '/api/definitions', { xml: twoSteps });
    const signIn = (user: string) => apiSession(server.baseUrl, user, USER_PASSWORD);
    [sam, kim, maya, ren] = await Promise.all([signIn('sam'), signIn('kim'), signIn('maya'), signIn('ren')]);
    // ren's requests: more than one page of them
    for (let i = 1; i <= PAGED_REQUESTS; i++)
      await start(ren, PROCESSES.own.processId, {}, `REN-${String(i).padStart(3, '0')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  describe.each(COMBOS)('$name', (combo: Combo) => {
    const phone = combo.width < 700;
    const contexts: BrowserContext[] = [];
    const pages = new Map<string, Page>();

    /** A message of the app in this run's language; a Chinese run must get Chinese text. */
    const say = (key: MessageKey, params?: Record<string, string | number>) => {
      const text = translate(combo.lang, key, params);
      if (combo.lang === 'zh') expect(text, key).toMatch(/[\u4e00-\u9fff]/);
      return text;
    };
    const pick = (en: string, zh: string) => (combo.lang === 'zh' ? zh : en);

    async function newContext(): Promise<BrowserContext> {
      const context = await browser.newContext({
        viewport: { width: combo.width, height: combo.height },
        locale: combo.lang === 'zh' ? 'zh-CN' : 'en-US',
      });
      contexts.push(context);
      return context;
    }

    /** The user's page, signed in through the API, at `path`. */
    async function as(user: string, path: string): Promise<Page> {
      let page = pages.get(user);
      if (!page) {
        const context = await newContext();
        await context.addCookies([await sessionCookie(server.baseUrl, user)]);
        page = await context.newPage();
        page.setDefaultTimeout(20_000);
        pages.set(user, page);
      }
      await page.goto(`${server.baseUrl}/#${path}`);
      await page.locator('.topbar').waitFor();
      return page;
    }

    /** The page is no wider than the window: nothing needs a sideways scroll. */
    async function expectNoSideScroll(page: Page): Promise<void> {
      const [scroll, client] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        document.documentElement.clientWidth,
      ]);
      expect(scroll, `page is ${scroll} px wide in a ${client} px window`).toBeLessThanOrEqual(client ?? 0);
    }

    /** The control is wholly inside the window and nothing covers it: a tap would reach it. */
    async function expectReachable(locator: Locator): Promise<void> {
      await locator.scrollIntoViewIfNeeded();
      const box = await locator.boundingBox();
      expect(box, 'control is rendered').not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(combo.width);
      await locator.click({ trial: true, timeout: 5_000 });
    }

    afterAll(async () => {
      for (const context of contexts) await context.close();
    });

    it('shows the start form in its designed order, in the language, with a person picked from a list', async () => {
      // given the conflict mediation template's start form
      const page = await as('sam', '/start/conflict-mediation');
      await page.locator('#start_title').waitFor();
      // then its fields come in the designed order, not the database's
      const ids = await page.$$eval('.start-form [id^="start_"]', (els) => els.map((e) => e.id));
      expect([...new Set(ids.filter((id) => /^start_[A-Za-z]+$/.test(id)))]).toEqual([
        'start_title',
        'start_teams',
        'start_partyA',
        'start_partyB',
        'start_description',
        'start_impact',
      ]);
      // under the template's name, and labelled, in the language
      expect(await page.locator('.start-form h2').first().textContent()).toBe(
        pick('Conflict mediation', '冲突调解'),
      );
      expect(await page.locator('label[for="start_title"]').textContent()).toContain(pick('Title', '标题'));
      expect(await page.locator('label[for="start_partyA"]').textContent()).toContain(
        pick('Party A', '甲方'),
      );
      // and the parties are people picked from the user list, not free text
      expect(await page.locator('#start_partyA').evaluate((e) => e.tagName)).toBe('SELECT');
      const people = await page.locator('#start_partyA option').allTextContents();
      expect(people.join(' ')).toContain('kim');
      for (const id of ['#start_title', '#start_partyA', '#start_impact', '[data-testid="start-submit"]'])
        await expectReachable(page.locator(id));
      await expectNoSideScroll(page);
      const back = page.locator('[data-testid="start-all"]');
      if (phone) {
        // on a phone the chosen form replaces the list of processes and starts on the first screen
        await page.evaluate(() => window.scrollTo(0, 0));
        expect(await page.locator('.process-picker').isVisible()).toBe(false);
        const first = await page.locator('#start_title').boundingBox();
        expect(first!.y + first!.height).toBeLessThanOrEqual(combo.height);
        expect(await back.textContent()).toContain(say('start.allProcesses'));
        await back.click();
        await page.locator('.process-picker').waitFor();
        expect(await page.locator('[data-testid="start-conflict-mediation"] strong').textContent()).toBe(
          pick('Conflict mediation', '冲突调解'),
        );
        expect(await page.locator('.start-form').textContent()).toBe(say('start.pick'));
      } else {
        expect(await page.locator('.process-picker').isVisible()).toBe(true);
        expect(await back.isVisible()).toBe(false);
      }
    });

    it('words validation messages for people, in the language', async () => {
      // given the start form, sent empty
      const page = await as('sam', '/start/conflict-mediation');
      await page.locator('#start_title').waitFor();
      await page.click('[data-testid="start-submit"]');
      // then the message names the field in the language, not ajv's wording
      const message = say('formError.required', { field: pick('Title', '标题') });
      await page.getByText(message).first().waitFor();
      expect(await page.locator('.start-form').textContent()).not.toContain('must have required property');
      // and a too-short title says so in the language too
      await page.fill('#start_title', 'abc');
      await page.click('[data-testid="start-submit"]');
      await page
        .getByText(say('formError.minLength', { field: pick('Title', '标题'), limit: 5 }))
        .first()
        .waitFor();
      await expectNoSideScroll(page);
    });

    it('starts once: after “Started.” the form is gone, and another start begins blank', async () => {
      // given sam fills the start form
      const page = await as('sam', '/start/conflict-mediation');
      await page.locator('#start_title').waitFor();
      await page.fill('#start_title', `Weekly numbers ${combo.name}`);
      await page.fill('#start_teams', 'Content and Data');
      await page.selectOption('#start_partyA', 'sam');
      await page.selectOption('#start_partyB', 'kim');
      await page.fill('#start_description', 'Both teams publish different weekly numbers');
      await page.selectOption('#start_impact', { label: pick('High', '高') });
      // when he starts it
      await page.click('[data-testid="start-submit"]');
      // then it is confirmed in the language and the form cannot be sent twice
      const started = page.locator('[data-testid="started"]');
      await started.waitFor();
      expect(await started.textContent()).toContain(say('start.started'));
      expect(await page.locator('#start_title').count()).toBe(0);
      await expectReachable(page.locator('[data-testid="start-again"]'));
      // and another start is blank
      await page.click('[data-testid="start-again"]');
      expect(await page.inputValue('#start_title')).toBe('');
    });

    it('lets the delegate resolve a delegated task, and it goes back to its owner', async () => {
      // given sam delegated his task to kim
      const instanceId = await start(sam, PROCESSES.note.processId);
      const task = await openTask(instanceId);
      await sam('POST', `/api/tasks/${task.id}/delegate`, { toUser: 'kim', reason: 'Please fill it in' });
      // when kim opens it
      const page = await as('kim', `/tasks/${task.id}`);
      const resolve = page.locator('[data-testid="resolve"]');
      await resolve.waitFor();
      // then she is told what to do and offered Resolve, in the language and within reach
      await page.getByText(say('task.resolveHint', { owner: 'sam' })).waitFor();
      expect(await resolve.textContent()).toBe(say('task.resolve'));
      expect(await page.locator('[data-testid="complete"]').isVisible()).toBe(false);
      expect(await page.locator('[data-testid="task-title"]').textContent()).toBe(
        pick('Write the note', '填写备注'),
      );
      await expectReachable(resolve);
      await expectNoSideScroll(page);
      // when she fills it and resolves
      await page.fill('input[id$="note"]', `Checked (${combo.name})`);
      await resolve.click();
      // then the task is sam's again, with her note
      await page.locator('[data-testid="inbox"]').waitFor();
      const after = await maya<TaskRow & { variables?: unknown }>('GET', `/api/tasks/${task.id}`);
      expect(after).toMatchObject({ assignee: 'sam', delegated: false });
    });

    it('opens an acknowledgement unticked, though the process already holds an answer of that name', async () => {
      // given a process whose variables already say "acknowledged" and hold sam's earlier note
      const instanceId = await start(sam, PROCESSES.ack.processId, {
        acknowledged: true,
        note: 'Read it last week',
      });
      const task = await openTask(instanceId);
      // when sam opens his acknowledgement
      const page = await as('sam', `/tasks/${task.id}`);
      await page.locator('#task_acknowledged').waitFor();
      // then the box is his to tick, and only the declared field is prefilled
      expect(await page.isChecked('#task_acknowledged')).toBe(false);
      expect(await page.inputValue('#task_note')).toBe('Read it last week');
      expect(await page.locator('main').textContent()).toContain(
        pick('I have read the change', '我已阅读该变更'),
      );
      // and completing it unticked is refused in the language
      await page.click('[data-testid="complete"]');
      await page
        .getByText(say('formError.required', { field: pick('I have read the change', '我已阅读该变更') }))
        .or(page.getByText(pick('Please tick', '请勾选')))
        .first()
        .waitFor();
      await expectReachable(page.locator('[data-testid="complete"]'));
      await expectNoSideScroll(page);
    });

    it('speaks the language in forms, task names and the inbox', async () => {
      // given a request for a monitor waits for staff
      const instanceId = await start(
        sam,
        PROCESSES.ask.processId,
        { item: 'Monitor', reasons: ['eyes'] },
        `MON-${combo.name}`,
      );
      const task = await openTask(instanceId);
      // when kim looks at the claimable tasks
      const page = await as('kim', '/inbox');
      await page.click('[data-testid="tab-claimable"]');
      const row = page.locator('[data-testid="task-row"]', { hasText: `MON-${combo.name}` });
      await row.waitFor();
      // then the task is named in the language
      expect(await row.textContent()).toContain(pick('Decide the request', '审批申请'));
      // and on its page the title and fields are too, and so is the message for a missing answer;
      // the heading is never first shown in another language, nor blinks away once shown
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { titlesSeen: string[] }).titlesSeen = seen;
        new MutationObserver(() => {
          const title = document.querySelector('[data-testid="task-title"]');
          const text = title ? (title.textContent ?? '') : '(none)';
          if ((title || seen.length > 0) && seen.at(-1) !== text) seen.push(text);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await page.goto(`${server.baseUrl}/#/tasks/${task.id}`);
      await page.locator('[data-testid="task-title"]').waitFor();
      expect(await page.locator('[data-testid="task-title"]').textContent()).toBe(
        pick('Decide the request', '审批申请'),
      );
      // as does its history
      await expect
        .poll(() => page.locator('.element-name[data-element-id="Task_main"]').first().textContent())
        .toBe(pick('Decide the request', '审批申请'));
      expect(await page.evaluate(() => (window as unknown as { titlesSeen: string[] }).titlesSeen)).toEqual([
        pick('Decide the request', '审批申请'),
      ]);
      expect(await page.locator('#task_approve').locator('xpath=ancestor::label').textContent()).toContain(
        pick('Approve', '批准'),
      );
      await page.click('[data-testid="claim"]');
      await page.locator('[data-testid="unclaim"]').waitFor();
      await page.click('[data-testid="complete"]');
      await page
        .getByText(say('formError.required', { field: pick('Comment', '意见') }))
        .first()
        .waitFor();
      await expectNoSideScroll(page);
    });

    it('sends a user whose session expired to the login page and back to where they were', async () => {
      // given sam works on a task page, signed in through the login page
      const instanceId = await start(sam, PROCESSES.note.processId);
      const task = await openTask(instanceId);
      const context = await newContext();
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/#/tasks/${task.id}`);
      const login = async () => {
        await page.fill('input[name="username"]', 'sam');
        await page.fill('input[name="password"]', USER_PASSWORD);
        await expectReachable(page.locator('button[type="submit"]'));
        await page.click('button[type="submit"]');
        await page.locator('[data-testid="task-title"]').waitFor();
      };
      await login();
      // when the session ends and he acts
      await context.clearCookies();
      await page.click('[data-testid="save-draft"]');
      // then the login page says why in the language, and signing in returns to the task
      await expect
        .poll(() => page.locator('[data-testid="session-expired"]').textContent())
        .toBe(say('auth.sessionExpired'));
      expect(await page.locator('.topbar').count()).toBe(0);
      await expectNoSideScroll(page);
      await login();
      expect(await page.evaluate(() => window.location.hash)).toBe(`#/tasks/${task.id}`);
      await context.close();
    });

    it('asks before leaving a changed diagram, restores it as a draft, and lints a split without conditions', async () => {
      // given dana added a task to a new diagram
      const page = await as('dana', '/modeler/new');
      await page.evaluate(() => window.localStorage.clear());
      await page.reload();
      await page.locator('.djs-element[data-element-id="StartEvent_1"]').click();
      await page.click('.djs-context-pad [data-action="append.append-task"]');
      await page.locator('.djs-shape[data-element-id^="Activity_"]').first().waitFor({ state: 'attached' });
      if (phone) {
        // a phone user is told that drawing wants a wider screen, and nothing runs off the side
        const notice = page.locator('[data-testid="narrow-screen"]');
        expect(await notice.isVisible()).toBe(true);
        expect(await notice.textContent()).toBe(say('modeler.narrowScreen'));
        await expectNoSideScroll(page);
      } else {
        expect(await page.locator('[data-testid="narrow-screen"]').isVisible()).toBe(false);
      }
      // when she follows a link away and declines to leave
      const asked: string[] = [];
      page.once('dialog', (dialog) => {
        asked.push(dialog.message());
        void dialog.dismiss();
      });
      await page.click('.nav a[href="#/processes"]');
      // then she was asked in the language and stays with her work
      await expect.poll(() => asked.length).toBe(1);
      expect(asked[0]).toBe(say('modeler.unsavedLeave'));
      expect(await page.evaluate(() => window.location.hash)).toBe('#/modeler/new');
      // when she leaves after all and comes back, her draft is back
      page.once('dialog', (dialog) => void dialog.accept());
      await page.click('.nav a[href="#/processes"]');
      await expect.poll(() => page.locator('main h1').textContent()).toBe(say('processes.title'));
      await page.goto(`${server.baseUrl}/#/modeler/new`);
      const restored = page.locator('[data-testid="draft-restored"]');
      await restored.waitFor();
      expect(await restored.textContent()).toContain(say('modeler.draftRestored'));
      await page.locator('.djs-shape[data-element-id^="Activity_"]').first().waitFor({ state: 'attached' });
      // when she imports a split whose flows have no condition
      page.once('dialog', (dialog) => void dialog.accept());
      await page.setInputFiles('.modeler-page input[type="file"]', {
        name: 'split.bpmn',
        mimeType: 'application/xml',
        buffer: Buffer.from(splitWithoutConditions()),
      });
      await page.locator('.djs-element[data-element-id="Gateway_approved"]').waitFor({ state: 'attached' });
      // then the check names the gateway by its name, in the language
      await page.click(`[role="tab"]:has-text("${say('modeler.tab.problems')}")`);
      const problem = page
        .locator('[data-testid="problem-list"] li')
        .filter({ hasText: say('modeler.lintGatewayCondition') });
      await problem.waitFor();
      expect(await problem.locator('[data-testid="problem-element"]').textContent()).toBe('Approved?');
      // and the canvas's own controls speak the language too, with counts said right
      const summary = (await page.locator('.bjsl-button').textContent())?.trim();
      expect(summary).toMatch(
        combo.lang === 'zh' ? /^\d+ 个错误，\d+ 个警告$/ : /^(1 error|\d+ errors), (1 warning|\d+ warnings)$/,
      );
      expect(summary).not.toMatch(/\b1 (errors|warnings)\b/);
      expect(await page.locator('.bts-toggle-mode').isVisible()).toBe(false);
      expect(await page.locator('[data-testid="simulate"]').textContent()).toBe(say('modeler.simulate'));
      await page.evaluate(() => window.localStorage.clear());
    });

    it('tells the new assignee of a hand-off, a delegation and a return, with the count said right', async () => {
      // given maya has read everything so far
      const unread = await maya<{ items: { id: string }[] }>(
        'GET',
        '/api/notifications?unread=true&limit=200',
      );
      for (const n of unread.items) await maya('POST', `/api/notifications/${n.id}/read`, {});
      const page = await as('maya', '/inbox');
      expect(await page.locator('[data-testid="notification-count"]').count()).toBe(0);
      // when sam hands one task over to her and delegates another
      const handed = await openTask(await start(sam, PROCESSES.note.processId));
      await sam('POST', `/api/tasks/${handed.id}/handoff`, { toUser: 'maya', reason: 'I am away' });
      const delegated = await openTask(await start(sam, PROCESSES.note.processId));
      await sam('POST', `/api/tasks/${delegated.id}/delegate`, { toUser: 'maya', reason: 'Your call' });
      // and returns a check to the plan she drafted
      const plan = await start(sam, 'm-two');
      await maya('POST', `/api/tasks/${(await openTask(plan)).id}/complete`, { variables: {} });
      const check = await openTask(plan);
      await sam('POST', `/api/tasks/${check.id}/return`, {
        targetElementId: 'Task_draft',
        reason: 'Add costs',
      });
      // then her bell counts all three, live, and says so in the language
      const bell = page.locator('[data-testid="notification-bell"]');
      await expect.poll(() => page.locator('[data-testid="notification-count"]').textContent()).toBe('3');
      expect(await bell.getAttribute('aria-label')).toBe(say('notifications.bell.other', { count: 3 }));
      await expectReachable(bell);
      // and its panel opens wholly inside the window
      await bell.click();
      const panel = page.locator('[data-testid="notification-panel"]');
      await expect
        .poll(() => panel.locator('[data-testid="notification"][data-unread="true"]').count())
        .toBe(3);
      const box = await panel.boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(combo.width);
      await page.keyboard.press('Escape');
      // and the list tells what happened, in the language
      await page.goto(`${server.baseUrl}/#/notifications`);
      await page.click('[data-testid="notifications-unread-only"]');
      const entries = page.locator('[data-testid="notification"]');
      await expect.poll(() => entries.count()).toBe(3);
      // (the task by its form's name in the language; a task without a form by its own name)
      const task = pick('Write the note', '填写备注');
      const texts = () => entries.allTextContents().then((all) => all.join('\n'));
      await expect.poll(texts).toContain(say('notifications.task.handedOff', { by: 'sam', task }));
      await expect.poll(texts).toContain(say('notifications.task.delegated', { by: 'sam', task }));
      expect(await texts()).toContain(
        say('notifications.task.returned', { by: 'sam', task: 'Draft the plan' }),
      );
      expect(await page.locator('main').textContent()).toContain(
        say('notifications.total.other', { count: 3 }),
      );
      // and one left unread is "1", never "1 notifications"
      for (const left of ['2', '1']) {
        await entries.first().locator('[data-testid="notification-mark-read"]').click();
        await expect.poll(() => page.locator('[data-testid="notification-count"]').textContent()).toBe(left);
      }
      expect(await bell.getAttribute('aria-label')).toBe(say('notifications.bell.one', { count: 1 }));
      await expect
        .poll(() => page.locator('main').textContent())
        .toContain(say('notifications.total.one', { count: 1 }));
      expect(await page.locator('main').textContent()).not.toContain('1 notifications');
      await expectNoSideScroll(page);
    });

    it('keeps navigation, tables and the Claim button within the window', async () => {
      // given a claimable task
      const instanceId = await start(
        sam,
        PROCESSES.pool.processId,
        { summary: 'A long value that a manager sees unbroken in the variables of the instance' },
        `POOL-${combo.name}-2026-000123`,
      );
      // when sam opens the claimable tasks
      const page = await as('sam', '/inbox');
      await page.click('[data-testid="tab-claimable"]');
      const row = page.locator('[data-testid="task-row"]', { hasText: `POOL-${combo.name}` });
      await row.waitFor();
      // then every navigation link, the row's Claim and the page fit the window
      for (const link of await page.locator('.nav a').all()) await expectReachable(link);
      const claim = row.locator('button');
      expect(await claim.textContent()).toBe(say('task.claim'));
      await expectReachable(claim);
      await expectNoSideScroll(page);
      // and the task page, My requests and the manager's pages too
      const task = await openTask(instanceId);
      await page.goto(`${server.baseUrl}/#/tasks/${task.id}`);
      await expectReachable(page.locator('[data-testid="claim"]'));
      await expectNoSideScroll(page);
      await page.goto(`${server.baseUrl}/#/requests`);
      await page.locator('[data-testid="request-row"]').first().waitFor();
      await expectNoSideScroll(page);
      const manager = await as('maya', '/instances');
      await manager.locator('main table').first().waitFor();
      await expectNoSideScroll(manager);
      await manager.goto(`${server.baseUrl}/#/instances/${instanceId}`);
      await manager.locator('[data-testid="diagram"] .djs-element').first().waitFor({ state: 'attached' });
      await expectNoSideScroll(manager);
      await manager.goto(`${server.baseUrl}/#/templates`);
      await manager.locator('[data-testid="template-card"]').first().waitFor();
      await expectNoSideScroll(manager);
    });

    it('keeps keyboard users oriented: skip link first, focus after Claim and navigation, arrow keys on tabs', async () => {
      // given a fresh visit: the first Tab goes to the skip link, in the language
      const page = await as('sam', '/inbox');
      await page.reload();
      await page.locator('[data-testid="inbox"]').waitFor();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(say('shell.skipToContent'));
      // the inbox tabs move with the arrow keys
      await page.locator('[data-testid="tab-mine"]').focus();
      await page.keyboard.press('ArrowRight');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
        'tab-claimable',
      );
      expect(await page.locator('[data-testid="tab-claimable"]').getAttribute('aria-selected')).toBe('true');
      // a navigation puts focus on the new page's heading
      await page.click('.nav a[href="#/start"]');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.textContent))
        .toBe(say('start.title'));
      // and claiming keeps focus on the page, on its heading
      const task = await openTask(await start(sam, PROCESSES.pool.processId));
      await page.goto(`${server.baseUrl}/#/tasks/${task.id}`);
      await page.click('[data-testid="claim"]');
      await page.locator('[data-testid="unclaim"]').waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    });

    it('passes axe-core without serious findings on the main pages', async () => {
      const instanceId = await start(sam, PROCESSES.ask.processId, { item: 'Desk', reasons: ['back'] });
      const task = await openTask(instanceId);
      const checks: [user: string, path: string, ready: string][] = [
        ['sam', '/inbox', '[data-testid="inbox"]'],
        ['kim', `/tasks/${task.id}`, '[data-testid="task-context"]'],
        ['sam', '/requests', '[data-testid="request-row"]'],
        ['sam', '/notifications', '[data-testid="notifications"]'],
        ['maya', `/instances/${instanceId}`, '[data-testid="diagram"] .djs-element'],
        ['dana', '/forms/m-decide', 'main h1'],
      ];
      const found: string[] = [];
      for (const [user, path, ready] of checks) {
        const page = await as(user, path);
        await page.locator(ready).first().waitFor({ state: 'attached' });
        for (const v of await seriousViolations(page)) found.push(`${path} ${v}`);
      }
      expect(found).toEqual([]);
    });

    it('loads compressed assets, cached for good, and a favicon', async () => {
      // given a first visit with an empty cache
      const context = await newContext();
      await context.addCookies([await sessionCookie(server.baseUrl, 'sam')]);
      const page = await context.newPage();
      const scripts: { url: string; encoding?: string; cache?: string }[] = [];
      page.on('response', (response) => {
        if (/\/assets\/.+\.js$/.test(response.url()))
          scripts.push({
            url: response.url(),
            encoding: response.headers()['content-encoding'],
            cache: response.headers()['cache-control'],
          });
      });
      await page.goto(`${server.baseUrl}/#/inbox`);
      await page.locator('[data-testid="inbox"]').waitFor();
      // then every script came compressed and may be kept for a year
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        expect(['br', 'gzip', 'zstd'], script.url).toContain(script.encoding);
        expect(script.cache, script.url).toBe('public, max-age=31536000, immutable');
      }
      // and the browser finds the favicon
      const favicon = await page.evaluate(async () => {
        const answer = await fetch('/favicon.ico');
        return { status: answer.status, type: answer.headers.get('content-type') };
      });
      expect(favicon.status).toBe(200);
      expect(favicon.type).toContain('icon');
      expect(await page.locator('main h1').textContent()).toBe(say('inbox.title'));
      await context.close();
    });

    it('shows the person deciding the background and the inbox the headline (task context)', async () => {
      // given a request for a chair waits for staff
      const key = `CHAIR-${combo.name}`;
      await start(sam, PROCESSES.ask.processId, { item: 'Chair', reasons: ['back', 'posture'] }, key);
      // when kim looks at the claimable tasks
      const page = await as('kim', '/inbox');
      await page.click('[data-testid="tab-claimable"]');
      const row = page.locator('[data-testid="task-row"]', { hasText: key });
      await row.waitFor();
      // then the row names the process, the business key and the headline
      expect(await row.locator('[data-testid="task-headline"]').textContent()).toBe('Chair');
      expect(await row.textContent()).toContain('Equipment request');
      await expectNoSideScroll(page);
      // and the task page shows the background, read-only, in the language
      await row.locator('a').first().click();
      await page.locator('[data-testid="task-context"]').waitFor();
      expect(await page.locator('#task-context-title').textContent()).toBe(say('taskContext.title'));
      const item = page.locator('[data-testid="context-item"]');
      expect(await item.locator('dt').textContent()).toBe(pick('Item asked for', '申请物品'));
      expect(await item.locator('dd').textContent()).toBe('Chair');
      expect(await page.locator('[data-testid="context-reasons"] li').allTextContents()).toEqual([
        'back',
        'posture',
      ]);
      await expectReachable(item);
      await expectNoSideScroll(page);
    });

    it('shows a requester where a request is, who has it and its timeline, and lets a manager cancel', async () => {
      // given sam asked for a laptop, which kim holds
      const key = `LAPTOP-${combo.name}`;
      const laptop = await start(sam, PROCESSES.ask.processId, { item: 'Laptop' }, key);
      const task = await openTask(laptop);
      await kim('POST', `/api/tasks/${task.id}/claim`, {});
      // when sam opens My requests from the navigation
      const page = await as('sam', '/inbox');
      await page.click(`.nav a:has-text("${say('requests.title')}")`);
      const row = page.locator('[data-testid="request-row"]', { hasText: key });
      await row.waitFor();
      // then it says where it is and who has it, in the language, and staff cannot cancel
      expect(await row.locator('[data-testid="request-where"]').textContent()).toContain(
        pick('Decide the request', '审批申请'),
      );
      expect(await row.locator('[data-testid="request-holder"]').textContent()).toContain('kim');
      expect(await row.textContent()).toContain(say('status.active'));
      expect(await row.locator('[data-testid="cancel-request"]').count()).toBe(0);
      // and its timeline opens in place
      const toggle = row.locator('button[aria-expanded]');
      expect(await toggle.textContent()).toBe(say('requests.timeline'));
      await expectReachable(toggle);
      await toggle.click();
      await page.locator('[data-testid="timeline"]').waitFor();
      await expectNoSideScroll(page);
      // given maya's own request, which she manages
      const own = `OWN-${combo.name}`;
      await start(maya, PROCESSES.own.processId, {}, own);
      const mayaPage = await as('maya', '/requests');
      const mine = mayaPage.locator('[data-testid="request-row"]', { hasText: own });
      await mine.waitFor();
      // when she cancels it
      const cancel = mine.locator('[data-testid="cancel-request"]');
      expect(await cancel.textContent()).toBe(say('requests.cancel'));
      await expectReachable(cancel);
      const asked: string[] = [];
      mayaPage.once('dialog', (dialog) => {
        asked.push(dialog.message());
        void dialog.accept();
      });
      await cancel.click();
      // then she was asked in the language, and it is cancelled
      await mayaPage.getByText(say('requests.cancelled')).waitFor();
      expect(asked).toEqual([say('requests.cancelConfirm')]);
      await expect.poll(() => mine.textContent()).toContain(say('status.cancelled'));
      await expectNoSideScroll(mayaPage);
    });

    it('pages through My requests beyond the first page', async () => {
      // given ren started more requests than one page holds
      const page = await as('ren', '/requests');
      const rows = page.locator('[data-testid="request-row"]');
      await rows.first().waitFor();
      // then the first page is full, newest first, and says how many there are
      expect(await rows.count()).toBe(REQUESTS_PAGE);
      expect(await rows.first().textContent()).toContain(`REN-${String(PAGED_REQUESTS).padStart(3, '0')}`);
      const pager = page.locator('[data-testid="requests-pager"]');
      expect(await pager.textContent()).toContain(
        say('requests.range', { from: 1, to: REQUESTS_PAGE, total: PAGED_REQUESTS }),
      );
      // when ren goes to the next page
      const older = pager.locator('button', { hasText: say('requests.older') });
      await expectReachable(older);
      await older.click();
      // then the rest are there, none twice, the oldest last
      await expect.poll(() => rows.count()).toBe(PAGED_REQUESTS - REQUESTS_PAGE);
      expect(await rows.last().textContent()).toContain('REN-001');
      expect(await pager.textContent()).toContain(
        say('requests.range', { from: REQUESTS_PAGE + 1, to: PAGED_REQUESTS, total: PAGED_REQUESTS }),
      );
      expect(await older.isDisabled()).toBe(true);
      await expectNoSideScroll(page);
      // and back
      await pager.locator('button', { hasText: say('requests.newer') }).click();
      await expect.poll(() => rows.count()).toBe(REQUESTS_PAGE);
    });
  });
});
