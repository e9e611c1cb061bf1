import { randomUUID } from 'node:crypto';
import type { Role } from '@baton/schemas';
import { type Kysely, sql, type Updateable } from 'kysely';
import { problems } from '../errors.js';
import type { RequestUser } from '../types.js';
import { isUniqueViolation } from './db-errors.js';
import type { ServerTables } from './tables.js';

/** A user that is not deleted, with their group names. */
export interface UserRecord extends RequestUser {
  readonly createdAt: Date;
  /** false once an admin deactivated the account (it cannot sign in). */
  readonly active: boolean;
}

type Db = Kysely<ServerTables>;

/** Group names of `users.id`, as one array column. */
export const groupNamesOfUser = sql<string[]>`array(
  select g.name from memberships m join groups g on g.id = m.group_id where m.user_id = users.id order by g.name
)`;

function selectUsers(db: Db) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'username',
      'display_name',
      'roles',
      'locale',
      'created_at',
      'deactivated_at',
      groupNamesOfUser.as('groups'),
    ])
    .where('deleted_at', 'is', null);
}

/** The columns every user lookup selects (users joined with their group names). */
export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  roles: string[];
  locale: string;
  groups: string[];
}

/** Maps a user row to the request user that auth, sessions and tokens hand around. */
export function toRequestUser(row: UserRow): RequestUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles as Role[],
    groups: row.groups,
    locale: row.locale,
  };
}

function toRecord(row: UserRow & { created_at: Date; deactivated_at: Date | null }): UserRecord {
  return { ...toRequestUser(row), createdAt: row.created_at, active: row.deactivated_at === null };
}

/**
 * Users: created, renamed, deactivated, soft-deleted. A username is never given to a second
 * account, not even after the first is deleted: tasks, instances and history name users by it.
 */
export function userQueries(db: Db) {
  return {
    async count(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select(db.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async getById(id: string): Promise<UserRecord | null> {
      const row = await selectUsers(db).where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async getByUsername(username: string): Promise<UserRecord | null> {
      const row = await selectUsers(db).where('username', '=', username).executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    /** The password hash of a user that is not deleted, and whether it may sign in, for login. */
    async credentials(
      username: string,
    ): Promise<{ id: string; passwordHash: string; active: boolean } | null> {
      const row = await db
        .selectFrom('users')
        .select(['id', 'password_hash', 'deactivated_at'])
        .where('username', '=', username)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return row
        ? { id: row.id, passwordHash: row.password_hash, active: row.deactivated_at === null }
        : null;
    },

    /** The password hash of a user by id (a user changing their own password). */
    async passwordHashOf(id: string): Promise<string | null> {
      const row = await db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return row?.password_hash ?? null;
    },

    /** Which of these usernames belong to active accounts that are not deleted: one query. */
    async activeUsernames(usernames: readonly string[]): Promise<Set<string>> {
      if (usernames.length === 0) return new Set();
      const rows = await db
        .selectFrom('users')
        .select('username')
        .where('username', 'in', [...new Set(usernames)])
        .where('deleted_at', 'is', null)
        .where('deactivated_at', 'is', null)
        .execute();
      return new Set(rows.map((r) => r.username));
    },

    async list(f: {
      q?: string;
      limit: number;
      offset: number;
    }): Promise<{ items: UserRecord[]; total: number }> {
      let query = selectUsers(db);
      if (f.q) {
        const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) =>
          eb.or([eb('username', 'ilike', like), eb('display_name', 'ilike', like)]),
        );
      }
      const [rows, total] = await Promise.all([
        query.orderBy('username').orderBy('id').limit(f.limit).offset(f.offset).execute(),
        query.clearSelect().select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toRecord), total: Number(total.n) };
    },

    /**
     * Creates a user; a username in use, or once used by a deleted account, is a 409
     * `USERNAME_TAKEN`. Groups that do not exist yet are created.
     */
    async create(u: {
      username: string;
      displayName: string;
      passwordHash: string;
      roles: readonly Role[];
      locale: string;
      groups?: readonly string[];
    }): Promise<UserRecord> {
      const id = randomUUID();
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('users')
            .values({
              id,
              username: u.username,
              display_name: u.displayName,
              password_hash: u.passwordHash,
              roles: [...u.roles],
              locale: u.locale,
              deleted_at: null,
            })
            .execute();
          if (u.groups) await setUserGroups(trx, id, u.groups);
        });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const holder = await db
          .selectFrom('users')
          .select('deleted_at')
          .where('username', '=', u.username)
          .executeTakeFirst();
        throw problems.conflict(
          'USERNAME_TAKEN',
          holder?.deleted_at
            ? `Username '${u.username}' was used by a deleted account and cannot be used again: tasks, instances and history still name that account`
            : `Username '${u.username}' is taken`,
        );
      }
      const created = await this.getById(id);
      if (!created) throw problems.notFound('User');
      return created;
    },

    async update(
      id: string,
      patch: {
        displayName?: string;
        passwordHash?: string;
        roles?: readonly Role[];
        locale?: string;
        groups?: readonly string[];
        /** false deactivates (keeps the first deactivation time), true reactivates. */
        active?: boolean;
      },
    ): Promise<UserRecord | null> {
      const found = await db.transaction().execute(async (trx) => {
        const values: Updateable<ServerTables['users']> = {};
        if (patch.displayName !== undefined) values.display_name = patch.displayName;
        if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
        if (patch.roles !== undefined) values.roles = [...patch.roles];
        if (patch.locale !== undefined) values.locale = patch.locale;
        const exists = await trx
          .selectFrom('users')
          .select(['id', 'deactivated_at'])
          .where('id', '=', id)
          .where('deleted_at', 'is', null)
          .forUpdate()
          .executeTakeFirst();
        if (!exists) return false;
        if (patch.active === true) values.deactivated_at = null;
        if (patch.active === false) values.deactivated_at = exists.deactivated_at ?? new Date();
        if (Object.keys(values).length > 0)
          await trx.updateTable('users').set(values).where('id', '=', id).execute();
        if (patch.groups) await setUserGroups(trx, id, patch.groups);
        // Sessions and tokens are revoked by the caller (auth/user-lifecycle.ts), in one place.
        return true;
      });
      return found ? this.getById(id) : null;
    },

    /**
     * Soft delete: the row stays, so its username is never reused and history keeps naming it;
     * memberships go. Revoking its credentials is `revokeCredentials`' job.
     */
    async softDelete(id: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('users')
          .set({ deleted_at: new Date() })
          .where('id', '=', id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) return false;
        await trx.deleteFrom('memberships').where('user_id', '=', id).execute();
        return true;
      });
    },
  };
}

/** Replaces a user's memberships, creating groups that do not exist yet. */
async function setUserGroups(trx: Db, userId: string, groupNames: readonly string[]): Promise<void> {
  await trx.deleteFrom('memberships').where('user_id', '=', userId).execute();
  if (groupNames.length === 0) return;
  const names = [...new Set(groupNames)];
  await trx
    .insertInto('groups')
    .values(names.map((name) => ({ id: randomUUID(), name, display_name: name })))
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const groups = await trx.selectFrom('groups').select('id').where('name', 'in', names).execute();
  await trx
    .insertInto('memberships')
    .values(groups.map((g) => ({ group_id: g.id, user_id: userId })))
    .execute();
}
