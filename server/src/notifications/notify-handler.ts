import type { Job, JobHandler } from '@baton/engine';
import type { FastifyInstance } from 'fastify';
import type { LiveFeed } from '../live/live-feed.js';
import { nextDigestAt } from '../persistence/notifications.js';
import type { Store } from '../persistence/store.js';

/** When a daily digest that takes a notification recorded at `now` goes out (config's hour, else 07:00 UTC). */
export function digestDueAt(app: Pick<FastifyInstance, 'config'>, now: Date): Date {
  return nextDigestAt(now, app.config.mail?.digestHourUtc ?? 7);
}

/** The job type of the templates' reminders and announcements (send and service tasks). */
export const NOTIFY_JOB_TYPE = 'baton.notify';

/** Tells the recipients' open event streams about notifications just recorded. */
export function publishNotifications(
  live: LiveFeed,
  added: readonly { id: string; instanceId: string | null; userId: string; subject: string }[],
): void {
  for (const n of added) {
    live.publish({
      kind: 'notification',
      id: n.id,
      instanceId: n.instanceId,
      change: 'created',
      userId: n.userId,
      subject: n.subject,
    });
  }
}

/** A FEEL input that should name users or groups: one name, or a list of them. */
function names(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return [...new Set(list.filter((v): v is string => typeof v === 'string' && v.length > 0))];
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * Handles `baton.notify`: the header `subject` (and optional `body`, as header or input), the
 * inputs `recipients` (usernames) and `groups` (expanded to their members). Records one
 * notification per recipient and tells their live streams; recipients who asked for mail get it
 * too (queued in the same transaction, sent by `mail/mail-sender.ts`: at once, or in their daily
 * digest). Names that match nobody are skipped: a reminder to someone who left must not stop the
 * process.
 */
export function notifyHandler(deps: {
  store: Store;
  live: LiveFeed;
  now: () => Date;
  digestHourUtc?: number;
}): JobHandler {
  return async (job: Job) => {
    const recipients = names(job.variables.recipients);
    const groups = names(job.variables.groups);
    const subject = text(job.headers.subject) ?? text(job.variables.subject) ?? job.elementId;
    const now = deps.now();
    const added = await deps.store.notifications.record({
      usernames: recipients,
      groups,
      subject,
      body: text(job.headers.body) ?? text(job.variables.body),
      data: { elementId: job.elementId, jobId: job.id, recipients, groups },
      instanceId: job.instanceId,
      jobId: job.id,
      now,
      digestDueAt: nextDigestAt(now, deps.digestHourUtc ?? 7),
    });
    publishNotifications(deps.live, added);
    return {};
  };
}
