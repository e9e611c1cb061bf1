import { readFileSync, writeFileSync } from 'node:fs';
import type { Measurement } from './measure.js';

/** One row of the result: a target on a shape at a concurrency. */
export interface ResultRow {
  readonly shape: string;
  readonly concurrency: number;
  readonly target: string;
  readonly measurement: Measurement;
  /** Deadlocks PostgreSQL detected during the row's window. */
  readonly deadlocks: number;
  /** Transactions rolled back during the window: conflicts retried or lost. */
  readonly rollbacks: number;
}

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly postgres: string;
  readonly bpmnEngine: string;
  readonly date: string;
  readonly seconds: number;
  readonly rounds: number;
}

export const BATON = 'Baton (engine, PostgreSQL)';
export const PEER_PG = 'bpmn-engine + state in PostgreSQL';
export const PEER_MEMORY = 'bpmn-engine, memory only';
export const BARE = 'bare SQL, one statement per command (limit)';
export const BARE_TX = 'bare SQL, 5-round-trip transaction per command';

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** The result table in Markdown, with Baton's ratio to each other target of the same group. */
export function resultTable(rows: readonly ResultRow[]): string {
  const lines = [
    '| shape | callers | target | instances/s | p50 ms | p99 ms | rollbacks | deadlocks | Baton ÷ this |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const baton = rows.find(
      (other) => other.shape === row.shape && other.concurrency === row.concurrency && other.target === BATON,
    );
    const ratio =
      baton && row.target !== BATON
        ? `${fixed(baton.measurement.perSecond / row.measurement.perSecond, 2)}×`
        : '';
    const m = row.measurement;
    const errors = m.errors > 0 ? ` (${m.errors} errors)` : '';
    lines.push(
      `| ${row.shape} | ${row.concurrency} | ${row.target}${errors} | ${fixed(m.perSecond, 1)} | ${fixed(m.p50Ms, 1)} | ${fixed(m.p99Ms, 1)} | ${row.rollbacks} | ${row.deadlocks} | ${ratio} |`,
    );
  }
  return lines.join('\n');
}

/** Baton as a share of the bare-SQL limit, per shape and concurrency. */
export function limitShares(rows: readonly ResultRow[]): string[] {
  return rows
    .filter((row) => row.target === BATON)
    .map((row) => {
      const bare = rows.find(
        (o) => o.shape === row.shape && o.concurrency === row.concurrency && o.target === BARE,
      );
      const share = bare ? (100 * row.measurement.perSecond) / bare.measurement.perSecond : Number.NaN;
      return `${row.shape}, ${row.concurrency} caller(s): Baton runs at ${fixed(share)}% of the one-statement limit`;
    });
}

/** Replaces (or appends) the `## Peer benchmark` section of a Markdown file; other sections stay as they are. */
export function writePeerSection(path: string, section: string): void {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const heading = '## Peer benchmark';
  const start = text.indexOf(`\n${heading}`);
  if (start < 0) {
    writeFileSync(path, `${text.trimEnd()}\n\n${section.trimEnd()}\n`);
    return;
  }
  const next = text.indexOf('\n## ', start + heading.length + 1);
  const after = next < 0 ? '' : text.slice(next);
  writeFileSync(path, `${text.slice(0, start).trimEnd()}\n\n${section.trimEnd()}\n${after}`);
}

export function peerSection(
  rows: readonly ResultRow[],
  machine: MachineInfo,
  stateBytes: Record<string, number>,
  jobBatch: number,
): string {
  const sizes = Object.entries(stateBytes)
    .map(([shape, bytes]) => `${shape}: ${fixed(bytes / 1024, 1)} kB`)
    .join('; ');
  return `## Peer benchmark

Baton against the npm package [bpmn-engine](https://www.npmjs.com/package/bpmn-engine) on the same
process shapes, in one run, on one machine. Figures are whole instances completed per second
(start to end event) and the latency of one instance.

- **Baton**: engine level (no HTTP) on PostgreSQL; every command is durable when acknowledged.
  User tasks are completed as the change feed announces them, one transaction each; the parallel
  shape's ten service tasks are jobs run by an in-process handler: after its start each caller
  claims due jobs, up to ${jobBatch} per claim statement (\`BATON_PEER_JOB_BATCH\`), runs them and
  claims again until its instance has ended; completions of one instance's jobs that finish
  together are written as ONE statement that locks their leases before it writes, as this engine
  wrote the instance last (otherwise one transaction: lock, one write, commit;
  \`engine/src/jobs/job-runner.ts\`). Baton's claims, including the empty ones of a caller waiting
  for its instance, are statements the bare-SQL limit does not make, and its jobs are real queue
  rows (claimed, then deleted) where the limit only inserts one.
- **bpmn-engine**: in memory, with the state a user must save to survive a restart
  (\`JSON.stringify(await engine.getState())\` after the start and after every step: each user
  task, each finished service task) upserted as jsonb into PostgreSQL; and "memory only": the
  engine alone, with no \`getState()\`, no serialization and no durability at all. The process is
  parsed once and passed as \`sourceContext\`. Average saved state: ${sizes}.
- **Bare SQL**: the limit. One instance is as many hand-written commands as Baton runs for it
  (4 for the user tasks, 11 for the fan-out), each the workflow-step shape (write one instance row
  with a version check, insert two history rows, insert one job row) as ONE named prepared
  data-modifying statement; the same writes as a 5-round-trip transaction (BEGIN, 3 statements,
  COMMIT) are a second, labelled row.

Machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ${machine.postgres},
bpmn-engine ${machine.bpmnEngine}; ${machine.date}. Each row is measured in ${machine.rounds} rounds of
${machine.seconds} s (after a warm-up), and each round runs every target of the shape and caller
count in turn, so a noisy moment hits them alike: instances/s is the median round's, latencies
are over every round's instances. The machine is shared and noisy: compare ratios within one
run, not across runs.

*rollbacks* and *deadlocks*: what PostgreSQL counted in the row's rounds. A rollback is a
transaction that lost an optimistic version check (or a race) and was retried; a deadlock stalls
two transactions for \`deadlock_timeout\` (1 s) before one is retried. In the fan-out, sibling
branches of one instance complete on different callers at once and collide on the instance row.

Command: \`npm run build && node engine/dist/bench/peer/run.js\` (from the repository root;
\`DATABASE_URL\` picks the PostgreSQL server, \`BATON_PEER_SECONDS\` a round's window and
\`BATON_PEER_ROUNDS\` the rounds; this run: ${machine.rounds} × ${machine.seconds} s${process.env.BATON_BENCH_BUSY === '1' ? ', **measured on a busy machine**: other test suites shared the cores, compare the ratios only' : ''}).

${resultTable(rows)}

${limitShares(rows)
  .map((line) => `- ${line}`)
  .join('\n')}
`;
}
