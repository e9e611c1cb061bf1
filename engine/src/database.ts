import { createHash } from 'node:crypto';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type DataDirectoryLock, lockDataDirectory } from './data-dir-lock.js';
import { StoreUnavailableError } from './errors.js';

/**
 * SQL that starts with this comment runs as a named prepared statement on PostgreSQL: parsed and
 * planned once per connection instead of on every call. The engine marks its hot statements
 * (the step's write, the command's read) with it; on PGlite it is just a comment.
 */
export const PREPARE = '/* prepare */ ';

/**
 * A pg client that prepares marked statements (named by a hash of their text) and turns the
 * pool's timeouts into StoreUnavailableError.
 */
class PreparingClient extends pg.Client {
  /** False behind a transaction-mode pooler: a named statement lives on one server connection. */
  protected readonly prepares: boolean = true;

  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads; this only inspects the first argument.
  override query(...args: any[]): any {
    const [text, values, callback] = args;
    // biome-ignore lint/suspicious/noExplicitAny: whatever the overload returns (a promise, a submittable).
    let result: any;
    if (this.prepares && typeof text === 'string' && text.startsWith(PREPARE)) {
      const name = statementName(text);
      result = super.query({ name, text, values }, callback);
    } else {
      // biome-ignore lint/suspicious/noExplicitAny: forwarding the caller's arguments unchanged.
      result = (super.query as any)(...args);
    }
    if (result instanceof Promise) return result.catch((error: unknown) => this.onQueryError(error));
    return result;
  }

  private onQueryError(error: unknown): never {
    if (error instanceof Error && error.message === 'Query read timeout') {
      // pg leaves a timed-out query in flight: every later query on this client would queue
      // behind it. Drop the connection; the pool replaces it.
      this.connection.stream.destroy();
      const ms = (this as unknown as { connectionParameters: { query_timeout: number } }).connectionParameters
        .query_timeout;
      throw new StoreUnavailableError(`The database did not answer within ${ms} ms`);
    }
    if (isStatementTimeout(error)) {
      throw new StoreUnavailableError(`A statement ran longer than the statement timeout: ${error.message}`);
    }
    throw error;
  }
}

/** Statement names by text: hashing a statement's text on every call cost more than the lookup. */
const statementNames = new Map<string, string>();

/** A named statement's name: a hash of its text (the same text, the same name, on every connection). */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `baton_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    // Texts vary with a plan's shape (how many rows of each kind), not with values: a bound only
    // keeps an unusual workload from growing the map without end.
    if (statementNames.size >= 2_000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/** The same client without named prepared statements, for PgBouncer and the like in transaction mode. */
class UnpreparedClient extends PreparingClient {
  protected override readonly prepares = false;
}

function isStatementTimeout(error: unknown): error is Error {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '57014' &&
    /statement timeout/i.test(error.message)
  );
}

/** A pool whose connect timeouts become StoreUnavailableError. */
class TimeoutAwarePool extends pg.Pool {
  // biome-ignore lint/suspicious/noExplicitAny: pg-pool's connect() has a callback and a promise overload.
  override connect(...args: any[]): any {
    // biome-ignore lint/suspicious/noExplicitAny: forwarding the callback overload unchanged.
    if (args.length > 0) return (super.connect as any)(...args);
    return super.connect().catch((error: unknown) => {
      if (
        error instanceof Error &&
        /timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(
          error.message,
        )
      ) {
        throw new StoreUnavailableError(
          `PostgreSQL did not accept a connection within ${this.options.connectionTimeoutMillis} ms`,
        );
      }
      throw error;
    });
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
  /**
   * PGlite data directory; in-memory when both `url` and `dataDir` are omitted. The directory is
   * locked (file `baton.lock`) while open: a second open, in this or another process, throws
   * DataDirectoryLockedError.
   */
  readonly dataDir?: string;
  /**
   * More options for PGlite (`url` absent), passed to `PGlite.create` as they are. Starting PGlite
   * in memory runs initdb, over a second each time; a caller that opens many databases (tests) can
   * instead start each from `loadDataDir`, a `dumpDataDir()` of a database made once, with
   * `pgliteWasmModule` and `fsBundle` (the package's pglite.wasm compiled once, its pglite.data
   * read once): about a quarter of the time, and each such database is a copy of its own.
   */
  readonly pglite?: Omit<PGliteOptions, 'dataDir'>;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number;
  /** PostgreSQL timeouts (PGlite has no network and ignores them). */
  readonly timeouts?: DatabaseTimeouts;
  /**
   * `transaction`: `url` points at a pooler in transaction mode (PgBouncer's `pool_mode =
   * transaction`), where consecutive transactions of one client run on different server
   * connections. Then the engine uses no named prepared statements and sends no session settings
   * when it connects (PgBouncer refuses unknown start-up parameters): set `statement_timeout` and
   * `idle_in_transaction_session_timeout` on the database role instead. The client-side timeout
   * (statement timeout + 1 s) still applies.
   */
  readonly pooler?: 'transaction';
  /**
   * Every session is read-only (`default_transaction_read_only=on`, sent when connecting): for a
   * read replica, so that no write can reach it even by mistake (a standby refuses writes anyway;
   * a copy that is not one would not). Behind a transaction-mode pooler no session settings are
   * sent: set `default_transaction_read_only` on the role instead.
   */
  readonly readOnly?: boolean;
}

/** PostgreSQL timeouts, in milliseconds; each has a default (DEFAULT_TIMEOUTS). */
export interface DatabaseTimeouts {
  /** Opening a connection, or waiting for a free one in the pool. */
  readonly connectMs?: number;
  /**
   * One statement: PostgreSQL cancels it after this (`statement_timeout`), and the client gives
   * up 1 s later when no answer comes at all (a hung network), dropping the connection.
   */
  readonly statementMs?: number;
  /** An idle pooled connection is closed after this. */
  readonly idleMs?: number;
  /** PostgreSQL ends a session idle inside an open transaction (its row locks go with it). */
  readonly idleInTransactionMs?: number;
}

/**
 * Defaults: fail within seconds when PostgreSQL does not answer, instead of waiting on the
 * operating system's TCP timeouts (a request hung 25 s before these existed).
 */
export const DEFAULT_TIMEOUTS: Required<DatabaseTimeouts> = {
  connectMs: 2_000,
  statementMs: 10_000,
  idleMs: 10_000,
  idleInTransactionMs: 60_000,
};

/** What the client waits beyond the server's statement timeout before it calls the link dead. */
const CLIENT_GRACE_MS = 1_000;

/**
 * Chooses the dialect at the edge: PostgreSQL when `url` is given, else PGlite (a data directory,
 * or in memory). Nothing else in the engine knows which one runs.
 *
 * PGlite on a Node data directory is not power-loss durable (fsync is off); PostgreSQL is the
 * production store.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.url) {
    const t = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    const pooled = options.pooler === 'transaction';
    const pool = new TimeoutAwarePool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      Client: pooled ? UnpreparedClient : PreparingClient,
      connectionTimeoutMillis: t.connectMs,
      idleTimeoutMillis: t.idleMs,
      ...(pooled
        ? {}
        : {
            statement_timeout: t.statementMs,
            idle_in_transaction_session_timeout: t.idleInTransactionMs,
            ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
          }),
      query_timeout: t.statementMs + CLIENT_GRACE_MS,
      keepAlive: true,
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
  let lock: DataDirectoryLock | undefined;
  if (options.dataDir) lock = lockDataDirectory(options.dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...options.pglite,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = new Kysely({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      try {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}
