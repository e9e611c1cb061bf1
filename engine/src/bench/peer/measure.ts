/** What one scenario achieved: whole instances per second and the latency of one instance. */
export interface Measurement {
  readonly instances: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** Each counted instance's latency (ms), sorted. */
  readonly latencies: readonly number[];
}

/**
 * Runs `oneInstance` back to back on `concurrency` callers and counts the instances that finish
 * inside a fixed window after a warm-up: completions per second of wall time. Instances still
 * running when the window closes are awaited (so the next scenario starts on a quiet system) but
 * not counted.
 */
export async function measure(options: {
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly concurrency: number;
  readonly oneInstance: (caller: number) => Promise<void>;
}): Promise<Measurement> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown;
  const windowStart = performance.now() + options.warmupSeconds * 1000;
  const windowEnd = windowStart + options.seconds * 1000;
  const caller = async (index: number) => {
    while (performance.now() < windowEnd) {
      const started = performance.now();
      try {
        await options.oneInstance(index);
      } catch (error) {
        errors++;
        firstError ??= error;
        continue;
      }
      const finished = performance.now();
      if (finished >= windowStart && finished < windowEnd) latencies.push(finished - started);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => caller(i)));
  if (errors > 0) console.error(`  ${errors} failed instances; first:`, firstError);
  latencies.sort((a, b) => a - b);
  return {
    instances: latencies.length,
    seconds: options.seconds,
    perSecond: latencies.length / options.seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    errors,
    latencies,
  };
}

/**
 * One target's rounds as one figure: the median round's rate (a noisy neighbour in one round
 * moves it little), latencies over every round's instances.
 */
export function mergeRounds(rounds: readonly Measurement[]): Measurement {
  const rates = rounds.map((r) => r.perSecond).sort((a, b) => a - b);
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    instances: latencies.length,
    seconds: rounds.reduce((sum, r) => sum + r.seconds, 0),
    perSecond: rates[Math.floor(rates.length / 2)] ?? Number.NaN,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    latencies,
  };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
