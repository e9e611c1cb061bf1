import { type Kysely, sql } from 'kysely';
import type { Actor } from '../api.js';
import type { JsonValue } from '../runtime/types.js';
import type { DB } from './schema.js';

/**
 * SQL for a text column as a uuid, or null when it is not one: token ids are UUIDs (the engine's
 * `newId`), and history only records them.
 */
export const UUID_OR_NULL = (column: string): string =>
  `CASE WHEN ${column} ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN ${column}::uuid END`;

export interface HistoryEntry {
  readonly type: string;
  readonly elementId?: string | null;
  readonly taskId?: string | null;
  readonly data?: Record<string, JsonValue> | null;
}

/**
 * Appends events outside a step (task operations) in one statement: bumping the instance's
 * `history_seq` takes its row lock, so sequence numbers stay gap-free and ordered per instance.
 * `bumpVersion` also bumps the optimistic `version`: a change of who may act on a task (claim,
 * assignment, hand-off, delegation) must make a completion decided before it lose its version
 * check; drafts and comments leave it alone, so they never conflict with a completion.
 */
export async function appendHistory(
  db: Kysely<DB>,
  instanceId: string,
  entries: readonly HistoryEntry[],
  at: Date,
  actor: Actor,
  options: { readonly bumpVersion?: boolean } = {},
): Promise<void> {
  if (entries.length === 0) return;
  const n = entries.length;
  const rows = entries.map((e, k) => ({
    k: k + 1,
    type: e.type,
    element_id: e.elementId ?? null,
    task_id: e.taskId ?? null,
    data: e.data ?? null,
  }));
  await sql`
    WITH s AS (
      UPDATE instances SET history_seq = history_seq + ${n}::int,
        version = version + ${options.bumpVersion === true ? 1 : 0}::int
      WHERE id = ${instanceId}::uuid RETURNING history_seq
    )
    INSERT INTO history (instance_id, seq, at, type, element_id, task_id, actor, data)
    SELECT ${instanceId}::uuid, s.history_seq - ${n}::int + r.k, ${at}::timestamptz, r.type, r.element_id, r.task_id,
      ${actor}::text, r.data
    FROM s, jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(k int, type text, element_id text, task_id uuid, data jsonb)
  `.execute(db);
}
