import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * How long a target's pooled connection may stay idle (ms). Every target keeps a pool, and the
 * rounds run the targets in turn: idle connections are closed before the next target's round (its
 * warm-up opens its own), so four pools never hold more than the server's connection limit.
 */
export const POOL_IDLE_MS = 800;

/** A PostgreSQL database created for one benchmark run and dropped after it. */
export interface ScratchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates a database with a random name on the server of `serverUrl`. */
export async function createScratchDatabase(serverUrl: string): Promise<ScratchDatabase> {
  const name = `baton_peer_${randomBytes(5).toString('hex')}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: () => onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function onServer(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
