import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

/**
 * Runs `work` while asking `/health` every 20 ms; returns its result and the slowest answer, and
 * fails when `/health` never answered (the attack kept the server from answering at all).
 */
export async function whileProbingHealth<T>(
  app: FastifyInstance,
  work: () => Promise<T>,
): Promise<{ result: T; slowestHealthMs: number }> {
  let slowest = 0;
  let answered = 0;
  let done = false;
  const probe = (async () => {
    while (!done) {
      const start = performance.now();
      const res = await app.inject({ method: 'GET', url: '/health' });
      if (res.statusCode === 200) answered++;
      slowest = Math.max(slowest, performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    return { result: await work(), slowestHealthMs: slowest };
  } finally {
    done = true;
    await probe;
    expect(answered).toBeGreaterThan(0);
  }
}
