import type { FastifyInstance } from 'fastify';
import { currentUser, hasRole } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import { type HttpMetrics, processMetrics } from '../../plugins/metrics.js';
import { problemResponses, ref } from '../shared.js';

/** Liveness, readiness (one database round trip) and Prometheus metrics. */
export async function systemRoutes(app: FastifyInstance, opts: { metrics: HttpMetrics }): Promise<void> {
  app.get('/health', { schema: { tags: ['system'], response: { 200: ref('health') } } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/ready',
    { schema: { tags: ['system'], response: { 200: ref('health'), ...problemResponses } } },
    async () => {
      try {
        await app.store.ping();
      } catch {
        throw problems.unavailable();
      }
      return { status: 'ready' };
    },
  );

  app.get(
    '/metrics',
    {
      onRequest: async (req) => {
        const user = currentUser(req);
        if (req.auth?.kind !== 'token' && !hasRole(user, 'admin'))
          throw problems.forbidden('Metrics need an admin or an API token');
      },
      schema: { tags: ['system'], response: { 200: { type: 'string' }, ...problemResponses } },
    },
    async (_req, reply) => {
      const engineLines: string[] = [];
      try {
        const [active, open] = await Promise.all([
          app.engine.listInstances({ status: 'active', limit: 1 }),
          app.engine.listTasks({ state: 'created', limit: 1 }),
        ]);
        engineLines.push(
          '# TYPE baton_instances_active gauge',
          `baton_instances_active ${active.total}`,
          '# TYPE baton_tasks_open gauge',
          `baton_tasks_open ${open.total}`,
        );
      } catch {
        engineLines.push('# engine figures unavailable');
      }
      const text = [processMetrics(), opts.metrics.render(), ...engineLines].join('\n') + '\n';
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
    },
  );
}
