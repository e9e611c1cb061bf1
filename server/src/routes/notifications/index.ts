import type { IdParams, NotificationListQuery } from '@baton/schemas';
import type { FastifyInstance } from 'fastify';
import { currentUser, requireUser } from '../../auth/permissions.js';
import { problems } from '../../errors.js';
import type { NotificationRecord } from '../../persistence/notifications.js';
import { iso, isoOrNull } from '../../util/dates.js';
import { problemResponses, ref } from '../shared.js';
import { mailSettingsRoutes } from './mail-settings.js';

function notificationDto(n: NotificationRecord) {
  return {
    id: n.id,
    subject: n.subject,
    body: n.body,
    data: n.data,
    instanceId: n.instanceId,
    createdAt: iso(n.createdAt),
    readAt: isoOrNull(n.readAt),
  };
}

/** The caller's own notifications (reminders and announcements of `baton.notify` tasks). */
export async function notificationRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: NotificationListQuery }>(
    '/api/notifications',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: {
        tags: ['notifications'],
        querystring: ref('notificationListQuery'),
        response: { 200: ref('notificationList'), ...problemResponses },
      },
    },
    async (req) => {
      const { unread, limit = 50, offset = 0 } = req.query;
      const page = await app.store.notifications.list(currentUser(req).id, { unread, limit, offset });
      return {
        items: page.items.map(notificationDto),
        total: page.total,
        unread: page.unread,
        limit,
        offset,
      };
    },
  );

  app.post<{ Params: IdParams }>(
    '/api/notifications/:id/read',
    {
      onRequest: requireUser(),
      config: { scope: 'read' },
      schema: {
        tags: ['notifications'],
        params: ref('idParams'),
        response: { 200: ref('notification'), ...problemResponses },
      },
    },
    async (req) => {
      const found = await app.store.notifications.markRead(
        currentUser(req).id,
        req.params.id,
        app.engine.clock.now(),
      );
      // Someone else's notification answers like a missing one.
      if (!found) throw problems.notFound('Notification');
      return notificationDto(found);
    },
  );

  await mailSettingsRoutes(app);
}
