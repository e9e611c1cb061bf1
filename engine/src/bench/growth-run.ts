import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../database.js';
import { createEngine } from '../engine.js';
import { userIdentity } from '../identity.js';
import { type Growth, measureGrowth } from './growth.js';
import { THREE_STEPS_XML } from './three-steps.js';

/**
 * Only the "Bytes written per step" measurement of the engine benchmark (run.ts), on its own:
 * `DATABASE_URL=postgres://... node dist/bench/growth-run.js` (npm run bench:growth). A scratch
 * database on that server, one engine, the three-task process as run.ts drives it on one caller
 * (task ids from the change feed), after a warm-up of WARM_UP instances; INSTANCES per run
 * rather than run.ts's 100, so that 8 kB pages weigh less in the figure.
 */
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';
const WARM_UP = 1_000;
/** Instances per measured run (three runs; the one with the least WAL is kept). */
const INSTANCES = 500;
const ANN = userIdentity('ann', { groups: ['leads', 'managers'] });

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? DEFAULT_URL;
  const name = `baton_growth_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  try {
    const database = await openDatabase({ url: scratch.toString(), poolSize: 4 });
    const engine = await createEngine({ database, workerId: 'growth' });
    try {
      await engine.deploy(THREE_STEPS_XML);
      const openTask = new Map<string, string>();
      engine.onChange((change) => {
        if (change.kind === 'task' && change.change === 'created') openTask.set(change.instanceId, change.id);
      });
      const instance = async () => {
        const started = await engine.startInstance(
          { processId: 'bench-three-steps', variables: { requester: 'ann' } },
          ANN,
        );
        for (let step = 0; step < 3; step++) {
          const taskId = openTask.get(started.id);
          openTask.delete(started.id);
          if (!taskId) throw new Error('no open task');
          await engine.completeTask(taskId, { step }, ANN);
        }
      };
      for (let i = 0; i < WARM_UP; i++) await instance();
      print(await measureGrowth(scratch.toString(), instance, INSTANCES));
      await printHistoryRows(scratch.toString());
    } finally {
      await engine.close();
      await database.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}

/** History's heap and index bytes per row over everything written (a partitioned table: its partitions). */
async function printHistoryRows(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ rows: string; heap: string; indexes: string }>(`
      WITH parts AS (
        SELECT 'history'::regclass AS relid
        UNION SELECT relid FROM pg_partition_tree('history') WHERE relid <> 'history'::regclass
      )
      SELECT (SELECT count(*) FROM history)::text AS rows,
        (SELECT sum(pg_relation_size(relid)) FROM parts)::text AS heap,
        (SELECT sum(pg_indexes_size(relid)) FROM parts)::text AS indexes`);
    const n = Number(rows[0]!.rows);
    console.log(
      `history: ${n} rows, heap ${(Number(rows[0]!.heap) / n).toFixed(0)} B/row, indexes ${(Number(rows[0]!.indexes) / n).toFixed(0)} B/row`,
    );
  } finally {
    await client.end();
  }
}

function print(g: Growth): void {
  const f = (n: number) => n.toFixed(0);
  console.log(
    [
      '| steps | WAL bytes / step | table + index growth / step | of which history | of which user_tasks | of which instances |',
      '|---:|---:|---:|---:|---:|---:|',
      `| ${g.steps} | ${f(g.walPerStep)} | ${f(g.relationPerStep)} | ${f(g.byTable.history ?? 0)} | ${f(g.byTable.user_tasks ?? 0)} | ${f(g.byTable.instances ?? 0)} |`,
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
