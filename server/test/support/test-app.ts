import type { Kysely } from 'kysely';
import { createEngine, type Engine, openDatabase, VirtualClock } from '@baton/engine';
import { grantableBy, parseScope, type Role } from '@baton/schemas';
import type { FastifyInstance, FastifyServerOptions, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { type ServerConfig, serverConfig } from '../../src/config.js';
import { migrateServer } from '../../src/persistence/migrations.js';
import { createStore, type Store } from '../../src/persistence/store.js';
import type { TemplateBundle } from '../../src/setup/templates.js';
import { type Dialect, openTestDatabase } from './databases.js';
import { serverTeamDirectory } from '../../src/persistence/team-directory.js';

/** Every scope a user with these roles may give a token (`jobs:*` and the like for patterns). */
export function allScopesOf(roles: readonly Role[]): string[] {
  return ['read', 'tasks', 'start', 'manage', 'deploy', 'admin', 'jobs:*', 'messages:*', 'signals:*'].filter(
    (text) => {
      const scope = parseScope(text);
      return scope !== null && grantableBy(roles, scope);
    },
  );
}

/** The password every test user gets unless told otherwise. */
export const TEST_PASSWORD = 'correct horse battery';

/**
 * The stored hash of a test user's password. Every user that keeps the default password gets the
 * same hash, made once per worker: a hash costs tens of milliseconds by design (scrypt), and
 * test setups create thousands of users. Sign-in still verifies the password against it.
 */
export function testPasswordHash(password: string = TEST_PASSWORD): Promise<string> {
  if (password !== TEST_PASSWORD) return hashPassword(password);
  defaultHash ??= hashPassword(TEST_PASSWORD);
  return defaultHash;
}
let defaultHash: Promise<string> | undefined;

/** A signed-in caller: send `headers` with every request (cookie + CSRF token, or a bearer token). */
export interface Session {
  readonly username: string;
  readonly headers: Record<string, string>;
  readonly csrfToken: string | null;
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly engine: Engine;
  readonly clock: VirtualClock;
  readonly store: Store;
  /** The database itself, for what a test must set up or check below the API. */
  // biome-ignore lint/suspicious/noExplicitAny: the server's and the engine's tables together.
  readonly db: Kysely<any>;
  readonly dialect: Dialect;
  /** The PostgreSQL database's connection string (undefined on PGlite), for a second app on it. */
  readonly url: string | undefined;
  /** Creates a user directly in the store. */
  createUser(u: {
    username: string;
    roles?: Role[];
    groups?: string[];
    password?: string;
  }): Promise<{ id: string }>;
  /** Logs in through the API; the returned headers carry the session cookie and CSRF token. */
  login(username: string, password?: string): Promise<Session>;
  /** Creates the user, then logs in. */
  userSession(username: string, roles: Role[], groups?: string[]): Promise<Session>;
  /** An API token `who` mints (`POST /api/tokens`, which must answer 201), as a session of its own. */
  tokenSession(who: Session, name: string, scopes: readonly string[]): Promise<Session>;
  /** `app.inject` as this session (or anonymously with null). */
  call(session: Session | null, opts: InjectOptions): Promise<LightMyRequestResponse>;
  /**
   * Another server process on the same database, as far as one test can make one: on PostgreSQL
   * its own connection pool, engine and LISTEN connection; on PGlite the same database and engine
   * (one connection is all PGlite has) with its own app, caches and live feed.
   */
  secondApp(
    config?: Partial<ServerConfig>,
    logger?: FastifyServerOptions['logger'],
  ): Promise<{ app: FastifyInstance; close(): Promise<void> }>;
  /** Closes the database under the running app (outage tests); `close()` still cleans up. */
  closeDatabase(): Promise<void>;
  /** Saves a form through the store. */
  saveForm(formId: string, schema: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/**
 * A full app on a fresh database (PGlite in memory, or a new PostgreSQL database), with the engine
 * on a VirtualClock. One per test file: creating the database and building the app take a while.
 */
export async function createTestApp(
  opts: { dialect?: Dialect; config?: Partial<ServerConfig>; templates?: readonly TemplateBundle[] } = {},
): Promise<TestApp> {
  const dialect = opts.dialect ?? 'pglite';
  const { database, drop, url } = await openTestDatabase(dialect, { migrated: true });
  const clock = new VirtualClock(new Date('2026-03-02T09:00:00Z'));
  // The database comes migrated (see openTestDatabase): these find no migration to run, as on a
  // server's every start after its first, and createEngine makes the history months of its clock.
  const engine = await createEngine({ database, clock, directory: serverTeamDirectory });
  await migrateServer(database.db);
  const store = createStore(database.db);
  const configOf = (config?: Partial<ServerConfig>) =>
    serverConfig({ loginRateLimit: { max: 1000, timeWindowMs: 60_000 }, ...config });
  const app = await buildApp({
    engine,
    db: database.db,
    config: configOf(opts.config),
    templates: opts.templates,
    databaseUrl: url,
    builtInHandlers: true,
  });
  await app.ready();

  const call = (session: Session | null, o: InjectOptions) =>
    app.inject({ ...o, headers: { ...(session?.headers ?? {}), ...(o.headers ?? {}) } });

  const login = async (username: string, password = TEST_PASSWORD): Promise<Session> => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'baton_session');
    const csrfToken = res.json().csrfToken as string;
    return {
      username,
      csrfToken,
      headers: { cookie: `baton_session=${cookie?.value}`, 'x-csrf-token': csrfToken },
    };
  };

  const createUser: TestApp['createUser'] = async (u) => {
    const created = await store.users.create({
      username: u.username,
      displayName: u.username,
      passwordHash: await testPasswordHash(u.password),
      roles: u.roles ?? [],
      locale: 'en',
      groups: u.groups ?? [],
    });
    return { id: created.id };
  };

  return {
    app,
    engine,
    clock,
    db: database.db,
    store,
    dialect,
    url,
    createUser,
    login,
    async userSession(username, roles, groups = []) {
      await createUser({ username, roles, groups });
      return login(username);
    },
    call,
    async tokenSession(who, name, scopes) {
      const res = await call(who, { method: 'POST', url: '/api/tokens', payload: { name, scopes } });
      if (res.statusCode !== 201) throw new Error(`minting token ${name}: ${res.statusCode} ${res.body}`);
      return {
        username: who.username,
        csrfToken: null,
        headers: { authorization: `Bearer ${res.json().token}` },
      };
    },
    async secondApp(config, logger) {
      const own = url ? await openDatabase({ url }) : null;
      const ownEngine = own ? await createEngine({ database: own, clock }) : null;
      const second = await buildApp({
        engine: ownEngine ?? engine,
        db: own?.db ?? database.db,
        config: configOf(config ?? opts.config),
        databaseUrl: url,
        logger,
      });
      await second.ready();
      return {
        app: second,
        async close() {
          await second.close();
          await ownEngine?.close();
          await own?.close();
        },
      };
    },
    async saveForm(formId, schema) {
      await store.forms.save({ formId, name: formId, schema, uiSchema: {}, createdBy: 'test' });
    },
    async closeDatabase() {
      await database.close();
    },
    async close() {
      await app.close();
      await engine.close();
      await drop().catch(() => undefined);
    },
  };
}
