import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { problems } from '../errors.js';
import { isUniqueViolation } from './db-errors.js';
import type { ServerTables } from './tables.js';

/** A group with the usernames of its live members. */
export interface GroupRecord {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  readonly members: string[];
}

type Db = Kysely<ServerTables>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const memberNames = sql<string[]>`array(
  select u.username from memberships m join users u on u.id = m.user_id
  where m.group_id = groups.id and u.deleted_at is null order by u.username
)`;

function selectGroups(db: Db) {
  return db.selectFrom('groups').select(['id', 'name', 'display_name', memberNames.as('members')]);
}

function toRecord(row: { id: string; name: string; display_name: string; members: string[] }): GroupRecord {
  return { id: row.id, name: row.name, displayName: row.display_name, members: row.members };
}

/** Groups: the names BPMN candidate groups refer to. */
export function groupQueries(db: Db) {
  return {
    async list(): Promise<GroupRecord[]> {
      const rows = await selectGroups(db).orderBy('name').execute();
      return rows.map(toRecord);
    },

    /** Which of these group names exist. */
    async existing(names: readonly string[]): Promise<Set<string>> {
      if (names.length === 0) return new Set();
      const rows = await db
        .selectFrom('groups')
        .select('name')
        .where('name', 'in', [...names])
        .execute();
      return new Set(rows.map((r) => r.name));
    },

    /** By UUID or by name. */
    async get(idOrName: string): Promise<GroupRecord | null> {
      const query = UUID.test(idOrName)
        ? selectGroups(db).where('id', '=', idOrName)
        : selectGroups(db).where('name', '=', idOrName);
      const row = await query.executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async create(g: { name: string; displayName?: string }): Promise<GroupRecord> {
      const id = randomUUID();
      try {
        await db
          .insertInto('groups')
          .values({ id, name: g.name, display_name: g.displayName ?? g.name })
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw problems.conflict('GROUP_EXISTS', `Group '${g.name}' exists`);
        throw err;
      }
      return { id, name: g.name, displayName: g.displayName ?? g.name, members: [] };
    },

    /** Replaces the members; every username must be a live user (else 400 listing the unknown ones). */
    async setMembers(groupId: string, usernames: readonly string[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const users =
          usernames.length === 0
            ? []
            : await trx
                .selectFrom('users')
                .select(['id', 'username'])
                .where('username', 'in', [...usernames])
                .where('deleted_at', 'is', null)
                .execute();
        const known = new Set(users.map((u) => u.username));
        const unknown = usernames.filter((u) => !known.has(u));
        if (unknown.length > 0) {
          throw problems.badRequest(
            'UNKNOWN_USERS',
            `Unknown users: ${unknown.join(', ')}`,
            unknown.map((u) => ({
              pointer: `/usernames/${usernames.indexOf(u)}`,
              message: `no user '${u}'`,
            })),
          );
        }
        await trx.deleteFrom('memberships').where('group_id', '=', groupId).execute();
        if (users.length > 0) {
          await trx
            .insertInto('memberships')
            .values(users.map((u) => ({ group_id: groupId, user_id: u.id })))
            .execute();
        }
      });
    },
  };
}
