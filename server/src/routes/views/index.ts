import type { IdParams, View, ViewSave } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { currentUser, requireUser } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import type { RequestUser } from '../../types.js';
import { parseOptionalDateTime } from '../../util/dates.js';
import { problemResponses, ref } from '../shared.js';
import { bulkTaskRoutes } from './bulk.js';
import { type ViewRecord, viewQueries } from './view-store.js';

function viewDto(v: ViewRecord, user: RequestUser): View {
  return {
    id: v.id,
    name: v.name,
    filter: v.filter,
    ownerId: v.ownerId,
    ownerName: v.ownerName,
    sharedWithGroup: v.sharedWithGroup,
    editable: v.ownerId === user.id,
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
  };
}

/**
 * Saved inbox views (a named filter, optionally shared read-only with one of the owner's groups)
 * and bulk task actions. A view someone may not see is 404, as a stranger's task is; only the
 * owner changes or deletes one (others: 404 too, so a group member learns nothing new).
 */
export async function viewRoutes(app: FastifyInstance, opts: { db: Kysely<unknown> }): Promise<void> {
  const views = viewQueries(opts.db);
  const now = () => app.engine.clock.now();

  /** The group to share with: it must exist and the owner must be a member (400 with a pointer otherwise). */
  async function groupIdFor(user: RequestUser, name: string | null | undefined): Promise<string | null> {
    if (name === null || name === undefined) return null;
    const group = await app.store.groups.get(name);
    if (!group || group.name !== name) {
      throw problems.badRequest('GROUP_NOT_FOUND', `No group '${name}'`, [
        { pointer: '/sharedWithGroup', message: 'no such group' },
      ]);
    }
    if (!group.members.includes(user.username)) {
      throw problems.badRequest('NOT_A_GROUP_MEMBER', `You are not a member of '${name}'`, [
        { pointer: '/sharedWithGroup', message: 'share only with a group you belong to' },
      ]);
    }
    return group.id;
  }

  /** Bad dates in the filter are a 400 here, not when the view is opened. */
  function checkFilter(body: ViewSave): void {
    parseOptionalDateTime(body.filter.dueBefore, '/filter/dueBefore');
  }

  async function viewOf(id: string, user: RequestUser): Promise<ViewRecord> {
    const view = await views.getFor(id, user.id);
    if (!view) throw problems.notFound('View');
    return view;
  }

  app.get(
    '/api/views',
    {
      onRequest: requireUser(),
      schema: { tags: ['views'], response: { 200: ref('viewList'), ...problemResponses } },
    },
    async (req) => {
      const user = currentUser(req);
      return { items: (await views.listFor(user.id)).map((v) => viewDto(v, user)) };
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/views/:id',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['views'],
        params: ref('idParams'),
        response: { 200: ref('view'), ...problemResponses },
      },
    },
    async (req) => {
      const user = currentUser(req);
      return viewDto(await viewOf(req.params.id, user), user);
    },
  );

  app.post<{ Body: ViewSave }>(
    '/api/views',
    {
      onRequest: requireUser(),
      schema: { tags: ['views'], body: ref('viewSave'), response: { 201: ref('view'), ...problemResponses } },
    },
    async (req, reply) => {
      const user = currentUser(req);
      checkFilter(req.body);
      const groupId = await groupIdFor(user, req.body.sharedWithGroup);
      const id = await views.create({
        ownerId: user.id,
        name: req.body.name,
        filter: req.body.filter,
        groupId,
        now: now(),
      });
      return reply.code(201).send(viewDto(await viewOf(id, user), user));
    },
  );

  app.put<{ Params: IdParams; Body: ViewSave }>(
    '/api/views/:id',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['views'],
        params: ref('idParams'),
        body: ref('viewSave'),
        response: { 200: ref('view'), ...problemResponses },
      },
    },
    async (req) => {
      const user = currentUser(req);
      checkFilter(req.body);
      const groupId = await groupIdFor(user, req.body.sharedWithGroup);
      const changed = await views.update(req.params.id, user.id, {
        name: req.body.name,
        filter: req.body.filter,
        groupId,
        now: now(),
      });
      if (!changed) throw problems.notFound('View');
      return viewDto(await viewOf(req.params.id, user), user);
    },
  );

  app.delete<{ Params: IdParams }>(
    '/api/views/:id',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['views'],
        params: ref('idParams'),
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      if (!(await views.remove(req.params.id, currentUser(req).id))) throw problems.notFound('View');
      return reply.code(204).send();
    },
  );

  await app.register(bulkTaskRoutes);
}
