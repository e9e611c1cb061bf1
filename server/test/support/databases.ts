import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createEngine, type Database, openDatabase, VirtualClock } from '@baton/engine';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { migrateServer } from '../../src/persistence/migrations.js';

export type Dialect = 'pglite' | 'postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL database migrated once for the run (vitest.setup.ts), for each test's to copy. */
    batonPostgresTemplate?: string;
  }
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export function dialects(): Dialect[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * A fresh database: in-memory PGlite, or a new PostgreSQL database `baton_s_<random>` created on
 * DATABASE_URL's server and dropped by `drop()`, so parallel test files never share state.
 *
 * Empty unless `migrated`: then it holds the engine's and the server's migrations, and nothing
 * else (no history partition, no row an engine writes when it starts). Tests of the migrations
 * themselves ask for an empty one.
 *
 * Made from copies, the same as made from scratch, only sooner: PGlite starts from a dump of one
 * made once (per worker) instead of running initdb, over a second each time, and a migrated
 * PostgreSQL database is a copy of a template migrated once for the run (vitest.setup.ts).
 */
export async function openTestDatabase(
  dialect: Dialect,
  options: { readonly migrated?: boolean } = {},
): Promise<{ database: Database; url?: string; drop(): Promise<void> }> {
  const migrated = options.migrated ?? false;
  if (dialect === 'pglite') {
    const database = await openDatabase({ pglite: await pgliteStart(migrated) });
    return { database, drop: () => database.close() };
  }
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set');
  const name = `baton_s_${randomBytes(6).toString('hex')}`;
  const template = migrated ? inject('batonPostgresTemplate') : undefined;
  await adminQuery(base, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  const url = urlOf(base, name);
  const database = await openDatabase({ url, poolSize: 20 });
  // Without the template (another vitest config), the same migrations, here.
  if (migrated && !template) await migrate(database);
  return {
    database,
    url,
    async drop() {
      await database.close();
      await adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/**
 * Makes a migrated PostgreSQL database on `base`'s server to copy each test's from (`CREATE
 * DATABASE ... TEMPLATE`, a fraction of the migrations' time). Nobody may connect to it after:
 * copying fails while anyone is connected to the template, and its copies must all be the same.
 */
export async function createPostgresTemplate(base: string): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `baton_template_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `CREATE DATABASE ${name}`);
  const database = await openDatabase({ url: urlOf(base, name) });
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
  await adminQuery(base, `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
  return { name, drop: () => adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * The engine's and the server's migrations, and nothing else. createEngine, the only way to the
 * engine's migrations, also makes the history partitions of its clock's month and the next (as
 * every engine does when it starts, for its own clock's months): they go again.
 */
async function migrate(database: Database): Promise<void> {
  const engine = await createEngine({ database, clock: new VirtualClock(new Date('2000-01-15T00:00:00Z')) });
  await engine.close();
  await migrateServer(database.db);
  await sql`DROP TABLE history_y2000m01, history_y2000m02`.execute(database.db);
}

/** PGlite's own files, read once (per worker), and the dumps every test's PGlite starts from. */
interface PGliteStarts {
  readonly empty: Omit<PGliteOptions, 'dataDir'>;
  readonly migrated: Omit<PGliteOptions, 'dataDir'>;
}

let starts: Promise<PGliteStarts> | undefined;

/** Node's WebAssembly global, which the ES2023 library without the DOM's does not declare. */
const wasm = (
  globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }
).WebAssembly;

function pgliteStart(migrated: boolean): Promise<Omit<PGliteOptions, 'dataDir'>> {
  // Made once, by the first caller; a failure is not kept, so that the next caller tries again.
  starts ??= makePGliteStarts().catch((error: unknown) => {
    starts = undefined;
    throw error;
  });
  return starts.then((s) => (migrated ? s.migrated : s.empty));
}

/**
 * One PGlite run through initdb and dumped (the empty database), then one started from that dump,
 * migrated and dumped again. The dumps are not compressed: larger in memory (some 40 MB each), but
 * nothing to decompress for every database.
 */
async function makePGliteStarts(): Promise<PGliteStarts> {
  const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  const files = {
    pgliteWasmModule: await wasm.compile(readFileSync(join(dist, 'pglite.wasm'))),
    fsBundle: new Blob([readFileSync(join(dist, 'pglite.data'))]),
  };
  const fresh = await PGlite.create(files);
  const empty = { ...files, loadDataDir: await fresh.dumpDataDir('none') };
  await fresh.close();
  const pglite = await PGlite.create(empty);
  const db = new Kysely({ dialect: new PGliteDialect({ pglite }) });
  await migrate({ db, kind: 'pglite', close: () => db.destroy() });
  const migrated = { ...files, loadDataDir: await pglite.dumpDataDir('none') };
  await db.destroy();
  if (!pglite.closed) await pglite.close();
  return { empty, migrated };
}

function urlOf(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(base: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}
