import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { ServerTables } from './tables.js';

type Db = Kysely<ServerTables>;

/** One notification of one user. */
export interface NotificationRecord {
  readonly id: string;
  readonly userId: string;
  readonly subject: string;
  readonly body: string | null;
  readonly data: Record<string, unknown>;
  readonly instanceId: string | null;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

type Row = Omit<ServerTables['notifications'], 'created_at'> & { created_at: Date };

function toRecord(r: Row): NotificationRecord {
  return {
    id: r.id,
    userId: r.user_id,
    subject: r.subject,
    body: r.body,
    data: (r.data ?? {}) as Record<string, unknown>,
    instanceId: r.instance_id,
    createdAt: r.created_at,
    readAt: r.read_at,
  };
}

/** What `record` is given: whom to tell and what. */
export interface NewNotification {
  readonly usernames: readonly string[];
  readonly groups: readonly string[];
  /** Left out even as a group member: whoever caused the notification. */
  readonly except?: string;
  readonly subject: string;
  readonly body: string | null;
  readonly data: Record<string, unknown>;
  readonly instanceId: string | null;
  readonly jobId: string | null;
  readonly now: Date;
  /** When a daily digest that takes this notification goes out (`nextDigestAt`); default 07:00 UTC. */
  readonly digestDueAt?: Date;
}

/** The next daily digest time after `now`: today's `hourUtc` o'clock, or tomorrow's once past. */
export function nextDigestAt(now: Date, hourUtc: number): Date {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
  return at.getTime() > now.getTime() ? at : new Date(at.getTime() + 24 * 3600_000);
}

/**
 * Records one notification per live user among `usernames` and the members of `groups`, and, in
 * the same transaction, queues a mail for each recipient who asked for mail (`user_mail.mode`
 * `each`: due now; `daily`: due at the next digest). So a notification is mailed if and only if
 * it was recorded. Idempotent by job id: a job that runs again adds nothing. Returns what was added.
 */
export async function recordNotifications(db: Db, n: NewNotification): Promise<NotificationRecord[]> {
  const users = await db
    .selectFrom('users')
    .select('users.id')
    .where('users.deleted_at', 'is', null)
    .$if(n.except !== undefined, (q) => q.where('users.username', '!=', n.except ?? ''))
    .where((eb) =>
      eb.or([
        eb('users.username', 'in', ['', ...n.usernames]),
        eb.exists(
          eb
            .selectFrom('memberships as m')
            .innerJoin('groups as g', 'g.id', 'm.group_id')
            .select('m.user_id')
            .whereRef('m.user_id', '=', 'users.id')
            .where('g.name', 'in', ['', ...n.groups]),
        ),
      ]),
    )
    .execute();
  if (users.length === 0) return [];
  const rows = await db
    .insertInto('notifications')
    .values(
      users.map((u) => ({
        id: randomUUID(),
        user_id: u.id,
        subject: n.subject,
        body: n.body,
        data: JSON.stringify(n.data),
        instance_id: n.instanceId,
        job_id: n.jobId,
        created_at: n.now,
        read_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(['job_id', 'user_id']).doNothing())
    .returningAll()
    .execute();
  const added = rows.map((r) => toRecord(r as Row));
  if (added.length === 0) return added;
  const wanting = await db
    .selectFrom('user_mail')
    .innerJoin('users', 'users.id', 'user_mail.user_id')
    .select(['user_mail.user_id', 'user_mail.mode'])
    .where(
      'user_mail.user_id',
      'in',
      added.map((a) => a.userId),
    )
    .where('user_mail.mode', 'in', ['each', 'daily'])
    .where('user_mail.email', 'is not', null)
    .where('users.deactivated_at', 'is', null)
    .execute();
  const mode = new Map(wanting.map((w) => [w.user_id, w.mode]));
  const digestDueAt = n.digestDueAt ?? nextDigestAt(n.now, 7);
  const queued = added.filter((a) => mode.has(a.userId));
  if (queued.length > 0) {
    await db
      .insertInto('mail_outbox')
      .values(
        queued.map((a) => {
          const digest = mode.get(a.userId) === 'daily';
          return {
            id: randomUUID(),
            user_id: a.userId,
            notification_id: a.id,
            kind: digest ? 'digest' : 'each',
            due_at: digest ? digestDueAt : n.now,
            locked_by: null,
            locked_until: null,
            last_error: null,
            sent_at: null,
            failed_at: null,
            created_at: n.now,
          };
        }),
      )
      .execute();
  }
  return added;
}

/** Notifications recorded by `baton.notify` jobs and task actions, read by their recipients. */
export function notificationQueries(db: Db) {
  return {
    /**
     * Records one notification per live user among `usernames` and the members of `groups`.
     * Idempotent by job id: a job that runs again adds nothing. Returns what was added.
     */
    async record(n: NewNotification): Promise<NotificationRecord[]> {
      return db.transaction().execute((trx) => recordNotifications(trx, n));
    },

    /** The user's notifications, newest first, with the count of unread ones. */
    async list(
      userId: string,
      f: { unread?: boolean; limit: number; offset: number },
    ): Promise<{ items: NotificationRecord[]; total: number; unread: number }> {
      let query = db.selectFrom('notifications').where('user_id', '=', userId);
      if (f.unread) query = query.where('read_at', 'is', null);
      const [rows, counts] = await Promise.all([
        query
          .selectAll()
          .orderBy('created_at', 'desc')
          .orderBy('id')
          .limit(f.limit)
          .offset(f.offset)
          .execute(),
        db
          .selectFrom('notifications')
          .select([
            (eb) => eb.fn.countAll<string>().as('all'),
            sql<string>`count(*) filter (where read_at is null)`.as('unread'),
          ])
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow(),
      ]);
      return {
        items: rows.map((r) => toRecord(r as Row)),
        total: Number(f.unread ? counts.unread : counts.all),
        unread: Number(counts.unread),
      };
    },

    /** Marks one of the user's notifications read (the first time only); null when it is not theirs. */
    async markRead(userId: string, id: string, now: Date): Promise<NotificationRecord | null> {
      await db
        .updateTable('notifications')
        .set({ read_at: now })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .execute();
      const row = await db
        .selectFrom('notifications')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row ? toRecord(row as Row) : null;
    },

    /** One notification, whoever it is for (replies by mail name it by a signed address). */
    async get(id: string): Promise<NotificationRecord | null> {
      const row = await db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row as Row) : null;
    },

    /** Every notification an instance caused, oldest first (operators and tests). */
    async forInstance(instanceId: string): Promise<(NotificationRecord & { username: string })[]> {
      const rows = await db
        .selectFrom('notifications')
        .innerJoin('users', 'users.id', 'notifications.user_id')
        .selectAll('notifications')
        .select('users.username')
        .where('notifications.instance_id', '=', instanceId)
        .orderBy('notifications.created_at')
        .orderBy('users.username')
        .execute();
      return rows.map((r) => ({ ...toRecord(r as Row), username: r.username }));
    },
  };
}
