/** Team operations (docs/TEAMS.md): absences and substitutes, assignment strategies, team load. */
export {
  type Absence,
  type AbsenceFilter,
  type AbsenceInput,
  AbsenceNotFoundError,
  MAX_SUBSTITUTION_HOPS,
  type Substitution,
} from './absences.js';
export { CANDIDATE_USERS_ONLY, type TeamDirectory, type TeamMember } from './directory.js';
export type { MemberLoad } from './load.js';
export { ASSIGNMENT_HEADER, type AssignmentStrategy, parseAssignmentStrategy } from './strategy.js';
