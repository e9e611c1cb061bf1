import type { Kysely } from 'kysely';
import type { ProcessAccess } from '../identity.js';
import type { DB } from './schema.js';

/** One process's access lists, read in the caller's transaction. */
export async function readProcessAccess(db: Kysely<DB>, processId: string): Promise<ProcessAccess> {
  const rows = await db
    .selectFrom('process_access')
    .select(['list', 'group_name'])
    .where('process_id', '=', processId)
    .orderBy('group_name')
    .execute();
  return {
    managers: rows.filter((r) => r.list === 'managers').map((r) => r.group_name),
    starters: rows.filter((r) => r.list === 'starters').map((r) => r.group_name),
  };
}

/** Every process that has a list, by process id (tiny: read whole). */
export async function readAllProcessAccess(db: Kysely<DB>): Promise<Map<string, ProcessAccess>> {
  const rows = await db
    .selectFrom('process_access')
    .select(['process_id', 'list', 'group_name'])
    .orderBy('process_id')
    .orderBy('group_name')
    .execute();
  const map = new Map<string, { managers: string[]; starters: string[] }>();
  for (const row of rows) {
    const entry = map.get(row.process_id) ?? { managers: [], starters: [] };
    entry[row.list].push(row.group_name);
    map.set(row.process_id, entry);
  }
  return map;
}

/** Replaces one list of one process (an empty list lifts the restriction). */
export async function replaceProcessAccess(
  db: Kysely<DB>,
  processId: string,
  list: 'managers' | 'starters',
  groups: readonly string[],
): Promise<void> {
  await db
    .deleteFrom('process_access')
    .where('process_id', '=', processId)
    .where('list', '=', list)
    .execute();
  const unique = [...new Set(groups)];
  if (unique.length > 0) {
    await db
      .insertInto('process_access')
      .values(unique.map((group_name) => ({ process_id: processId, list, group_name })))
      .execute();
  }
}
