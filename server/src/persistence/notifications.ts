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

/** Notifications recorded by `baton.notify` jobs, read by their recipients. */
export function notificationQueries(db: Db) {
  return {
    /**
     * Records one notification per live user among `usernames` and the members of `groups`.
     * Idempotent by job id: a job that runs again adds nothing. Returns what was added.
     */
    async record(n: {
      usernames: readonly string[];
      groups: readonly string[];
      /** Left out even as a group member: whoever caused the notification. */
      except?: string;
      subject: string;
      body: string | null;
      data: Record<string, unknown>;
      instanceId: string | null;
      jobId: string | null;
      now: Date;
    }): Promise<NotificationRecord[]> {
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
      return rows.map((r) => toRecord(r as Row));
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
