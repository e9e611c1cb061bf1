import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
export const designerDir = resolve(here, '../..');
export const serverMain = process.env.BATON_SERVER_MAIN ?? resolve(designerDir, '../server/dist/main.js');
export const screenshotDir = resolve(designerDir, '../docs/screenshots');
/** The e2e suite needs the built server; without it there is nothing to drive. */
export const serverBuilt = existsSync(serverMain);

export const ADMIN_PASSWORD = 'e2e-admin-password';
export const USER_PASSWORD = 'e2e-user-password';

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The real server process on a free port and a fresh embedded database. */
export interface RunningServer {
  baseUrl: string;
  log: () => string;
  stop: () => Promise<void>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** A data directory a server has initialised (vitest.e2e.setup.ts), for each file to copy. */
    batonDataDirectory?: string;
  }
}

/**
 * Starts the server once on a new data directory and stops it: the directory then holds what
 * every first start makes (the embedded database's cluster, migrations, templates, the admin).
 * Each test file's server starts on a copy of it, about 6 s sooner than on an empty directory,
 * and as fresh: nothing else was ever done in it.
 */
export async function initialisedDataDirectory(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-e2e-initialised-'));
  const server = await startServer({ dataDir });
  await server.stop();
  return dataDir;
}

export async function startServer(options: { readonly dataDir?: string } = {}): Promise<RunningServer> {
  if (!existsSync(join(designerDir, 'dist', 'index.html')))
    throw new Error('designer/dist is missing: run `npx vite build` in designer/ first');
  const port = await freePort();
  const own = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'baton-e2e-'));
  const initialised = own ? inject('batonDataDirectory') : undefined;
  if (initialised) cpSync(initialised, dataDir, { recursive: true });
  let output = '';
  // The embedded database, whatever the caller's environment says.
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const child: ChildProcess = spawn(process.execPath, [serverMain], {
    cwd: resolve(designerDir, '../server'),
    env: {
      ...env,
      PORT: String(port),
      DATA_DIR: dataDir,
      BATON_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${baseUrl}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    baseUrl,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (own) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A tiny API session for setting up accounts (not for the scenarios themselves). */
export async function apiSession(baseUrl: string, username: string, password: string) {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`login ${username} failed: ${login.status} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

interface DemoUser {
  username: string;
  roles: string[];
  groups: string[];
}

/** The demo team the scenarios play; given known passwords (the real ones are printed once). */
export const TEAM: DemoUser[] = [
  { username: 'dana', roles: ['designer'], groups: [] },
  { username: 'maya', roles: ['manager'], groups: ['managers'] },
  { username: 'sam', roles: ['staff'], groups: ['staff'] },
  { username: 'kim', roles: ['staff'], groups: ['staff'] },
];

export async function prepareTeam(baseUrl: string): Promise<void> {
  const admin = await apiSession(baseUrl, 'admin', ADMIN_PASSWORD);
  const answer = await admin<
    { items: { id: string; username: string }[] } | { id: string; username: string }[]
  >('GET', '/api/users?limit=200');
  const users = Array.isArray(answer) ? answer : answer.items;
  for (const member of TEAM) {
    const existing = users.find((u) => u.username === member.username);
    if (existing) await admin('PATCH', `/api/users/${existing.id}`, { password: USER_PASSWORD });
    else
      await admin('POST', '/api/users', { ...member, displayName: member.username, password: USER_PASSWORD });
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser context (own cookies and storage) signed in as one user through the login page. */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  username: string,
  options: { locale?: string; screenshot?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 860 },
    locale: options.locale ?? 'en-US',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${baseUrl}/`);
  await page.locator('input[name="username"]').waitFor();
  if (options.screenshot) await shoot(page, options.screenshot);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', username === 'admin' ? ADMIN_PASSWORD : USER_PASSWORD);
  await page.click('button[type="submit"]');
  await page.locator('.topbar').waitFor();
  return { context, page };
}

/** Saves a screenshot for the README; `fullPage` for pages taller than the window (timelines). */
export async function shoot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  // Let fonts and the last paint settle so no half-drawn frame is saved.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: options.fullPage ?? false });
}

let axeSource: string | undefined;

/** axe-core's serious and critical findings (WCAG 2.1 A and AA rules) on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Through the DevTools protocol: the app's CSP (script-src 'self') forbids an inline tag.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type AxeResults = { violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<AxeResults> } }).axe;
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
  });
}
