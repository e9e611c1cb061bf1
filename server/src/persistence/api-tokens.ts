import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RequestUser } from '../types.js';
import type { ServerTables } from './tables.js';
import { groupNamesOfUser, toRequestUser } from './users.js';

type Db = Kysely<ServerTables>;

export interface ApiTokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly keepOnCredentialChange: boolean;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

/** A token that may be used now: its owner is live and active. */
export interface LiveToken {
  readonly tokenId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly user: RequestUser;
}

const COLUMNS = [
  'id',
  'user_id',
  'name',
  'scopes',
  'keep_on_credential_change',
  'created_at',
  'last_used_at',
] as const;

function toRecord(r: {
  id: string;
  user_id: string;
  name: string;
  scopes: string[];
  keep_on_credential_change: boolean;
  created_at: Date;
  last_used_at: Date | null;
}): ApiTokenRecord {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    scopes: r.scopes,
    keepOnCredentialChange: r.keep_on_credential_change,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  };
}

/** Bearer tokens for programs; only the sha256 of a token is stored, with its scopes. */
export function apiTokenQueries(db: Db) {
  const live = () =>
    db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select([
        'api_tokens.id as token_id',
        'api_tokens.name as token_name',
        'api_tokens.scopes',
        'users.id',
        'users.username',
        'users.display_name',
        'users.roles',
        'users.locale',
        groupNamesOfUser.as('groups'),
      ])
      .where('users.deleted_at', 'is', null)
      .where('users.deactivated_at', 'is', null);
  const toLive = (row: Awaited<ReturnType<ReturnType<typeof live>['executeTakeFirst']>>): LiveToken | null =>
    row
      ? { tokenId: row.token_id, name: row.token_name, scopes: row.scopes, user: toRequestUser(row) }
      : null;

  return {
    async create(t: {
      userId: string;
      name: string;
      tokenHash: string;
      scopes: readonly string[];
      keepOnCredentialChange: boolean;
    }): Promise<ApiTokenRecord> {
      const row = await db
        .insertInto('api_tokens')
        .values({
          id: randomUUID(),
          user_id: t.userId,
          name: t.name,
          token_hash: t.tokenHash,
          scopes: [...t.scopes],
          keep_on_credential_change: t.keepOnCredentialChange,
          last_used_at: null,
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      return toRecord(row);
    },

    async listForUser(userId: string): Promise<ApiTokenRecord[]> {
      const rows = await db
        .selectFrom('api_tokens')
        .select(COLUMNS)
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },

    /**
     * Deletes a token: of `userId` only, or any token when `userId` is null (admins). The deleted
     * token, or null when there was none to delete.
     */
    async delete(userId: string | null, id: string): Promise<{ userId: string } | null> {
      let query = db.deleteFrom('api_tokens').where('id', '=', id);
      if (userId !== null) query = query.where('user_id', '=', userId);
      const row = await query.returning('user_id').executeTakeFirst();
      return row ? { userId: row.user_id } : null;
    },

    /**
     * Deletes the user's tokens; with `keepProtected`, those an admin marked to survive a
     * credential change stay. How many were deleted.
     */
    async deleteForUser(userId: string, opts: { keepProtected: boolean }): Promise<number> {
      let query = db.deleteFrom('api_tokens').where('user_id', '=', userId);
      if (opts.keepProtected) query = query.where('keep_on_credential_change', '=', false);
      const res = await query.executeTakeFirst();
      return Number(res.numDeletedRows);
    },

    /** The token and its live, active user by the token's hash, or null. */
    async lookup(tokenHash: string): Promise<LiveToken | null> {
      return toLive(await live().where('api_tokens.token_hash', '=', tokenHash).executeTakeFirst());
    },

    /** The same by id (an open event stream re-checks its token this way). */
    async lookupById(tokenId: string): Promise<LiveToken | null> {
      return toLive(await live().where('api_tokens.id', '=', tokenId).executeTakeFirst());
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
