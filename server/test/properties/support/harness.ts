import { createEngine, type Engine, VirtualClock } from '@baton/engine';
import type { Role } from '@baton/schemas';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { buildApp } from '../../../src/app.js';
import { allScopesOf, TEST_PASSWORD, testPasswordHash } from '../../support/test-app.js';
import { type ServerConfig, serverConfig } from '../../../src/config.js';
import { migrateServer } from '../../../src/persistence/migrations.js';
import { createStore, type Store } from '../../../src/persistence/store.js';
import { type Dialect, openTestDatabase } from '../../support/databases.js';

export const PASSWORD = TEST_PASSWORD;

/** An app on a fresh database, like the route tests', that also exposes the raw database for invariant checks. */
export interface Harness {
  readonly app: FastifyInstance;
  readonly engine: Engine;
  readonly clock: VirtualClock;
  readonly store: Store;
  readonly db: Kysely<unknown>;
  /** Creates a user (and its groups) directly in the store. */
  createUser(username: string, roles: Role[], groups?: string[]): Promise<{ id: string }>;
  /** Creates a user and an API token for it; returns the bearer headers. */
  tokenFor(
    username: string,
    roles: Role[],
    groups?: string[],
  ): Promise<{ userId: string; headers: Record<string, string> }>;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function openHarness(dialect: Dialect, config: Partial<ServerConfig> = {}): Promise<Harness> {
  const { database, drop } = await openTestDatabase(dialect);
  const clock = new VirtualClock(new Date('2026-03-02T09:00:00Z'));
  const engine = await createEngine({ database, clock });
  await migrateServer(database.db);
  const store = createStore(database.db);
  const app = await buildApp({
    engine,
    db: database.db,
    config: serverConfig({ loginRateLimit: { max: 1000, timeWindowMs: 60_000 }, ...config }),
  });
  await app.ready();
  const createUser: Harness['createUser'] = async (username, roles, groups = []) => {
    const created = await store.users.create({
      username,
      displayName: username,
      passwordHash: await testPasswordHash(PASSWORD),
      roles,
      locale: 'en',
      groups,
    });
    return { id: created.id };
  };
  return {
    app,
    engine,
    clock,
    store,
    db: database.db,
    createUser,
    async tokenFor(username, roles, groups = []) {
      const { id } = await createUser(username, roles, groups);
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: PASSWORD },
      });
      const cookie = login.cookies.find((c) => c.name === 'baton_session')?.value;
      const created = await app.inject({
        method: 'POST',
        url: '/api/tokens',
        // Every scope the roles allow: these tests probe roles and visibility, not scopes.
        payload: { name: `${username}-token`, scopes: allScopesOf(roles) },
        headers: { cookie: `baton_session=${cookie}`, 'x-csrf-token': login.json().csrfToken },
      });
      if (created.statusCode !== 201 && created.statusCode !== 200) {
        throw new Error(`token for ${username}: ${created.statusCode} ${created.body}`);
      }
      return { userId: id, headers: { authorization: `Bearer ${created.json().token}` } };
    },
    inject: (opts) => app.inject(opts),
    async close() {
      await app.close();
      await engine.close();
      await drop();
    },
  };
}

/**
 * A fingerprint of everything a rejected request must leave alone: row counts of every table and
 * the content of the rows commands change. Columns that reads touch on purpose (a token's
 * last use) are left out.
 */
export async function databaseFingerprint(db: Kysely<unknown>): Promise<string> {
  const result = await sql<{ fingerprint: string }>`
    select concat_ws('|',
      (select count(*) from definitions),
      (select md5(coalesce(string_agg(id::text || ':' || status || ':' || version || ':' || state::text, ',' order by id), '')) from instances),
      (select md5(coalesce(string_agg(id::text || ':' || state || ':' || coalesce(assignee, '') || ':' || coalesce(owner, '') || ':' || variables::text || ':' || coalesce(draft::text, '') || ':' || array_to_string(candidate_groups, ';') || ':' || array_to_string(candidate_users, ';'), ',' order by id), '')) from user_tasks),
      (select md5(coalesce(string_agg(id::text || ':' || retries || ':' || coalesce(locked_by, ''), ',' order by id), '')) from jobs),
      (select count(*) from history),
      (select count(*) from incidents where resolved_at is null),
      (select count(*) from message_subscriptions),
      (select count(*) from signal_subscriptions),
      (select md5(coalesce(string_agg(id::text || ':' || username || ':' || display_name || ':' || array_to_string(roles, ';') || ':' || locale || ':' || coalesce(deleted_at::text, ''), ',' order by id), '')) from users),
      (select md5(coalesce(string_agg(id::text || ':' || name || ':' || display_name, ',' order by id), '')) from groups),
      (select count(*) from memberships),
      (select count(*) from sessions),
      (select count(*) from api_tokens),
      (select count(*) from forms)
    ) as fingerprint`.execute(db);
  return result.rows[0]?.fingerprint ?? '';
}
