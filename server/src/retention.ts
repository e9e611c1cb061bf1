import type { Engine } from '@baton/engine';
import type { FastifyBaseLogger } from 'fastify';
import { SettingError } from './config.js';

/** Default pause between retention sweeps: ten minutes. */
export const DEFAULT_SWEEP_MS = 600_000;

/** `BATON_RETENTION_SWEEP_MS`: milliseconds between sweeps, 0 for none; anything else stops start-up. */
export function sweepIntervalFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const text = env.BATON_RETENTION_SWEEP_MS?.trim();
  if (!text) return DEFAULT_SWEEP_MS;
  if (!/^\d+$/.test(text) || (Number(text) !== 0 && Number(text) < 1_000))
    throw new SettingError(
      `BATON_RETENTION_SWEEP_MS must be 0 (off) or at least 1000 milliseconds, not '${text}'`,
    );
  return Number(text);
}

/**
 * Removes expired finished instances in the background: a sweep every `intervalMs`, and at once
 * again while a sweep stops with more to do. A failed sweep is logged and tried at the next turn.
 * Returns a stop function that waits for a running sweep.
 */
export function startRetentionSweeps(
  engine: Engine,
  logger: FastifyBaseLogger,
  intervalMs: number,
  /** Removes what the server keeps of removed instances (their files). */
  removed: (instanceIds: readonly string[]) => Promise<unknown> = async () => {},
): () => Promise<void> {
  if (intervalMs === 0) return async () => {};
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep();
    }, ms);
    timer.unref();
  };
  const sweep = async () => {
    let next = intervalMs;
    try {
      const result = await engine.sweepRetention();
      if (result.removed > 0) {
        await removed(result.instanceIds);
        logger.info(
          { removed: result.removed, byProcess: result.byProcess },
          'removed expired finished instances',
        );
      }
      if (result.droppedMonths || result.purgedHistories)
        logger.info(
          { droppedMonths: result.droppedMonths ?? [], purgedHistories: result.purgedHistories ?? 0 },
          'removed the history of expired instances',
        );
      // Decisions evaluated on their own belong to no instance: they go by age.
      const decisions = await engine.sweepDecisionEvaluations();
      if (decisions.removed > 0)
        logger.info(
          { removed: decisions.removed },
          'removed old records of decisions evaluated on their own',
        );
      if (result.more || decisions.more) next = 1_000;
    } catch (err) {
      logger.warn({ err }, 'retention sweep failed; trying again at the next turn');
    }
    schedule(next);
  };
  schedule(intervalMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
