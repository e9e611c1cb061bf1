import type { RequestListQuery, TaskCardQuery } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { currentUser, requireUser } from '../../auth/permissions.js';
import { managerScope } from '../../auth/process-scope.js';
import { problemResponses, ref } from '../shared.js';
import { type FormCache, requestView } from './request-view.js';
import { taskCard } from './task-card.js';

/**
 * "My requests": the instances the caller started, each with where it is now and who has it; and
 * the inbox's cards of tasks (process name, business key, headline variables).
 */
export async function requestRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: RequestListQuery }>(
    '/api/requests',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['instances'],
        querystring: ref('requestListQuery'),
        response: { 200: ref('requestList'), ...problemResponses },
      },
    },
    async (req) => {
      const user = currentUser(req);
      const { status, limit = 50, offset = 0 } = req.query;
      // Only the caller's own: started by their stable user id, whatever else they may see.
      const [page, scope] = await Promise.all([
        app.engine.listInstances({ startedBy: user.username, status, limit, offset }),
        managerScope(app, user),
      ]);
      const forms: FormCache = new Map();
      const items = await Promise.all(page.items.map((i) => requestView(app, i, scope, forms)));
      return { items, total: page.total, limit, offset };
    },
  );

  app.get<{ Querystring: TaskCardQuery }>(
    '/api/task-cards',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['tasks'],
        querystring: ref('taskCardQuery'),
        response: { 200: ref('taskCardList'), ...problemResponses },
      },
    },
    async (req) => {
      const user = currentUser(req);
      const forms: FormCache = new Map();
      // Each card is checked as the task itself is: a task the caller may not see has none.
      const cards = await Promise.all(
        [...new Set(req.query.taskId)].map((id) => taskCard(app, user, id, forms)),
      );
      return { items: cards.filter((card) => card !== null) };
    },
  );
}
