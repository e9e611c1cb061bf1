import type { Absence } from '@baton/engine';
import type { AbsenceCreate, AbsenceListQuery, IdParams } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { currentUser, hasRole, requireUser } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import type { RequestUser } from '../../types.js';
import { problemResponses, ref } from '../shared.js';

/**
 * The answer's shape: dates as ISO text, and whether it is under way on the engine's clock. The
 * note is private: only the person, their substitute, managers and admins read it.
 */
export function absenceDto(absence: Absence, now: Date, viewer: RequestUser) {
  const readsNote =
    viewer.username === absence.userId ||
    viewer.username === absence.substitute ||
    hasRole(viewer, 'manager');
  return {
    id: absence.id,
    userId: absence.userId,
    from: absence.from.toISOString(),
    to: absence.to.toISOString(),
    substitute: absence.substitute,
    note: readsNote ? absence.note : null,
    createdBy: absence.createdBy,
    createdAt: absence.createdAt.toISOString(),
    active: absence.from <= now && now < absence.to,
  };
}

/**
 * Absences (docs/TEAMS.md). Anyone signed in sees who is away (the inbox shows it); the engine's
 * policy decides who may set or end one: the person, an admin or a manager.
 */
export async function absenceRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: AbsenceListQuery }>(
    '/api/absences',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['teams'],
        summary: 'Absences: current (default: under way or to come), active now, or all',
        querystring: ref('absenceListQuery'),
        response: { 200: ref('absenceList'), ...problemResponses },
      },
    },
    async (req) => {
      const now = app.engine.clock.now();
      const scope = req.query.scope ?? 'current';
      const items = await app.engine.listAbsences({
        ...(req.query.userId ? { userId: req.query.userId } : {}),
        ...(req.query.substitute ? { substitute: req.query.substitute } : {}),
        ...(scope === 'current' ? { endingAfter: now } : scope === 'active' ? { activeAt: now } : {}),
      });
      const viewer = currentUser(req);
      return { items: items.map((a) => absenceDto(a, now, viewer)) };
    },
  );

  app.post<{ Body: AbsenceCreate }>(
    '/api/absences',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['teams'],
        summary: 'Sets an absence (for yourself; admins and managers for anyone)',
        body: ref('absenceCreate'),
        response: { 201: ref('absence'), ...problemResponses },
      },
    },
    async (req, reply) => {
      const user = currentUser(req);
      const body = req.body;
      const userId = body.userId ?? user.username;
      const substitute = body.substitute ?? null;
      const named = substitute === null ? [userId] : [userId, substitute];
      const known = await app.store.users.activeUsernames(named);
      const unknown = named.filter((name) => !known.has(name));
      if (unknown.length > 0)
        throw problems.badRequest(
          'USER_NOT_FOUND',
          `Unknown or inactive users: ${unknown.join(', ')}`,
          unknown.map((name) => ({
            pointer: name === userId ? '/userId' : '/substitute',
            message: `no active user '${name}'`,
          })),
        );
      const absence = await app.engine.setAbsence(
        { userId, from: new Date(body.from), to: new Date(body.to), substitute, note: body.note ?? null },
        identityOf(req),
      );
      reply.code(201);
      return absenceDto(absence, app.engine.clock.now(), user);
    },
  );

  app.delete<{ Params: IdParams }>(
    '/api/absences/:id',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['teams'],
        summary: 'Ends an absence now (removes it)',
        params: ref('idParams'),
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      await app.engine.endAbsence(req.params.id, identityOf(req));
      reply.code(204);
    },
  );
}
