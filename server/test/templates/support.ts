import { createEngine, type Engine, VirtualClock } from '@baton/engine';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { buildApp } from '../../src/app.js';
import { serverTeamDirectory } from '../../src/persistence/team-directory.js';
import { serverConfig } from '../../src/config.js';
import { migrateServer } from '../../src/persistence/migrations.js';
import { createStore } from '../../src/persistence/store.js';
import { ensureFirstStart } from '../../src/setup/first-start.js';
import { builtInTemplates, installTemplates } from '../../src/setup/templates.js';
import { type Dialect, openTestDatabase } from '../support/databases.js';

export { type Dialect, dialects } from '../support/databases.js';

/**
 * The harness the template scenarios run on: the real server (buildApp, with its built-in job
 * handlers) over a fresh database (in-memory PGlite, or a new PostgreSQL database), the demo team,
 * the built-in templates installed as on first start, and a virtual clock that tests move forward
 * instead of sleeping.
 */

/** A Monday, 08:00 UTC: one hour before the weekly sync's timer. */
export const T0 = new Date('2026-03-02T08:00:00Z');
export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export interface Reply {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: scenario tests read JSON answers loosely
  readonly body: any;
}

export interface TaskRow {
  readonly id: string;
  readonly instanceId: string;
  readonly elementId: string;
  readonly name: string;
  readonly assignee: string | null;
  readonly candidateGroups: string[];
  readonly dueAt: string | null;
  readonly variables: Record<string, unknown>;
}

/** One signed-in user talking to the API (cookie + CSRF header, as the web app does). */
export interface User {
  readonly username: string;
  get(path: string): Promise<Reply>;
  post(path: string, body?: unknown): Promise<Reply>;
  put(path: string, body: unknown): Promise<Reply>;
}

/** One `baton.notify` job as the server recorded it: its inputs, and the users it reached. */
export interface SentNotification {
  readonly elementId: string;
  readonly subject: string;
  /** Usernames the job named (empty when it named none). */
  readonly recipients: string[];
  /** Groups the job named (empty when it named none). */
  readonly groups: string[];
  /** The users who got a notification row, sorted: the recipients plus the groups' members. */
  readonly users: string[];
}

export interface Harness {
  readonly app: FastifyInstance;
  readonly engine: Engine;
  readonly clock: VirtualClock;
  /** The notifications an instance's `baton.notify` jobs recorded, one per job, oldest first. */
  notifications(instanceId: string): Promise<SentNotification[]>;
  as(username: 'admin' | 'maya' | 'lee' | 'sam' | 'kim' | 'mia' | 'dana'): Promise<User>;
  /** Moves the clock and runs every job that fell due (timers, then the jobs they create). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(dialect: Dialect = 'pglite'): Promise<Harness> {
  const { database, drop } = await openTestDatabase(dialect);
  const clock = new VirtualClock(T0);
  // The server's team directory, as in production: assignment strategies pick among group members.
  const engine = await createEngine({
    database,
    clock,
    workerId: 'templates-test',
    directory: serverTeamDirectory,
  });
  await migrateServer(database.db);
  const store = createStore(database.db);
  const setup = await ensureFirstStart(store, { adminPassword: 'admin-password-1', demo: true });
  const templates = builtInTemplates();
  const outcomes = await installTemplates(engine, store, templates);
  expect(outcomes.filter((o) => o.error)).toEqual([]);
  expect(outcomes.map((o) => o.id)).toHaveLength(6);
  const app = await buildApp({
    engine,
    db: database.db,
    config: serverConfig({ loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } }),
    templates,
    // The server's own `baton.notify` handler, as in production.
    builtInHandlers: true,
  });
  const passwords = new Map<string, string>([
    ['admin', 'admin-password-1'],
    ...setup.demoUsers.map((u) => [u.username, u.password] as [string, string]),
  ]);

  const as: Harness['as'] = async (username) => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password: passwords.get(username) },
    });
    expect(login.statusCode, `login ${username}: ${login.body}`).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'baton_session');
    const headers = {
      cookie: `baton_session=${cookie?.value}`,
      'x-csrf-token': login.json().csrfToken as string,
    };
    const send = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<Reply> => {
      const res = await app.inject({
        method,
        url,
        headers,
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    };
    return {
      username,
      get: (url) => send('GET', url),
      post: (url, body) => send('POST', url, body ?? {}),
      put: (url, body) => send('PUT', url, body),
    };
  };

  const advance = async (ms: number): Promise<void> => {
    clock.advance(ms);
    for (let round = 0; round < 20 && (await engine.runDueJobs()) > 0; round++) {
      // keep going: a fired timer may create jobs that are due at once
    }
  };

  const notifications: Harness['notifications'] = async (instanceId) => {
    const byJob = new Map<string, SentNotification>();
    for (const row of await store.notifications.forInstance(instanceId)) {
      const jobId = String(row.data.jobId);
      const sent = byJob.get(jobId);
      if (sent) {
        sent.users.push(row.username);
        continue;
      }
      byJob.set(jobId, {
        elementId: String(row.data.elementId),
        subject: row.subject,
        recipients: (row.data.recipients as string[] | undefined) ?? [],
        groups: (row.data.groups as string[] | undefined) ?? [],
        users: [row.username],
      });
    }
    return [...byJob.values()].map((n) => ({ ...n, users: [...n.users].sort() }));
  };

  return {
    app,
    engine,
    clock,
    notifications,
    as,
    advance,
    async close() {
      await app.close();
      await engine.close();
      await drop();
    },
  };
}

/** Starts a process through the API; expects 201/200 and returns the instance id. */
export async function start(
  user: User,
  processId: string,
  variables: Record<string, unknown> = {},
): Promise<string> {
  const res = await user.post('/api/instances', { processId, variables });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body.id as string;
}

/** The open tasks of an instance this user can see (assigned to them or claimable). */
export async function openTasks(user: User, instanceId: string, elementId?: string): Promise<TaskRow[]> {
  const res = await user.get(`/api/tasks?instanceId=${instanceId}&limit=200`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const items = res.body.items as TaskRow[];
  return elementId ? items.filter((t) => t.elementId === elementId) : items;
}

/** The single open task at `elementId` this user sees; fails the test when there is not exactly one. */
export async function theTask(user: User, instanceId: string, elementId: string): Promise<TaskRow> {
  const tasks = await openTasks(user, instanceId, elementId);
  expect(
    tasks.map((t) => t.elementId),
    `${user.username} sees one ${elementId}`,
  ).toEqual([elementId]);
  return tasks[0] as TaskRow;
}

/** Completes a task; expects success. */
export async function complete(user: User, task: TaskRow, variables: Record<string, unknown>): Promise<void> {
  const res = await user.post(`/api/tasks/${task.id}/complete`, { variables });
  expect(
    res.status,
    `${user.username} completes ${task.elementId}: ${JSON.stringify(res.body)}`,
  ).toBeLessThan(300);
}

/** Submits invalid data; expects 400 with these JSON pointers among the errors, and the task still open. */
export async function rejects(
  user: User,
  task: TaskRow,
  variables: Record<string, unknown>,
  pointers: string[],
): Promise<void> {
  const res = await user.post(`/api/tasks/${task.id}/complete`, { variables });
  expect(res.status).toBe(400);
  const got = (res.body.errors as { pointer: string }[]).map((e) => e.pointer);
  for (const p of pointers) expect(got, JSON.stringify(res.body.errors)).toContain(p);
  const again = await user.get(`/api/tasks/${task.id}`);
  expect(again.body.state).toBe('created');
}

/** The instance as a manager sees it. */
export async function instance(manager: User, id: string): Promise<Reply['body']> {
  const res = await manager.get(`/api/instances/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The instance's timeline event types, for elements or task operations. */
export async function history(
  manager: User,
  id: string,
): Promise<{ type: string; elementId: string | null; actor: string | null }[]> {
  const res = await manager.get(`/api/instances/${id}/history`);
  expect(res.status).toBe(200);
  return (Array.isArray(res.body) ? res.body : res.body.items) as {
    type: string;
    elementId: string | null;
    actor: string | null;
  }[];
}

/** A date `days` after the virtual now, as YYYY-MM-DD. */
export function dateIn(clock: VirtualClock, days: number): string {
  return new Date(clock.now().getTime() + days * DAY).toISOString().slice(0, 10);
}
