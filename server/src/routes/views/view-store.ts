import { randomUUID } from 'node:crypto';
import type { ViewFilter } from '@baton/schemas';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { ServerTables } from '../../persistence/tables.js';

/** The saved views' table (migration `0007_saved_inbox_views`); not a public interface. */
interface ViewTables extends ServerTables {
  inbox_views: {
    id: string;
    owner_id: string;
    name: string;
    filter: ViewFilter;
    shared_group_id: string | null;
    created_at: Date;
    updated_at: Date;
  };
}

type Db = Kysely<ViewTables>;

/** A saved view as stored, with its owner's username and its group's name resolved. */
export interface ViewRecord {
  readonly id: string;
  readonly ownerId: string;
  readonly ownerName: string;
  readonly name: string;
  readonly filter: ViewFilter;
  readonly sharedWithGroup: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

type Row = Pick<
  Selectable<ViewTables['inbox_views']>,
  'id' | 'owner_id' | 'name' | 'filter' | 'created_at' | 'updated_at'
> & {
  owner_name: string;
  group_name: string | null;
};

function toRecord(r: Row): ViewRecord {
  return {
    id: r.id,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    name: r.name,
    filter: r.filter,
    sharedWithGroup: r.group_name,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** Saved inbox views: who sees one is decided here in SQL (owner, or a member of its group). */
export function viewQueries(untyped: Kysely<unknown>) {
  const db = untyped as unknown as Db;
  const select = () =>
    db
      .selectFrom('inbox_views as v')
      .innerJoin('users as u', 'u.id', 'v.owner_id')
      .leftJoin('groups as g', 'g.id', 'v.shared_group_id')
      .select([
        'v.id',
        'v.owner_id',
        'v.name',
        'v.filter',
        'v.created_at',
        'v.updated_at',
        'u.username as owner_name',
        'g.name as group_name',
      ]);
  /** Views shared with a group the user is a member of (by membership now, not when it was shared). */
  const memberOf = (userId: string) =>
    db.selectFrom('memberships').select('group_id').where('user_id', '=', userId);

  return {
    /** The user's own views and those shared with their groups, by name. */
    async listFor(userId: string): Promise<ViewRecord[]> {
      const rows = await select()
        .where((eb) =>
          eb.or([eb('v.owner_id', '=', userId), eb('v.shared_group_id', 'in', memberOf(userId))]),
        )
        .orderBy('v.name')
        .orderBy('v.id')
        .execute();
      return rows.map(toRecord);
    },

    /** One view, if the user owns it or is a member of its group; null otherwise (the caller answers 404). */
    async getFor(id: string, userId: string): Promise<ViewRecord | null> {
      const row = await select()
        .where('v.id', '=', id)
        .where((eb) =>
          eb.or([eb('v.owner_id', '=', userId), eb('v.shared_group_id', 'in', memberOf(userId))]),
        )
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async create(v: {
      ownerId: string;
      name: string;
      filter: ViewFilter;
      groupId: string | null;
      now: Date;
    }) {
      const id = randomUUID();
      await db
        .insertInto('inbox_views')
        .values({
          id,
          owner_id: v.ownerId,
          name: v.name,
          filter: sql<ViewFilter>`${JSON.stringify(v.filter)}::jsonb`,
          shared_group_id: v.groupId,
          created_at: v.now,
          updated_at: v.now,
        })
        .execute();
      return id;
    },

    /** Changes the owner's view; false when there is no such view of theirs. */
    async update(
      id: string,
      ownerId: string,
      v: { name: string; filter: ViewFilter; groupId: string | null; now: Date },
    ): Promise<boolean> {
      const result = await db
        .updateTable('inbox_views')
        .set({
          name: v.name,
          filter: sql<ViewFilter>`${JSON.stringify(v.filter)}::jsonb`,
          shared_group_id: v.groupId,
          updated_at: v.now,
        })
        .where('id', '=', id)
        .where('owner_id', '=', ownerId)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /** Deletes the owner's view; false when there is no such view of theirs. */
    async remove(id: string, ownerId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('inbox_views')
        .where('id', '=', id)
        .where('owner_id', '=', ownerId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

export type ViewStore = ReturnType<typeof viewQueries>;
