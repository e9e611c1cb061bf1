import type { Role } from './auth.js';

/**
 * What an API token may do, as an explicit list of scopes. A session (a person in the web app)
 * has no scope list: it may do whatever its roles allow. A token may do only what BOTH its scopes
 * and its owner's roles allow, and its owner can only grant scopes that their roles allow
 * (`grantableBy`). The engine's policy checks engine commands against them; the server checks
 * the rest (users, forms, definitions) with `allowsAction`.
 *
 * - `read`: read what the owner may see (every GET).
 * - `tasks`: work on tasks as the owner (claim, complete, hand off, drafts, comments).
 * - `start`: start instances of processes the owner may start.
 * - `manage`: manager operations on processes the owner manages (cancel, variables, retry, assign).
 * - `deploy`: deploy processes and save forms (designers).
 * - `admin`: users, groups and process access (admins).
 * - `jobs:<pattern>`: act as an external worker for job types matching the pattern.
 * - `messages:<pattern>`, `signals:<pattern>`: send messages or signals with matching names.
 *
 * A pattern is a name where `*` stands for any run of characters: `jobs:*`, `jobs:billing.*`.
 */
export const SIMPLE_SCOPES = ['read', 'tasks', 'start', 'manage', 'deploy', 'admin'] as const;
export type SimpleScope = (typeof SIMPLE_SCOPES)[number];
export const PATTERN_SCOPES = ['jobs', 'messages', 'signals'] as const;
export type PatternScopeKind = (typeof PATTERN_SCOPES)[number];

/** A scope string as an API accepts it; `parseScope` gives its meaning. */
export const scopeShape = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  pattern: '^(read|tasks|start|manage|deploy|admin|(jobs|messages|signals):[A-Za-z0-9_.:*-]+)$',
} as const;

export type Scope =
  | { readonly kind: SimpleScope }
  | { readonly kind: PatternScopeKind; readonly pattern: string };

/** The scope's meaning, or null when it is not one. */
export function parseScope(text: string): Scope | null {
  if ((SIMPLE_SCOPES as readonly string[]).includes(text)) return { kind: text as SimpleScope };
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const kind = text.slice(0, colon);
  const pattern = text.slice(colon + 1);
  if (!(PATTERN_SCOPES as readonly string[]).includes(kind)) return null;
  if (!/^[A-Za-z0-9_.:*-]{1,190}$/.test(pattern)) return null;
  return { kind: kind as PatternScopeKind, pattern };
}

/**
 * Whether `name` matches a scope pattern: `*` is any run of characters, everything else literal.
 * Linear: the pattern is split at `*` and the pieces are found in order (no backtracking regex).
 */
export function patternMatches(pattern: string, name: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return pattern === name;
  const first = pieces[0] ?? '';
  const last = pieces[pieces.length - 1] ?? '';
  if (!name.startsWith(first) || name.length < first.length + last.length) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] ?? '';
    const found = name.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return name.endsWith(last) && at <= end;
}

/** Which roles may hold (and so grant to their tokens) each kind of scope; admins hold them all. */
const HOLDERS: Readonly<Record<SimpleScope | PatternScopeKind, readonly Role[]>> = {
  read: ['staff', 'designer', 'manager', 'worker'],
  tasks: ['staff', 'designer', 'manager'],
  start: ['staff', 'designer', 'manager'],
  manage: ['manager'],
  deploy: ['designer'],
  admin: [],
  jobs: ['worker'],
  messages: ['worker', 'designer', 'manager'],
  signals: ['worker', 'designer', 'manager'],
};

/** Whether a user with these roles may hold (and grant to a token) this scope. */
export function grantableBy(roles: readonly Role[], scope: Scope): boolean {
  if (roles.includes('admin')) return true;
  return HOLDERS[scope.kind].some((role) => roles.includes(role));
}

/**
 * What an action needs, checked against a caller: its roles and, for a token, its scopes.
 * `scopes` undefined means a session (roles alone decide).
 */
export function allowsScope(
  caller: { readonly roles: readonly Role[]; readonly scopes?: readonly string[] | undefined },
  kind: SimpleScope | PatternScopeKind,
  name?: string,
): boolean {
  const probe: Scope =
    kind === 'jobs' || kind === 'messages' || kind === 'signals' ? { kind, pattern: name ?? '' } : { kind };
  if (!grantableBy(caller.roles, probe)) return false;
  if (caller.scopes === undefined) return true;
  return caller.scopes.some((text) => {
    const scope = parseScope(text);
    if (!scope || scope.kind !== kind) return false;
    return 'pattern' in scope ? patternMatches(scope.pattern, name ?? '') : true;
  });
}
