import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';

/** Tables for the bare workflow step (the limit): the instance, its history, its task. */
export async function createLimitTables(pool: pg.Pool, rows: number): Promise<void> {
  await pool.query(`
    CREATE TABLE bench_instance (id int PRIMARY KEY, version int NOT NULL, history_seq int NOT NULL, state jsonb NOT NULL);
    CREATE TABLE bench_history (instance_id int NOT NULL, seq int NOT NULL, type text NOT NULL, at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, seq));
    CREATE TABLE bench_task (id int PRIMARY KEY, state text NOT NULL, completed_at timestamptz);
  `);
  await pool.query(
    `INSERT INTO bench_instance SELECT g, 1, 7, '{"tokens":[]}'::jsonb FROM generate_series(1, $1) g`,
    [rows],
  );
  await pool.query(`INSERT INTO bench_task SELECT g, 'created', NULL FROM generate_series(1, $1) g`, [rows]);
}

/**
 * What the route's completion writes, as the engine does it when it wrote the instance last (no
 * read: the version check proves the state current): ONE named prepared statement that updates
 * the instance with a version check, closes the task (guarded) and inserts the step's history
 * rows (7: task completed, variables changed, element completed, flow taken, end entered and
 * completed, instance completed).
 */
const STEP = {
  name: 'limit_step',
  text: `WITH u AS (UPDATE bench_instance SET version = version + 1, state = $3, history_seq = history_seq + 7
      WHERE id = $1 AND version = $2 RETURNING history_seq),
    g AS (UPDATE bench_task SET state = 'completed', completed_at = now() WHERE id = $1 AND state = 'created'
      AND EXISTS (SELECT 1 FROM u) RETURNING 1),
    h AS (INSERT INTO bench_history (instance_id, seq, type, at)
      SELECT $1, u.history_seq - 7 + k, 'step', now() FROM u, generate_series(1, 7) k)
    SELECT (SELECT history_seq FROM u) AS seq, (SELECT count(*) FROM g) AS guarded`,
};

/** The inbox route's queries for `scope=mine`: its page and total, the claimable badge, the overdue badge. */
const CLAIMABLE = `assignee IS NULL AND state = 'created'
  AND NOT EXISTS (SELECT 1 FROM absences a WHERE a.user_id = $1 AND a.starts_at <= now() AND a.ends_at > now())
  AND ($1::text = ANY(candidate_users) OR candidate_groups && $2::text[])`;
const OVERDUE = `(assignee = $1 OR owner = $1 OR (${CLAIMABLE})
  OR assignee IN (SELECT a.user_id FROM absences a WHERE a.substitute = $1 AND a.starts_at <= now() AND a.ends_at > now()))
  AND state = 'created' AND due_at < now()`;
const ORDER = 'ORDER BY due_at ASC NULLS LAST, priority DESC, seq';

/**
 * A bare fastify app doing, per request, the statements the route makes Baton run (node-pg, no
 * ORM, same pool size): for a completion, the one statement of the engine's write (above); for
 * the inbox (`scope=mine`), the page with its total and the two badge counts the route adds,
 * each a page of one and its total, as the engine's task query runs them.
 */
export function buildLimitApp(pool: pg.Pool, rows: number): FastifyInstance {
  const app = Fastify({ logger: false });
  let next = 0;
  // The engine's write plan keeps each instance's version: the limit does too.
  const versions = new Map<number, number>();
  app.post('/limit/step', async () => {
    const id = (next++ % rows) + 1;
    const version = versions.get(id) ?? 1;
    const { rows: written } = await pool.query({ ...STEP, values: [id, version, '{"tokens":[]}'] });
    if (written[0]?.seq === null || written[0]?.seq === undefined) throw new Error('version conflict');
    versions.set(id, version + 1);
    return { ok: true };
  });
  app.get<{ Querystring: { user: string } }>('/limit/inbox', async (req) => {
    const user = req.query.user;
    const groups: string[] = [];
    const [items, count, , claimable, , overdue] = await Promise.all([
      pool.query(
        `SELECT * FROM user_tasks WHERE assignee = $1 AND state = 'created' ${ORDER} LIMIT 50 OFFSET 0`,
        [user],
      ),
      pool.query("SELECT count(*) FROM user_tasks WHERE assignee = $1 AND state = 'created'", [user]),
      pool.query(`SELECT * FROM user_tasks WHERE ${CLAIMABLE} ${ORDER} LIMIT 1 OFFSET 0`, [user, groups]),
      pool.query(`SELECT count(*) FROM user_tasks WHERE ${CLAIMABLE}`, [user, groups]),
      pool.query(`SELECT * FROM user_tasks WHERE ${OVERDUE} ${ORDER} LIMIT 1 OFFSET 0`, [user, groups]),
      pool.query(`SELECT count(*) FROM user_tasks WHERE ${OVERDUE}`, [user, groups]),
    ]);
    return {
      items: items.rows,
      total: Number((count.rows[0] as { count: string }).count),
      counts: {
        claimable: Number((claimable.rows[0] as { count: string }).count),
        overdue: Number((overdue.rows[0] as { count: string }).count),
      },
    };
  });
  return app;
}
