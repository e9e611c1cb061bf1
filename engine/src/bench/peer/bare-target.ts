import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Shape } from './shapes.js';
import { POOL_IDLE_MS } from './database.js';

/**
 * The physical limit: one instance of a shape as the same number of plain workflow-step
 * transactions Baton runs for it (update one row with a version check, insert two history rows,
 * insert one task/job row), written by hand with node-pg.
 */
export interface BareTarget {
  instance(shape: Shape): Promise<void>;
  close(): Promise<void>;
}

const INSERT = 'INSERT INTO bare_instance (id, version, state) VALUES ($1, 0, $2)';
const UPDATE = 'UPDATE bare_instance SET state = $1, version = version + 1 WHERE id = $2 AND version = $3';
const HISTORY = `INSERT INTO bare_history (instance_id, seq, type, at, data) VALUES ($1, $2, 'element.completed', now(), $3), ($1, $2 + 1, 'element.entered', now(), $3)`;
const JOB = `INSERT INTO bare_job (id, instance_id, due_at, kind) VALUES ($1, $2, now(), 'task')`;
const STATE = JSON.stringify({
  status: 'active',
  tokens: [{ id: 't1', elementId: 'review', wait: { kind: 'userTask' } }],
});

/** The same writes as one named prepared data-modifying statement per command: the limit. */
const STEP_CTE = {
  name: 'bare_step',
  text: `WITH u AS (UPDATE bare_instance SET state = $1::jsonb, version = version + 1 WHERE id = $2::uuid AND version = $3::int RETURNING id),
    h AS (INSERT INTO bare_history (instance_id, seq, type, at, data)
      SELECT id, $4::int, 'element.completed', now(), $5::jsonb FROM u UNION ALL SELECT id, $4::int + 1, 'element.entered', now(), $5::jsonb FROM u),
    j AS (INSERT INTO bare_job (id, instance_id, due_at, kind) SELECT $6::uuid, id, now(), 'task' FROM u)
    SELECT count(*) AS written FROM u`,
};
const START_CTE = {
  name: 'bare_start',
  text: `WITH u AS (INSERT INTO bare_instance (id, version, state) VALUES ($2::uuid, 0, $1::jsonb) RETURNING id),
    h AS (INSERT INTO bare_history (instance_id, seq, type, at, data)
      SELECT id, $3::int, 'element.completed', now(), $4::jsonb FROM u UNION ALL SELECT id, $3::int + 1, 'element.entered', now(), $4::jsonb FROM u),
    j AS (INSERT INTO bare_job (id, instance_id, due_at, kind) SELECT $5::uuid, id, now(), 'task' FROM u)
    SELECT count(*) AS written FROM u`,
};

/**
 * `mode`: `statement` writes each command as ONE named prepared statement (the limit);
 * `transaction` as BEGIN + 3 statements + COMMIT (5 round trips), the older comparison.
 */
export async function openBareTarget(
  url: string,
  poolSize: number,
  mode: 'statement' | 'transaction' = 'statement',
): Promise<BareTarget> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: POOL_IDLE_MS });
  // An idle connection dropped by the server must not crash the run.
  pool.on('error', () => {});
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bare_instance (id uuid PRIMARY KEY, version int NOT NULL, state jsonb NOT NULL)',
  );
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bare_history (id bigserial PRIMARY KEY, instance_id uuid NOT NULL, seq int NOT NULL, type text NOT NULL, at timestamptz NOT NULL, data jsonb)',
  );
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bare_job (id uuid PRIMARY KEY, instance_id uuid NOT NULL, due_at timestamptz NOT NULL, kind text NOT NULL)',
  );

  // `version` null is the start: the same transaction shape, inserting the row instead of updating it.
  const statement = async (instanceId: string, version: number | null) => {
    const seq = (version ?? -1) * 2 + 2;
    const { rows } =
      version === null
        ? await pool.query({ ...START_CTE, values: [STATE, instanceId, seq, '{"k":1}', randomUUID()] })
        : await pool.query({
            ...STEP_CTE,
            values: [STATE, instanceId, version, seq, '{"k":1}', randomUUID()],
          });
    if (Number(rows[0]?.written) !== 1) throw new Error('version conflict');
  };
  const transaction = async (instanceId: string, version: number | null) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const written =
        version === null
          ? await client.query(INSERT, [instanceId, STATE])
          : await client.query(UPDATE, [STATE, instanceId, version]);
      if (written.rowCount !== 1) throw new Error('version conflict');
      await client.query(HISTORY, [instanceId, (version ?? -1) * 2 + 2, '{"k":1}']);
      await client.query(JOB, [randomUUID(), instanceId]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };

  const step = mode === 'statement' ? statement : transaction;
  return {
    async instance(shape) {
      const id = randomUUID();
      await step(id, null);
      for (let version = 0; version < shape.commandsPerInstance - 1; version++) await step(id, version);
    },
    close: () => pool.end(),
  };
}
