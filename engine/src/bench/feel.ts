import { performance } from 'node:perf_hooks';
import { date, dateAndTime, evaluate } from 'feelin';
import { evaluateFeel } from '../expressions/feel.js';
import { stopSandbox } from '../expressions/feel-sandbox.js';
import type { JsonValue, Variables } from '../runtime/types.js';

/**
 * FEEL micro-benchmark: the budgeted `evaluateFeel` against a direct feelin call (what
 * `evaluateFeel` did before budgets), side by side in one run, rounds interleaved so machine noise
 * hits both alike. Prints evaluations per second and the ratio; the cheap conditions every gateway
 * evaluates must stay within 1.2x.
 *
 * BATON_BENCH_FEEL_MS (default 300) sets one round's length, BATON_BENCH_ROUNDS (default 5) the rounds.
 */

const ROUND_MS = Number(process.env.BATON_BENCH_FEEL_MS ?? 300);
const ROUNDS = Number(process.env.BATON_BENCH_ROUNDS ?? 5);
const now = new Date('2026-03-01T10:00:00Z');

const CASES: readonly { readonly source: string; readonly variables: Variables }[] = [
  { source: 'amount > 100', variables: { amount: 150, customer: 'ann', approved: true } },
  { source: 'approved = true', variables: { amount: 150, customer: 'ann', approved: true } },
  { source: 'x.y', variables: { x: { y: 42, z: 'text' }, amount: 3 } },
  // Not a gateway condition: shows what the sandbox round trip costs an expression with a loop.
  { source: 'for i in 1..3 return i * x', variables: { x: 2 } },
];

/** `evaluateFeel` as it was before budgets: the baseline. */
function direct(source: string, variables: Variables): JsonValue {
  const context: Record<string, unknown> = {
    ...variables,
    now: () => dateAndTime(now.toISOString()),
    today: () => date(now.toISOString().slice(0, 10)),
  };
  const value: unknown = evaluate(source, context).value;
  if (value === undefined || typeof value === 'function') return null;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

function rate(run: () => unknown): number {
  const started = performance.now();
  const deadline = started + ROUND_MS;
  let count = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 50; i++) run();
    count += 50;
  }
  return count / ((performance.now() - started) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

console.log(
  `FEEL evaluations/s, median of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms (node ${process.version})`,
);
console.log('| expression | direct feelin (evals/s) | budgeted (evals/s) | slowdown (direct ÷ budgeted) |');
console.log('|---|---:|---:|---:|');
for (const { source, variables } of CASES) {
  // warm both paths (and start the sandbox) before measuring
  if (JSON.stringify(direct(source, variables)) !== JSON.stringify(evaluateFeel(source, variables, { now })))
    throw new Error(`the two paths disagree on ${source}`);
  rate(() => direct(source, variables));
  rate(() => evaluateFeel(source, variables, { now }));
  const before: number[] = [];
  const after: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    before.push(rate(() => direct(source, variables)));
    after.push(rate(() => evaluateFeel(source, variables, { now })));
  }
  const [b, a] = [median(before), median(after)];
  console.log(
    `| \`${source}\` | ${Math.round(b).toLocaleString('en')} | ${Math.round(a).toLocaleString('en')} | ${(b / a).toFixed(2)}x |`,
  );
}
stopSandbox();
