import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from './support/databases.js';
import { type RunningServer, startServerProcess } from './support/server-process.js';

async function login(base: string, username: string, password: string) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, body: (await res.json()) as { user?: { username: string } } };
}

describe('the real server process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-server-'));
  let server: RunningServer | undefined;
  afterAll(async () => {
    if (server && server.child.exitCode === null) await server.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts on the embedded database, prints the login, serves the API and stops on SIGTERM', async () => {
    // given
    server = await startServerProcess({ DATA_DIR: dataDir });
    const output = server.output();
    const password = /admin password: (\S+)/.exec(output)?.[1];
    // when
    const health = await fetch(`${server.url}/health`);
    const ready = await fetch(`${server.url}/ready`);
    const admin = await login(server.url, 'admin', password ?? '');
    const demoLine = /^\s+dana\s+(\S+)/m.exec(output);
    const dana = await login(server.url, 'dana', demoLine?.[1] ?? '');
    const code = await server.stop('SIGTERM');
    // then
    expect(health.status).toBe(200);
    expect(ready.status).toBe(200);
    expect(admin.status).toBe(200);
    expect(admin.body.user?.username).toBe('admin');
    expect(dana.status).toBe(200);
    expect(server.output()).toContain('stopped');
    expect(code).toBe(0);
  });

  it('restarts on the same data directory without creating accounts again', async () => {
    // when
    server = await startServerProcess({ DATA_DIR: dataDir });
    // then
    expect(server.output()).not.toContain('admin password');
    expect(await server.stop('SIGTERM')).toBe(0);
  });
});

describe.runIf(process.env.DATABASE_URL)('two server processes on one PostgreSQL', () => {
  it('migrate side by side and share users and sessions', async () => {
    // given
    const { url, drop } = await openTestDatabase('postgres');
    const env = { DATABASE_URL: url!, BATON_ADMIN_PASSWORD: 'admin-secret-pw' };
    const [a, b] = await Promise.all([
      startServerProcess(env),
      startServerProcess({ ...env, BATON_NO_EXECUTOR: '1' }),
    ]);
    try {
      // when
      const onA = await login(a.url, 'admin', 'admin-secret-pw');
      const onB = await login(b.url, 'admin', 'admin-secret-pw');
      // then
      expect(onA.status).toBe(200);
      expect(onB.status).toBe(200);
      expect(a.output() + b.output()).not.toContain('dana');
    } finally {
      await Promise.all([a?.stop(), b?.stop()]);
      await drop();
    }
  });
});
