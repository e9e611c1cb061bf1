import type { FastifyInstance } from 'fastify';
import { currentUser, hasRole } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import { type HttpMetrics, processMetrics } from '../../plugins/metrics.js';
import { problemResponses, ref } from '../shared.js';

/** True when `work` resolves within `ms`; false when it fails or takes longer (it is not awaited further). */
async function answersWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolveLate) => {
    timer = setTimeout(() => resolveLate(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } catch {
    return false;
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
      if (!(await answersWithin(app.store.ping(), app.config.readyTimeoutMs)))
        throw problems.unavailable(`The database did not answer within ${app.config.readyTimeoutMs} ms`);
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
