import { type Kysely, sql } from 'kysely';
import { type NewNotification, type NotificationRecord, recordNotifications } from './notifications.js';
import type { ServerTables } from './tables.js';

type Db = Kysely<ServerTables>;

/** How a user wants notifications mailed: never, each one at once, or one digest a day. */
export type MailMode = 'off' | 'each' | 'daily';
/** The languages mails are written in. */
export type MailLanguage = 'en' | 'zh';

/** A user's mail settings; `language` null means the language of their account. */
export interface MailSettingsRecord {
  readonly email: string | null;
  readonly mode: MailMode;
  readonly language: MailLanguage | null;
}

/** One queued mail the sender holds the lease of, with what it needs to write it. */
export interface OutboxMail {
  readonly id: string;
  readonly kind: 'each' | 'digest';
  readonly attempts: number;
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  /** The address now (null once the user removed it: nothing is sent then). */
  readonly email: string | null;
  /** The preference now (`off` once the user turned mail off: nothing is sent then). */
  readonly mode: MailMode;
  readonly language: MailLanguage;
  readonly notificationId: string;
  readonly subject: string;
  readonly body: string | null;
  readonly data: Record<string, unknown>;
  readonly instanceId: string | null;
  readonly createdAt: Date;
}

const OFF: MailSettingsRecord = { email: null, mode: 'off', language: null };

function languageOf(language: string | null, locale: string): MailLanguage {
  const l = language ?? locale;
  return l.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** Users' mail settings and the mail outbox (claimed by `mail/mail-sender.ts`). */
export function mailQueries(db: Db) {
  return {
    async settings(userId: string): Promise<MailSettingsRecord> {
      const row = await db
        .selectFrom('user_mail')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) return OFF;
      return { email: row.email, mode: row.mode as MailMode, language: row.language as MailLanguage | null };
    },

    async setSettings(userId: string, s: MailSettingsRecord): Promise<MailSettingsRecord> {
      await db
        .insertInto('user_mail')
        .values({ user_id: userId, email: s.email, mode: s.mode, language: s.language })
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet({ email: s.email, mode: s.mode, language: s.language }),
        )
        .execute();
      return s;
    },

    /**
     * Leases up to `limit` due mails of one kind to `owner` until `now + leaseMs`: one statement,
     * `FOR UPDATE SKIP LOCKED`, so concurrent senders (several server processes) never take the
     * same row; a lease that ran out (its sender died) is taken again. Oldest due first.
     */
    async claim(
      kind: 'each' | 'digest',
      owner: string,
      now: Date,
      leaseMs: number,
      limit: number,
    ): Promise<OutboxMail[]> {
      const until = new Date(now.getTime() + leaseMs);
      const claimed = await sql<{
        id: string;
      }>`update mail_outbox set locked_by = ${owner}, locked_until = ${until}
        where id in (
          select id from mail_outbox
          where kind = ${kind} and sent_at is null and failed_at is null and due_at <= ${now}
            and (locked_until is null or locked_until <= ${now})
          order by due_at, id
          limit ${limit}
          for update skip locked)
        returning id`.execute(db);
      const ids = claimed.rows.map((r) => r.id);
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('mail_outbox as o')
        .innerJoin('notifications as n', 'n.id', 'o.notification_id')
        .innerJoin('users as u', 'u.id', 'o.user_id')
        .leftJoin('user_mail as m', 'm.user_id', 'o.user_id')
        .select([
          'o.id',
          'o.kind',
          'o.attempts',
          'o.user_id',
          'u.username',
          'u.display_name',
          'u.locale',
          'u.deleted_at',
          'u.deactivated_at',
          'm.email',
          'm.mode',
          'm.language',
          'n.id as notification_id',
          'n.subject',
          'n.body',
          'n.data',
          'n.instance_id',
          'n.created_at',
        ])
        .where('o.id', 'in', ids)
        .where('o.locked_by', '=', owner)
        .orderBy('n.created_at')
        .orderBy('o.id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind as 'each' | 'digest',
        attempts: r.attempts,
        userId: r.user_id,
        username: r.username,
        displayName: r.display_name,
        email: r.deleted_at || r.deactivated_at ? null : (r.email ?? null),
        mode: (r.mode ?? 'off') as MailMode,
        language: languageOf(r.language ?? null, r.locale),
        notificationId: r.notification_id,
        subject: r.subject,
        body: r.body,
        data: (r.data ?? {}) as Record<string, unknown>,
        instanceId: r.instance_id,
        createdAt: r.created_at as Date,
      }));
    },

    /** The mails went out: never again. Only the lease holder may say so. */
    async markSent(ids: readonly string[], owner: string, now: Date): Promise<void> {
      if (ids.length === 0) return;
      await db
        .updateTable('mail_outbox')
        .set({ sent_at: now, locked_by: null, locked_until: null, last_error: null })
        .where('id', 'in', [...ids])
        .where('locked_by', '=', owner)
        .execute();
    },

    /**
     * The attempt failed: try again at `retryAt`, or give up (`retryAt` null) and keep the error
     * for the operator. Either way the lease ends.
     */
    async markFailed(
      ids: readonly string[],
      owner: string,
      error: string,
      retryAt: Date | null,
      now: Date,
    ): Promise<void> {
      if (ids.length === 0) return;
      await db
        .updateTable('mail_outbox')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: error.slice(0, 1000),
          locked_by: null,
          locked_until: null,
          ...(retryAt ? { due_at: retryAt } : { failed_at: now }),
        }))
        .where('id', 'in', [...ids])
        .where('locked_by', '=', owner)
        .execute();
    },

    /** Forgets mails sent or given up before `before` (the notifications stay). Returns how many. */
    async purge(before: Date): Promise<number> {
      const result = await db
        .deleteFrom('mail_outbox')
        .where((eb) => eb.or([eb('sent_at', '<', before), eb('failed_at', '<', before)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Where each queued mail of a notification stands (operators and tests). */
    async outboxOf(notificationIds: readonly string[]) {
      if (notificationIds.length === 0) return [];
      return db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('notification_id', 'in', [...notificationIds])
        .orderBy('created_at')
        .execute();
    },
  };
}

/** People mentioned in a task's comments, who may read the task (one check: auth/visibility.ts). */
export function watcherQueries(db: Db) {
  return {
    /**
     * A comment mentioned `names`: in one transaction, the active users among them (not `by`)
     * become watchers of the task and get the notification (and its mail, by their settings).
     * Unknown, deleted and deactivated names are ignored. Returns the notifications recorded.
     */
    async mention(
      taskId: string,
      names: readonly string[],
      by: string,
      notification: Omit<NewNotification, 'usernames' | 'groups' | 'except'>,
    ): Promise<NotificationRecord[]> {
      if (names.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const users = await trx
          .selectFrom('users')
          .select('username')
          .where('username', 'in', [...names])
          .where('username', '!=', by)
          .where('deleted_at', 'is', null)
          .where('deactivated_at', 'is', null)
          .execute();
        const usernames = users.map((u) => u.username);
        if (usernames.length === 0) return [];
        await trx
          .insertInto('task_watchers')
          .values(
            usernames.map((username) => ({
              task_id: taskId,
              username,
              added_by: by,
              created_at: notification.now,
            })),
          )
          .onConflict((oc) => oc.columns(['task_id', 'username']).doNothing())
          .execute();
        return recordNotifications(trx, { ...notification, usernames, groups: [], except: by });
      });
    },

    async watches(taskId: string, username: string): Promise<boolean> {
      const row = await db
        .selectFrom('task_watchers')
        .select('username')
        .where('task_id', '=', taskId)
        .where('username', '=', username)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
