import { randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * The physical limit the engine is measured against: a plain SQL transaction of a workflow
 * step's shape (update one row with a version check, insert two history rows, insert one job
 * row), written the way one would by hand with the driver.
 */
export interface BareTarget {
  setup(rows: number): Promise<void>;
  /** One transaction on row `index`; resolves when committed. */
  step(index: number): Promise<void>;
}

const DDL = [
  'DROP TABLE IF EXISTS bench_instance, bench_history, bench_job',
  'CREATE TABLE bench_instance (id int PRIMARY KEY, version int NOT NULL, state jsonb NOT NULL)',
  'CREATE TABLE bench_history (id bigserial PRIMARY KEY, instance_id int NOT NULL, seq int NOT NULL, type text NOT NULL, at timestamptz NOT NULL, data jsonb)',
  'CREATE TABLE bench_job (id uuid PRIMARY KEY, instance_id int NOT NULL, due_at timestamptz NOT NULL, kind text NOT NULL)',
];
const UPDATE = 'UPDATE bench_instance SET state = $1, version = version + 1 WHERE id = $2 AND version = $3';
const HISTORY = `INSERT INTO bench_history (instance_id, seq, type, at, data) VALUES ($1, $2, 'element.completed', now(), $3), ($1, $2 + 1, 'element.entered', now(), $3)`;
const JOB = `INSERT INTO bench_job (id, instance_id, due_at, kind) VALUES ($1, $2, now(), 'timer')`;
const STATE = JSON.stringify({
  status: 'active',
  tokens: [{ id: 't1', elementId: 'review', wait: { kind: 'userTask' } }],
});

export function postgresBare(pool: pg.Pool): BareTarget {
  const versions: number[] = [];
  return {
    async setup(rows) {
      for (const statement of DDL) await pool.query(statement);
      await pool.query(`INSERT INTO bench_instance SELECT g, 0, '{}' FROM generate_series(0, ${rows - 1}) g`);
      versions.length = 0;
      for (let i = 0; i < rows; i++) versions.push(0);
    },
    async step(index) {
      const client = await pool.connect();
      try {
        const version = versions[index] ?? 0;
        await client.query('BEGIN');
        const updated = await client.query(UPDATE, [STATE, index, version]);
        if (updated.rowCount !== 1) throw new Error('version conflict');
        await client.query(HISTORY, [index, version * 2 + 1, '{"k":1}']);
        await client.query(JOB, [randomUUID(), index]);
        await client.query('COMMIT');
        versions[index] = version + 1;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

export function pgliteBare(pglite: PGlite): BareTarget {
  const versions: number[] = [];
  return {
    async setup(rows) {
      for (const statement of DDL) await pglite.query(statement);
      await pglite.query(
        `INSERT INTO bench_instance SELECT g, 0, '{}' FROM generate_series(0, ${rows - 1}) g`,
      );
      versions.length = 0;
      for (let i = 0; i < rows; i++) versions.push(0);
    },
    async step(index) {
      const version = versions[index] ?? 0;
      await pglite.transaction(async (tx) => {
        const updated = await tx.query(UPDATE, [STATE, index, version]);
        if (updated.affectedRows !== 1) throw new Error('version conflict');
        await tx.query(HISTORY, [index, version * 2 + 1, '{"k":1}']);
        await tx.query(JOB, [randomUUID(), index]);
      });
      versions[index] = version + 1;
    },
  };
}
