import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/database.js';
import { migrateToLatest } from '../src/persistence/migrations.js';

/** Node's WebAssembly global, which the ES2023 library without the DOM's does not declare. */
const wasm = (
  globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }
).WebAssembly;

async function migrationsOf(database: Database): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM baton_engine_migration ORDER BY name`.execute(
    database.db,
  );
  return rows.map((r) => r.name);
}

describe('in-memory PGlite started from a dump (the `pglite` option)', () => {
  let dump: Blob;
  let migrated: string[];
  let files: { pgliteWasmModule: WebAssembly.Module; fsBundle: Blob };
  const opened: Database[] = [];

  beforeAll(async () => {
    const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    files = {
      pgliteWasmModule: await wasm.compile(readFileSync(join(dist, 'pglite.wasm'))),
      fsBundle: new Blob([readFileSync(join(dist, 'pglite.data'))]),
    };
    const source = await PGlite.create(files);
    const db = new Kysely({ dialect: new PGliteDialect({ pglite: source }) });
    await migrateToLatest(db);
    migrated = (
      await sql<{ name: string }>`SELECT name FROM baton_engine_migration ORDER BY name`.execute(db)
    ).rows.map((r) => r.name);
    dump = await source.dumpDataDir('none');
    await db.destroy();
    if (!source.closed) await source.close();
  });
  afterAll(async () => {
    for (const database of opened) await database.close();
  });

  async function open(): Promise<Database> {
    const database = await openDatabase({ pglite: { ...files, loadDataDir: dump } });
    opened.push(database);
    return database;
  }

  it('holds the migrated schema of the database dumped, so migrating again finds nothing to do', async () => {
    // given a database started from a dump of a migrated one
    const database = await open();
    // then it has every migration, and the tables they made
    expect(migrated.length).toBeGreaterThan(10);
    expect(await migrationsOf(database)).toEqual(migrated);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM instances`.execute(database.db);
    expect(rows[0]?.n).toBe(0);
    // and migrating it to the latest again changes nothing
    await migrateToLatest(database.db);
    expect(await migrationsOf(database)).toEqual(migrated);
  });

  it('gives each database started from the same dump a copy of its own', async () => {
    // given two databases started from one dump
    const a = await open();
    const b = await open();
    // when one of them gets a table and a row
    await sql`CREATE TABLE only_in_a (v int)`.execute(a.db);
    await sql`INSERT INTO only_in_a VALUES (1)`.execute(a.db);
    // then the other has neither, and a third started afterwards neither
    const exists = async (database: Database) =>
      (
        await sql<{ found: string | null }>`SELECT to_regclass('only_in_a')::text AS found`.execute(
          database.db,
        )
      ).rows[0]?.found ?? null;
    expect(await exists(a)).toBe('only_in_a');
    expect(await exists(b)).toBeNull();
    expect(await exists(await open())).toBeNull();
  });
});
