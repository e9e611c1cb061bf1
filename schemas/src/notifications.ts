import type { FromSchema } from 'json-schema-to-ts';
import {
  dateTimeShape,
  nullableDateTimeShape,
  pageProperties,
  pageQueryProperties,
  uuidShape,
} from './common.js';

const notificationShape = {
  type: 'object',
  properties: {
    id: uuidShape,
    subject: { type: 'string' },
    body: { type: ['string', 'null'] },
    data: {
      type: 'object',
      additionalProperties: true,
      description: 'Where it came from: elementId, processId, jobId, and any extra inputs of the send task',
    },
    instanceId: { type: ['string', 'null'] },
    createdAt: dateTimeShape,
    readAt: nullableDateTimeShape,
  },
  required: ['id', 'subject', 'body', 'data', 'instanceId', 'createdAt', 'readAt'],
} as const;

/** A message for one user, recorded by a `baton.notify` send or service task. */
export const NotificationSchema = { $id: 'notification', ...notificationShape } as const;
export type Notification = FromSchema<typeof NotificationSchema>;

/** The caller's own notifications, newest first; `unread` counts every unread one. */
export const NotificationListSchema = {
  $id: 'notificationList',
  type: 'object',
  properties: {
    items: { type: 'array', items: notificationShape },
    ...pageProperties,
    unread: { type: 'integer', minimum: 0 },
  },
  required: ['items', 'total', 'limit', 'offset', 'unread'],
} as const;
export type NotificationList = FromSchema<typeof NotificationListSchema>;

export const NotificationListQuerySchema = {
  $id: 'notificationListQuery',
  type: 'object',
  properties: {
    unread: { type: 'boolean', description: 'true: only the unread ones' },
    ...pageQueryProperties,
  },
  additionalProperties: false,
} as const;
export type NotificationListQuery = FromSchema<typeof NotificationListQuerySchema>;
