import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';

/** Tables for the bare workflow-step transaction (the limit). */
export async function createLimitTables(pool: pg.Pool, rows: number): Promise<void> {
  await pool.query(`
    CREATE TABLE bench_instance (id int PRIMARY KEY, version int NOT NULL, state jsonb NOT NULL);
    CREATE TABLE bench_history (id bigserial PRIMARY KEY, instance_id int NOT NULL, type text NOT NULL, at timestamptz NOT NULL);
    CREATE TABLE bench_job (id bigserial PRIMARY KEY, instance_id int NOT NULL, due_at timestamptz NOT NULL);
  `);
  await pool.query(
    `INSERT INTO bench_instance SELECT g, 0, '{"tokens":[]}'::jsonb FROM generate_series(1, $1) g`,
    [rows],
  );
}

/**
 * A bare fastify app doing, per request, what one step costs at least: read a row, update it with a
 * version check, insert two history rows and one job row, in one transaction (node-pg, no ORM);
 * and the inbox query with its count. Same pool size as Baton's.
 */
export function buildLimitApp(pool: pg.Pool, rows: number): FastifyInstance {
  const app = Fastify({ logger: false });
  let next = 0;
  app.post('/limit/step', async () => {
    const id = (next++ % rows) + 1;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: found } = await client.query('SELECT version FROM bench_instance WHERE id = $1', [id]);
      const version = (found[0] as { version: number }).version;
      await client.query(
        'UPDATE bench_instance SET version = version + 1, state = $3 WHERE id = $1 AND version = $2',
        [id, version, '{"tokens":[]}'],
      );
      await client.query(
        "INSERT INTO bench_history (instance_id, type, at) VALUES ($1, 'a', now()), ($1, 'b', now())",
        [id],
      );
      await client.query('INSERT INTO bench_job (instance_id, due_at) VALUES ($1, now())', [id]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
    return { ok: true };
  });
  app.get<{ Querystring: { user: string } }>('/limit/inbox', async (req) => {
    const [items, count] = await Promise.all([
      pool.query(
        "SELECT * FROM user_tasks WHERE assignee = $1 AND state = 'created' ORDER BY due_at NULLS LAST, priority DESC, seq LIMIT 50",
        [req.query.user],
      ),
      pool.query("SELECT count(*) FROM user_tasks WHERE assignee = $1 AND state = 'created'", [
        req.query.user,
      ]),
    ]);
    return { items: items.rows, total: Number((count.rows[0] as { count: string }).count) };
  });
  return app;
}
