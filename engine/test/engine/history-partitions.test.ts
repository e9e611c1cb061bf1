import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { InstanceNotFoundError } from '../../src/errors.js';
import { systemIdentity } from '../../src/identity.js';
import { listHistoryMonths } from '../../src/persistence/history-partitions.js';
import { historyQuery } from '../../src/persistence/instance-queries.js';
import { kpiHistoryQueries, kpiHistorySince } from '../../src/persistence/kpis.js';
import { migrateEngineTo, migrateToLatest } from '../../src/persistence/migrations.js';
import { bpmnFile, endEvent, linearProcess, startEvent, userTask } from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, T0, testEngine } from '../support/engines.js';

const DAY = 86_400_000;
const ops = systemIdentity('olga');
const oneTask = (id: string) =>
  bpmnFile([linearProcess(id, [startEvent(), userTask('do', { assignee: 'ann' }), endEvent()])]);

const monthNames = async (database: Database) => (await listHistoryMonths(database.db)).map((m) => m.name);

/** Where each history row of an instance is stored: partition name -> rows. */
async function placement(database: Database, instanceId: string): Promise<Record<string, number>> {
  const { rows } = await sql<{ part: string; n: string }>`
    SELECT tableoid::regclass::text AS part, count(*) AS n FROM history WHERE instance_id = ${instanceId}
    GROUP BY 1`.execute(database.db);
  return Object.fromEntries(rows.map((r) => [r.part, Number(r.n)]));
}

async function storedRows(database: Database, instanceId: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM history WHERE instance_id = ${instanceId}`.execute(database.db);
  return Number(rows[0]?.n);
}

/** A second connection to the same PostgreSQL database. */
async function otherClient(database: Database): Promise<pg.Client> {
  const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(database.db);
  const url = new URL(process.env.DATABASE_URL ?? '');
  url.pathname = `/${rows[0]?.name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return client;
}

describe.each(databases())('history partitions on $name', (target) => {
  let database: Database;
  let engine: Engine;
  let clock: VirtualClock;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine, clock } = await testEngine(database));
    await truncateEngineTables(database);
    await engine.deploy(oneTask('leave'));
    await engine.deploy(oneTask('audit'));
  });

  const finished = async (processId: string) => {
    const started = await engine.startInstance({ processId }, ops);
    await engine.completeTask((await onlyOpenTask(engine, started.id)).id, {}, systemIdentity('ann'));
    return started.id;
  };

  /** An instance of `leave` finished in March, then one of `audit` in May (its id). */
  const marchThenMay = async () => {
    await finished('leave');
    clock.set(new Date('2026-05-03T00:00:00.000Z'));
    await engine.sweepRetention();
    return finished('audit');
  };

  /** A plan (EXPLAIN's rows) that reads May's partition and neither March's nor April's. */
  const expectOnlyMay = (plan: readonly Record<string, unknown>[]) => {
    const text = plan.map((row) => Object.values(row).join(' ')).join('\n');
    expect(text).toContain('history_y2026m05');
    expect(text).not.toContain('history_y2026m03');
    expect(text).not.toContain('history_y2026m04');
  };

  it('makes this month and the next ahead at start, and the coming ones on each sweep', async () => {
    // given an engine started on 2 March 2026
    expect(await monthNames(database)).toEqual(
      expect.arrayContaining(['history_y2026m03', 'history_y2026m04']),
    );
    // when its clock reaches May and a sweep runs
    clock.set(new Date('2026-05-20T10:00:00.000Z'));
    await engine.sweepRetention();
    // then May and June are there before anything is written to them
    expect(await monthNames(database)).toEqual(
      expect.arrayContaining(['history_y2026m05', 'history_y2026m06']),
    );
    const id = await finished('leave');
    expect(Object.keys(await placement(database, id))).toEqual(['history_y2026m05']);
  });

  it('moves the rows the default partition caught into their month when it is made, and reads the same', async () => {
    // given history written at a time no month was made for (a clock far ahead)
    clock.set(new Date('2031-07-10T08:00:00.000Z'));
    const id = await finished('leave');
    const before = await engine.getHistory(id);
    expect(before.length).toBeGreaterThan(3);
    expect(await placement(database, id)).toEqual({ history_default: before.length });
    // when a sweep makes July 2031
    await engine.sweepRetention();
    // then every row moved there in one go, and the history reads exactly as before
    expect(await placement(database, id)).toEqual({ history_y2031m07: before.length });
    expect(await engine.getHistory(id)).toEqual(before);
    expect(before.map((e) => e.id)).toEqual(before.map((e) => `${id}:${e.seq}`));
    expect(before.map((e) => e.seq)).toEqual(before.map((_, k) => k + 1));
  });

  it('drops a month whole once every instance in it has expired', async () => {
    // given a 30-day time to live and two instances that lived in March only
    await engine.setRetention('leave', 30, ops);
    const first = await finished('leave');
    clock.advance(10 * DAY);
    const second = await finished('leave');
    const rows = await storedRows(database, first);
    expect(rows).toBeGreaterThan(3);
    // when the first has expired, the month stays (the second still lives in it)
    clock.set(new Date('2026-04-05T00:00:00.000Z'));
    const early = await engine.sweepRetention();
    expect(early).toMatchObject({ removed: 1, instanceIds: [first] });
    expect(early.droppedMonths ?? []).not.toContain('history_y2026m03');
    expect(await storedRows(database, first)).toBe(rows);
    await expect(engine.getHistory(first)).rejects.toBeInstanceOf(InstanceNotFoundError);
    expect((await engine.getHistory(second)).length).toBe(rows);
    // and when the second has expired too, March goes as a whole, with no row deleted one by one
    clock.set(new Date('2026-04-20T00:00:00.000Z'));
    const late = await engine.sweepRetention();
    expect(late).toMatchObject({ removed: 1, instanceIds: [second] });
    expect(late.droppedMonths).toContain('history_y2026m03');
    expect(late.purgedHistories).toBeUndefined();
    expect(await monthNames(database)).not.toContain('history_y2026m03');
    expect(await storedRows(database, first)).toBe(0);
    expect(await storedRows(database, second)).toBe(0);
    // and the months still to come are kept
    expect(await monthNames(database)).toEqual(
      expect.arrayContaining(['history_y2026m04', 'history_y2026m05']),
    );
  });

  it('keeps a month while one instance of it remains, and deletes the rest of its rows after the grace', async () => {
    // given March rows of an expiring process and of one that keeps everything
    await engine.setRetention('leave', 30, ops);
    const expiring = await finished('leave');
    const kept = await finished('audit');
    const keptHistory = await engine.getHistory(kept);
    const rows = await storedRows(database, expiring);
    // when the expiring instance goes, March stays for the kept one, and the gone one's rows are hidden
    clock.set(new Date('2026-05-10T00:00:00.000Z'));
    const sweep = await engine.sweepRetention();
    expect(sweep).toMatchObject({ removed: 1, instanceIds: [expiring] });
    expect(sweep.droppedMonths ?? []).not.toContain('history_y2026m03');
    expect(await monthNames(database)).toContain('history_y2026m03');
    await expect(engine.getHistory(expiring)).rejects.toBeInstanceOf(InstanceNotFoundError);
    expect(await storedRows(database, expiring)).toBe(rows);
    // then, the grace past, its rows are deleted in a batch, and the kept instance reads as before
    clock.advance(63 * DAY);
    expect(await engine.sweepRetention()).toMatchObject({ removed: 0, purgedHistories: 1 });
    expect(await storedRows(database, expiring)).toBe(0);
    expect(await engine.getHistory(kept)).toEqual(keptHistory);
    expect(await monthNames(database)).toContain('history_y2026m03');
    const { rows: left } = await sql<{ n: string }>`SELECT count(*) AS n FROM removed_instances`.execute(
      database.db,
    );
    expect(Number(left[0]?.n)).toBe(0);
  });

  it('keeps a month an active instance started in, however old', async () => {
    await engine.setRetention('leave', 1, ops);
    const running = await engine.startInstance({ processId: 'leave' }, ops);
    const history = await engine.getHistory(running.id);
    clock.set(new Date('2027-01-10T00:00:00.000Z'));
    const sweep = await engine.sweepRetention();
    // then neither its month nor any month since goes (it may still write to them)
    expect(sweep.droppedMonths ?? []).toEqual([]);
    expect(await monthNames(database)).toEqual(
      expect.arrayContaining(['history_y2026m03', 'history_y2026m04']),
    );
    expect(await engine.getHistory(running.id)).toEqual(history);
  });

  it('lets two engines make the same months at once: each month once, no row lost', async () => {
    // given two engines (on PostgreSQL with their own connections) whose clocks are in a month not made yet
    const second = target.name === 'postgres' ? await target.open({ poolSize: 4 }) : database;
    const at = new Date('2033-02-14T12:00:00.000Z');
    clock.set(at);
    const { engine: other } = await testEngine(second, { clock: new VirtualClock(at) });
    try {
      const ids = await Promise.all([finished('leave'), finished('audit')]);
      // when both maintain partitions at the same time, while work goes on
      const results = await Promise.all([
        engine.sweepRetention(),
        other.sweepRetention(),
        finished('leave'),
        other.sweepRetention(),
      ]);
      ids.push(results[2] as string);
      // then February and March 2033 exist once each, and every row is in February
      const names = await monthNames(database);
      expect(names.filter((n) => n === 'history_y2033m02')).toHaveLength(1);
      expect(names.filter((n) => n === 'history_y2033m03')).toHaveLength(1);
      for (const id of ids) {
        const events = await engine.getHistory(id);
        expect(await placement(database, id)).toEqual({ history_y2033m02: events.length });
      }
    } finally {
      await other.close();
    }
  });

  it.skipIf(target.name !== 'postgres')(
    'reads one instance’s history without touching the months before it started (PostgreSQL only)',
    async () => {
      // given history in March, and an instance started in May
      const id = await marchThenMay();
      // when its history is read, the plan leaves March and April out
      const instance = await engine.getInstance(id);
      expectOnlyMay(await historyQuery(database.db, id, instance.startedAt).explain());
    },
  );

  it.skipIf(target.name !== 'postgres')(
    'counts a process’s KPIs without touching the months before its oldest instance (PostgreSQL only)',
    async () => {
      // given history in March, and the first instance of another process in May
      await marchThenMay();
      // when its KPIs are read, both history reads leave March and April out
      const queries = kpiHistoryQueries('audit', await kpiHistorySince(database.db, 'audit'));
      for (const query of [queries.escalations, queries.perElement])
        expectOnlyMay((await sql<Record<string, string>>`EXPLAIN ${query}`.execute(database.db)).rows);
      // and the figures still count the process's own history
      expect(Object.keys((await engine.kpis('audit')).timePerElement)).toContain('do');
      expect(Object.keys((await engine.kpis('leave')).timePerElement)).toContain('do');
    },
  );

  it.skipIf(target.name !== 'postgres')(
    'gives up dropping a month another connection is reading, and drops it at the next sweep (PostgreSQL only)',
    async () => {
      // given an expired March, and a connection that holds a read lock on its partition
      await engine.setRetention('leave', 1, ops);
      const id = await finished('leave');
      clock.set(new Date('2026-04-10T00:00:00.000Z'));
      const client = await otherClient(database);
      try {
        await client.query('BEGIN');
        await client.query('SELECT count(*) FROM history_y2026m03');
        // when a sweep runs, it removes the instance but does not wait for the lock
        const started = Date.now();
        const sweep = await engine.sweepRetention();
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(sweep).toMatchObject({ removed: 1, instanceIds: [id] });
        expect(sweep.droppedMonths ?? []).not.toContain('history_y2026m03');
        // and live writes to history went on meanwhile
        const next = await finished('audit');
        expect((await engine.getHistory(next)).length).toBeGreaterThan(3);
        await client.query('ROLLBACK');
      } finally {
        await client.end();
      }
      // then the next sweep drops March
      await engine.setRetention('audit', 1, ops);
      clock.set(new Date('2026-05-10T00:00:00.000Z'));
      expect((await engine.sweepRetention()).droppedMonths).toContain('history_y2026m03');
    },
  );
});

describe.each(databases())('migrating history to partitions on $name', (target) => {
  let database: Database;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());

  it('keeps every history row of a database at 0013, and reads it the same', async () => {
    // given a database as migration 0013 left it, with history in two months and an old id column
    await migrateEngineTo(database.db, '0013_group_calendars');
    const definition = '00000000-0000-4000-8000-000000000001';
    const instance = '00000000-0000-4000-8000-0000000000aa';
    const token = '00000000-0000-4000-8000-0000000000cc';
    await sql`INSERT INTO definitions (id, process_id, version, hash, xml, deployed_at)
      VALUES (${definition}, 'leave', 1, 'h', '<x/>', ${T0})`.execute(database.db);
    await sql`INSERT INTO instances (id, definition_id, process_id, definition_version, status, version,
        history_seq, state, started_at)
      VALUES (${instance}, ${definition}, 'leave', 1, 'active', 3, 3, '{}'::jsonb, ${T0})`.execute(
      database.db,
    );
    await sql`INSERT INTO history (instance_id, seq, at, type, element_id, token_id, task_id, actor, data) VALUES
      (${instance}, 1, ${T0}, 'instance.started', 'start', null, null, 'ann', '{"processId": "leave"}'),
      (${instance}, 2, ${new Date(T0.getTime() + 40 * DAY)}, 'element.entered', 'do', ${token}, null, 'ann', null),
      (${instance}, 3, ${new Date(T0.getTime() + 41 * DAY)}, 'task.created', 'do', ${token},
        '00000000-0000-4000-8000-0000000000bb', null, '{"assignee": "ann"}')`.execute(database.db);
    const before = (
      await sql<Record<string, unknown>>`
        SELECT instance_id, seq, at, type, element_id, token_id, task_id, actor, data FROM history ORDER BY seq`.execute(
        database.db,
      )
    ).rows;
    // when it migrates to the latest
    await migrateToLatest(database.db);
    // then history is partitioned by month, each row in its month, and nothing changed
    const after = await sql<Record<string, unknown>>`
      SELECT instance_id, seq, at, type, element_id, token_id, task_id, actor, data FROM history ORDER BY seq`.execute(
      database.db,
    );
    expect(after.rows).toEqual(before);
    expect(await placement(database, instance)).toEqual({ history_y2026m03: 1, history_y2026m04: 2 });
    const { rows: kind } = await sql<{ relkind: string }>`
      SELECT relkind FROM pg_class WHERE oid = 'history'::regclass`.execute(database.db);
    expect(kind[0]?.relkind).toBe('p');
    const { rows: columns } = await sql<{ column_name: string }>`
      SELECT column_name FROM information_schema.columns WHERE table_name = 'history' AND column_name = 'id'`.execute(
      database.db,
    );
    expect(columns).toEqual([]);
    // and the engine reads it as before, with ids made of instance and seq
    const { engine } = await testEngine(database, {
      clock: new VirtualClock(new Date(T0.getTime() + 50 * DAY)),
    });
    try {
      const events = await engine.getHistory(instance);
      expect(events.map((e) => [e.id, e.seq, e.type, e.elementId, e.taskId, e.actor, e.data])).toEqual([
        [`${instance}:1`, 1, 'instance.started', 'start', null, 'ann', { processId: 'leave' }],
        [`${instance}:2`, 2, 'element.entered', 'do', null, 'ann', null],
        [
          `${instance}:3`,
          3,
          'task.created',
          'do',
          '00000000-0000-4000-8000-0000000000bb',
          null,
          { assignee: 'ann' },
        ],
      ]);
      expect(events.map((e) => e.at)).toEqual(before.map((r) => r.at));
      // migrating again changes nothing
      await migrateToLatest(database.db);
      expect(await placement(database, instance)).toEqual({ history_y2026m03: 1, history_y2026m04: 2 });
    } finally {
      await engine.close();
    }
  });
});
