import type { TeamLoadQuery } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { requireUser } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import { problemResponses, ref } from '../shared.js';

/**
 * A team's open load (docs/TEAMS.md): each member's open and overdue assigned tasks per process
 * the caller manages, and who is away now. Managers and admins (the engine's policy decides).
 */
export async function teamLoadRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: TeamLoadQuery }>(
    '/api/team-load',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['teams'],
        summary: "Open tasks per member and process (a group's members, or everyone with a load)",
        querystring: ref('teamLoadQuery'),
        response: { 200: ref('teamLoad'), ...problemResponses },
      },
    },
    async (req) => {
      let users: string[] | undefined;
      if (req.query.group !== undefined) {
        const group = await app.store.groups.get(req.query.group);
        if (!group) throw problems.notFound(`Group '${req.query.group}'`);
        users = group.members;
      }
      const items = await app.engine.teamLoad(identityOf(req), users ? { users } : {});
      const people = users ?? [...new Set(items.map((i) => i.user))].sort();
      const now = app.engine.clock.now();
      const away = await app.engine.listAbsences({ activeAt: now });
      const members = people.map((user) => {
        // The absence that counts is the one that began last (as the engine decides).
        const absence = away
          .filter((a) => a.userId === user)
          .sort(
            (a, b) => b.from.getTime() - a.from.getTime() || b.createdAt.getTime() - a.createdAt.getTime(),
          )[0];
        return {
          user,
          open: items.filter((i) => i.user === user).reduce((sum, i) => sum + i.open, 0),
          awayUntil: absence ? absence.to.toISOString() : null,
          substitute: absence?.substitute ?? null,
        };
      });
      return { items, members };
    },
  );
}
