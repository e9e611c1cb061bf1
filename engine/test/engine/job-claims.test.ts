import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import { backoffMs, claimJobs } from '../../src/jobs/claim.js';
import { migrateToLatest } from '../../src/persistence/migrations.js';
import type { DB } from '../../src/persistence/schema.js';
import { buildWritePlan } from '../../src/persistence/write-plan.js';
import { databases, truncateEngineTables } from '../support/databases.js';

const t0 = new Date('2026-03-02T08:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

async function insertJobs(
  db: Kysely<DB>,
  count: number,
  options: { kind?: string; jobType?: string; dueAt?: Date } = {},
) {
  const definitionId = randomUUID();
  const rows = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    instance_id: null,
    definition_id: definitionId,
    element_id: `timer_${i}`,
    token_id: null,
    kind: options.kind ?? 'timer',
    job_type: options.jobType ?? null,
    due_at: options.dueAt ?? t0,
    retries: 3,
    max_retries: 3,
    variables: '{}',
    headers: '{}',
    cycle: null,
    created_at: t0,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('jobs')
      .values(rows.slice(i, i + 500))
      .execute();
  return rows.map((row) => row.id);
}

describe.each(databases())('job claims on $name', (target) => {
  let database: Database;
  let db: Kysely<DB>;

  beforeAll(async () => {
    database = await target.open();
    await migrateToLatest(database.db);
    db = database.db as Kysely<DB>;
  });
  afterAll(() => target.dispose());
  beforeEach(() => truncateEngineTables(database));

  it('runs the migrations again without harm', async () => {
    // given the tables exist // when migrating again // then nothing fails and the tables are there
    await migrateToLatest(database.db);
    const jobs = await db.selectFrom('jobs').select('id').execute();
    expect(jobs).toEqual([]);
  });

  it('claims only jobs that are due by the injected clock', async () => {
    // given one job due now and one due in an hour
    await insertJobs(db, 1, { dueAt: t0 });
    await insertJobs(db, 1, { dueAt: at(3_600_000) });
    // when claiming at t0
    const claimed = await claimJobs(db, {
      workerId: 'w1',
      now: t0,
      leaseMs: 1000,
      limit: 10,
      filter: { kind: 'executor', serviceTypes: [] },
    });
    // then only the due one is taken, with a lease and an attempt counted
    expect(claimed).toHaveLength(1);
    expect(claimed[0]?.lockedBy).toBe('w1');
    expect(claimed[0]?.attempts).toBe(1);
    expect(claimed[0]?.lockedUntil?.getTime()).toBe(at(1000).getTime());
  });

  it('never hands a leased job to a second claimer until the lease runs out', async () => {
    // given a job claimed by w1 with a 1 s lease
    await insertJobs(db, 1);
    const filter = { kind: 'executor', serviceTypes: [] } as const;
    await claimJobs(db, { workerId: 'w1', now: t0, leaseMs: 1000, limit: 10, filter });
    // when w2 claims during and after the lease
    const during = await claimJobs(db, { workerId: 'w2', now: at(500), leaseMs: 1000, limit: 10, filter });
    const after = await claimJobs(db, { workerId: 'w2', now: at(1500), leaseMs: 1000, limit: 10, filter });
    // then it gets the job only after the lease
    expect(during).toHaveLength(0);
    expect(after.map((job) => job.lockedBy)).toEqual(['w2']);
    expect(after[0]?.attempts).toBe(2);
  });

  it('gives workers only their job type and the executor only types it handles', async () => {
    // given service jobs of two types and a timer
    await insertJobs(db, 2, { kind: 'service', jobType: 'mail' });
    await insertJobs(db, 1, { kind: 'service', jobType: 'pay' });
    await insertJobs(db, 1, { kind: 'timer' });
    // when a worker fetches 'mail' and the executor handles 'pay'
    const mail = await claimJobs(db, {
      workerId: 'w',
      now: t0,
      leaseMs: 1000,
      limit: 10,
      filter: { kind: 'worker', jobType: 'mail' },
    });
    const executor = await claimJobs(db, {
      workerId: 'e',
      now: t0,
      leaseMs: 1000,
      limit: 10,
      filter: { kind: 'executor', serviceTypes: ['pay'] },
    });
    // then each gets exactly its own
    expect(mail.map((job) => job.jobType)).toEqual(['mail', 'mail']);
    expect(executor.map((job) => job.kind).sort()).toEqual(['service', 'timer']);
  });

  it('backs off exponentially with a cap', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(40)).toBe(600_000);
  });

  it('rejects a stale instance version in the single-statement write', async () => {
    // given an instance written by the plan
    const definitionId = randomUUID();
    await db
      .insertInto('definitions')
      .values({
        id: definitionId,
        process_id: 'p',
        version: 1,
        name: null,
        hash: 'h',
        xml: '<x/>',
        form_ids: [],
        deployed_at: t0,
        deployed_by: null,
      })
      .execute();
    const id = randomUUID();
    const state = { status: 'active', scopes: [], tokens: [], completedElementIds: [], takenFlowIds: [] };
    const history = { type: 'history', record: { type: 'instance.started' } } as const;
    const insert = buildWritePlan({
      instance: {
        id,
        status: 'active',
        state,
        endedAt: null,
        insert: {
          definitionId,
          processId: 'p',
          definitionVersion: 1,
          businessKey: null,
          startedBy: 'ann',
          parentInstanceId: null,
          parentTokenId: null,
        },
      },
      definitionId,
      processId: 'p',
      now: t0,
      actor: 'ann',
      effects: [history],
    });
    expect((await db.executeQuery(insert)).rows[0]?.seq).toBe(1);
    // when updating with the right version, then with the stale one
    const update = (expectedVersion: number) =>
      db.executeQuery(
        buildWritePlan({
          instance: { id, status: 'active', state, endedAt: null, expectedVersion },
          definitionId,
          processId: 'p',
          now: t0,
          actor: 'bob',
          effects: [history, history],
        }),
      );
    const fresh = await update(1);
    const stale = await update(1);
    // then the first moves the version and history on, the second touches nothing
    expect(fresh.rows[0]?.seq).toBe(3);
    expect(stale.rows[0]?.seq).toBeNull();
    const rows = await db
      .selectFrom('history')
      .select(['seq', 'actor'])
      .where('instance_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(rows).toEqual([
      { seq: 1, actor: 'ann' },
      { seq: 2, actor: 'bob' },
      { seq: 3, actor: 'bob' },
    ]);
  });

  it.runIf(target.name === 'postgres')('never lets two concurrent claimers take the same job', async () => {
    // given 1,000 due jobs and two independent pools
    await insertJobs(db, 1000);
    const other = await target.open({ poolSize: 4 });
    const pools = [db, other.db as Kysely<DB>];
    const filter = { kind: 'executor', serviceTypes: [] } as const;
    // when 8 claimers race in batches of 25 until nothing is left
    const seen: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        for (;;) {
          const jobs = await claimJobs(pools[i % 2] as Kysely<DB>, {
            workerId: `w${i}`,
            now: t0,
            leaseMs: 60_000,
            limit: 25,
            filter,
          });
          if (jobs.length === 0) return;
          seen.push(...jobs.map((job) => job.id));
        }
      }),
    );
    // then every job was claimed exactly once
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
  });
});
