import { type Kysely, sql } from 'kysely';
import type { Job } from './api.js';
import type { InstanceRow } from './command-runner.js';
import { type Identity, policy } from './identity.js';
import type { EventElement, ProcessModel } from './model/types.js';
import { readProcessAccess } from './persistence/access.js';
import type { DB } from './persistence/schema.js';
import type { Variables } from './runtime/types.js';
import type { TxContext } from './transaction.js';

/** Runs before a message starts an instance: the start form of the process, for the caller's data check. */
export type StartCheck = (start: {
  readonly processId: string;
  readonly formId: string | null;
}) => void | Promise<void>;

/**
 * What an external worker sees of a job: the variables its task's input mappings produce, plus
 * the ones it names (`fetchVariables`, as Zeebe's fetch variables). Top-level names: an input
 * mapping to `a.b` gives `a`.
 */
export function visibleVariablesOfJob(
  model: ProcessModel,
  job: Job,
  fetchVariables: readonly string[],
): Variables {
  const element = model.elements[job.elementId];
  const names = new Set<string>(fetchVariables);
  for (const input of element?.ioMapping?.inputs ?? []) names.add(input.target.split('.')[0] ?? input.target);
  const visible: Variables = {};
  for (const name of names) {
    if (Object.hasOwn(job.variables, name)) visible[name] = job.variables[name] ?? null;
  }
  return visible;
}

/** The form a message start event starts with: its own, else the process's none start event's. */
export function startFormOf(model: ProcessModel, startEventId: string): string | null {
  const own = (model.elements[startEventId] as EventElement | undefined)?.formId;
  if (own !== undefined) return own;
  const noneStart = model.scopes[model.id]?.noneStartEventId;
  return noneStart === undefined
    ? null
    : ((model.elements[noneStart] as EventElement | undefined)?.formId ?? null);
}

/**
 * Whether the identity may deliver a message or signal to a waiting instance: the policy decides
 * on the process's access lists and on whether the identity takes part in the instance (started
 * it, or works, worked or may work on one of its tasks), both read in the command's transaction.
 */
export async function mayDeliverTo(
  cx: TxContext,
  identity: Identity,
  kind: 'messages' | 'signals',
  name: string,
  instance: InstanceRow,
): Promise<boolean> {
  if (identity.kind === 'system') return true;
  if (!policy.maySend(identity, kind, name)) return false;
  if (identity.roles.includes('worker') || identity.roles.includes('admin'))
    return policy.mayDeliver(identity, kind, name, {
      access: { managers: [], starters: [] },
      participant: false,
    });
  const participant = await takesPart(cx, identity, instance);
  const access = participant
    ? { managers: [], starters: [] }
    : await readProcessAccess(cx.trx, instance.process_id);
  return policy.mayDeliver(identity, kind, name, { access, participant });
}

/** Started the instance, or works, worked or may work on one of its tasks. */
export function takesPart(
  cx: TxContext,
  identity: Identity,
  instance: { readonly id: string; readonly started_by: string | null },
): Promise<boolean> {
  return takesPartIn(cx.trx, identity, instance);
}

/** `takesPart` on any connection or transaction: the one test of taking part, for commands and reads. */
export async function takesPartIn(
  db: Kysely<DB>,
  identity: Identity,
  instance: { readonly id: string; readonly started_by: string | null },
): Promise<boolean> {
  if (identity.kind === 'system' || instance.started_by === identity.id) return true;
  const { rows } = await sql<{
    n: number;
  }>`SELECT 1 AS n FROM user_tasks WHERE instance_id = ${instance.id}::uuid
    AND (assignee = ${identity.id} OR owner = ${identity.id} OR completed_by = ${identity.id}
      OR ${identity.id} = ANY (candidate_users)
      OR candidate_groups && ${[...identity.groups]}::text[])
    LIMIT 1`.execute(db);
  return rows.length > 0;
}
