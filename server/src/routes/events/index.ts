import type { FastifyInstance } from 'fastify';
import { canSeeTask, currentUser, requireUser, seesEverything } from '../../auth/permissions.js';

const HEARTBEAT_MS = 25_000;

/**
 * `text/event-stream` of task and instance changes this user may see. Staff get an instance's
 * changes once they have seen one of its tasks on this stream (checking participation per event
 * would cost a query per event per listener).
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
      const everything = seesEverything(user);
      const instances = new Set<string>();
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
      const unsubscribe = app.engine.onChange((c) => {
        let visible = everything;
        if (!visible && c.kind === 'task' && c.task && canSeeTask(user, c.task)) {
          instances.add(c.instanceId);
          visible = true;
        }
        if (!visible && c.kind === 'instance') visible = instances.has(c.instanceId);
        if (!visible) return;
        const data = { kind: c.kind, id: c.id, instanceId: c.instanceId, change: c.change };
        res.write(`event: ${c.kind}\ndata: ${JSON.stringify(data)}\n\n`);
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
