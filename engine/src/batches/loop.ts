import { type BatchRunnerDeps, runBatchChunk } from './runner.js';

/**
 * Runs batch items in the background, a chunk at a time, beside the job executor: right away
 * while chunks come back full, else every `pollMs`. A failed turn (the database away) is logged
 * and tried again at the next one; nothing is lost, since unprocessed items stay pending.
 */
export class BatchLoop {
  #timer: NodeJS.Timeout | undefined;
  #turn: Promise<void> | undefined;
  #running = false;
  #pollMs = 1_000;

  constructor(
    readonly deps: BatchRunnerDeps,
    readonly logger: { warn(obj: unknown, msg?: string): void },
  ) {}

  start(pollMs = 1_000): void {
    if (this.#running) return;
    this.#running = true;
    this.#pollMs = pollMs;
    this.#schedule(0);
  }

  /** A batch was created or resumed: look now instead of at the next poll. */
  poke(): void {
    if (this.#running && this.#turn === undefined) this.#schedule(0);
  }

  /** Stops and waits for the item in progress (its transaction commits or rolls back whole). */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#turn;
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#turn = this.#run().finally(() => {
        this.#turn = undefined;
      });
    }, ms);
    this.#timer.unref();
  }

  async #run(): Promise<void> {
    let next = this.#pollMs;
    try {
      const limit = 25;
      const processed = await runBatchChunk(this.deps, limit);
      if (processed === limit) next = 0;
    } catch (error) {
      this.logger.warn({ err: error }, 'batch turn failed; trying again at the next one');
    }
    this.#schedule(next);
  }
}
