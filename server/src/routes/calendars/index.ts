import { CalendarInvalidError, ForbiddenError, policy, type StoredCalendar } from '@baton/engine';
import type { CalendarParams, CalendarSave, GroupParams } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { identityOf } from '../../auth/identity.js';
import { requireUser } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import { problemResponses, ref } from '../shared.js';

function calendarDto(calendar: StoredCalendar) {
  return {
    id: calendar.id,
    name: calendar.name,
    timeZone: calendar.timeZone,
    workingDays: [...calendar.workingDays],
    hours: calendar.hours.map((hours) => ({ start: hours.start, end: hours.end })),
    holidays: calendar.holidays.map((day) => ({ ...day })),
    makeUpDays: calendar.makeUpDays.map((day) => ({ ...day })),
    version: calendar.version,
    updatedAt: calendar.updatedAt.toISOString(),
    updatedBy: calendar.updatedBy,
  };
}

/**
 * Business calendars (docs/TEAMS.md, "Working hours"). Everyone signed in reads them (the
 * designer offers their ids); the engine's policy lets only admins change them.
 */
export async function calendarRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/calendars',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['teams'],
        summary: 'Business calendars: working days and hours, holidays and make-up days',
        response: { 200: ref('calendarList'), ...problemResponses },
      },
    },
    async () => ({ items: (await app.engine.listCalendars()).map(calendarDto) }),
  );

  app.get<{ Params: CalendarParams }>(
    '/api/calendars/:id',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['teams'],
        summary: 'One business calendar',
        params: ref('calendarParams'),
        response: { 200: ref('calendar'), ...problemResponses },
      },
    },
    async (req) => calendarDto(await app.engine.getCalendar(req.params.id)),
  );

  app.put<{ Params: CalendarParams; Body: CalendarSave }>(
    '/api/calendars/:id',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['teams'],
        summary: 'Creates or replaces a business calendar (admins)',
        params: ref('calendarParams'),
        body: ref('calendarSave'),
        response: { 200: ref('calendar'), ...problemResponses },
      },
    },
    async (req) => {
      try {
        const saved = await app.engine.saveCalendar({ id: req.params.id, ...req.body }, identityOf(req));
        return calendarDto(saved);
      } catch (error) {
        if (error instanceof CalendarInvalidError)
          throw problems.badRequest(
            'CALENDAR_INVALID',
            error.message,
            error.errors.map((issue) => ({ pointer: issue.pointer, message: issue.message })),
          );
        throw error;
      }
    },
  );

  app.delete<{ Params: CalendarParams }>(
    '/api/calendars/:id',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['teams'],
        summary: 'Deletes a business calendar (admins)',
        params: ref('calendarParams'),
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (req, reply) => {
      await app.engine.deleteCalendar(req.params.id, identityOf(req));
      reply.code(204);
    },
  );

  // A group's calendar (docs/TEAMS.md, "Working hours"): counts the dates of the group's user tasks
  // whose element and process name no calendar. Admins only (the engine's policy decides).
  app.put<{ Params: GroupParams; Body: { calendarId: string | null } }>(
    '/api/groups/:id/calendar',
    {
      onRequest: requireUser(),
      schema: {
        tags: ['teams'],
        summary: "Sets or clears a group's business calendar (admins)",
        params: ref('groupParams'),
        body: {
          type: 'object',
          properties: {
            calendarId: {
              // An id as calendars have them (`calendarParams`), or null to clear.
              anyOf: [{ type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' }, { type: 'null' }],
            },
          },
          required: ['calendarId'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { group: { type: 'string' }, calendarId: { type: ['string', 'null'] } },
            required: ['group', 'calendarId'],
          },
          ...problemResponses,
        },
      },
    },
    async (req) => {
      const identity = identityOf(req);
      // The policy answers first, so that who may not set it does not learn which groups exist.
      if (!policy.mayAdminister(identity))
        throw new ForbiddenError(
          'Only admins set a group calendar',
          identity.kind === 'user' ? identity.id : null,
        );
      const group = await app.store.groups.get(req.params.id);
      if (!group) throw problems.notFound('Group');
      try {
        await app.engine.setGroupCalendar(group.name, req.body.calendarId, identity);
      } catch (error) {
        if (error instanceof CalendarInvalidError)
          throw problems.badRequest(
            'CALENDAR_INVALID',
            error.message,
            error.errors.map((issue) => ({ pointer: issue.pointer, message: issue.message })),
          );
        throw error;
      }
      return { group: group.name, calendarId: req.body.calendarId };
    },
  );
}
