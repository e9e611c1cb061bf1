import { randomBytes } from 'node:crypto';
import { type Database, openDatabase } from '@baton/engine';
import pg from 'pg';

export type Dialect = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export function dialects(): Dialect[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * A fresh database: in-memory PGlite, or a new PostgreSQL database `baton_s_<random>` created on
 * DATABASE_URL's server and dropped by `drop()`, so parallel test files never share state.
 */
export async function openTestDatabase(
  dialect: Dialect,
): Promise<{ database: Database; url?: string; drop(): Promise<void> }> {
  if (dialect === 'pglite') {
    const database = await openDatabase({});
    return { database, drop: () => database.close() };
  }
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set');
  const name = `baton_s_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 20 });
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
