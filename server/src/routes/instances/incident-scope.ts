import type { Incident } from '@baton/engine';
import type { FastifyInstance } from 'fastify';
import { managerScope } from '../../auth/process-scope.js';
import type { RequestUser } from '../../types.js';

/** The incidents of instances whose process the caller manages (one read per instance, only when scoped). */
export async function managedIncidents(
  app: FastifyInstance,
  user: RequestUser,
  incidents: readonly Incident[],
): Promise<Incident[]> {
  const scope = await managerScope(app, user);
  if (scope.everything) return [...incidents];
  const instanceIds = [...new Set(incidents.map((i) => i.instanceId))];
  const processOf = new Map(
    await Promise.all(
      instanceIds.map(async (id) => [id, (await app.engine.getInstance(id)).processId] as const),
    ),
  );
  return incidents.filter((i) => scope.manages(processOf.get(i.instanceId) ?? ''));
}
