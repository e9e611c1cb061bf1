import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';

/**
 * SQL that starts with this comment runs as a named prepared statement on PostgreSQL: parsed and
 * planned once per connection instead of on every call. The engine marks its hot statements
 * (the step's write, the command's read) with it; on PGlite it is just a comment.
 */
export const PREPARE = '/* prepare */ ';

/** A pg client that prepares marked statements, named by a hash of their text. */
class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads; this only inspects the first argument.
  override query(...args: any[]): any {
    const [text, values, callback] = args;
    if (typeof text === 'string' && text.startsWith(PREPARE)) {
      const name = `baton_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      return super.query({ name, text, values }, callback);
    }
    // biome-ignore lint/suspicious/noExplicitAny: forwarding the caller's arguments unchanged.
    return (super.query as any)(...args);
  }
}

/** The command that used the connection gets the error; the event itself needs no handling. */
function ignoreLostConnection(): void {}

/** An open database: the Kysely handle, which kind it is, and how to close it. */
export interface Database {
  // biome-ignore lint/suspicious/noExplicitAny: the server adds its own tables; the engine narrows to its schema.
  readonly db: Kysely<any>;
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when given, PostgreSQL is used. */
  readonly url?: string;
  /** PGlite data directory; in-memory when both `url` and `dataDir` are omitted. */
  readonly dataDir?: string;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number;
}

/**
 * Chooses the dialect at the edge: PostgreSQL when `url` is given, else PGlite (a data directory,
 * or in memory). Nothing else in the engine knows which one runs.
 *
 * PGlite on a Node data directory is not power-loss durable (fsync is off); PostgreSQL is the
 * production store.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      Client: PreparingClient,
    });
    // A client that loses its server (restart, failover, pg_terminate_backend) emits 'error'; an
    // 'error' event nobody listens to ends the whole process. The pool listens for idle clients;
    // a checked-out client needs its own listener. The query in flight rejects on its own (and
    // becomes StoreUnavailableError), and the pool drops the broken client when it is released.
    pool.on('error', ignoreLostConnection);
    pool.on('connect', (client) => client.on('error', ignoreLostConnection));
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const pglite = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const db = new Kysely({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
