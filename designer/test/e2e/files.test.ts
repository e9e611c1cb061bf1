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
  USER_PASSWORD,
} from './harness.js';

type Call = Awaited<ReturnType<typeof apiSession>>;

/** start -> "Check the documents" for staff, with a form that takes a file. */
const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-e2e-files" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="e2e-files" name="Documents check" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="check" name="Check the documents">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition candidateGroups="staff" />
        <zeebe:formDefinition formId="e2e-file-check" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

const FORM = {
  formId: 'e2e-file-check',
  name: { en: 'Check the documents', zh: '检查文件' },
  schema: {
    type: 'object',
    properties: {
      note: { title: 'Note', type: 'string' },
      scan: { title: 'Signed copy', type: 'string', format: 'baton-file' },
    },
    required: ['scan'],
  },
  i18n: { zh: { '/properties/note/title': '备注', '/properties/scan/title': '签字扫描件' } },
};

async function startWithTask(sam: Call): Promise<{ instanceId: string; taskId: string }> {
  const instance = await sam<{ id: string }>('POST', '/api/instances', { processId: 'e2e-files' });
  const tasks = await sam<{ items: { id: string }[] }>('GET', `/api/tasks?instanceId=${instance.id}`);
  return { instanceId: instance.id, taskId: tasks.items[0]?.id as string };
}

/** Reads a download link of the page with the page's own cookies. */
async function download(page: Page, name: string) {
  const href = await page.getByRole('link', { name }).first().getAttribute('href');
  const response = await page.request.get(new URL(href ?? '', page.url()).toString());
  return {
    status: response.status(),
    body: await response.text(),
    disposition: response.headers()['content-disposition'],
    nosniff: response.headers()['x-content-type-options'],
  };
}

// A person attaches a file on a task: it uploads as they choose it, shows its name and size, can
// be removed, and after completion travels with the instance as a download link.
describe.skipIf(!serverBuilt)('files in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let sam: Call;

  beforeAll(async () => {
    server = await startServer();
    await prepareTeam(server.baseUrl);
    const admin = await apiSession(server.baseUrl, 'admin', ADMIN_PASSWORD);
    await admin('POST', '/api/forms', FORM);
    await admin('POST', '/api/definitions', { xml: PROCESS });
    sam = await apiSession(server.baseUrl, 'sam', USER_PASSWORD);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('uploads a file on a task, completes it, and opens the file from the task and the instance', async () => {
    // given sam's task with a file field
    const { instanceId, taskId } = await startWithTask(sam);
    const { context, page } = await signIn(browser, server.baseUrl, 'sam');
    await page.goto(`${server.baseUrl}/#/tasks/${taskId}`);
    const input = page.locator('#task_scan');
    await input.waitFor();

    // when sam chooses a file of a refused type, then a text file
    await input.setInputFiles({
      name: 'tool.exe',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('MZ\x90\x00\x03'),
    });
    await page.getByText('Files of this type are not allowed.').waitFor();
    await input.setInputFiles({
      name: 'signed.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Signed by sam\n'),
    });

    // then the field shows its name and size, and sam may remove it and choose again
    await page.getByRole('link', { name: 'signed.txt' }).waitFor();
    await page.getByText('(14 B)').waitFor();
    await page.getByRole('button', { name: 'Remove' }).click();
    await page.locator('#task_scan').setInputFiles({
      name: 'signed.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Signed by sam\n'),
    });
    await page.getByRole('link', { name: 'signed.txt' }).waitFor();
    await page.fill('#task_note', 'All there');
    await page.click('[data-testid="complete"]');
    await page.waitForFunction(() => location.hash.startsWith('#/inbox'));

    // then the completed task and the instance list the file, and it opens as an attachment
    await page.goto(`${server.baseUrl}/#/tasks/${taskId}`);
    await page.getByRole('heading', { name: 'Files', exact: true }).waitFor();
    const fromTask = await download(page, 'signed.txt');
    expect(fromTask).toMatchObject({ status: 200, body: 'Signed by sam\n', nosniff: 'nosniff' });
    expect(fromTask.disposition).toContain('attachment; filename="signed.txt"');
    await page.goto(`${server.baseUrl}/#/instances/${instanceId}`);
    await page.getByRole('heading', { name: 'Files', exact: true }).waitFor();
    expect((await download(page, 'signed.txt')).body).toBe('Signed by sam\n');
    await context.close();

    // and dana, who takes no part, cannot open it
    const dana = await signIn(browser, server.baseUrl, 'dana');
    const refused = await dana.page.request.get(
      new URL(`/api/files?instanceId=${instanceId}`, server.baseUrl).toString(),
    );
    expect(refused.status()).toBe(404);
    await dana.context.close();
  });

  it('speaks Chinese in the file field, its refusals and the file list', async () => {
    // given kim's task, opened in 中文
    const { taskId } = await startWithTask(sam);
    const { context, page } = await signIn(browser, server.baseUrl, 'kim', { locale: 'zh-CN' });
    await page.goto(`${server.baseUrl}/#/tasks/${taskId}`);
    await page.getByText('签字扫描件').first().waitFor();
    const input = page.getByLabel('选择文件');

    // when kim chooses a refused file, then a good one
    await input.setInputFiles({
      name: 'x.exe',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('MZ\x90\x00\x03'),
    });
    await page.getByText('不允许上传此类型的文件。').waitFor();
    await input.setInputFiles({ name: '签字.txt', mimeType: 'text/plain', buffer: Buffer.from('已签字\n') });
    await page.getByRole('button', { name: '移除' }).waitFor();
    await page.click('[data-testid="complete"]');
    await page.waitForFunction(() => location.hash.startsWith('#/inbox'));

    // then the task lists it under 附件 and it opens with its Chinese name
    await page.goto(`${server.baseUrl}/#/tasks/${taskId}`);
    await page.getByRole('heading', { name: '附件' }).waitFor();
    const opened = await download(page, '签字.txt');
    expect(opened.status).toBe(200);
    expect(opened.body).toBe('已签字\n');
    expect(opened.disposition).toContain(`filename*=UTF-8''${encodeURIComponent('签字.txt')}`);
    await context.close();
  });
});
