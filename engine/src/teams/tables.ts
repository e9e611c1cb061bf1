import type { Kysely } from 'kysely';
import type { DB } from '../persistence/schema.js';

/** One absence: `user_id` is away in [starts_at, ends_at); `substitute` stands in (null: nobody). */
export interface AbsencesTable {
  id: string;
  user_id: string;
  starts_at: Date;
  ends_at: Date;
  substitute: string | null;
  note: string | null;
  created_by: string | null;
  created_at: Date;
}

/** Where round-robin left off for one task element; the row is the lock that serializes picks. */
export interface AssignmentRotationTable {
  process_id: string;
  element_id: string;
  last_user: string;
}

/** The engine's team tables (migration `0005_team_absences`); not a public interface. */
export type TeamTables = {
  absences: AbsencesTable;
  assignment_rotation: AssignmentRotationTable;
};

export type TeamDB = DB & TeamTables;

/** The engine's database handle (or transaction) typed with the team tables too. */
export function teamDb(db: Kysely<DB>): Kysely<TeamDB> {
  return db.withTables<TeamTables>();
}
