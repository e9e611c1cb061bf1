import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase } from '../database.js';
import { createEngine, type Engine } from '../engine.js';
import { userIdentity } from '../identity.js';
import { type BareTarget, pgliteBare, postgresBare } from './bare-sql.js';
import { measureGrowth, type Growth } from './growth.js';
import { oneStatementLimit } from './one-statement.js';
import { THREE_STEPS_XML } from './three-steps.js';

/**
 * Who starts and completes, as a person would through the API: the first task is hers (assignee
 * `=requester`), the next two she takes as a candidate (leads, managers), which the engine's
 * policy lets her claim and complete in one statement. Nothing is skipped for a trusted caller.
 */
const ANN = userIdentity('ann', { groups: ['leads', 'managers'] });

/**
 * Engine benchmark (no HTTP): the three-task process (start -> 3 user tasks -> end = 4 commands)
 * through several client paths, each against the limit measured in alternating rounds of the same
 * run: ONE named prepared statement per step that writes what the engine's write plan writes
 * (one-statement.ts); the older 5-round-trip transaction of a step's shape (bare-sql.ts) stays as a
 * second, labelled row. Writes the "Engine" section of docs/BENCHMARKS.md.
 *
 * BATON_BENCH_SECONDS / BATON_BENCH_ROUNDS set each round's length (default 2 s) and the number of
 * rounds (default 5); DATABASE_URL picks the server (default: the local test database);
 * BATON_BENCH_BUSY=1 marks the figures as measured on a busy machine.
 */

const SECONDS = Number(process.env.BATON_BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BATON_BENCH_ROUNDS ?? 5);
const BUSY = process.env.BATON_BENCH_BUSY === '1';
const POOL_SIZE = 10;
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Runs `work` on `callers` concurrent loops for `ms`; returns how many iterations completed per second. */
async function loop(callers: number, ms: number, work: (caller: number) => Promise<void>): Promise<number> {
  const deadline = performance.now() + ms;
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      while (performance.now() < deadline) {
        await work(caller);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** One instance of the three-task process, run to its end; pushes each completion's latency (ms). */
type InstanceRun = (latencies: number[]) => Promise<void>;

/**
 * How a client learns the id of the task to complete, and which engine completes it.
 * - `feed`: the change feed of the engine that wrote it (no query).
 * - `lookup`: `listTasks({ instanceId })`, as a client that only knows its instance.
 * `engines` > 1: each command goes to the engine that did not write the instance last, so every
 * completion is the first command of that engine on an instance another engine wrote (cold cache,
 * as a second server behind a load balancer sees it).
 */
interface ClientPath {
  readonly label: string;
  readonly find: 'feed' | 'lookup';
  readonly engines: 1 | 2;
}

const PATHS: readonly ClientPath[] = [
  {
    label: '(a) task id from the change feed, warm (this engine wrote the instance)',
    find: 'feed',
    engines: 1,
  },
  { label: 'cold: task id from the feed, each command on the other engine', find: 'feed', engines: 2 },
  { label: '(b) listTasks({ instanceId }) then complete, warm', find: 'lookup', engines: 1 },
  {
    label: '(c) listTasks({ instanceId }) then complete, each on the other engine (cold)',
    find: 'lookup',
    engines: 2,
  },
];

function instanceRunner(engines: readonly Engine[], path: ClientPath): InstanceRun {
  // The change feed hands each caller its next task id without a query.
  const openTask = new Map<string, string>();
  for (const engine of engines) {
    engine.onChange((change) => {
      if (change.kind === 'task' && change.change === 'created') openTask.set(change.instanceId, change.id);
    });
  }
  return async (latencies) => {
    const first = engines[0]!;
    const instance = await first.startInstance(
      { processId: 'bench-three-steps', variables: { requester: 'ann' } },
      ANN,
    );
    for (let step = 0; step < 3; step++) {
      const engine = engines[(step + 1) % path.engines]!;
      const t = performance.now();
      let taskId: string | undefined;
      if (path.find === 'feed') {
        taskId = openTask.get(instance.id);
      } else {
        taskId = (await engine.listTasks({ instanceId: instance.id, state: 'created' })).items[0]?.id;
      }
      openTask.delete(instance.id);
      if (!taskId) throw new Error('no open task');
      await engine.completeTask(taskId, { step }, ANN);
      latencies.push(performance.now() - t);
    }
    openTask.delete(instance.id);
  };
}

interface Row {
  readonly database: string;
  readonly path: string;
  readonly limit: string;
  readonly callers: number;
  readonly commandsPerSec: number;
  readonly limitPerSec: number;
  readonly p50: number;
  readonly p99: number;
}

/** Alternating rounds (median of each), so a noisy neighbour hits engine and limit alike. */
async function compare(
  database: string,
  path: string,
  limit: string,
  callers: number,
  engine: InstanceRun,
  /** One limit unit; `perUnit` commands-equivalent each (4 for an instance, 1 for one step). */
  limitUnit: (caller: number) => Promise<void>,
  perUnit: number,
): Promise<Row> {
  const engineRates: number[] = [];
  const limitRates: number[] = [];
  const latencies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    engineRates.push((await loop(callers, SECONDS * 1000, () => engine(latencies))) * 4);
    limitRates.push((await loop(callers, SECONDS * 1000, limitUnit)) * perUnit);
  }
  latencies.sort((a, b) => a - b);
  const row: Row = {
    database,
    path,
    limit,
    callers,
    commandsPerSec: median(engineRates),
    limitPerSec: median(limitRates),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
  console.log(
    `${database} ${path} x${callers}: engine ${engineRates.map((r) => r.toFixed(0))} commands/s, ${limit} ${limitRates.map((r) => r.toFixed(0))}/s -> ${(row.commandsPerSec / row.limitPerSec).toFixed(2)}`,
  );
  return row;
}

const ONE_STATEMENT = 'one statement per step (limit)';
const FIVE_TRIPS = '5-round-trip transaction per step';

async function withScratchDatabase<T>(url: string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `baton_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  try {
    return await work(scratch.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}

async function pgliteRows(): Promise<Row[]> {
  const database = await openDatabase({});
  const engine = await createEngine({ database });
  await engine.deploy(THREE_STEPS_XML);
  const pglite = await PGlite.create();
  const bare: BareTarget = pgliteBare(pglite);
  await bare.setup(64);
  const run = instanceRunner([engine], PATHS[0]!);
  await loop(4, 500, () => run([]));
  const rows: Row[] = [];
  for (const callers of [1, 32]) {
    rows.push(
      await compare('PGlite (in-memory)', PATHS[0]!.label, FIVE_TRIPS, callers, run, (c) => bare.step(c), 1),
    );
  }
  await engine.close();
  await database.close();
  await pglite.close();
  return rows;
}

async function postgresRows(url: string): Promise<{ rows: Row[]; growth: Growth }> {
  return withScratchDatabase(url, async (scratch) => {
    const databases = [
      await openDatabase({ url: scratch, poolSize: POOL_SIZE }),
      await openDatabase({ url: scratch, poolSize: POOL_SIZE }),
    ];
    const engines = [
      await createEngine({ database: databases[0]!, workerId: 'bench-1' }),
      await createEngine({ database: databases[1]!, workerId: 'bench-2' }),
    ];
    const deployed = await engines[0]!.deploy(THREE_STEPS_XML);
    const definitionId = deployed.definitions[0]!.id;
    const pool = new pg.Pool({ connectionString: scratch, max: POOL_SIZE });
    pool.on('error', () => {}); // an idle client dropped by the server must not end the run
    const limit = oneStatementLimit(pool, definitionId);
    const bare = postgresBare(pool);
    await bare.setup(64);
    const rows: Row[] = [];
    try {
      for (const path of PATHS) {
        const run = instanceRunner(path.engines === 1 ? [engines[0]!] : engines, path);
        await loop(4, 500, () => run([])); // warm-up: JIT, plan caches, model cache
        await loop(4, 500, () => limit.instance());
        const callers = path === PATHS[0] || path === PATHS[1] ? [1, 32] : [32];
        for (const n of callers) {
          rows.push(
            await compare('PostgreSQL', path.label, ONE_STATEMENT, n, run, () => limit.instance(), 4),
          );
        }
        if (path === PATHS[0]) {
          await loop(4, 500, (c) => bare.step(c));
          rows.push(await compare('PostgreSQL', path.label, FIVE_TRIPS, 32, run, (c) => bare.step(c), 1));
        }
      }
      const growth = await measureGrowth(scratch, instanceRunner([engines[0]!], PATHS[0]!));
      return { rows, growth };
    } finally {
      for (const engine of engines) await engine.close();
      for (const database of databases) await database.close();
      await pool.end();
    }
  });
}

async function main() {
  const rows: Row[] = [];
  if (process.env.BATON_BENCH_PGLITE !== '0') rows.push(...(await pgliteRows()));
  const url = process.env.DATABASE_URL ?? DEFAULT_URL;
  let growth: Growth | undefined;
  try {
    const result = await postgresRows(url);
    rows.push(...result.rows);
    growth = result.growth;
  } catch (error) {
    console.error(`PostgreSQL at ${url} skipped: ${(error as Error).message}`);
  }
  const table = render(rows);
  console.log(table);
  if (growth) console.log(growthTable(growth));
  if (!process.argv.includes('--no-docs')) await writeSection(table, growth);
}

const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function render(rows: readonly Row[]): string {
  const lines = [
    '| database | client path | callers | engine commands/s | compared with | its steps/s | engine ÷ it | completion p50 ms | completion p99 ms |',
    '|---|---|---:|---:|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.database} | ${r.path} | ${r.callers} | ${f(r.commandsPerSec)} | ${r.limit} | ${f(r.limitPerSec)} | ${f(
          r.commandsPerSec / r.limitPerSec,
          2,
        )} | ${f(r.p50, 2)} | ${f(r.p99, 2)} |`,
    ),
  ];
  return lines.join('\n');
}

function growthTable(g: Growth): string {
  return [
    '| steps | WAL bytes / step | table + index growth / step | of which history | of which user_tasks | of which instances |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${g.steps} | ${f(g.walPerStep)} | ${f(g.relationPerStep)} | ${f(g.byTable.history ?? 0)} | ${f(g.byTable.user_tasks ?? 0)} | ${f(g.byTable.instances ?? 0)} |`,
  ].join('\n');
}

async function writeSection(table: string, growth: Growth | undefined): Promise<void> {
  const path = fileURLToPath(new URL('../../../docs/BENCHMARKS.md', import.meta.url));
  const section = `## Engine

Command: \`npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node engine/dist/bench/run.js\`
(engine level, no HTTP), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores,
medians of ${ROUNDS} alternating rounds of ${SECONDS} s, pool of ${POOL_SIZE} connections per engine and for the limit.${
    BUSY
      ? '\n**Measured on a busy machine** (other test suites shared the 2 cores): compare the ratios within the table, not the absolute figures.'
      : ''
  }

One instance = start -> 3 sequential user tasks -> end = 4 engine commands, each one transaction.
The caller is a person (a user identity), so the engine's policy decides every command; FEEL
evaluation (the assignee \`=requester\`) is part of the engine's cost.

**The limit** (\`engine/src/bench/one-statement.ts\`) is what a step cannot do without: ONE named
prepared data-modifying statement per command through the same driver (node-pg), writing what the
engine's write plan writes into the engine's own tables (same rows, same indexes, same commit
durability): the version-checked instance update, the step's history rows, the completed task's
guard update and the next task's insert (a start inserts the instance instead). The older
5-round-trip transaction (BEGIN, version-checked update, history insert, job insert, COMMIT;
\`engine/src/bench/bare-sql.ts\`) is a second, labelled comparison.

Client paths: **(a)** the caller learns its next task id from the change feed (no query);
**cold**: every command goes to a second engine on the same database that did not write the
instance last (its cache cannot vouch for the instance: the first command there reads it);
**(b)** the caller first finds its task with \`listTasks({ instanceId, state: 'created' })\`;
**(c)** as (b), each lookup and completion on the engine that did not write the instance last
(as a second server behind a load balancer sees it). Latencies are lookup + completion.

${table}

What these rows led to in the engine:
- **Lookup (b, c)**: \`listTasks\` with only \`instanceId\` (and \`state\`, \`sort\`, paging) is one
  prepared statement through the \`user_tasks_instance\` index with no count query when the page is
  not full (\`engine/src/persistence/instance-tasks.ts\`); it reads the instance row beside the
  open tasks in the same snapshot and the engine remembers both, so the completion that follows
  needs no read even on a second engine (its write's version check proves them current). Test:
  \`engine/test/engine/lookup-path.test.ts\` (same answers as the general query; a reassignment
  after the lookup is decided on the new assignee; one of two engines wins). The statement reads
  the instance's rows through that index alone and filters the state after them: planned with
  \`state = 'created'\`, it used to scan an index of ALL open tasks (\`user_tasks_state_due\`),
  so each lookup read every open task of every instance, and with a bitmap scan (which never
  marks entries dead) every task completed since the last vacuum. Fixing that took (b) from 0.28
  to 0.50 of the limit and (c) from 0.24 to 0.44 (two runs of this command on the same machine,
  2026-12-05). Test: \`lookup-path.test.ts\` › "reads the instance's tasks through the instance
  index alone, whatever else is open or was completed" (the statement's plan).
  **Lookups asked while one is in flight go together.** The lookup is a statement the limit
  does not make (7 statements per instance on these paths, 4 on the limit), and a statement costs
  the database about as much whatever it reads (a lookup of the open task's id alone, through the
  same index, ran at the rate of this one in a pgbench run). So the by-instance lookups that many
  callers ask while one is in flight wait for it and then go as ONE statement
  (\`unnest\` of the instance ids, each instance's first page through \`user_tasks_instance\`;
  \`InstanceTaskLookups\`, \`engine/src/persistence/instance-tasks.ts\`). Each is read after
  it was asked, with its instance row in the same snapshot, so its answer is as current as one of
  its own; a lone lookup goes at once. Test: \`lookup-path.test.ts\` › "answers lookups asked while
  one is in flight together, in one statement, each as it would alone" (every filter shape; two
  statements for eight lookups; at most 100 lookups a statement) and the plan test above, which
  covers both statements. This took
  (b) from 0.53 to 0.59 and (c) from 0.41 to 0.51 in two runs of this command on one machine
  (2026-12-06), before the changes of the next item.
- **The engine's own CPU per step.** A profile of path (b) (Node's \`--cpu-prof\`) put the
  engine's Node time per instance at about four times the limit's. Three of its items went:
  an expression that only names a variable holding a plain value (\`=requester\`, this
  benchmark's assignee) is answered without parsing it (\`engine/src/expressions/feel.ts\`;
  test: \`test/expressions/feel-names.test.ts\`, the same answers and failures as feelin for any
  name, keywords and built-in names included, and any value), and a statement's name is hashed
  once per text, not per call (\`engine/src/database.ts\`). New ids draw their random bytes from
  a 4 KiB pool (\`engine/src/persistence/ids.ts\`; test: \`test/ids.test.ts\`).
- **A person's start** is decided on the process's access lists as this engine last read them,
  and the instance insert writes only if the database still holds exactly those (an index probe
  inside the statement): a start is ONE statement, as in the limit, instead of a read and a
  write. Lists another server changed since make the insert write nothing; the start reads them
  and decides again in a transaction. Test: \`engine/test/engine/policy.test.ts\` › "decides a
  start on the starting groups as they are now, when another engine changed them since this one
  started".
- **Sibling job completions** (peer benchmark, fan-out): completions of one instance's jobs that
  finish in the same turn of the event loop (the jobs of one claim), or while one of that instance
  is being written, go together: the commands stepped one after the other in memory, ONE write
  whose guard must still find every job's lease (\`CommandRunner.advanceAll\`,
  \`engine/src/jobs/job-runner.ts\`). When this engine wrote the instance last, that write is ONE
  statement outside a transaction: it first locks the jobs' rows (\`FOR UPDATE SKIP LOCKED\`,
  checking the leases) and writes the instance only if it holds them all and the row is still at
  the version it remembers; otherwise (or when that wrote nothing) one transaction: lock the
  instance row, the same write, commit. A step that starts work on another instance (a call
  activity, a signal) makes them go one after the other in a transaction. Claims scan each job
  type's part of the \`jobs_claim\` index in order (a bitmap scan over all wanted types read the
  index entries of every deleted job again until the next vacuum) and are prepared statements.
  Tests: \`engine/test/engine/sibling-completions.test.ts\` (one write for eight completions, and
  no read of the instance on the engine that wrote it last; a job row another session holds;
  children started once each; a lease taken over meanwhile; two engines, each branch once).
- **Job rows are found by their key.** A list of ids is one \`uuid[]\` parameter matched with
  \`= ANY\`, and the lease hold probes the key once per job. The claim's update, the lease hold
  and the job delete used \`IN (SELECT jsonb_array_elements_text(...))\`, which a prepared
  statement's generic plan joined against a sequential scan of the whole \`jobs\` table, so each
  completion read every waiting job. Test: \`engine/test/engine/job-plans.test.ts\` (3,000
  waiting jobs of another type, every statement planned generically: 24 to 36 sequential scans
  of the table before, none after, on PGlite and PostgreSQL). While the table is only a few
  pages (as in the fan-out here, where jobs live for milliseconds), PostgreSQL's default costs
  (\`random_page_cost = 4\`) can still price one pass over it below ten key probes.
- **Ids** of instances, tokens, tasks and jobs are time-ordered (version 7 UUIDs,
  \`engine/src/persistence/ids.ts\`), so rows made together sit together in the indexes keyed by
  them: history's key index takes 49 bytes a row instead of 66 (\`npm run bench:growth -w
  @baton/engine\` prints it).

### Bytes written per step

${
  growth
    ? `${growthTable(growth)}

The three-task process on PostgreSQL, ${growth.steps} engine commands on one caller: WAL by
\`pg_current_wal_lsn()\` differences (the whole cluster: writes of other databases on the server
count too, so this is an upper bound; the smallest of ${growth.runs} runs) and table + index growth by
\`pg_total_relation_size\` over instances, history, user_tasks and jobs (a partitioned table: the
sum over its partitions). Goal: at most 2 kB per step.`
    : 'PostgreSQL was not reachable in this run.'
}
`;
  let current = '';
  try {
    current = await readFile(path, 'utf8');
  } catch {
    current = '# Benchmarks\n';
  }
  const start = current.search(/^## Engine\s*$/m);
  let next: string;
  if (start === -1) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    const rest = current.slice(start + 1);
    const end = rest.search(/^## /m);
    next = current.slice(0, start) + section + (end === -1 ? '' : `\n${rest.slice(end)}`);
  }
  await writeFile(path, next.endsWith('\n') ? next : `${next}\n`);
  console.log(`wrote the Engine section of ${path}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
