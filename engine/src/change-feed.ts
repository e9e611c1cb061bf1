import { EventEmitter } from 'node:events';
import type { Task } from './api.js';

/** One committed change to a task or an instance, for live views (server-sent events). */
export interface ChangeEvent {
  readonly kind: 'task' | 'instance';
  readonly id: string;
  readonly instanceId: string;
  /** `created`, `completed`, `cancelled`, `claimed`, `handedOff`, ... for tasks; `started`, `updated`, `completed`, ... for instances. */
  readonly change: string;
  readonly task?: Task;
}

export type ChangeListener = (change: ChangeEvent) => void;

/**
 * The in-process change feed. Changes are buffered per transaction and published only after it
 * commits, so a listener never sees something that was rolled back.
 */
export class ChangeFeed {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Every open SSE connection is a listener; the default limit of 10 would only warn.
    this.#emitter.setMaxListeners(0);
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void {
    const safe = (change: ChangeEvent) => {
      try {
        listener(change);
      } catch {
        // A failing listener must not break the engine or the other listeners.
      }
    };
    this.#emitter.on('change', safe);
    return () => this.#emitter.off('change', safe);
  }

  /** Publishes what one committed transaction changed. */
  publish(changes: readonly ChangeEvent[]): void {
    if (this.#emitter.listenerCount('change') === 0) return;
    for (const change of changes) this.#emitter.emit('change', change);
  }
}
