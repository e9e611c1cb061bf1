import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RequestUser } from '../types.js';
import type { ServerTables } from './tables.js';
import { groupNamesOfUser, toRequestUser } from './users.js';

type Db = Kysely<ServerTables>;

export interface ApiTokenRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

/** Bearer tokens for programs; only the sha256 of a token is stored. */
export function apiTokenQueries(db: Db) {
  return {
    async create(t: { userId: string; name: string; tokenHash: string }): Promise<ApiTokenRecord> {
      const id = randomUUID();
      const row = await db
        .insertInto('api_tokens')
        .values({ id, user_id: t.userId, name: t.name, token_hash: t.tokenHash, last_used_at: null })
        .returning(['id', 'name', 'created_at', 'last_used_at'])
        .executeTakeFirstOrThrow();
      return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at };
    },

    async listForUser(userId: string): Promise<ApiTokenRecord[]> {
      const rows = await db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'created_at', 'last_used_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
      }));
    },

    /** Deletes one of the user's own tokens; false when it is not theirs or does not exist. */
    async delete(userId: string, id: string): Promise<boolean> {
      const res = await db
        .deleteFrom('api_tokens')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    /** The token's live user, or null. */
    async lookup(tokenHash: string): Promise<{ tokenId: string; name: string; user: RequestUser } | null> {
      const row = await db
        .selectFrom('api_tokens')
        .innerJoin('users', 'users.id', 'api_tokens.user_id')
        .select([
          'api_tokens.id as token_id',
          'api_tokens.name as token_name',
          'users.id',
          'users.username',
          'users.display_name',
          'users.roles',
          'users.locale',
          groupNamesOfUser.as('groups'),
        ])
        .where('api_tokens.token_hash', '=', tokenHash)
        .where('users.deleted_at', 'is', null)
        .executeTakeFirst();
      if (!row) return null;
      return {
        tokenId: row.token_id,
        name: row.token_name,
        user: toRequestUser(row),
      };
    },

    /** Records use at most once a minute per token, to keep hot paths free of writes. */
    async touch(tokenId: string, now: Date): Promise<void> {
      await db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('id', '=', tokenId)
        .where((eb) =>
          eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(now.getTime() - 60_000))]),
        )
        .execute();
    },
  };
}
