import { EventEmitter } from 'node:events';
import type { Engine, Task } from '@baton/engine';

/**
 * One change a live view (server-sent events) may show, or (`credentials`) a change to a user's
 * credentials that open streams and auth caches must notice; those never reach a stream.
 */
export interface LiveEvent {
  readonly kind: 'task' | 'instance' | 'notification' | 'credentials';
  readonly id: string;
  readonly instanceId: string | null;
  /** `created`, `completed`, `claimed`, ... (the engine's words); `created` for notifications. */
  readonly change: string;
  /** Task events: the task as it is now, for visibility checks (absent only if it could not be read). */
  readonly task?: Task;
  /** Notification events: the recipient's user id; credentials events: the user whose changed. */
  readonly userId?: string;
  readonly subject?: string;
}

export type LiveListener = (event: LiveEvent) => void;
/** A user's sessions or tokens changed (`reason`: logout, password-changed, deactivated, ...). */
export type CredentialsListener = (userId: string, reason: string) => void;

/**
 * Where live events go beyond this process (PostgreSQL NOTIFY); absent on the embedded database,
 * where one process is all there is.
 */
export interface LiveRelay {
  send(event: LiveEvent): void;
  close(): Promise<void>;
}

/**
 * The server's live feed: the engine's committed changes and the notifications recorded here,
 * delivered to local listeners at once and relayed to the other server processes; events relayed
 * from them arrive through `deliverRemote`.
 */
export class LiveFeed {
  readonly #emitter = new EventEmitter();
  readonly #engine: Engine;
  #relay: LiveRelay | null = null;
  // Remote task events are completed with a read of the task; a chain keeps their order.
  #remoteChain: Promise<void> = Promise.resolve();
  readonly #unsubscribe: () => void;

  constructor(engine: Engine) {
    this.#engine = engine;
    // Every open SSE connection is a listener; the default limit of 10 would only warn.
    this.#emitter.setMaxListeners(0);
    this.#unsubscribe = engine.onChange((c) =>
      this.publish({ kind: c.kind, id: c.id, instanceId: c.instanceId, change: c.change, task: c.task }),
    );
  }

  /** Relays every later event to the other processes too. */
  useRelay(relay: LiveRelay): void {
    this.#relay = relay;
  }

  /**
   * Listens for credential changes of any user, made in this process or (relayed) another:
   * auth caches clear, open streams re-check their session or token at once.
   */
  onCredentials(listener: CredentialsListener): () => void {
    const safe = (event: LiveEvent) => {
      try {
        if (event.userId) listener(event.userId, event.change);
      } catch {
        // One broken listener must not stop the others.
      }
    };
    this.#emitter.on('credentials', safe);
    return () => this.#emitter.off('credentials', safe);
  }

  /** Announces here and to the other processes that a user's credentials changed. */
  credentialsChanged(userId: string, reason: string): void {
    this.publish({ kind: 'credentials', id: userId, instanceId: null, change: reason, userId });
  }

  subscribe(listener: LiveListener): () => void {
    const safe = (event: LiveEvent) => {
      try {
        listener(event);
      } catch {
        // One broken stream must not stop the others.
      }
    };
    this.#emitter.on('event', safe);
    return () => this.#emitter.off('event', safe);
  }

  /** Something happened in this process: deliver it here, relay it to the others. */
  publish(event: LiveEvent): void {
    this.#emitter.emit(event.kind === 'credentials' ? 'credentials' : 'event', event);
    this.#relay?.send(event);
  }

  /** Something happened in another process (never relayed back). */
  deliverRemote(event: LiveEvent): void {
    if (event.kind === 'credentials') {
      this.#emitter.emit('credentials', event);
      return;
    }
    if (this.#emitter.listenerCount('event') === 0) return;
    if (event.kind !== 'task') {
      this.#remoteChain = this.#remoteChain.then(() => {
        this.#emitter.emit('event', event);
      });
      return;
    }
    const task = this.#engine.getTask(event.id).catch(() => undefined);
    this.#remoteChain = this.#remoteChain.then(async () => {
      this.#emitter.emit('event', { ...event, task: await task });
    });
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    await this.#relay?.close();
    this.#relay = null;
  }
}
