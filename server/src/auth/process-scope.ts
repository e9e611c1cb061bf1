import type { FastifyInstance } from 'fastify';
import { problems } from '../errors.js';
import type { RequestUser } from '../types.js';
import { readerOf } from './identity.js';

/**
 * Which processes a caller manages, for lists and screens: the engine's policy over the access
 * lists (admins manage all; managers every process that names no managing groups, and those
 * that name one of theirs). Commands decide again in their own transaction.
 */
export interface ManagerScope {
  /** Manages every process there is (no process excludes them): lists need no process filter. */
  readonly everything: boolean;
  manages(processId: string): boolean;
}

const NONE: ManagerScope = { everything: false, manages: () => false };

/** One small query, and only for managers and admins (staff need none). */
export async function managerScope(app: FastifyInstance, user: RequestUser): Promise<ManagerScope> {
  if (!user.roles.includes('admin') && !user.roles.includes('manager')) return NONE;
  const access = await app.engine.accessOf(readerOf(user));
  return { everything: access.managesEverything, manages: access.manages };
}

/** Whether the caller manages the task's process (staff: false without a query). */
export async function managesProcess(
  app: FastifyInstance,
  user: RequestUser,
  processId: string,
): Promise<boolean> {
  return (await managerScope(app, user)).manages(processId);
}

/** Which processes the caller may start (the process list shows them). */
export async function startableBy(
  app: FastifyInstance,
  user: RequestUser,
): Promise<(processId: string) => boolean> {
  return (await app.engine.accessOf(readerOf(user))).mayStart;
}

/** 403 unless the caller manages this process (for manager screens such as KPIs). */
export async function assertManages(
  app: FastifyInstance,
  user: RequestUser,
  processId: string,
): Promise<void> {
  if (!(await managerScope(app, user)).manages(processId))
    throw problems.forbidden(`You do not manage the process '${processId}'`);
}
