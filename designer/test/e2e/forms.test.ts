import type { Browser } from 'playwright-core';
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
  USER_PASSWORD,
} from './harness.js';

type Call = Awaited<ReturnType<typeof apiSession>>;

/** The open task of an instance at one element assigned to this user. */
async function taskOf(call: Call, instanceId: string, elementId: string, assignee: string): Promise<string> {
  const page = await call<{ items: { id: string; elementId: string; assignee: string | null }[] }>(
    'GET',
    `/api/tasks?instanceId=${instanceId}`,
  );
  const task = page.items.find((t) => t.elementId === elementId && t.assignee === assignee);
  if (!task) throw new Error(`no open ${elementId} for ${assignee} in ${instanceId}`);
  return task.id;
}

// Staff fill the built-in forms: fields in the designed order, people picked from a list, messages
// worded for people, Chinese texts in 中文, a blank form after a start, and no one else's answers.
describe.skipIf(!serverBuilt)('forms in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    // mia, a demo mediator, decides: give her the known password too
    const admin = await apiSession(server.baseUrl, 'admin', ADMIN_PASSWORD);
    const users = await admin<{ items: { id: string; username: string }[] }>('GET', '/api/users?limit=200');
    const mia = users.items.find((u) => u.username === 'mia');
    await admin('PATCH', `/api/users/${mia?.id}`, { password: USER_PASSWORD });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('starts a conflict from a form in its designed order, then the second party acknowledges on a blank form in 中文', async () => {
    // given sam on the start page of the conflict mediation template
    const { context, page } = await signIn(browser, server.baseUrl, 'sam');
    await page.goto(`${server.baseUrl}/#/start/conflict-mediation`);
    await page.locator('#start_title').waitFor();
    const ids = await page.$$eval('.start-form [id^="start_"]', (els) => els.map((e) => e.id));
    const fields = [...new Set(ids.filter((id) => /^start_[A-Za-z]+$/.test(id)))];
    expect(fields).toEqual([
      'start_title',
      'start_teams',
      'start_partyA',
      'start_partyB',
      'start_description',
      'start_impact',
    ]);

    // when sam submits it empty, the messages name the fields
    await page.click('[data-testid="start-submit"]');
    await page.getByText('Please fill in “Title”.').waitFor();

    // and fills it, picking the parties from the user list
    await page.fill('#start_title', 'Who owns the weekly numbers');
    await page.fill('#start_teams', 'Content and Data');
    expect(await page.locator('#start_partyA').evaluate((e) => e.tagName)).toBe('SELECT');
    await page.selectOption('#start_partyA', 'sam');
    await page.selectOption('#start_partyB', 'kim');
    await page.fill('#start_description', 'Both teams publish different weekly numbers');
    await page.selectOption('#start_impact', { label: 'High' });
    await page.click('[data-testid="start-submit"]');

    // then the start is confirmed and the form is gone until sam asks for another, blank one
    await page.locator('[data-testid="started"]').waitFor();
    expect(await page.locator('#start_title').count()).toBe(0);
    await page.click('[data-testid="start-again"]');
    expect(await page.inputValue('#start_title')).toBe('');
    await context.close();

    // given the parties disagree, a mediator decides, and sam acknowledges with a comment
    const [sam, kim, mia] = await Promise.all([
      apiSession(server.baseUrl, 'sam', USER_PASSWORD),
      apiSession(server.baseUrl, 'kim', USER_PASSWORD),
      apiSession(server.baseUrl, 'mia', USER_PASSWORD),
    ]);
    const list = await sam<{ items: { id: string }[] }>('GET', '/api/instances?processId=conflict-mediation');
    const id = (list.items[0] as { id: string }).id;
    const position = { position: 'Our team should own the numbers', wouldAccept: 'Shared ownership' };
    const done = (call: Call, taskId: string, variables: Record<string, unknown>) =>
      call('POST', `/api/tasks/${taskId}/complete`, { variables });
    await done(sam, await taskOf(sam, id, 'Task_positionA', 'sam'), position);
    await done(kim, await taskOf(kim, id, 'Task_positionB', 'kim'), position);
    await done(sam, await taskOf(sam, id, 'Task_propose', 'sam'), {
      proposal: 'Data owns the numbers from now on',
    });
    await done(sam, await taskOf(sam, id, 'Task_vote', 'sam'), { accept: true, comment: 'Fine by lee' });
    await done(kim, await taskOf(kim, id, 'Task_vote', 'kim'), { accept: false, comment: 'Not fine by kim' });
    const mediate = (
      await mia<{ items: { id: string; elementId: string }[] }>('GET', `/api/tasks?instanceId=${id}`)
    ).items.find((t) => t.elementId === 'Task_mediate');
    await mia('POST', `/api/tasks/${mediate?.id}/claim`);
    await done(mia, mediate?.id as string, { resolution: 'Data publishes the official numbers' });
    await done(sam, await taskOf(sam, id, 'Task_acknowledge', 'sam'), {
      acknowledged: true,
      comment: 'Will do, lee',
    });

    // when kim opens the acknowledgement in Chinese
    const zh = await signIn(browser, server.baseUrl, 'kim', { locale: 'zh-CN' });
    await zh.page.goto(`${server.baseUrl}/#/tasks/${await taskOf(kim, id, 'Task_acknowledge', 'kim')}`);
    await zh.page.getByText('我确认该决定并将执行').waitFor();

    // then the form is blank, labelled in Chinese, and its message is in Chinese
    expect(await zh.page.isChecked('#task_acknowledged')).toBe(false);
    expect(await zh.page.inputValue('#task_comment')).toBe('');
    await zh.page.click('[data-testid="complete"]');
    await zh.page.getByText('请勾选“我确认该决定并将执行”。').waitFor();
    await zh.context.close();
  });

  it('previews a template form in 中文 with its translations, and keeps them when a designer saves it', async () => {
    // given a designer working in Chinese on the mediator's decision form
    const { context, page } = await signIn(browser, server.baseUrl, 'dana', { locale: 'zh-CN' });
    await page.goto(`${server.baseUrl}/#/forms/conflict-decision`);
    const preview = page.locator('.designer-preview');
    // then the preview shows the form's own Chinese field titles
    await preview.locator('#preview_resolution').waitFor();
    await expect
      .poll(() => preview.locator('label[for="preview_resolution"]').textContent())
      .toContain('决定');
    expect(await preview.textContent()).not.toContain('Decision');
    // when it is saved as a new version
    await page.click('[data-testid="save-form"]');
    await page.locator('[data-testid="form-notice"]').waitFor();
    // then the new version still carries the translations
    const dana = await apiSession(server.baseUrl, 'dana', USER_PASSWORD);
    const saved = await dana<{ version: number; i18n?: { zh?: Record<string, string> } }>(
      'GET',
      '/api/forms/conflict-decision',
    );
    expect(saved.version).toBeGreaterThan(1);
    expect(saved.i18n?.zh?.['/properties/resolution/title']).toBe('决定');
    await context.close();
  });
});
