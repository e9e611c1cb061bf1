import pg from 'pg';

/** Bytes the three-task process writes per engine command on PostgreSQL. */
export interface Growth {
  readonly steps: number;
  readonly runs: number;
  /** WAL bytes per command (cluster-wide LSN difference: an upper bound on a shared server). */
  readonly walPerStep: number;
  /** Growth of the engine's tables and their indexes per command. */
  readonly relationPerStep: number;
  readonly byTable: Readonly<Record<string, number>>;
}

const TABLES = ['instances', 'history', 'user_tasks', 'jobs'] as const;
const INSTANCES = 100;
const RUNS = 3;

async function sizes(client: pg.Client): Promise<{ lsn: string; tables: Record<string, number> }> {
  const { rows } = await client.query<{ lsn: string; name: string; bytes: string }>(
    // A partitioned table (history) has no storage of its own: its partitions are summed.
    `SELECT pg_current_wal_lsn()::text AS lsn, t AS name,
       (pg_total_relation_size(t::regclass) + coalesce((SELECT sum(pg_total_relation_size(p.relid))
         FROM pg_partition_tree(t::regclass) p WHERE p.relid <> t::regclass), 0))::text AS bytes
     FROM unnest($1::text[]) AS t`,
    [TABLES],
  );
  return { lsn: rows[0]!.lsn, tables: Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)])) };
}

/**
 * Runs `instance` (one three-task instance: 4 commands) INSTANCES times on one caller, RUNS times,
 * and keeps the run with the least WAL (other databases on the server write into the same WAL).
 */
export async function measureGrowth(
  url: string,
  instance: (latencies: number[]) => Promise<void>,
  /** Instances per run (default 100): more make the figure less grainy (tables grow by 8 kB pages). */
  instances = INSTANCES,
): Promise<Growth> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let best: Growth | undefined;
    for (let run = 0; run < RUNS; run++) {
      const before = await sizes(client);
      for (let i = 0; i < instances; i++) await instance([]);
      const after = await sizes(client);
      const wal = await client.query<{ bytes: string }>(
        'SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::text AS bytes',
        [after.lsn, before.lsn],
      );
      const steps = instances * 4;
      const byTable = Object.fromEntries(
        TABLES.map((t) => [t, ((after.tables[t] ?? 0) - (before.tables[t] ?? 0)) / steps]),
      );
      const growth: Growth = {
        steps,
        runs: RUNS,
        walPerStep: Number(wal.rows[0]!.bytes) / steps,
        relationPerStep: Object.values(byTable).reduce((a, b) => a + b, 0),
        byTable,
      };
      if (!best || growth.walPerStep < best.walPerStep) best = growth;
    }
    return best!;
  } finally {
    await client.end();
  }
}
