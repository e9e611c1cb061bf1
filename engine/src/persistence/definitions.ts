import type { Kysely } from 'kysely';
import type { DefinitionSummary } from '../api.js';
import { DefinitionNotFoundError } from '../errors.js';
import { definitionFromRow } from './rows.js';
import type { DB } from './schema.js';

/** Queries over deployed definitions. */

export async function listDefinitions(
  db: Kysely<DB>,
  filter: { readonly processId?: string; readonly latestOnly?: boolean } = {},
): Promise<DefinitionSummary[]> {
  let query = db.selectFrom('definitions as d').selectAll('d');
  if (filter.processId !== undefined) query = query.where('d.process_id', '=', filter.processId);
  if (filter.latestOnly) {
    query = query.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('definitions as newer')
            .select('newer.id')
            .whereRef('newer.process_id', '=', 'd.process_id')
            .whereRef('newer.version', '>', 'd.version'),
        ),
      ),
    );
  }
  const rows = await query.orderBy('d.process_id').orderBy('d.version', 'desc').execute();
  return rows.map(definitionFromRow);
}

export async function getDefinition(
  db: Kysely<DB>,
  id: string,
): Promise<DefinitionSummary & { xml: string }> {
  const row = await db.selectFrom('definitions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new DefinitionNotFoundError(id);
  return { ...definitionFromRow(row), xml: row.xml };
}

export async function getLatestDefinition(
  db: Kysely<DB>,
  processId: string,
  version?: number,
): Promise<DefinitionSummary> {
  let query = db.selectFrom('definitions').selectAll().where('process_id', '=', processId);
  query =
    version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
  const row = await query.executeTakeFirst();
  if (!row) throw new DefinitionNotFoundError(processId, version);
  return definitionFromRow(row);
}
