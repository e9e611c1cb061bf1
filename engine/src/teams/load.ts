import { type Kysely, sql } from 'kysely';
import { ForbiddenError } from '../errors.js';
import { type Identity, type ProcessAccess, policy } from '../identity.js';
import { readAllProcessAccess } from '../persistence/access.js';
import type { DB } from '../persistence/schema.js';

/** Open tasks assigned to one person in one process. */
export interface MemberLoad {
  readonly user: string;
  readonly processId: string;
  readonly open: number;
  readonly overdue: number;
}

/**
 * Each person's open (and overdue) assigned tasks per process, for the processes the identity
 * manages; `users` narrows it to a team. Admins and managers only (the one policy). `access`:
 * the access lists as read elsewhere (the primary, when `db` is a read replica), else read from `db`.
 */
export async function teamLoad(
  db: Kysely<DB>,
  identity: Identity,
  filter: { readonly users?: readonly string[] },
  now: Date,
  access?: ReadonlyMap<string, ProcessAccess>,
): Promise<MemberLoad[]> {
  if (!policy.maySeeTeamLoad(identity))
    throw new ForbiddenError(
      'Only managers and admins see the load of a team',
      identity.kind === 'user' ? identity.id : null,
    );
  if (filter.users && filter.users.length === 0) return [];
  let query = db
    .selectFrom('user_tasks')
    .select([
      'process_id',
      'assignee',
      (eb) => eb.fn.countAll<string>().as('open'),
      sql<string>`count(*) FILTER (WHERE due_at < ${now})`.as('overdue'),
    ])
    .where('state', '=', 'created')
    .where('assignee', 'is not', null);
  if (filter.users) query = query.where('assignee', 'in', [...filter.users]);
  const [rows, lists] = await Promise.all([
    query.groupBy(['process_id', 'assignee']).orderBy('assignee').orderBy('process_id').execute(),
    access ?? readAllProcessAccess(db),
  ]);
  const open = { managers: [], starters: [] };
  return rows
    .filter((row) => policy.manages(identity, lists.get(row.process_id) ?? open))
    .map((row) => ({
      user: row.assignee ?? '',
      processId: row.process_id,
      open: Number(row.open),
      overdue: Number(row.overdue),
    }));
}
