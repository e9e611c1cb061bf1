import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { ForbiddenError, InvalidArgumentError, EngineError } from '../errors.js';
import { type Identity, actorOf, policy } from '../identity.js';
import { isUuid } from '../persistence/ids.js';
import type { DB } from '../persistence/schema.js';
import { type AbsencesTable, teamDb } from './tables.js';

/** A period in which `userId` is away; `substitute` receives what would be assigned to them. */
export interface Absence {
  readonly id: string;
  readonly userId: string;
  readonly from: Date;
  readonly to: Date;
  readonly substitute: string | null;
  readonly note: string | null;
  readonly createdBy: string | null;
  readonly createdAt: Date;
}

export interface AbsenceInput {
  readonly userId: string;
  readonly from: Date;
  readonly to: Date;
  readonly substitute?: string | null;
  readonly note?: string | null;
}

export interface AbsenceFilter {
  /** Only this user's absences. */
  readonly userId?: string;
  /** Only absences in which this user stands in. */
  readonly substitute?: string;
  /** Only absences that have not ended by this time (default: every one). */
  readonly endingAfter?: Date;
  /** Only absences under way at this time. */
  readonly activeAt?: Date;
}

/** The absence was not found (or the caller may not see it). */
export class AbsenceNotFoundError extends EngineError {
  constructor(readonly absenceId: string) {
    super('ABSENCE_NOT_FOUND', `Absence ${absenceId} not found`);
  }
}

/** A chain of substitutes longer than this is cut there (the original assignee keeps the task). */
export const MAX_SUBSTITUTION_HOPS = 10;
/** The longest absence accepted: a bound on user input, long enough for a sabbatical. */
const MAX_ABSENCE_MS = 3 * 366 * 24 * 3600 * 1000;
const MAX_ID = 200;
const MAX_NOTE = 1000;

function toAbsence(row: Selectable<AbsencesTable>): Absence {
  return {
    id: row.id,
    userId: row.user_id,
    from: new Date(row.starts_at),
    to: new Date(row.ends_at),
    substitute: row.substitute,
    note: row.note,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
  };
}

function userId(value: string, what: string): string {
  const id = value.trim();
  if (id === '' || id.length > MAX_ID)
    throw new InvalidArgumentError(`${what} must be a user id of 1-${MAX_ID} characters`);
  return id;
}

/** Checks an absence as a user typed it: a real period, a substitute other than the person. */
export function checkAbsence(input: AbsenceInput): AbsenceInput {
  const user = userId(input.userId, 'userId');
  const substitute =
    input.substitute == null || input.substitute.trim() === ''
      ? null
      : userId(input.substitute, 'substitute');
  if (Number.isNaN(input.from.getTime()) || Number.isNaN(input.to.getTime()))
    throw new InvalidArgumentError('from and to must be date-times');
  if (input.from.getTime() >= input.to.getTime()) throw new InvalidArgumentError('from must be before to');
  if (input.to.getTime() - input.from.getTime() > MAX_ABSENCE_MS)
    throw new InvalidArgumentError('an absence lasts at most three years');
  if (substitute === user) throw new InvalidArgumentError('a person cannot substitute for themselves');
  const note = input.note?.trim() || null;
  if (note !== null && note.length > MAX_NOTE)
    throw new InvalidArgumentError(`note is longer than ${MAX_NOTE} characters`);
  return { userId: user, from: input.from, to: input.to, substitute, note };
}

/** Records an absence; the policy decides who may set one for whom. */
export async function insertAbsence(
  db: Kysely<DB>,
  input: AbsenceInput,
  identity: Identity,
  now: Date,
): Promise<Absence> {
  const absence = checkAbsence(input);
  if (!policy.mayManageAbsenceOf(identity, absence.userId))
    throw new ForbiddenError(
      'Only the person, an admin or a manager sets an absence',
      identity.kind === 'user' ? identity.id : null,
    );
  const row = await teamDb(db)
    .insertInto('absences')
    .values({
      id: randomUUID(),
      user_id: absence.userId,
      starts_at: absence.from,
      ends_at: absence.to,
      substitute: absence.substitute ?? null,
      note: absence.note ?? null,
      created_by: actorOf(identity),
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAbsence(row);
}

/** Ends an absence now (deletes it); only who may set it may end it. */
export async function deleteAbsence(db: Kysely<DB>, id: string, identity: Identity): Promise<void> {
  const teams = teamDb(db);
  const row = isUuid(id)
    ? await teams.selectFrom('absences').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
    : undefined;
  if (!row) throw new AbsenceNotFoundError(id);
  if (!policy.mayManageAbsenceOf(identity, row.user_id))
    throw new ForbiddenError(
      'Only the person, an admin or a manager ends an absence',
      identity.kind === 'user' ? identity.id : null,
    );
  await teams.deleteFrom('absences').where('id', '=', id).execute();
}

export async function listAbsences(db: Kysely<DB>, filter: AbsenceFilter): Promise<Absence[]> {
  let query = teamDb(db).selectFrom('absences').selectAll();
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.substitute !== undefined) query = query.where('substitute', '=', filter.substitute);
  if (filter.endingAfter) query = query.where('ends_at', '>', filter.endingAfter);
  if (filter.activeAt)
    query = query.where('starts_at', '<=', filter.activeAt).where('ends_at', '>', filter.activeAt);
  const rows = await query.orderBy('starts_at').orderBy('user_id').orderBy('id').limit(1000).execute();
  return rows.map(toAbsence);
}

/**
 * Who is away at `at` among `users`, with the absence that counts for each: when absences
 * overlap, the one that began last (then the one recorded last) names the substitute, as the
 * newer, more specific arrangement.
 */
export async function awayAt(
  db: Kysely<DB>,
  users: readonly string[],
  at: Date,
): Promise<Map<string, Absence>> {
  const away = new Map<string, Absence>();
  if (users.length === 0) return away;
  const rows = await teamDb(db)
    .selectFrom('absences')
    .selectAll()
    .where('user_id', 'in', [...new Set(users)])
    .where('ends_at', '>', at)
    .where('starts_at', '<=', at)
    .orderBy('user_id')
    .orderBy('starts_at', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  for (const row of rows) if (!away.has(row.user_id)) away.set(row.user_id, toAbsence(row));
  return away;
}

/** Who receives a task meant for `user`, and why. */
export interface Substitution {
  /** The assignee to use: the first present person on the chain, or `user` when there is none. */
  readonly assignee: string;
  /** Set when someone stands in: the person the task was meant for. */
  readonly substituteFor: string | null;
  /** `user`, then each substitute followed. */
  readonly chain: readonly string[];
  /** Why `user` keeps a task although away (no substitute, all away, a cycle); null otherwise. */
  readonly reason: string | null;
}

/**
 * Follows substitutes from `user` to the first person present at `at`. A -> B -> C stops at the
 * first present one; a chain that comes back to someone already on it (a cycle), ends at someone
 * away without a substitute, or runs past MAX_SUBSTITUTION_HOPS, leaves the task with `user` and
 * says why: a task assigned to an absent person is still better than one assigned at random.
 * So does a substitute who is no longer an active user (`isActive`, from the team directory).
 */
export async function resolveSubstitute(
  db: Kysely<DB>,
  user: string,
  at: Date,
  isActive: (user: string) => Promise<boolean> = async () => true,
): Promise<Substitution> {
  const chain = [user];
  let current = user;
  for (let hop = 0; hop <= MAX_SUBSTITUTION_HOPS; hop++) {
    const absence = (await awayAt(db, [current], at)).get(current);
    if (!absence) {
      return current === user
        ? { assignee: user, substituteFor: null, chain, reason: null }
        : { assignee: current, substituteFor: user, chain, reason: null };
    }
    if (absence.substitute === null) {
      const reason =
        current === user
          ? `${user} is away with no substitute`
          : `no one on the substitute chain ${chain.join(' -> ')} is present (${current} has no substitute)`;
      return { assignee: user, substituteFor: null, chain, reason };
    }
    if (!(await isActive(absence.substitute))) {
      chain.push(absence.substitute);
      return {
        assignee: user,
        substituteFor: null,
        chain,
        reason: `substitute ${absence.substitute} is not an active user`,
      };
    }
    if (chain.includes(absence.substitute)) {
      chain.push(absence.substitute);
      return { assignee: user, substituteFor: null, chain, reason: `substitute cycle ${chain.join(' -> ')}` };
    }
    chain.push(absence.substitute);
    current = absence.substitute;
  }
  return {
    assignee: user,
    substituteFor: null,
    chain,
    reason: `substitute chain longer than ${MAX_SUBSTITUTION_HOPS}`,
  };
}
