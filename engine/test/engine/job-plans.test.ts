import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import { SYSTEM } from '../../src/identity.js';
import { bpmnFile, serviceFanOut } from '../support/bpmn.js';
import { databases } from '../support/databases.js';
import { testEngine } from '../support/engines.js';

const BRANCHES = 4;
const INSTANCES = 12;
/** Jobs of a type nobody here runs: what a busy `jobs` table holds beside the ones being worked. */
const WAITING = 3_000;

const fanOut = bpmnFile([serviceFanOut('fan', { branches: BRANCHES, jobType: 'work' })]);

interface JobScans {
  readonly seqScans: number;
  readonly indexScans: number;
  readonly inserted: number;
  readonly deleted: number;
}

/**
 * The `jobs` table's counters, once they count at least `inserted` inserts and `deleted` deletes
 * (what the connections that did them reported when they closed).
 */
async function jobScans(
  database: Database,
  until: { readonly inserted?: number; readonly deleted?: number },
): Promise<JobScans> {
  // A backend reports its counters when it ends (or idle, at most once a second); PGlite's one
  // backend is ours, so it can be told to report at once.
  for (let attempt = 0; ; attempt++) {
    if (database.kind === 'pglite') await sql`SELECT pg_stat_force_next_flush()`.execute(database.db);
    const { rows } = await sql<{ seq_scan: string; idx_scan: string; n_tup_ins: string; n_tup_del: string }>`
      SELECT seq_scan, coalesce(idx_scan, 0) AS idx_scan, n_tup_ins, n_tup_del FROM pg_stat_user_tables
      WHERE relname = 'jobs'`.execute(database.db);
    const row = rows[0]!;
    const scans = {
      seqScans: Number(row.seq_scan),
      indexScans: Number(row.idx_scan),
      inserted: Number(row.n_tup_ins),
      deleted: Number(row.n_tup_del),
    };
    if ((scans.inserted >= (until.inserted ?? 0) && scans.deleted >= (until.deleted ?? 0)) || attempt === 100)
      return scans;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(databases())('the job statements on $name', (target) => {
  let database: Database;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());

  it('claim, lock and delete jobs through their indexes, never by reading the whole jobs table', async () => {
    // given the process deployed, and thousands of jobs waiting beside the ones about to run,
    // with the table's statistics (through connections of their own on PostgreSQL: a backend
    // reports its counters when it closes, so the baseline below counts what setting up did)
    const setup = await target.open({ poolSize: 1 });
    await (await testEngine(setup)).engine.deploy(fanOut);
    await sql`INSERT INTO jobs (id, instance_id, definition_id, element_id, token_id, kind, job_type, due_at,
        retries, max_retries, created_at)
      SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'elsewhere', 'token', 'service', 'idle',
        now(), 3, 3, now()
      FROM generate_series(1, ${WAITING}::int)`.execute(setup.db);
    await sql`ANALYZE jobs`.execute(setup.db);
    // and every prepared statement planned generically, as PostgreSQL may choose to after five runs
    if (target.name === 'postgres') {
      const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(setup.db);
      await sql`ALTER DATABASE ${sql.id(rows[0]!.name)} SET plan_cache_mode = force_generic_plan`.execute(
        setup.db,
      );
    } else await sql`SET plan_cache_mode = force_generic_plan`.execute(setup.db);
    if (setup !== database) await setup.close();
    const before = await jobScans(database, { inserted: WAITING });
    // when an engine (its own connections again) starts instances and its executor claims, runs
    // and completes their branches
    const own = await target.open({ poolSize: 4 });
    const { engine } = await testEngine(own);
    engine.registerHandler('work', (job) => ({ [`done_${job.elementId}`]: true }));
    const ids: string[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      ids.push((await engine.startInstance({ processId: 'fan' }, SYSTEM)).id);
      while ((await engine.runDueJobs({ limit: BRANCHES })) > 0) {}
    }
    for (const id of ids) expect((await engine.getInstance(id)).status).toBe('completed');
    await engine.close();
    if (own !== database) await own.close();
    else await sql`RESET plan_cache_mode`.execute(own.db);
    // then every job it ran was deleted, and not one statement read the jobs table from end to end
    const after = await jobScans(database, { deleted: before.deleted + INSTANCES * BRANCHES });
    expect(after.deleted - before.deleted).toBe(INSTANCES * BRANCHES);
    expect(after.indexScans).toBeGreaterThan(before.indexScans);
    expect(after.seqScans - before.seqScans).toBe(0);
    const left = await sql<{ n: string }>`SELECT count(*) AS n FROM jobs`.execute(database.db);
    expect(Number(left.rows[0]!.n)).toBe(WAITING);
  });
});
