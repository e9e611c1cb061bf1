import type { GroupCreate, GroupMembers, GroupParams } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { requireRole, requireUser } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import { pageOf, problemResponses, ref } from '../shared.js';

/** Groups: BPMN candidate groups by name. Admins manage; everyone signed in may list. */
export async function groupRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/groups',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: { tags: ['groups'], response: { 200: ref('groupList'), ...problemResponses } },
    },
    async () => {
      const all = await app.store.groups.list();
      return pageOf(all, all.length, 0);
    },
  );

  app.post<{ Body: GroupCreate }>(
    '/api/groups',
    {
      onRequest: requireRole('admin'),
      config: { scope: 'admin' },
      schema: {
        tags: ['groups'],
        body: ref('groupCreate'),
        response: { 201: ref('group'), ...problemResponses },
      },
    },
    async (req, reply) => reply.code(201).send(await app.store.groups.create(req.body)),
  );

  app.put<{ Params: GroupParams; Body: GroupMembers }>(
    '/api/groups/:id/members',
    {
      onRequest: requireRole('admin'),
      config: { scope: 'admin' },
      schema: {
        tags: ['groups'],
        params: ref('groupParams'),
        body: ref('groupMembers'),
        response: { 200: ref('group'), ...problemResponses },
      },
    },
    async (req) => {
      const group = await app.store.groups.get(req.params.id);
      if (!group) throw problems.notFound('Group');
      await app.store.groups.setMembers(group.id, req.body.usernames);
      app.authCache.clear();
      const updated = await app.store.groups.get(group.id);
      if (!updated) throw problems.notFound('Group');
      // Who joined or left: their cached access ends in every server process, and their open
      // event streams end, so they reconnect seeing what the new groups allow.
      const before = new Set(group.members);
      const after = new Set(updated.members);
      const changed = [
        ...group.members.filter((u) => !after.has(u)),
        ...updated.members.filter((u) => !before.has(u)),
      ];
      for (const username of changed) {
        const user = await app.store.users.getByUsername(username);
        if (user) app.live.credentialsChanged(user.id, 'groups-changed');
      }
      return updated;
    },
  );
}
