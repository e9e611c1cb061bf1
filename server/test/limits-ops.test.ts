import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, StoreUnavailableError } from '@baton/engine';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINIMUM_NODE, nodeVersionProblem } from '../src/cli/node-version.js';
import { databaseSettings, SettingError } from '../src/config.js';
import { RESET_ADMIN_HINT } from '../src/setup/first-start.js';
import { openTestDatabase } from './support/databases.js';
import { ensureBuilt, type RunningServer, startServerProcess } from './support/server-process.js';

const serverDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `node dist/main.js ...args` to its end. */
function runMain(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 90_000,
  nodeOptions: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...nodeOptions, ensureBuilt(), ...args], {
    cwd: serverDir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.js ${args.join(' ')} did not exit:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

async function login(base: string, username: string, password: string) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  await res.text();
  return { status: res.status, cookie };
}

async function timed(url: string, headers: Record<string, string> = {}) {
  const t0 = performance.now();
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - t0, retryAfter: res.headers.get('retry-after'), text };
}

describe('one owner per data directory, and recovering the admin account', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-limits-'));
  const env = { DATA_DIR: dataDir, BATON_DEMO: '0' };
  let first: RunningServer | undefined;
  let firstPassword = '';
  let later: RunningServer | undefined;

  beforeAll(async () => {
    first = await startServerProcess(env);
    firstPassword = /admin password: (\S+)/.exec(first.output())?.[1] ?? '';
  });
  afterAll(async () => {
    for (const s of [first, later]) if (s && s.child.exitCode === null) await s.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints how to recover the admin account with the first start accounts', () => {
    // given the first start's output / then
    expect(firstPassword).not.toBe('');
    expect(first?.output()).toContain(RESET_ADMIN_HINT);
  });

  it('refuses a second server on the same data directory, naming the directory and the owner', async () => {
    // given a server running on the data directory
    const ownerPid = first?.child.pid;

    // when a second server starts on it
    const second = await runMain([], env);

    // then it exits non-zero with a message naming the directory and the running owner
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`The data directory ${dataDir} is in use`);
    expect(second.stderr).toContain(`pid ${ownerPid}`);
    expect(second.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    // and the first server still serves
    expect((await fetch(`${first?.url}/ready`)).status).toBe(200);
  });

  it('refuses reset-admin while the server runs, telling to stop it first', async () => {
    // when
    const run = await runMain(['reset-admin'], env);
    // then
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Stop that process first');
    expect(run.stdout).not.toContain('New password');
  });

  it('gives admin a new password with the real CLI, ends their sessions, and the new password logs in', async () => {
    // given a session of admin, then the server stopped
    const before = await login(first!.url, 'admin', firstPassword);
    expect(before.status).toBe(200);
    expect(await first!.stop('SIGTERM')).toBe(0);

    // when reset-admin runs on the same data directory
    const run = await runMain(['reset-admin'], env);

    // then it prints a new password once and exits 0
    expect(run.code).toBe(0);
    const password = /New password for admin: (\S+)/.exec(run.stdout)?.[1] ?? '';
    expect(password).not.toBe('');
    expect(password).not.toBe(firstPassword);
    // and on the restarted server the new password logs in, the old one and the old session do not
    later = await startServerProcess(env);
    expect((await login(later.url, 'admin', password)).status).toBe(200);
    expect((await login(later.url, 'admin', firstPassword)).status).toBe(401);
    const me = await fetch(`${later.url}/api/auth/me`, { headers: { cookie: before.cookie } });
    expect(me.status).toBe(401);
    await later.stop('SIGTERM');
  });

  it('names the administrators when reset-admin is asked for a user that does not exist', async () => {
    // when
    const run = await runMain(['reset-admin', 'nobody'], env);
    // then
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("There is no user 'nobody'. Administrators: admin.");
  });
});

describe('start-up checks', () => {
  it('refuses a Node.js older than the one package.json engines names, and accepts newer ones', () => {
    // given the engines field of the root package.json
    const root = JSON.parse(readFileSync(resolve(serverDir, '../package.json'), 'utf8')) as {
      engines: { node: string };
    };
    // then it says what the start-up check enforces
    expect(root.engines.node).toBe(`>=${MINIMUM_NODE.replace(/\.0$/, '')}`);
    expect(nodeVersionProblem('20.18.3')).toContain(`needs Node.js ${MINIMUM_NODE} or newer`);
    expect(nodeVersionProblem('18.20.0')).toContain('this is Node.js 18.20.0');
    expect(nodeVersionProblem(MINIMUM_NODE)).toBeNull();
    expect(nodeVersionProblem('20.20.0')).toBeNull();
    expect(nodeVersionProblem('v22.1.0')).toBeNull();
    expect(nodeVersionProblem(process.versions.node)).toBeNull();
  });

  it('stops a real start on an older Node.js with a message, before loading anything else', async () => {
    // given a process that reports Node 18 (set before main.js loads)
    const pretend18 = `data:text/javascript,Object.defineProperty(process.versions,'node',{value:'18.20.0'})`;
    // when
    const run = await runMain([], { DATA_DIR: '/nonexistent/never-created' }, 30_000, [
      '--import',
      pretend18,
    ]);
    // then
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Baton needs Node.js ${MINIMUM_NODE} or newer; this is Node.js 18.20.0`);
    expect(run.stdout).toBe('');
  });

  it('rejects a database timeout that is not a positive number of milliseconds', () => {
    // when / then
    expect(() => databaseSettings({ BATON_DB_STATEMENT_TIMEOUT_MS: '10s' })).toThrow(SettingError);
    expect(() => databaseSettings({ BATON_DB_CONNECT_TIMEOUT_MS: '0' })).toThrow(
      /BATON_DB_CONNECT_TIMEOUT_MS must be a positive number/,
    );
    expect(databaseSettings({ BATON_DB_STATEMENT_TIMEOUT_MS: '2500' }).timeouts).toEqual({
      statementMs: 2500,
    });
  });

  it('stops with the setting named when a timeout variable is wrong', async () => {
    // when
    const run = await runMain([], {
      BATON_DB_CONNECT_TIMEOUT_MS: 'soon',
      DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
    });
    // then
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "BATON_DB_CONNECT_TIMEOUT_MS must be a positive number of milliseconds, not 'soon'",
    );
  });
});

/**
 * A TCP proxy to PostgreSQL that can stop forwarding without closing anything, as a network
 * partition does: bytes stay unread in the sockets' buffers until it forwards again.
 */
class PartitionProxy {
  private readonly server: Server;
  private readonly pairs: { client: Socket; upstream: Socket }[] = [];
  private hung = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.accept(client));
  }

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  private accept(client: Socket): void {
    const upstream = new Socket();
    const pair = { client, upstream };
    this.pairs.push(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.splice(this.pairs.indexOf(pair), 1);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
    if (this.hung) {
      client.pause();
      upstream.pause();
    }
    upstream.connect(this.target.port, this.target.host);
  }

  /** Stops forwarding in both directions; sockets stay open. */
  hang(): void {
    this.hung = true;
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Forwards again, including what waited in the buffers. */
  heal(): void {
    this.hung = false;
    for (const { client, upstream } of this.pairs) {
      client.pipe(upstream);
      upstream.pipe(client);
    }
  }

  async close(): Promise<void> {
    for (const { client, upstream } of [...this.pairs]) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe.runIf(process.env.DATABASE_URL)('on PostgreSQL, a database that stops answering', () => {
  let drop: (() => Promise<void>) | undefined;
  let proxy: PartitionProxy | undefined;
  let server: RunningServer | undefined;
  let cookie = '';

  beforeAll(async () => {
    const test = await openTestDatabase('postgres');
    await test.database.close();
    drop = test.drop;
    const direct = new URL(test.url!);
    proxy = new PartitionProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    await proxy.listen();
    const viaProxy = new URL(test.url!);
    viaProxy.port = String(proxy.port);
    server = await startServerProcess({
      DATABASE_URL: viaProxy.toString(),
      BATON_ADMIN_PASSWORD: 'partition-admin-pw',
      BATON_DB_STATEMENT_TIMEOUT_MS: '2000',
    });
    cookie = (await login(server.url, 'admin', 'partition-admin-pw')).cookie;
  });
  afterAll(async () => {
    proxy?.heal();
    if (server && server.child.exitCode === null) await server.stop('SIGKILL');
    await proxy?.close();
    await drop?.();
  });

  it('answers /ready 503 within 2 s, API requests 503 with Retry-After, /health at once, and recovers', async () => {
    // given a server that works through the proxy
    expect((await timed(`${server!.url}/ready`)).status).toBe(200);
    expect((await timed(`${server!.url}/api/tasks`, { cookie })).status).toBe(200);

    // when the proxy stops forwarding (a partition: no error, no answer)
    proxy!.hang();
    const [ready, api, health] = await Promise.all([
      timed(`${server!.url}/ready`),
      timed(`${server!.url}/api/tasks`, { cookie }),
      timed(`${server!.url}/health`),
    ]);

    // then readiness fails fast, the request fails within its statement timeout (2 s, plus the
    // client's 1 s grace, plus a reconnect's 2 s connect timeout at worst), liveness is unaffected
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(2_000);
    expect(api.status).toBe(503);
    expect(JSON.parse(api.text)).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(api.retryAfter).toBe('2');
    expect(api.ms).toBeLessThan(8_000);
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(1_000);

    // and when the proxy forwards again, requests succeed again
    proxy!.heal();
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      status = (await timed(`${server!.url}/api/tasks`, { cookie })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect((await timed(`${server!.url}/ready`)).status).toBe(200);
  });

  it('fails a connection PostgreSQL never answers after the connect timeout, as STORE_UNAVAILABLE', async () => {
    // given the engine's pool on a proxy that forwards nothing
    const hung = new PartitionProxy({ host: '127.0.0.1', port: 5432 });
    await hung.listen();
    hung.hang();
    const url = new URL(process.env.DATABASE_URL!);
    url.port = String(hung.port);
    const database = await openDatabase({ url: url.toString(), timeouts: { connectMs: 500 } });
    // when
    const t0 = performance.now();
    const error = await sql`select 1`.execute(database.db).then(
      () => undefined,
      (e: unknown) => e,
    );
    // then
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain('within 500 ms');
    expect(performance.now() - t0).toBeLessThan(5_000);
    await database.close();
    await hung.close();
  });

  it('sets the statement and idle-in-transaction timeouts on every connection', async () => {
    // given a pool with chosen timeouts
    const test = await openTestDatabase('postgres');
    const database = await openDatabase({
      url: test.url,
      poolSize: 1,
      timeouts: { statementMs: 4_000, idleInTransactionMs: 7_000 },
    });
    // when
    const statement = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(database.db);
    const idle = await sql<{
      idle_in_transaction_session_timeout: string;
    }>`show idle_in_transaction_session_timeout`.execute(database.db);
    // then
    expect(statement.rows[0]?.statement_timeout).toBe('4s');
    expect(idle.rows[0]?.idle_in_transaction_session_timeout).toBe('7s');
    await database.close();
    await test.drop();
  });

  it('cancels a statement that runs longer than the statement timeout, as STORE_UNAVAILABLE, and keeps the pool usable', async () => {
    // given
    const test = await openTestDatabase('postgres');
    const slow = await openDatabase({ url: test.url, poolSize: 1, timeouts: { statementMs: 300 } });
    // when a statement sleeps past the timeout
    const error = await sql`select pg_sleep(3)`.execute(slow.db).then(
      () => undefined,
      (e: unknown) => e,
    );
    // then it fails as unavailable, and the only connection still answers
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((await sql<{ one: number }>`select 1 as one`.execute(slow.db)).rows).toEqual([{ one: 1 }]);
    await slow.close();
    await test.drop();
  });
});
