import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { TaskFilter } from '../api.js';
import { openDatabase } from '../database.js';
import { inboxCountQuery, inboxPageQuery, inboxShape } from '../persistence/inbox-query.js';
import { migrateToLatest } from '../persistence/migrations.js';
import type { DB } from '../persistence/schema.js';
import { countTasks, listTaskPage, listTasks } from '../persistence/task-queries.js';

/**
 * The inbox at scale (docs/BENCHMARKS-INBOX.md), PostgreSQL only: 1,000,000 open tasks, 10,000
 * users, 200 groups (each user in three), loaded with INSERT ... SELECT into its own schema
 * `bench_inbox` (of the database `baton_bench_inbox`), then the engine's own `listTasks` with the filter `GET /api/tasks` sends, for
 * random users, one call at a time.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:inbox -w engine
 *
 * Options (environment): INBOX_TASKS (1000000), INBOX_USERS (10000), INBOX_GROUPS (200),
 * INBOX_ROUNDS (2000), INBOX_KEEP=1 keeps the loaded schema for a second run.
 */
const TASKS = Number(process.env.INBOX_TASKS ?? 1_000_000);
const USERS = Number(process.env.INBOX_USERS ?? 10_000);
const GROUPS = Number(process.env.INBOX_GROUPS ?? 200);
const ROUNDS = Number(process.env.INBOX_ROUNDS ?? 2_000);
const DATABASE = 'baton_bench_inbox';
const SCHEMA = 'bench_inbox';
const NOW = new Date('2026-06-01T09:00:00.000Z');

/** The three groups of user i: spread so that every group has about USERS * 3 / GROUPS members. */
const groupsOf = (i: number) => [
  ...new Set([`g${i % GROUPS}`, `g${(i * 7 + 3) % GROUPS}`, `g${(i * 13 + 5) % GROUPS}`]),
];

async function load(db: Kysely<DB>): Promise<boolean> {
  const loaded = await sql<{ n: string }>`SELECT count(*) AS n FROM user_tasks`.execute(db);
  if (Number(loaded.rows[0]?.n) === TASKS) return false;
  const started = performance.now();
  await sql`TRUNCATE user_tasks, absences CASCADE`.execute(db);
  // The trigger would fill task_candidates row by row; one INSERT ... SELECT afterwards is faster.
  await sql`ALTER TABLE user_tasks DISABLE TRIGGER user_tasks_candidates_insert`.execute(db);
  // Half assigned to one of the users; the rest offered to one group (a quarter of them to two,
  // one in twenty also to a named user). Due within [-30, +60] days on the hour, so many tasks
  // share a due date; one in five has none. Priorities mostly 50.
  await sql`INSERT INTO user_tasks (id, instance_id, definition_id, process_id, element_id, token_id, name,
      state, assignee, owner, candidate_users, candidate_groups, due_at, priority, created_at)
    SELECT gen_random_uuid(), gen_random_uuid(), '00000000-0000-4000-8000-000000000001',
      'process-' || (i % 20), 'task-' || (i % 7), 't' || i, 'Task ' || i, 'created',
      CASE WHEN i % 2 = 0 THEN 'u' || ((i / 2) * 7919 % ${USERS}) END,
      CASE WHEN i % 50 = 1 THEN 'u' || (i * 31 % ${USERS}) END,
      CASE WHEN i % 2 = 1 AND i % 20 = 3 THEN ARRAY['u' || (i * 17 % ${USERS})] ELSE '{}' END,
      CASE WHEN i % 2 = 0 THEN '{}'::text[]
           WHEN i % 4 = 1 THEN ARRAY['g' || (i * 11 % ${GROUPS}), 'g' || (i * 3 % ${GROUPS})]
           ELSE ARRAY['g' || (i * 11 % ${GROUPS})] END,
      CASE WHEN random() < 0.2 THEN NULL
           ELSE ${NOW}::timestamptz + make_interval(hours => (floor(random() * 90 * 24) - 30 * 24)::int) END,
      (ARRAY[0, 25, 50, 50, 50, 75, 100])[1 + floor(random() * 7)::int],
      ${NOW}::timestamptz - make_interval(mins => floor(random() * 100000)::int)
    FROM generate_series(1::bigint, ${TASKS}::bigint) AS i`.execute(db);
  await sql`INSERT INTO task_candidates (task_id, candidate, due_at, priority, seq)
    SELECT t.id, k.candidate, t.due_at, t.priority, t.seq FROM user_tasks t
    CROSS JOIN LATERAL (SELECT 'g:' || g AS candidate FROM unnest(t.candidate_groups) AS g
      UNION SELECT 'u:' || u FROM unnest(t.candidate_users) AS u) AS k
    WHERE t.state = 'created' AND t.assignee IS NULL`.execute(db);
  await sql`ALTER TABLE user_tasks ENABLE TRIGGER user_tasks_candidates_insert`.execute(db);
  // One user in a hundred is away, with the next user standing in.
  await sql`INSERT INTO absences (id, user_id, starts_at, ends_at, substitute, created_at)
    SELECT gen_random_uuid(), 'u' || i, ${NOW}::timestamptz - interval '1 day', ${NOW}::timestamptz + interval '6 days',
      'u' || ((i + 1) % ${USERS}), ${NOW}
    FROM generate_series(0, ${USERS - 1}, 100) AS i`.execute(db);
  await sql`VACUUM ANALYZE user_tasks`.execute(db);
  await sql`VACUUM ANALYZE task_candidates`.execute(db);
  await sql`ANALYZE absences`.execute(db);
  console.log(`loaded ${TASKS} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface Figure {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

async function measure(
  name: string,
  rounds: number,
  run: (user: number) => Promise<unknown>,
): Promise<Figure> {
  for (let i = 0; i < 50; i++) await run(Math.floor(Math.random() * USERS)); // warm-up
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const user = Math.floor(Math.random() * USERS);
    const t0 = performance.now();
    await run(user);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const figure = { name, p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1) ?? 0 };
  console.log(
    `${name}: p50 ${figure.p50.toFixed(2)} ms, p99 ${figure.p99.toFixed(2)} ms, max ${figure.max.toFixed(2)} ms`,
  );
  return figure;
}

const me = (i: number) => ({ user: `u${i}`, groups: groupsOf(i) });
/** What `GET /api/tasks` (scope `visible`, the default) asks the engine for. */
const inboxFilter = (i: number): TaskFilter => ({
  visibleTo: me(i),
  state: 'created',
  sort: 'due',
  limit: 50,
  offset: 0,
});

/** The single-statement shape of the inbox before migration 0010, for comparison. */
function plainPage(db: Kysely<DB>, i: number, count: boolean): Promise<unknown> {
  const who = me(i);
  const where = sql`state = 'created' AND (assignee = ${who.user} OR owner = ${who.user}
    OR (assignee IS NULL AND NOT EXISTS (SELECT 1 FROM absences a WHERE a.user_id = ${who.user}
        AND a.starts_at <= ${NOW} AND a.ends_at > ${NOW})
      AND (${who.user}::text = ANY(candidate_users) OR candidate_groups && ${who.groups}::text[]))
    OR assignee IN (SELECT a.user_id FROM absences a WHERE a.substitute = ${who.user}
      AND a.starts_at <= ${NOW} AND a.ends_at > ${NOW}))`;
  return count
    ? sql`SELECT count(*) FROM user_tasks WHERE ${where}`.execute(db)
    : sql`SELECT * FROM user_tasks WHERE ${where} ORDER BY due_at ASC NULLS LAST, priority DESC, seq LIMIT 50`.execute(
        db,
      );
}

async function explain(db: Kysely<DB>, query: RawBuilder<unknown>): Promise<string> {
  const { rows } = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, BUFFERS) ${query}`.execute(db);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('bench:inbox needs DATABASE_URL (PostgreSQL)');
  // A database of its own (so no other migration table is in sight), and in it the schema.
  const admin = await openDatabase({ url: base, poolSize: 1 });
  const exists = await sql`SELECT 1 FROM pg_database WHERE datname = ${DATABASE}`.execute(admin.db);
  if (exists.rows.length === 0) await sql.raw(`CREATE DATABASE ${DATABASE}`).execute(admin.db);
  await admin.close();
  const url = new URL(base);
  url.pathname = `/${DATABASE}`;
  const owner = await openDatabase({ url: url.toString(), poolSize: 1 });
  await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`).execute(owner.db);
  await owner.close();
  url.searchParams.set('options', `-c search_path=${SCHEMA}`);
  // Loading a million rows takes minutes; the queries measured are far below any timeout.
  const database = await openDatabase({
    url: url.toString(),
    poolSize: 4,
    timeouts: { statementMs: 1_800_000 },
  });
  const db = database.db as Kysely<DB>;
  try {
    await migrateToLatest(database.db);
    await load(db);
    // Start from a settled server: the dirty pages of the load (or of benchmarks run before this
    // one) are written now, not by a checkpoint in the middle of the measured rounds.
    await sql`CHECKPOINT`.execute(db);
    const figures: Figure[] = [];
    const tasks = (f: TaskFilter) => ({ ...f, limit: 1 });
    figures.push(
      await measure('inbox page (visibleTo, by due, 50 rows)', ROUNDS, (i) =>
        listTaskPage(db, inboxFilter(i), NOW),
      ),
    );
    figures.push(
      await measure('inbox count (visibleTo)', ROUNDS, (i) => countTasks(db, inboxFilter(i), NOW)),
    );
    figures.push(
      await measure('claimable count', ROUNDS, (i) =>
        countTasks(db, { claimableBy: me(i), state: 'created' }, NOW),
      ),
    );
    figures.push(
      await measure('mine count', ROUNDS, (i) =>
        countTasks(db, { assignee: `u${i}`, state: 'created' }, NOW),
      ),
    );
    figures.push(
      await measure('overdue count', ROUNDS, (i) =>
        countTasks(db, { ...inboxFilter(i), overdue: true }, NOW),
      ),
    );
    figures.push(
      await measure('the whole inbox request (page + total + 3 counts, as GET /api/tasks)', ROUNDS, (i) =>
        Promise.all([
          listTasks(db, inboxFilter(i), NOW),
          listTasks(db, tasks({ assignee: `u${i}`, state: 'created' }), NOW),
          listTasks(db, tasks({ claimableBy: me(i), state: 'created' }), NOW),
          listTasks(db, tasks({ ...inboxFilter(i), overdue: true }), NOW),
        ]),
      ),
    );
    const before = Math.min(ROUNDS, 200);
    figures.push(await measure('before 0010: one statement, page', before, (i) => plainPage(db, i, false)));
    figures.push(await measure('before 0010: one statement, count', before, (i) => plainPage(db, i, true)));

    const sample = 4242 % USERS;
    const shape = inboxShape(inboxFilter(sample));
    if (!shape) throw new Error('the inbox filter should take the indexed path');
    const pagePlan = await explain(db, inboxPageQuery(shape, inboxFilter(sample), NOW, 50, 0));
    const countPlan = await explain(db, inboxCountQuery(shape, inboxFilter(sample), NOW));
    const sizes = await sql<{ tasks: string; candidates: string; open: string }>`SELECT
      (SELECT count(*) FROM user_tasks) AS tasks, (SELECT count(*) FROM task_candidates) AS candidates,
      (SELECT count(*) FROM user_tasks WHERE state = 'created') AS open`.execute(db);

    console.log('\n| query | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|');
    for (const f of figures)
      console.log(`| ${f.name} | ${f.p50.toFixed(2)} | ${f.p99.toFixed(2)} | ${f.max.toFixed(2)} |`);
    console.log(
      `\nrows: ${JSON.stringify(sizes.rows[0])}, rounds: ${ROUNDS}, sample user u${sample}, ${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the page for u${sample}:\n${pagePlan}`);
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the count for u${sample}:\n${countPlan}`);
    if (!process.env.INBOX_KEEP) await sql.raw(`DROP SCHEMA ${SCHEMA} CASCADE`).execute(db);
  } finally {
    await database.close();
  }
}

await main();
