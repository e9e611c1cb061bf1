import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase } from '../database.js';
import { createEngine } from '../engine.js';
import { userIdentity } from '../identity.js';

/**
 * Who starts and completes, as a person would through the API: the first task is hers (assignee
 * `=requester`), the next two she takes as a candidate (leads, managers), which the engine's
 * policy lets her claim and complete in one statement. Nothing is skipped for a trusted caller.
 */
const ANN = userIdentity('ann', { groups: ['leads', 'managers'] });
import { type BareTarget, pgliteBare, postgresBare } from './bare-sql.js';
import { THREE_STEPS_XML } from './three-steps.js';

/**
 * Engine benchmark (no HTTP): instances/s of start -> 3 sequential user tasks -> end with 1 and
 * 32 concurrent callers, p50/p99 of one task completion, and in the same run the bare SQL
 * transaction of a step's shape as the limit. Writes the "Engine" section of docs/BENCHMARKS.md.
 *
 * BATON_BENCH_SECONDS / BATON_BENCH_ROUNDS set each round's length (default 2 s) and the number of
 * rounds (default 3); DATABASE_URL picks the server (default: the local test database).
 */

const SECONDS = Number(process.env.BATON_BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BATON_BENCH_ROUNDS ?? 3);
const POOL_SIZE = 10;
const CALLERS = [1, 32] as const;
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

interface Row {
  database: string;
  callers: number;
  instancesPerSec: number;
  commandsPerSec: number;
  bareTxPerSec: number;
  p50: number;
  p99: number;
}

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

interface EngineRunner {
  /** Instances per second; pushes each task completion's latency (ms). */
  run(callers: number, ms: number, latencies: number[]): Promise<number>;
  close(): Promise<void>;
}

async function engineRunner(url: string | undefined): Promise<EngineRunner> {
  const database = await openDatabase(url ? { url, poolSize: POOL_SIZE } : {});
  const engine = await createEngine({ database });
  await engine.deploy(THREE_STEPS_XML);
  // The change feed hands each caller its next task id without an extra query.
  const openTask = new Map<string, string>();
  engine.onChange((change) => {
    if (change.kind === 'task' && change.change === 'created') openTask.set(change.instanceId, change.id);
  });
  const runInstance = async (latencies: number[]) => {
    const instance = await engine.startInstance(
      {
        processId: 'bench-three-steps',
        variables: { requester: 'ann' },
      },
      ANN,
    );
    for (let step = 0; step < 3; step++) {
      const taskId = openTask.get(instance.id);
      if (!taskId) throw new Error('no open task');
      openTask.delete(instance.id);
      const t = performance.now();
      await engine.completeTask(taskId, { step }, ANN);
      latencies.push(performance.now() - t);
    }
  };
  return {
    run: (callers, ms, latencies) => loop(callers, ms, () => runInstance(latencies)),
    async close() {
      await engine.close();
      await database.close();
    },
  };
}

/**
 * Engine and limit run in alternating rounds (median of each), so a noisy neighbour on the
 * machine hits both alike instead of skewing the ratio.
 */
async function compare(name: string, engine: EngineRunner, bare: BareTarget): Promise<Row[]> {
  await bare.setup(64);
  await engine.run(4, 500, []); // warm-up: JIT, plan caches, model cache
  await loop(4, 500, (caller) => bare.step(caller));
  const rows: Row[] = [];
  for (const callers of CALLERS) {
    const engineRates: number[] = [];
    const bareRates: number[] = [];
    const latencies: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      engineRates.push(await engine.run(callers, SECONDS * 1000, latencies));
      bareRates.push(await loop(callers, SECONDS * 1000, (caller) => bare.step(caller)));
    }
    latencies.sort((a, b) => a - b);
    const instancesPerSec = median(engineRates);
    rows.push({
      database: name,
      callers,
      instancesPerSec,
      commandsPerSec: instancesPerSec * 4,
      bareTxPerSec: median(bareRates),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    });
    console.log(
      `${name}, ${callers} caller(s): engine ${engineRates.map((r) => (r * 4).toFixed(0))} commands/s, limit ${bareRates.map((r) => r.toFixed(0))} tx/s`,
    );
  }
  return rows;
}

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

async function main() {
  const rows: Row[] = [];
  // PGlite: the engine on one in-memory instance, the limit on another (one connection each).
  {
    const engine = await engineRunner(undefined);
    const pglite = await PGlite.create();
    rows.push(...(await compare('PGlite (in-memory)', engine, pgliteBare(pglite))));
    await engine.close();
    await pglite.close();
  }
  const url = process.env.DATABASE_URL ?? DEFAULT_URL;
  try {
    await withScratchDatabase(url, async (scratch) => {
      const engine = await engineRunner(scratch);
      const pool = new pg.Pool({ connectionString: scratch, max: POOL_SIZE });
      pool.on('error', () => {}); // an idle client dropped by the server must not end the run
      try {
        rows.push(...(await compare('PostgreSQL', engine, postgresBare(pool))));
      } finally {
        await engine.close();
        await pool.end();
      }
    });
  } catch (error) {
    console.error(`PostgreSQL at ${url} skipped: ${(error as Error).message}`);
  }

  const table = render(rows);
  console.log(table);
  await writeSection(table);
}

function render(rows: readonly Row[]): string {
  const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  const lines = [
    '| database | callers | instances/s | engine commands/s | bare SQL tx/s (limit) | engine / limit | completion p50 ms | completion p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.database} | ${r.callers} | ${f(r.instancesPerSec)} | ${f(r.commandsPerSec)} | ${f(r.bareTxPerSec)} | ${f(
          (r.commandsPerSec / r.bareTxPerSec) * 100,
        )}% | ${f(r.p50, 2)} | ${f(r.p99, 2)} |`,
    ),
  ];
  return lines.join('\n');
}

async function writeSection(table: string): Promise<void> {
  const path = fileURLToPath(new URL('../../../docs/BENCHMARKS.md', import.meta.url));
  const section = `## Engine

\`npm run bench\` (engine level, no HTTP), ${new Date().toISOString().slice(0, 10)}, Node ${process.version},
${cpus().length} cores (shared), medians of ${ROUNDS} alternating rounds of ${SECONDS} s, pool of ${POOL_SIZE} connections.
One instance = start -> 3 sequential user tasks -> end = 4 engine commands, each one transaction.
The limit is a hand-written transaction of a step's shape through the same driver: update one row
with a version check, insert two history rows, insert one job row (BEGIN + 3 statements + COMMIT).
A start or task completion is at most one read (skipped when this engine wrote the instance last;
the version check proves the remembered state current) and one data-modifying statement that
writes state, task rows, history and jobs atomically (a named prepared statement on PostgreSQL).
The caller is a person (a user identity), so the engine's policy decides every command: a start
also reads the process's access list; a completion decides on the task as the cached instance
knew it (the version check proves it unchanged), claiming the task in the same statement when she
is a candidate. FEEL evaluation (the assignee \`=requester\`) is part of the engine's cost. The machine is shared and
noisy: compare the ratio within one run.

${table}
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
