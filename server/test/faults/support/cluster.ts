import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type RunningServer, startServerProcess } from '../../support/server-process.js';
import type { Role } from '@baton/schemas';
import { allScopesOf } from '../../support/test-app.js';

/** The PostgreSQL server the fault tests run on. */
export const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ADMIN_PASSWORD = 'fault-admin-password';

/** A database created for one test file; `drop` removes it. */
export async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `baton_f_${randomBytes(5).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function onServer(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** A server process of the cluster, restartable after a kill. */
export interface Node {
  readonly name: string;
  current: RunningServer | undefined;
}

export function serverEnv(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    BATON_ADMIN_PASSWORD: ADMIN_PASSWORD,
    BATON_DEMO: '0',
    LOG_LEVEL: 'error',
    HOST: '127.0.0.1',
    PORT: '0',
  };
}

/** Starts `node dist/main.js` for `node` and waits until it listens. */
export async function startNode(node: Node, databaseUrl: string): Promise<RunningServer> {
  node.current = await startServerProcess(serverEnv(databaseUrl), 120_000);
  return node.current;
}

/** A JSON call to a running server; network failures come back as status 0. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<{ status: number; json: unknown; text: string }> {
  try {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, text };
  } catch (error) {
    return { status: 0, json: null, text: String(error) };
  }
}

/** Logs in as `username` and creates an API token; returns bearer headers. */
export async function bearerFor(
  baseUrl: string,
  username: string,
  password: string,
): Promise<Record<string, string>> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken, user } = (await login.json()) as { csrfToken: string; user: { roles: Role[] } };
  const created = await fetch(`${baseUrl}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: `${username}-fault-token`, scopes: allScopesOf(user.roles) }),
  });
  if (created.status !== 201) throw new Error(`token ${username}: ${created.status} ${await created.text()}`);
  return { authorization: `Bearer ${((await created.json()) as { token: string }).token}` };
}

/** Creates a staff user in `group` through the admin API and returns its bearer headers. */
export async function staffUser(
  baseUrl: string,
  admin: Record<string, string>,
  username: string,
  group: string,
): Promise<Record<string, string>> {
  const password = 'staff-password-123';
  await call(baseUrl, 'POST', '/api/groups', admin, { name: group, displayName: group });
  const created = await call(baseUrl, 'POST', '/api/users', admin, {
    username,
    password,
    displayName: username,
    roles: ['staff'],
    groups: [group],
  });
  if (created.status >= 300) throw new Error(`user ${username}: ${created.status} ${created.text}`);
  return bearerFor(baseUrl, username, password);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
