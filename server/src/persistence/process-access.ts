import type { Kysely } from 'kysely';
import { problems } from '../errors.js';
import type { ServerTables } from './tables.js';

type Db = Kysely<ServerTables>;

/** Which groups manage a process, or may start it. */
export type AccessList = 'process_managers' | 'process_starters';

/** Process id -> group names; a process that is not a key has no restriction. */
export type ProcessGroupMap = ReadonlyMap<string, readonly string[]>;

/** Per-process group lists (managers, starters); tiny tables, read whole. */
export function processAccessQueries(db: Db) {
  return {
    async all(list: AccessList): Promise<ProcessGroupMap> {
      const rows = await db
        .selectFrom(list)
        .select(['process_id', 'group_name'])
        .orderBy('process_id')
        .orderBy('group_name')
        .execute();
      const map = new Map<string, string[]>();
      for (const r of rows) map.set(r.process_id, [...(map.get(r.process_id) ?? []), r.group_name]);
      return map;
    },

    async groupsOf(list: AccessList, processId: string): Promise<string[]> {
      const rows = await db
        .selectFrom(list)
        .select('group_name')
        .where('process_id', '=', processId)
        .orderBy('group_name')
        .execute();
      return rows.map((r) => r.group_name);
    },

    /** Replaces the list; every group must exist (else 400 listing the unknown ones). */
    async replace(list: AccessList, processId: string, groups: readonly string[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const known =
          groups.length === 0
            ? new Set<string>()
            : new Set(
                (
                  await trx
                    .selectFrom('groups')
                    .select('name')
                    .where('name', 'in', [...groups])
                    .execute()
                ).map((g) => g.name),
              );
        const unknown = groups.filter((g) => !known.has(g));
        if (unknown.length > 0) {
          throw problems.badRequest(
            'GROUP_NOT_FOUND',
            `Unknown groups: ${unknown.join(', ')}`,
            unknown.map((g) => ({ pointer: `/groups/${groups.indexOf(g)}`, message: `no group '${g}'` })),
          );
        }
        await trx.deleteFrom(list).where('process_id', '=', processId).execute();
        if (groups.length > 0) {
          await trx
            .insertInto(list)
            .values(groups.map((g) => ({ process_id: processId, group_name: g })))
            .execute();
        }
      });
    },
  };
}
