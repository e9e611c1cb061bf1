import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/database.js';

/**
 * The databases a persistence suite runs on: PGlite always, PostgreSQL too when DATABASE_URL is
 * set. Each test FILE gets its own database (PGlite's initdb takes seconds; PostgreSQL gets a
 * `CREATE DATABASE` with a random name, dropped at the end), and tests inside a file share it.
 *
 * @example
 * describe.each(databases())('$name', (target) => {
 *   let database: Database;
 *   beforeAll(async () => { database = await target.open(); });
 *   afterAll(() => target.dispose());
 * });
 */
export interface TestDatabase {
  readonly name: 'pglite' | 'postgres';
  /** Opens (and on the first call creates) this file's database; further calls open more handles to it. */
  open(options?: { readonly poolSize?: number }): Promise<Database>;
  /** PGlite: a data directory that survives `close` for restart tests; PostgreSQL: the same database. */
  openPersistent(): Promise<Database>;
  /** Closes every handle and drops what `open` created. */
  dispose(): Promise<void>;
}

export function databases(): TestDatabase[] {
  const list: TestDatabase[] = [pgliteTarget()];
  const url = process.env.DATABASE_URL;
  if (url) list.push(postgresTarget(url));
  return list;
}

function pgliteTarget(): TestDatabase {
  const handles: Database[] = [];
  let memory: Database | undefined;
  let dataDir: string | undefined;
  return {
    name: 'pglite',
    async open() {
      // PGlite has one connection per process: share the in-memory database within the file.
      memory ??= await openDatabase({});
      return memory;
    },
    async openPersistent() {
      dataDir ??= await mkdtemp(join(tmpdir(), 'baton-engine-test-'));
      const database = await openDatabase({ dataDir });
      handles.push(database);
      return database;
    },
    async dispose() {
      await memory?.close();
      for (const handle of handles) await handle.close().catch(() => {});
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function postgresTarget(url: string): TestDatabase {
  const name = `baton_t_${randomBytes(6).toString('hex')}`;
  const handles: Database[] = [];
  let created: Promise<string> | undefined;
  const create = async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const target = new URL(url);
    target.pathname = `/${name}`;
    return target.toString();
  };
  const openHandle = async (poolSize?: number) => {
    created ??= create();
    const database = await openDatabase({ url: await created, ...(poolSize ? { poolSize } : {}) });
    handles.push(database);
    return database;
  };
  return {
    name: 'postgres',
    open: (options) => openHandle(options?.poolSize),
    openPersistent: () => openHandle(),
    async dispose() {
      for (const handle of handles) await handle.close().catch(() => {});
      if (!created) return;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** Empties the engine's tables between tests that share one database. */
export async function truncateEngineTables(database: Database): Promise<void> {
  await sql`TRUNCATE definitions, instances, user_tasks, jobs, message_subscriptions, signal_subscriptions,
    start_subscriptions, incidents, history, removed_instances, process_access, process_retention CASCADE`.execute(
    database.db,
  );
}
