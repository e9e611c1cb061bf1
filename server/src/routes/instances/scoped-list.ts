import type { InstanceFilter, InstanceSummary, Page } from '@baton/engine';
import type { FastifyInstance } from 'fastify';
import { hasRole } from '../../auth/permissions.js';
import { managerScope } from '../../auth/process-scope.js';
import type { RequestUser } from '../../types.js';

// The engine's own cap on one page.
const ENGINE_PAGE = 500;

type Filter = Omit<InstanceFilter, 'participant' | 'limit' | 'offset'>;

/** The first `n` instances of one filter, in the engine's order, paging through it as needed. */
async function firstN(
  app: FastifyInstance,
  filter: InstanceFilter,
  n: number,
): Promise<Page<InstanceSummary>> {
  const items: InstanceSummary[] = [];
  let total = 0;
  for (let offset = 0; ; ) {
    const want = Math.min(ENGINE_PAGE, n - items.length);
    const page = await app.engine.listInstances({ ...filter, limit: Math.max(want, 1), offset });
    total = page.total;
    items.push(...page.items.slice(0, want));
    offset += page.items.length;
    if (items.length >= n || page.items.length < want || offset >= total) break;
  }
  return { items, total };
}

/** The engine's list order: newest start first, then id. */
function byEngineOrder(a: InstanceSummary, b: InstanceSummary): number {
  const d = new Date(b.startedAt).getTime() - new Date(a.startedAt).getTime();
  return d !== 0 ? d : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The instances the caller may see, paginated: all of them for an admin or a manager of every
 * process; those they take part in for everyone else; and for a manager of some processes, all
 * instances of those plus the ones they take part in elsewhere. The last case reads one slice per
 * process (disjoint, so totals add up) and merges them in the engine's order.
 */
export async function listVisibleInstances(
  app: FastifyInstance,
  user: RequestUser,
  filter: Filter,
  limit: number,
  offset: number,
): Promise<Page<InstanceSummary>> {
  const scope = await managerScope(app, user);
  if (scope.everything) return app.engine.listInstances({ ...filter, limit, offset });
  const participant = user.username;
  if (!hasRole(user, 'manager')) return app.engine.listInstances({ ...filter, participant, limit, offset });
  const processIds = filter.processId
    ? [filter.processId]
    : (await app.engine.listDefinitions({ latestOnly: true })).map((d) => d.processId);
  const slices = processIds.map((processId) => ({
    ...filter,
    processId,
    participant: scope.manages(processId) ? undefined : participant,
  }));
  if (slices.length === 1) return app.engine.listInstances({ ...slices[0], limit, offset });
  const pages = await Promise.all(slices.map((s) => firstN(app, s, offset + limit)));
  const merged = pages.flatMap((p) => p.items).sort(byEngineOrder);
  return {
    items: merged.slice(offset, offset + limit),
    total: pages.reduce((sum, p) => sum + p.total, 0),
  };
}
