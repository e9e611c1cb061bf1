import type { FastifyInstance } from 'fastify';
import { canSeeTask, currentUser, hasRole, requireUser } from '../../auth/permissions.js';
import { managerScope } from '../../auth/process-scope.js';
import { problems } from '../../errors.js';
import type { RequestAuth, RequestUser } from '../../types.js';
import { sameMembers } from '../../util/sets.js';

const HEARTBEAT_MS = 25_000;

/** An open stream, as the credential checks see it. */
interface OpenStream {
  readonly userId: string;
  /** Ends the stream at once when its session or token no longer holds. */
  recheck(): Promise<void>;
  stop(): void;
}

/**
 * `text/event-stream` of the task and instance changes this user may see, and of their own
 * notifications (`event: notification`). Managers see the processes they manage (as of when the
 * stream opened); staff get an instance's changes once they have seen one of its tasks on this
 * stream (checking participation per event would cost a query per event per listener). On
 * PostgreSQL the changes of every server process arrive here (LISTEN/NOTIFY).
 *
 * A stream lasts only as long as its credential: it re-checks its session or token every
 * `streamRecheckMs`, and at once when that user's credentials change (logout, password change,
 * deactivation, ... announced in this process or relayed from another), and ends with
 * `event: end` when it no longer holds. At most `maxStreamsPerCredential` streams per session or
 * token are open in one process; one more is a 429 `TOO_MANY_STREAMS`.
 */
export async function eventRoutes(app: FastifyInstance): Promise<void> {
  // Open streams end with their credential or when the server closes.
  const open = new Set<OpenStream>();
  const perCredential = new Map<string, number>();
  const stopListening = app.live.onCredentials((userId) => {
    for (const stream of open) if (stream.userId === userId) void stream.recheck();
  });
  app.addHook('preClose', async () => {
    stopListening();
    for (const stream of [...open]) stream.stop();
  });
  const release = (key: string) => {
    const n = (perCredential.get(key) ?? 1) - 1;
    if (n <= 0) perCredential.delete(key);
    else perCredential.set(key, n);
  };
  /**
   * Whether the credential the stream was opened with still holds (fresh from the database), with
   * the roles and groups it was opened with: a stream filters by those, so a change ends it.
   */
  const holds = async (auth: RequestAuth, opened: RequestUser): Promise<boolean> => {
    const found =
      auth.kind === 'session'
        ? await app.store.sessions.lookup(auth.sessionId, new Date())
        : await app.store.apiTokens.lookupById(auth.tokenId);
    return (
      found?.user.id === opened.id &&
      sameMembers(found.user.roles, opened.roles) &&
      sameMembers(found.user.groups, opened.groups)
    );
  };

  app.get(
    '/api/events',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: { tags: ['events'], response: { 200: { type: 'string', description: 'text/event-stream' } } },
    },
    async (req, reply) => {
      const user = currentUser(req);
      const auth = req.auth;
      if (!auth) throw problems.unauthenticated();
      const credential = auth.kind === 'session' ? `s:${auth.sessionId}` : `t:${auth.tokenId}`;
      // Counted before any await, so parallel opens cannot all slip under the cap.
      const max = app.config.maxStreamsPerCredential;
      if ((perCredential.get(credential) ?? 0) >= max) throw problems.tooManyStreams(max);
      perCredential.set(credential, (perCredential.get(credential) ?? 0) + 1);
      let scope: Awaited<ReturnType<typeof managerScope>>;
      try {
        scope = await managerScope(app, user);
      } catch (err) {
        release(credential);
        throw err;
      }
      const instances = new Set<string>();
      // A manager of some processes: an instance event names no process, so look it up once.
      const processOf = new Map<string, Promise<string | null>>();
      const processOfInstance = (id: string) => {
        let found = processOf.get(id);
        if (!found) {
          if (processOf.size >= 10_000) processOf.clear();
          found = app.engine.getInstance(id).then(
            (i) => i.processId,
            () => null,
          );
          processOf.set(id, found);
        }
        return found;
      };
      const restrictedManager = !scope.everything && hasRole(user, 'manager');
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      res.write(': connected\n\nretry: 3000\n\n');
      const send = (kind: string, data: Record<string, unknown>) =>
        res.write(`event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);
      const unsubscribe = app.live.subscribe((e) => {
        let data: Record<string, unknown> = {
          kind: e.kind,
          id: e.id,
          instanceId: e.instanceId,
          change: e.change,
        };
        if (e.kind === 'notification') {
          if (e.userId !== user.id) return;
          data = { ...data, subject: e.subject ?? null };
        } else {
          const processId = e.task?.processId;
          let visible = processId !== undefined ? scope.manages(processId) : scope.everything;
          if (!visible && e.kind === 'task' && e.task) visible = canSeeTask(user, e.task, false);
          if (visible && e.kind === 'task' && e.instanceId) instances.add(e.instanceId);
          if (!visible && e.kind === 'instance' && e.instanceId) {
            visible = instances.has(e.instanceId);
            if (!visible && restrictedManager) {
              const payload = data;
              void processOfInstance(e.instanceId).then((p) => {
                if (p !== null && scope.manages(p) && open.has(stream)) send(e.kind, payload);
              });
              return;
            }
          }
          if (!visible) return;
        }
        send(e.kind, data);
      });
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const stream: OpenStream = {
        userId: user.id,
        async recheck() {
          if (!open.has(stream)) return;
          let ok: boolean;
          try {
            ok = await holds(auth, user);
          } catch {
            return; // The database is away: the next check decides.
          }
          if (ok || !open.has(stream)) return;
          send('end', { reason: 'credentials' });
          stream.stop();
        },
        stop() {
          if (!open.delete(stream)) return;
          release(credential);
          clearInterval(heartbeat);
          clearInterval(recheckTimer);
          unsubscribe();
          res.end();
        },
      };
      const recheckTimer = setInterval(() => void stream.recheck(), app.config.streamRecheckMs);
      recheckTimer.unref();
      open.add(stream);
      req.raw.on('close', () => stream.stop());
    },
  );
}
