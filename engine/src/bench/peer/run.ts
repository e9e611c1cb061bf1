import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { type BareTarget, openBareTarget } from './bare-target.js';
import { type BatonTarget, JOB_BATCH, openBatonTarget } from './baton-target.js';
import {
  memoryStore,
  openBpmnEngineTarget,
  type PeerTarget,
  postgresStore,
  type StateStore,
} from './bpmn-engine-target.js';
import { createScratchDatabase } from './database.js';
import { type Measurement, measure, mergeRounds } from './measure.js';
import {
  BARE,
  BARE_TX,
  BATON,
  type MachineInfo,
  PEER_MEMORY,
  PEER_PG,
  peerSection,
  type ResultRow,
  resultTable,
  writePeerSection,
} from './report.js';
import { loadShapes } from './shapes.js';

/**
 * The peer benchmark: Baton against bpmn-engine (npm) and the bare-SQL limit on the same shapes,
 * side by side in one run. Prints a table and rewrites the "Peer benchmark" section of
 * docs/BENCHMARKS.md (skip that with `--no-docs`).
 */
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BATON_PEER_SECONDS ?? 2);
/** Rounds per row: each round runs every target of the row in turn, so noise hits them alike. */
const ROUNDS = Number(process.env.BATON_PEER_ROUNDS ?? 3);
const WARMUP_SECONDS = 0.5;
// 32 callers on the fan-out would be 320 branches in flight on 2 cores: every target just queues.
const CONCURRENCIES: Record<string, readonly number[]> = {
  'three-user-tasks': [1, 32],
  'parallel-10': [1, 8],
};
const DOCS = join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'BENCHMARKS.md');

async function main(): Promise<void> {
  const shapes = loadShapes();
  const scratch = await createScratchDatabase(SERVER_URL);
  const poolSize = 40;
  let baton: BatonTarget | undefined;
  let pgStore: StateStore | undefined;
  let bare: BareTarget | undefined;
  let bareTx: BareTarget | undefined;
  const rows: ResultRow[] = [];
  const stats = new pg.Client({ connectionString: scratch.url });
  await stats.connect();
  try {
    baton = await openBatonTarget(scratch.url, shapes, poolSize);
    pgStore = await postgresStore(scratch.url, poolSize);
    bare = await openBareTarget(scratch.url, poolSize, 'statement');
    bareTx = await openBareTarget(scratch.url, poolSize, 'transaction');
    const peerOnPostgres = await openBpmnEngineTarget(shapes, pgStore);
    const peerInMemory = await openBpmnEngineTarget(shapes, memoryStore());
    const targets: [string, (shape: (typeof shapes)[number]) => Promise<void>][] = [
      [BATON, (shape) => baton!.instance(shape)],
      [PEER_PG, (shape) => peerOnPostgres.instance(shape)],
      [PEER_MEMORY, (shape) => peerInMemory.instance(shape)],
      [BARE, (shape) => bare!.instance(shape)],
      [BARE_TX, (shape) => bareTx!.instance(shape)],
    ];
    for (const shape of shapes) {
      for (const concurrency of CONCURRENCIES[shape.name] ?? [1]) {
        const measured = targets.map(() => ({ rounds: [] as Measurement[], deadlocks: 0, rollbacks: 0 }));
        for (let round = 0; round < ROUNDS; round++) {
          for (const [index, [target, run]] of targets.entries()) {
            process.stdout.write(`${shape.name} x${concurrency} round ${round + 1} ${target} ... `);
            const before = await conflictCounts(stats);
            const measurement = await measure({
              seconds: SECONDS,
              warmupSeconds: WARMUP_SECONDS,
              concurrency,
              oneInstance: () => run(shape),
            });
            // Backends report their statistics about once a second: wait for the window's to arrive.
            await new Promise((resolve) => setTimeout(resolve, 1_100));
            const after = await conflictCounts(stats);
            const deadlocks = after.deadlocks - before.deadlocks;
            const rollbacks = after.rollbacks - before.rollbacks;
            const row = measured[index]!;
            row.rounds.push(measurement);
            row.deadlocks += deadlocks;
            row.rollbacks += rollbacks;
            console.log(
              `${measurement.perSecond.toFixed(1)}/s, ${rollbacks} rollbacks, ${deadlocks} deadlocks`,
            );
          }
        }
        for (const [index, [target]] of targets.entries()) {
          const { rounds, deadlocks, rollbacks } = measured[index]!;
          rows.push({
            shape: shape.label,
            concurrency,
            target,
            measurement: mergeRounds(rounds),
            deadlocks,
            rollbacks,
          });
        }
      }
    }
    const machine = await machineInfo();
    console.log(`\n${resultTable(rows)}\n`);
    if (!process.argv.includes('--no-docs')) {
      writePeerSection(DOCS, peerSection(rows, machine, stateSizes(shapes, peerOnPostgres), JOB_BATCH));
      console.log(`wrote the Peer benchmark section of ${DOCS}`);
    }
  } finally {
    await baton?.close().catch(() => {});
    await pgStore?.close().catch(() => {});
    await bare?.close().catch(() => {});
    await bareTx?.close().catch(() => {});
    await stats.end().catch(() => {});
    await scratch.drop();
  }
}

function stateSizes(shapes: ReturnType<typeof loadShapes>, peer: PeerTarget): Record<string, number> {
  return Object.fromEntries(shapes.map((shape) => [shape.label, peer.averageStateBytes(shape)]));
}

/**
 * Rolled-back transactions (optimistic conflicts retried, lost races) and deadlocks (each costs
 * `deadlock_timeout`, 1 s by default) PostgreSQL has counted in this database so far.
 */
async function conflictCounts(client: pg.Client): Promise<{ deadlocks: number; rollbacks: number }> {
  const { rows } = await client.query<{ deadlocks: string; xact_rollback: string }>(
    'SELECT deadlocks, xact_rollback FROM pg_stat_database WHERE datname = current_database()',
  );
  return { deadlocks: Number(rows[0]?.deadlocks ?? 0), rollbacks: Number(rows[0]?.xact_rollback ?? 0) };
}

async function machineInfo(): Promise<MachineInfo> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  const version = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();
  // The package does not export its package.json: find it beside its resolved entry (lib/index.cjs).
  const entry = createRequire(import.meta.url).resolve('bpmn-engine');
  const bpmnEngine = (
    JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }
  ).version;
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    postgres: `PostgreSQL ${version.rows[0]?.server_version ?? '?'}`,
    bpmnEngine,
    date: new Date().toISOString().slice(0, 10),
    seconds: SECONDS,
    rounds: ROUNDS,
  };
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
