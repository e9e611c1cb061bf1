import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import type { LiveEvent, LiveFeed, LiveRelay } from './live-feed.js';

/** The PostgreSQL channel every server process publishes its live events on. */
export const LIVE_CHANNEL = 'baton_changes';

const RECONNECT_MS = 1_000;
// NOTIFY payloads must stay under 8,000 bytes; subjects are cut so one event always fits.
const MAX_SUBJECT = 200;

interface Logger {
  warn(obj: unknown, msg?: string): void;
}

/** The small JSON of one event on the channel; `o` is the origin process, to skip our own. */
function encode(origin: string, e: LiveEvent): string {
  return JSON.stringify({
    o: origin,
    kind: e.kind,
    id: e.id,
    instanceId: e.instanceId,
    change: e.change,
    ...(e.userId ? { userId: e.userId } : {}),
    ...(e.subject ? { subject: e.subject.slice(0, MAX_SUBJECT) } : {}),
  });
}

function decode(payload: string): { origin: string; event: LiveEvent } | null {
  try {
    const p = JSON.parse(payload) as Record<string, unknown>;
    if (typeof p.o !== 'string' || typeof p.id !== 'string' || typeof p.change !== 'string') return null;
    if (p.kind !== 'task' && p.kind !== 'instance' && p.kind !== 'notification' && p.kind !== 'credentials')
      return null;
    return {
      origin: p.o,
      event: {
        kind: p.kind,
        id: p.id,
        instanceId: typeof p.instanceId === 'string' ? p.instanceId : null,
        change: p.change,
        ...(typeof p.userId === 'string' ? { userId: p.userId } : {}),
        ...(typeof p.subject === 'string' ? { subject: p.subject } : {}),
      },
    };
  } catch {
    return null;
  }
}

/**
 * Relays live events between server processes on one PostgreSQL: each process publishes its
 * events with NOTIFY (batched: one statement per tick through the pool) and LISTENs on a dedicated
 * connection, skipping what it sent itself. The listening connection reconnects by itself; events
 * sent while it is down are not replayed (live views refetch on reconnect).
 */
export async function startPgRelay(opts: {
  url: string;
  db: Kysely<unknown>;
  feed: LiveFeed;
  origin: string;
  logger?: Logger;
}): Promise<LiveRelay> {
  const { url, db, feed, origin } = opts;
  let closed = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  let pending: string[] = [];

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    const lost = (err?: unknown) => {
      if (client !== c) return;
      client = null;
      if (err) opts.logger?.warn({ err }, 'live updates: LISTEN connection lost; reconnecting');
      c.end().catch(() => undefined);
      schedule();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (n) => {
      if (n.channel !== LIVE_CHANNEL || !n.payload) return;
      const decoded = decode(n.payload);
      if (decoded && decoded.origin !== origin) feed.deliverRemote(decoded.event);
    });
    await c.connect();
    await c.query(`LISTEN ${LIVE_CHANNEL}`);
    if (closed) {
      await c.end();
      return;
    }
    client = c;
  };

  function schedule(): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      connect().catch(() => schedule());
    }, RECONNECT_MS);
    retry.unref();
  }

  const flush = () => {
    const payloads = pending;
    pending = [];
    if (payloads.length === 0) return;
    sql`select pg_notify(${LIVE_CHANNEL}, p) from unnest(${payloads}::text[]) as p`
      .execute(db)
      .catch((err: unknown) => opts.logger?.warn({ err }, 'live updates: NOTIFY failed'));
  };

  await connect();
  return {
    send(event) {
      if (closed) return;
      if (pending.length === 0) setImmediate(flush);
      pending.push(encode(origin, event));
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      flush();
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
