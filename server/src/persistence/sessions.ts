import type { Kysely } from 'kysely';
import type { RequestUser } from '../types.js';
import type { ServerTables } from './tables.js';
import { groupNamesOfUser, toRequestUser } from './users.js';

type Db = Kysely<ServerTables>;

/** Sessions of the web app, keyed by the sha256 of the cookie value (the cookie itself is never stored). */
export function sessionQueries(db: Db) {
  return {
    async create(s: { idHash: string; userId: string; csrf: string; expiresAt: Date }): Promise<void> {
      await db
        .insertInto('sessions')
        .values({ id: s.idHash, user_id: s.userId, csrf: s.csrf, expires_at: s.expiresAt })
        .execute();
    },

    /**
     * The live session's user and CSRF token, or null when expired, unknown, or its user is
     * deleted or deactivated.
     */
    async lookup(idHash: string, now: Date): Promise<{ user: RequestUser; csrf: string } | null> {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'users.id',
          'users.username',
          'users.display_name',
          'users.roles',
          'users.locale',
          'sessions.csrf',
          groupNamesOfUser.as('groups'),
        ])
        .where('sessions.id', '=', idHash)
        .where('sessions.expires_at', '>', now)
        .where('users.deleted_at', 'is', null)
        .where('users.deactivated_at', 'is', null)
        .executeTakeFirst();
      if (!row) return null;
      return {
        csrf: row.csrf,
        user: toRequestUser(row),
      };
    },

    /** Ends one session; its user's id, or null when there was none. */
    async delete(idHash: string): Promise<{ userId: string } | null> {
      const row = await db
        .deleteFrom('sessions')
        .where('id', '=', idHash)
        .returning('user_id')
        .executeTakeFirst();
      return row ? { userId: row.user_id } : null;
    },

    /** Ends every session of a user; how many there were. */
    async deleteForUser(userId: string): Promise<number> {
      const res = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(res.numDeletedRows);
    },

    async purgeExpired(now: Date): Promise<void> {
      await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
    },
  };
}
