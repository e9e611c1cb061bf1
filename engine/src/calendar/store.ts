import type { Kysely, Selectable } from 'kysely';
import { EngineError, ForbiddenError } from '../errors.js';
import { type Identity, actorOf, policy } from '../identity.js';
import type { DB } from '../persistence/schema.js';
import { type BusinessCalendar, type CalendarIssue, checkCalendar } from './calendar.js';

/** One calendar row (migration `0008_business_calendars`); not a public interface. */
export interface BusinessCalendarsTable {
  id: string;
  name: string;
  time_zone: string;
  definition: unknown;
  version: number;
  updated_at: Date;
  updated_by: string | null;
}

type CalendarDB = DB & { business_calendars: BusinessCalendarsTable };

function calendarDb(db: Kysely<DB>): Kysely<CalendarDB> {
  return db.withTables<{ business_calendars: BusinessCalendarsTable }>();
}

/** A stored calendar with who changed it last. */
export interface StoredCalendar extends BusinessCalendar {
  readonly version: number;
  readonly updatedAt: Date;
  readonly updatedBy: string | null;
}

export class CalendarNotFoundError extends EngineError {
  constructor(readonly calendarId: string) {
    super('CALENDAR_NOT_FOUND', `Calendar ${calendarId} not found`);
  }
}

/** A calendar an admin gave is not usable; `errors` point into it (`/hours/0/end`). */
export class CalendarInvalidError extends EngineError {
  constructor(readonly errors: readonly CalendarIssue[]) {
    super(
      'CALENDAR_INVALID',
      `Invalid calendar: ${errors.map((issue) => `${issue.pointer} ${issue.message}`).join('; ')}`,
    );
  }
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Decodes a row; the definition was checked when it was written, so only shapes are guarded. */
function toCalendar(row: Selectable<BusinessCalendarsTable>): StoredCalendar {
  const definition = (
    typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition
  ) as Record<string, unknown>;
  const days = (value: unknown) =>
    list(value).map((day) => {
      const record = day as Record<string, unknown>;
      return typeof record.name === 'string'
        ? { date: text(record.date), name: record.name }
        : { date: text(record.date) };
    });
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    workingDays: list(definition.workingDays).map(Number),
    hours: list(definition.hours).map((hours) => {
      const record = hours as Record<string, unknown>;
      return { start: text(record.start), end: text(record.end) };
    }),
    holidays: days(definition.holidays),
    makeUpDays: days(definition.makeUpDays),
    version: row.version,
    updatedAt: new Date(row.updated_at),
    updatedBy: row.updated_by,
  };
}

/** Every calendar, by id (few: each is an organisation's or a country's). */
export async function listCalendars(db: Kysely<DB>): Promise<StoredCalendar[]> {
  const rows = await calendarDb(db)
    .selectFrom('business_calendars')
    .selectAll()
    .orderBy('id')
    .limit(1000)
    .execute();
  return rows.map(toCalendar);
}

/** One calendar, or undefined. */
export async function findCalendar(db: Kysely<DB>, id: string): Promise<StoredCalendar | undefined> {
  const row = await calendarDb(db)
    .selectFrom('business_calendars')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toCalendar(row) : undefined;
}

/** The versions of some calendars, to tell whether what a step used is still current. */
export async function calendarVersions(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await calendarDb(db)
    .selectFrom('business_calendars')
    .select(['id', 'version'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((row) => [row.id, row.version]));
}

function mayAdminister(identity: Identity): void {
  if (!policy.mayAdminister(identity))
    throw new ForbiddenError('Only admins change calendars', identity.kind === 'user' ? identity.id : null);
}

/** Creates or replaces a calendar (admins); checked first, every problem with its pointer. */
export async function saveCalendar(
  db: Kysely<DB>,
  calendar: BusinessCalendar,
  identity: Identity,
  now: Date,
): Promise<StoredCalendar> {
  mayAdminister(identity);
  const issues = checkCalendar(calendar);
  if (issues.length > 0) throw new CalendarInvalidError(issues);
  const { id, name, timeZone, workingDays, hours, holidays, makeUpDays } = calendar;
  const definition = JSON.stringify({
    workingDays: [...workingDays].sort(),
    hours,
    holidays: [...holidays].sort((a, b) => a.date.localeCompare(b.date)),
    makeUpDays: [...makeUpDays].sort((a, b) => a.date.localeCompare(b.date)),
  });
  const row = await calendarDb(db)
    .insertInto('business_calendars')
    .values({
      id,
      name: name.trim(),
      time_zone: timeZone,
      definition,
      version: 1,
      updated_at: now,
      updated_by: actorOf(identity),
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        time_zone: eb.ref('excluded.time_zone'),
        definition: eb.ref('excluded.definition'),
        version: eb('business_calendars.version', '+', 1),
        updated_at: eb.ref('excluded.updated_at'),
        updated_by: eb.ref('excluded.updated_by'),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toCalendar(row);
}

/** Deletes a calendar (admins). Elements that name it afterwards raise an incident when they run. */
export async function deleteCalendar(db: Kysely<DB>, id: string, identity: Identity): Promise<void> {
  mayAdminister(identity);
  const result = await calendarDb(db)
    .deleteFrom('business_calendars')
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new CalendarNotFoundError(id);
}

/** One group's calendar (migration `0013_group_calendars`); not a public interface. */
interface GroupCalendarsTable {
  group_name: string;
  calendar_id: string;
  updated_at: Date;
  updated_by: string | null;
}

function groupCalendarDb(db: Kysely<DB>) {
  return db.withTables<{
    business_calendars: BusinessCalendarsTable;
    group_calendars: GroupCalendarsTable;
  }>();
}

/** The calendar of each of `groups` that has one: group -> calendar id. */
export async function groupCalendars(
  db: Kysely<DB>,
  groups: readonly string[],
): Promise<Map<string, string>> {
  if (groups.length === 0) return new Map();
  const rows = await groupCalendarDb(db)
    .selectFrom('group_calendars')
    .select(['group_name', 'calendar_id'])
    .where('group_name', 'in', [...groups])
    .execute();
  return new Map(rows.map((row) => [row.group_name, row.calendar_id]));
}

/** Every group that has a calendar: group -> calendar id. */
export async function listGroupCalendars(db: Kysely<DB>): Promise<Map<string, string>> {
  const rows = await groupCalendarDb(db)
    .selectFrom('group_calendars')
    .select(['group_name', 'calendar_id'])
    .orderBy('group_name')
    .limit(10_000)
    .execute();
  return new Map(rows.map((row) => [row.group_name, row.calendar_id]));
}

/**
 * Sets (or, with null, clears) the calendar of a group (admins): the calendar of the group's user
 * tasks whose element and process name none. An unknown calendar is refused at `/calendarId`.
 */
export async function setGroupCalendar(
  db: Kysely<DB>,
  group: string,
  calendarId: string | null,
  identity: Identity,
  now: Date,
): Promise<void> {
  mayAdminister(identity);
  const groups = groupCalendarDb(db);
  if (calendarId === null) {
    await groups.deleteFrom('group_calendars').where('group_name', '=', group).execute();
    return;
  }
  const exists = await groups
    .selectFrom('business_calendars')
    .select('id')
    .where('id', '=', calendarId)
    .forShare()
    .executeTakeFirst();
  if (!exists)
    throw new CalendarInvalidError([
      { pointer: '/calendarId', message: `there is no calendar '${calendarId}'` },
    ]);
  await groups
    .insertInto('group_calendars')
    .values({ group_name: group, calendar_id: calendarId, updated_at: now, updated_by: actorOf(identity) })
    .onConflict((oc) =>
      oc.column('group_name').doUpdateSet((eb) => ({
        calendar_id: eb.ref('excluded.calendar_id'),
        updated_at: eb.ref('excluded.updated_at'),
        updated_by: eb.ref('excluded.updated_by'),
      })),
    )
    .execute();
}
