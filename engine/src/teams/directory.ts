import type { QueryExecutorProvider } from 'kysely';

/** A person a strategy may pick: their user id and attributes (`skill` -> [`german`, ...]). */
export interface TeamMember {
  readonly id: string;
  readonly attributes: Readonly<Record<string, readonly string[]>>;
}

/**
 * Who is in a group, and what attributes people have: the engine knows users only as ids, so
 * the embedding program answers (the server reads its users and memberships). It is called in
 * the transaction that creates the task, with that transaction's handle (run raw `sql` on it), so the pick and the
 * task are decided on the same data.
 */
export interface TeamDirectory {
  /** The members of `groups` plus the `users` named (each once), with their attributes. */
  members(
    request: { readonly groups: readonly string[]; readonly users: readonly string[] },
    db: QueryExecutorProvider,
  ): Promise<readonly TeamMember[]>;
}

/** No directory: only candidate users are known, with no attributes. */
export const CANDIDATE_USERS_ONLY: TeamDirectory = {
  async members(request) {
    return request.users.map((id) => ({ id, attributes: {} }));
  },
};
