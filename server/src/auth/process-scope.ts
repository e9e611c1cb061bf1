import type { FastifyInstance } from 'fastify';
import { problems } from '../errors.js';
import type { RequestUser } from '../types.js';
import { hasRole } from './permissions.js';

/**
 * Which processes a caller manages. Admins manage all; users with the manager role manage every
 * process that names no managing groups, and those that name one of their groups; everyone else
 * manages none.
 */
export interface ManagerScope {
  /** Manages every process there is (no process excludes them): lists need no process filter. */
  readonly everything: boolean;
  manages(processId: string): boolean;
}

const NONE: ManagerScope = { everything: false, manages: () => false };
const ALL: ManagerScope = { everything: true, manages: () => true };

/** One small query, and only for managers (staff and admins need none). */
export async function managerScope(app: FastifyInstance, user: RequestUser): Promise<ManagerScope> {
  if (user.roles.includes('admin')) return ALL;
  if (!hasRole(user, 'manager')) return NONE;
  const lists = await app.store.processAccess.all('process_managers');
  const excluded = new Set<string>();
  for (const [processId, groups] of lists) {
    if (!groups.some((g) => user.groups.includes(g))) excluded.add(processId);
  }
  if (excluded.size === 0) return ALL;
  return { everything: false, manages: (processId) => !excluded.has(processId) };
}

/** Whether the caller manages the task's process (staff: false without a query). */
export async function managesProcess(
  app: FastifyInstance,
  user: RequestUser,
  processId: string,
): Promise<boolean> {
  return (await managerScope(app, user)).manages(processId);
}

/** 403 unless the caller manages this process. */
export async function assertManages(
  app: FastifyInstance,
  user: RequestUser,
  processId: string,
): Promise<void> {
  if (!(await managerScope(app, user)).manages(processId))
    throw problems.forbidden(`You do not manage the process '${processId}'`);
}

/**
 * Which processes the caller may start: admins any; others those that name no starting groups,
 * or one of theirs. One query for every process (the process list asks for all of them).
 */
export async function startableBy(
  app: FastifyInstance,
  user: RequestUser,
): Promise<(processId: string) => boolean> {
  if (user.roles.includes('admin')) return () => true;
  const lists = await app.store.processAccess.all('process_starters');
  return (processId) => {
    const groups = lists.get(processId);
    return groups === undefined || groups.some((g) => user.groups.includes(g));
  };
}

/** Whether the caller may start this process (see `startableBy`). */
export async function mayStart(app: FastifyInstance, user: RequestUser, processId: string): Promise<boolean> {
  if (user.roles.includes('admin')) return true;
  const groups = await app.store.processAccess.groupsOf('process_starters', processId);
  return groups.length === 0 || groups.some((g) => user.groups.includes(g));
}
