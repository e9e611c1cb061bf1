import type { FastifyInstance } from 'fastify';
import { currentUser, hasRole } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import { type HttpMetrics, processMetrics } from '../../plugins/metrics.js';
import { problemResponses, ref } from '../shared.js';

/** What `work` resolves to within `ms`; `otherwise` when it fails or takes longer (it is not awaited further). */
async function within<T>(work: Promise<T>, ms: number, otherwise: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolveLate) => {
    timer = setTimeout(() => resolveLate(otherwise), ms);
  });
  try {
    return await Promise.race([work, late]);
  } catch {
    return otherwise;
  } finally {
    clearTimeout(timer);
    // A ping that fails after the deadline must not become an unhandled rejection.
    work.catch(() => undefined);
  }
}

/** Liveness, readiness (one database round trip) and Prometheus metrics. */
export async function systemRoutes(app: FastifyInstance, opts: { metrics: HttpMetrics }): Promise<void> {
  app.get('/health', { schema: { tags: ['system'], response: { 200: ref('health') } } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/ready',
    { schema: { tags: ['system'], response: { 200: ref('health'), ...problemResponses } } },
    async () => {
      // Its own short timeout: a load balancer asks often and must hear "no" before its own
      // check times out, even when the database hangs instead of refusing (a partition).
      // The read replica is reported, not required: lists fall back to the primary without it.
      const ms = app.config.readyTimeoutMs;
      const [primary, replica] = await Promise.all([
        within(
          app.store.ping().then(() => true),
          ms,
          false,
        ),
        within(app.engine.replicaStatus(), ms, 'unavailable' as const),
      ]);
      if (!primary) throw problems.unavailable(`The database did not answer within ${ms} ms`);
      return { status: 'ready', replica };
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
