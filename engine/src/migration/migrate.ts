import { type Kysely, sql } from 'kysely';
import type { CommandRunner } from '../command-runner.js';
import {
  DefinitionNotFoundError,
  ForbiddenError,
  InstanceNotActiveError,
  InvalidArgumentError,
  MigrationRefusedError,
} from '../errors.js';
import { type Identity, policy } from '../identity.js';
import type { ModelCache } from '../model-cache.js';
import { readProcessAccess } from '../persistence/access.js';
import { appendHistory } from '../persistence/history.js';
import { isUuid } from '../persistence/ids.js';
import { readState } from '../persistence/state-format.js';
import type { DB } from '../persistence/schema.js';
import type { JsonValue } from '../runtime/types.js';
import { assertManages } from '../task-operations.js';
import type { TxContext } from '../transaction.js';
import { type MigrationMapping, type MigrationProblem, planMigration } from './plan.js';

/** Where to move an instance: a deployed definition, and how its elements map (same id when unmapped). */
export interface MigrationRequest {
  readonly targetDefinitionId: string;
  readonly mappings?: readonly MigrationMapping[];
  /** Recorded in history beside who migrated. */
  readonly reason?: string;
  /** Check and report, change nothing. */
  readonly dryRun?: boolean;
}

export interface DefinitionVersion {
  readonly definitionId: string;
  readonly processId: string;
  readonly version: number;
}

/** What a migration did, or (dry run) would do. */
export interface MigrationReport {
  readonly instanceId: string;
  readonly dryRun: boolean;
  readonly migrated: boolean;
  readonly from: DefinitionVersion;
  readonly to: DefinitionVersion;
  readonly problems: readonly MigrationProblem[];
  /** Source element id -> target element id, for each element the instance is active in. */
  readonly elementMap: Readonly<Record<string, string>>;
  /** Open rows that follow the instance: user tasks (same ids, assignees and drafts), jobs and timers, subscriptions, incidents. */
  readonly moved: {
    readonly tasks: number;
    readonly jobs: number;
    readonly subscriptions: number;
    readonly incidents: number;
  };
}

const MAX_MAPPINGS = 1_000;

/** Checks a request's shape before anything is read. */
export function checkRequest(request: MigrationRequest): void {
  if (!isUuid(request.targetDefinitionId)) throw new DefinitionNotFoundError(request.targetDefinitionId);
  const mappings = request.mappings ?? [];
  if (mappings.length > MAX_MAPPINGS)
    throw new InvalidArgumentError(`At most ${MAX_MAPPINGS} element mappings per migration`);
  if (request.reason !== undefined && request.reason.length > 2_000)
    throw new InvalidArgumentError('The reason is longer than 2,000 characters');
}

/**
 * Moves one instance to another deployed version in the caller's transaction: the instance row is
 * locked first (as every command does), the plan is checked against its live state, and then the
 * instance, its open user tasks, jobs, timers, subscriptions and incidents are re-pointed in the
 * same transaction; the version bump makes any command decided on the old state lose its check.
 */
export async function migrateInstance(
  cx: TxContext,
  deps: { readonly runner: CommandRunner; readonly models: ModelCache },
  instanceId: string,
  request: MigrationRequest,
  identity: Identity,
): Promise<MigrationReport> {
  const row = await deps.runner.lock(cx, instanceId);
  await assertManages(cx, identity, row);
  if (row.status !== 'active') throw new InstanceNotActiveError(row.id, row.status);
  const targetRow = await cx.trx
    .selectFrom('definitions')
    .select(['id', 'process_id', 'version'])
    .where('id', '=', request.targetDefinitionId)
    .executeTakeFirst();
  if (targetRow === undefined) throw new DefinitionNotFoundError(request.targetDefinitionId);
  if (targetRow.id === row.definition_id)
    throw new InvalidArgumentError(`Instance ${row.id} already runs version ${row.definition_version}`);
  if (targetRow.process_id !== row.process_id && identity.kind === 'user') {
    if (!policy.manages(identity, await readProcessAccess(cx.trx, targetRow.process_id)))
      throw new ForbiddenError(`You do not manage the process '${targetRow.process_id}'`, identity.id);
  }
  const [source, target] = await Promise.all([
    deps.models.get(row.definition_id, cx.trx),
    deps.models.get(targetRow.id, cx.trx),
  ]);
  const plan = planMigration(source, target, readState(row.state, row.id), request.mappings ?? []);
  const from = {
    definitionId: row.definition_id,
    processId: row.process_id,
    version: row.definition_version,
  };
  const to = { definitionId: targetRow.id, processId: targetRow.process_id, version: targetRow.version };
  const base = { instanceId: row.id, dryRun: request.dryRun === true, from, to, elementMap: plan.elementMap };
  if (plan.problems.length > 0) {
    if (request.dryRun === true)
      return { ...base, migrated: false, problems: plan.problems, moved: await countOpen(cx.trx, row.id) };
    throw new MigrationRefusedError(row.id, plan.problems);
  }
  if (request.dryRun === true)
    return { ...base, migrated: false, problems: [], moved: await countOpen(cx.trx, row.id) };

  const map = JSON.stringify(plan.elementMap);
  const remap = sql<string>`coalesce(${map}::jsonb ->> element_id, element_id)`;
  await cx.trx
    .updateTable('instances')
    .set({
      definition_id: to.definitionId,
      process_id: to.processId,
      definition_version: to.version,
      state: sql`${JSON.stringify(plan.state)}::jsonb`,
      version: sql`version + 1`,
    })
    .where('id', '=', row.id)
    .execute();
  // One after another: a transaction is one connection.
  const tasks = await cx.trx
    .updateTable('user_tasks')
    .set({ definition_id: to.definitionId, process_id: to.processId, element_id: remap })
    .where('instance_id', '=', row.id)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  const jobs = await cx.trx
    .updateTable('jobs')
    .set({ definition_id: to.definitionId, element_id: remap })
    .where('instance_id', '=', row.id)
    .executeTakeFirst();
  const messages = await cx.trx
    .updateTable('message_subscriptions')
    .set({ element_id: remap })
    .where('instance_id', '=', row.id)
    .executeTakeFirst();
  const signals = await cx.trx
    .updateTable('signal_subscriptions')
    .set({ element_id: remap })
    .where('instance_id', '=', row.id)
    .executeTakeFirst();
  const incidents = await cx.trx
    .updateTable('incidents')
    .set({ element_id: remap })
    .where('instance_id', '=', row.id)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  const moved = {
    tasks: Number(tasks.numUpdatedRows),
    jobs: Number(jobs.numUpdatedRows),
    subscriptions: Number(messages.numUpdatedRows) + Number(signals.numUpdatedRows),
    incidents: Number(incidents.numUpdatedRows),
  };
  const data: Record<string, JsonValue> = {
    from: { ...from },
    to: { ...to },
    elementMap: { ...plan.elementMap },
    ...(request.reason ? { reason: request.reason } : {}),
  };
  await appendHistory(cx.trx, row.id, [{ type: 'instance.migrated', data }], cx.now, cx.actor);
  cx.afterCommit.push(() => deps.runner.cache.forget(row.id));
  return { ...base, migrated: true, problems: [], moved };
}

async function countOpen(db: Kysely<DB>, instanceId: string): Promise<MigrationReport['moved']> {
  const { rows } = await sql<{ tasks: number; jobs: number; subscriptions: number; incidents: number }>`
    SELECT
      (SELECT count(*)::int FROM user_tasks WHERE instance_id = ${instanceId}::uuid AND completed_at IS NULL) AS tasks,
      (SELECT count(*)::int FROM jobs WHERE instance_id = ${instanceId}::uuid) AS jobs,
      (SELECT count(*)::int FROM message_subscriptions WHERE instance_id = ${instanceId}::uuid)
        + (SELECT count(*)::int FROM signal_subscriptions WHERE instance_id = ${instanceId}::uuid) AS subscriptions,
      (SELECT count(*)::int FROM incidents WHERE instance_id = ${instanceId}::uuid AND resolved_at IS NULL) AS incidents
  `.execute(db);
  return rows[0] ?? { tasks: 0, jobs: 0, subscriptions: 0, incidents: 0 };
}
