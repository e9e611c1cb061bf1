import { allowsScope, type PatternScopeKind, type Role, type SimpleScope } from '@baton/schemas';

/**
 * Who performs a command. Every engine command that a person or a program performs takes one,
 * and the engine checks it with ONE policy (this file), inside the transaction that acts.
 *
 * - `user`: a person (a session) or an API token acting for that person. `id` is the user's
 *   stable id: a user name the server never gives to anyone else, so nothing that refers to it
 *   (tasks, instances, history, candidate lists) can be taken over. `scopes` is set for tokens
 *   only: a token may do what BOTH its scopes and its owner's roles allow.
 * - `system`: the embedding program itself, trusted: it passes every check. The server never
 *   hands it a request's caller; the job executor (timers, in-process handlers) runs as system.
 */
export type Identity = UserIdentity | SystemIdentity;

export interface UserIdentity {
  readonly kind: 'user';
  /** The user's stable id; tasks' assignees and candidate users are compared with it. */
  readonly id: string;
  readonly groups: readonly string[];
  readonly roles: readonly Role[];
  /** For API tokens: the token's scopes (`@baton/schemas` scopes). Undefined: a person's session. */
  readonly scopes?: readonly string[] | undefined;
  /** For API tokens: the token's name; history records a worker's commands as `token:<name>`. */
  readonly tokenName?: string | undefined;
}

export interface SystemIdentity {
  readonly kind: 'system';
  /** Recorded in history as the actor (`null`: the engine itself). */
  readonly actor: string | null;
}

/** The engine itself (timers, in-process handlers), or an embedding program that checked its caller. */
export const SYSTEM: SystemIdentity = Object.freeze({ kind: 'system', actor: null });

/** A trusted caller recorded in history under `actor`, for embedding programs and scripts. */
export function systemIdentity(actor: string | null): SystemIdentity {
  return { kind: 'system', actor };
}

/** A person (or their token, with `scopes`). */
export function userIdentity(
  id: string,
  options: {
    readonly groups?: readonly string[];
    readonly roles?: readonly Role[];
    readonly scopes?: readonly string[];
    readonly tokenName?: string;
  } = {},
): UserIdentity {
  return {
    kind: 'user',
    id,
    groups: options.groups ?? [],
    roles: options.roles ?? ['staff'],
    ...(options.scopes ? { scopes: options.scopes } : {}),
    ...(options.tokenName ? { tokenName: options.tokenName } : {}),
  };
}

/** What history records as the actor of a command done by this identity. */
export function actorOf(identity: Identity, as: 'person' | 'worker' = 'person'): string | null {
  if (identity.kind === 'system') return identity.actor;
  if (as === 'worker' && identity.tokenName !== undefined) return `token:${identity.tokenName}`;
  return identity.id;
}

/** Group lists of one process: who manages it and who may start it. Empty: no restriction by group. */
export interface ProcessAccess {
  readonly managers: readonly string[];
  readonly starters: readonly string[];
}

export const OPEN_ACCESS: ProcessAccess = Object.freeze({ managers: [], starters: [] });

/** The facts about a task that the policy decides on. */
export interface TaskFacts {
  readonly id: string;
  readonly processId: string;
  readonly state: string;
  readonly assignee: string | null;
  readonly owner: string | null;
  readonly delegated: boolean;
  readonly candidateUsers: readonly string[];
  readonly candidateGroups: readonly string[];
  readonly completedBy?: string | null;
}

function isAdmin(identity: UserIdentity): boolean {
  return identity.roles.includes('admin');
}

function allows(identity: UserIdentity, kind: SimpleScope | PatternScopeKind, name?: string): boolean {
  return allowsScope(identity, kind, name);
}

function intersects(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.includes(x));
}

/**
 * The one policy. Pure: every decision is a function of the identity and facts read in the
 * command's own transaction (the task row, the process's access lists), so what was checked is
 * what is changed.
 */
export const policy = {
  /** Manages the process: admins; managers when the process names no managing group, or one of theirs. */
  manages(identity: Identity, access: ProcessAccess): boolean {
    if (identity.kind === 'system') return true;
    if (!allows(identity, 'manage')) return false;
    if (isAdmin(identity)) return true;
    return access.managers.length === 0 || intersects(access.managers, identity.groups);
  },

  /**
   * May start the process: admins; anyone signed in who is in a starting group (or anyone, if
   * the process names none). A token also needs the `start` scope.
   */
  mayStart(identity: Identity, access: ProcessAccess): boolean {
    if (identity.kind === 'system') return true;
    if (identity.scopes !== undefined && !allows(identity, 'start')) return false;
    if (isAdmin(identity)) return true;
    return access.starters.length === 0 || intersects(access.starters, identity.groups);
  },

  /**
   * Operates jobs and incidents (lists them across instances, retries them, changes a job's
   * retries): whoever manages processes at all, i.e. managers and admins (a token needs the
   * `manage` scope). Which rows they reach is `manages` per process.
   */
  mayOperate(identity: Identity): boolean {
    return policy.manages(identity, OPEN_ACCESS);
  },

  /**
   * Pauses, resumes, cancels or looks into a batch operation: an operator who created it, an
   * admin, or one who manages every process its items belong to (`processes`, read in the
   * command's transaction).
   */
  mayControlBatch(
    identity: Identity,
    batch: { readonly createdBy: string | null; readonly processes: readonly ProcessAccess[] },
  ): boolean {
    if (!policy.mayOperate(identity)) return false;
    if (identity.kind === 'system' || isAdmin(identity)) return true;
    if (batch.createdBy !== null && batch.createdBy === identity.id) return true;
    return batch.processes.every((access) => policy.manages(identity, access));
  },

  /** An admin acting with admin rights (a token needs the `admin` scope). */
  mayAdminister(identity: Identity): boolean {
    if (identity.kind === 'system') return true;
    return isAdmin(identity) && allows(identity, 'admin');
  },

  /** Designs processes: deploys them and keeps who manages or starts them (designers, admins). */
  mayDesign(identity: Identity): boolean {
    if (identity.kind === 'system') return true;
    return (identity.roles.includes('designer') || isAdmin(identity)) && allows(identity, 'deploy');
  },

  /** A candidate of the task (by id or by group); says nothing of whether it is claimed. */
  isCandidate(identity: Identity, task: TaskFacts): boolean {
    if (identity.kind === 'system') return true;
    return task.candidateUsers.includes(identity.id) || intersects(task.candidateGroups, identity.groups);
  },

  /** Works on it now: the assignee, or the owner of a delegated task. */
  worksOn(identity: Identity, task: TaskFacts): boolean {
    if (identity.kind === 'system') return true;
    return task.assignee === identity.id || task.owner === identity.id;
  },

  /** May claim it now: open, unassigned, and a candidate. */
  mayClaim(identity: Identity, task: TaskFacts): boolean {
    return task.state === 'created' && task.assignee === null && policy.isCandidate(identity, task);
  },

  /** Sees the task: works on it, completed it, may claim it, or manages its process. */
  seesTask(identity: Identity, task: TaskFacts, manages: boolean): boolean {
    if (identity.kind === 'system' || manages) return true;
    if (identity.scopes !== undefined && !allows(identity, 'read') && !allows(identity, 'tasks'))
      return false;
    return (
      policy.worksOn(identity, task) ||
      (task.completedBy != null && task.completedBy === identity.id) ||
      policy.mayClaim(identity, task) ||
      // Candidates see a claimed task they could have taken (the team's view of its own work),
      // and one whose assignee change or completion waits for its listeners (a command on it then
      // gets "not active", not "not found").
      ((task.state === 'created' ||
        task.state === 'assigning' ||
        task.state === 'updating' ||
        task.state === 'completing') &&
        policy.isCandidate(identity, task))
    );
  },

  /**
   * May set or end an absence of `userId` (docs/TEAMS.md): that user, admins and managers. A token
   * needs the `tasks` scope for its owner's own absence and `manage` for someone else's.
   */
  mayManageAbsenceOf(identity: Identity, userId: string): boolean {
    if (identity.kind === 'system') return true;
    if (identity.id === userId) return identity.scopes === undefined || allows(identity, 'tasks');
    return (isAdmin(identity) || identity.roles.includes('manager')) && allows(identity, 'manage');
  },

  /** Sees the open load of a team: admins and managers (each sees the processes they manage). */
  maySeeTeamLoad(identity: Identity): boolean {
    if (identity.kind === 'system') return true;
    return (isAdmin(identity) || identity.roles.includes('manager')) && allows(identity, 'manage');
  },

  /** May act as an external worker for jobs of this type. */
  mayWorkJobs(identity: Identity, jobType: string): boolean {
    if (identity.kind === 'system') return true;
    return allows(identity, 'jobs', jobType);
  },

  /** May send this message, or broadcast this signal, at all (who it reaches is decided per target). */
  maySend(identity: Identity, kind: 'messages' | 'signals', name: string): boolean {
    if (identity.kind === 'system') return true;
    if (identity.scopes !== undefined) return allows(identity, kind, name);
    // A person's session: anyone may send; each target (a start, a waiting instance) is checked.
    return true;
  },

  /**
   * May deliver to a waiting instance: a worker allowed that name, a manager of the process, or a
   * participant of the instance (started it, or works, worked or may work on one of its tasks).
   */
  mayDeliver(
    identity: Identity,
    kind: 'messages' | 'signals',
    name: string,
    facts: { readonly access: ProcessAccess; readonly participant: boolean },
  ): boolean {
    if (identity.kind === 'system') return true;
    if (!policy.maySend(identity, kind, name)) return false;
    if (identity.roles.includes('worker') || isAdmin(identity)) return true;
    return policy.manages(identity, facts.access) || facts.participant;
  },
};

/** What a task command needs of its caller. */
export type TaskAction =
  | 'claim'
  | 'unclaim'
  | 'complete'
  | 'resolve'
  | 'draft'
  | 'handOff'
  | 'delegate'
  | 'return'
  | 'comment'
  | 'assign'
  | 'update';

/** The verdict on a task command: allowed, or why not (the engine turns it into a typed error). */
export type TaskVerdict =
  | { readonly allow: true; readonly claimFirst?: boolean }
  | {
      readonly allow: false;
      readonly reason:
        | 'notFound'
        | 'forbidden'
        | 'notClaimed'
        | 'claimedByOther'
        | 'delegated'
        | 'notDelegated';
      readonly message: string;
    };

const ALLOW: TaskVerdict = { allow: true };

function deny(
  reason: Exclude<TaskVerdict, { allow: true }>['reason'],
  message: string,
): Exclude<TaskVerdict, { allow: true }> {
  return { allow: false, reason, message };
}

/**
 * May `identity` do `action` on this task now? `manages`: whether it manages the task's process
 * (read in the same transaction). Hidden tasks are `notFound`, so no one learns they exist.
 */
export function decideTask(
  identity: Identity,
  action: TaskAction,
  task: TaskFacts,
  manages: boolean,
): TaskVerdict {
  if (identity.kind === 'system') return ALLOW;
  if (!policy.seesTask(identity, task, manages)) return deny('notFound', `Task ${task.id} not found`);
  // A person works on the tasks that are theirs whatever their roles; a token needs the `tasks`
  // scope (or, for a manager's command, `manage`).
  if (identity.scopes !== undefined && action !== 'assign' && !allowsScope(identity, 'tasks') && !manages)
    return deny('forbidden', 'This token may not work on tasks (it lacks the `tasks` scope)');
  const assignee = task.assignee === identity.id;
  switch (action) {
    case 'claim':
      if (assignee) return ALLOW;
      if (task.assignee !== null)
        return deny('claimedByOther', `Task ${task.id} is already claimed by ${task.assignee}`);
      return policy.isCandidate(identity, task) || manages
        ? ALLOW
        : deny('forbidden', 'You are not a candidate for this task');
    case 'unclaim':
      if (task.assignee === null) return deny('notClaimed', 'The task is not claimed');
      if (task.delegated) return deny('delegated', 'The task is delegated; resolve it instead of unclaiming');
      return assignee || manages ? ALLOW : deny('forbidden', 'Only the assignee may unclaim this task');
    case 'complete':
      if (task.delegated) return deny('delegated', 'A delegated task is resolved, not completed');
      if (assignee) return ALLOW;
      if (task.assignee === null && policy.isCandidate(identity, task))
        return { allow: true, claimFirst: true };
      if (task.assignee === null && manages) return deny('notClaimed', 'Claim the task first');
      return deny('forbidden', 'Only the assignee may complete this task');
    case 'resolve':
      if (!task.delegated) return deny('notDelegated', 'Only a delegated task is resolved');
      return assignee ? ALLOW : deny('forbidden', 'Only the delegate may resolve this task');
    case 'draft':
      if (assignee) return ALLOW;
      return task.assignee === null && policy.isCandidate(identity, task)
        ? deny('notClaimed', 'Claim the task first')
        : deny('forbidden', 'Only the assignee may do this');
    case 'delegate':
      if (assignee || manages) return ALLOW;
      return task.assignee === null && policy.isCandidate(identity, task)
        ? deny('notClaimed', 'Claim the task first')
        : deny('forbidden', 'Only the assignee or a manager may delegate this task');
    case 'handOff':
    case 'return':
      if (assignee || manages) return ALLOW;
      return task.assignee === null && policy.isCandidate(identity, task)
        ? deny('notClaimed', 'Claim the task first')
        : deny('forbidden', 'Only the assignee or a manager may do this');
    case 'comment':
      return ALLOW;
    case 'update':
      // Dates, priority and candidates (Zeebe's "update user task"): whoever may hand the task off
      // (which also sets its candidates) may change them, i.e. its assignee and the process's
      // managers; a candidate claims it first.
      if (assignee || manages) return ALLOW;
      return task.assignee === null && policy.isCandidate(identity, task)
        ? deny('notClaimed', 'Claim the task first')
        : deny('forbidden', 'Only the assignee or a manager may update this task');
    case 'assign':
      return manages ? ALLOW : deny('forbidden', `You do not manage the process '${task.processId}'`);
  }
}
