import type { FastifyInstance } from 'fastify';
import { canSeeTask, currentUser, hasRole, requireUser } from '../../auth/permissions.js';
import { managerScope } from '../../auth/process-scope.js';

const HEARTBEAT_MS = 25_000;

/**
 * `text/event-stream` of the task and instance changes this user may see, and of their own
 * notifications (`event: notification`). Managers see the processes they manage (as of when the
 * stream opened); staff get an instance's changes once they have seen one of its tasks on this
 * stream (checking participation per event would cost a query per event per listener). On
 * PostgreSQL the changes of every server process arrive here (LISTEN/NOTIFY).
 */
export async function eventRoutes(app: FastifyInstance): Promise<void> {
  // Open streams never end by themselves; closing the server ends them.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const stop of [...open]) stop();
  });

  app.get(
    '/api/events',
    {
      onRequest: requireUser(),
      schema: { tags: ['events'], response: { 200: { type: 'string', description: 'text/event-stream' } } },
    },
    async (req, reply) => {
      const user = currentUser(req);
      const scope = await managerScope(app, user);
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
                if (p !== null && scope.manages(p) && open.has(stop)) send(e.kind, payload);
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
      const stop = () => {
        if (!open.delete(stop)) return;
        clearInterval(heartbeat);
        unsubscribe();
        res.end();
      };
      open.add(stop);
      req.raw.on('close', stop);
    },
  );
}
