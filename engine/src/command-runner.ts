import { CompiledQuery, type Selectable } from 'kysely';
import {
  ConcurrencyError,
  DefinitionNotFoundError,
  InstanceNotActiveError,
  InstanceNotFoundError,
} from './errors.js';
import { PREPARE } from './database.js';
import { type CachedTask, InstanceCache } from './instance-cache.js';
import { DecisionCache } from './dmn/store.js';
import { CalendarCache, GroupCalendarCache } from './calendar/cache.js';
import type { ModelCache } from './model-cache.js';
import type { ProcessModel } from './model/types.js';
import {
  type Guard,
  type Hold,
  type InstanceRowWrite,
  type SqlParams,
  buildWritePlan,
  netEffects,
} from './persistence/write-plan.js';
import type { ProcessAccess } from './identity.js';
import type { InstancesTable } from './persistence/schema.js';
import { taskFromNew } from './persistence/rows.js';
import { step } from './runtime/index.js';
import { type GatheredTrigger, gatherStartTrigger, parallelStartDefinitions } from './start-gathering.js';
import type {
  Command,
  Effect,
  InstanceState,
  NewUserTask,
  StepContext,
  StepResult,
  Variables,
} from './runtime/types.js';
import { readState } from './persistence/state-format.js';
import { newId } from './persistence/ids.js';
import { NeedsTransactionError, type TxContext, translateStoreError } from './transaction.js';
import { assignmentNeeds, decideAssignments } from './teams/assignment.js';
import { CANDIDATE_USERS_ONLY, type TeamDirectory } from './teams/directory.js';

export type InstanceRow = Selectable<InstancesTable>;

/** What an instance insert checks before it writes (see `InstanceRowWrite.insert`). */
type InsertChecks = Pick<NonNullable<InstanceRowWrite['insert']>, 'onlyIfLatestVersion' | 'accessAsDecided'>;

/** Thrown inside a transaction when a guard statement touched no row; the caller maps it to a typed error. */
export class GuardMissedError extends Error {
  constructor() {
    super('guard missed');
  }
}

export interface RunOptions {
  /** A statement that must touch exactly one row (`... RETURNING 1`), or the command is void. */
  readonly guard?: Guard;
  /** Rows the write locks and needs before it writes (a job's lease): see `Hold`. */
  readonly hold?: Hold;
  readonly depth?: number;
  /** Tasks the guard closes, so the cache forgets them. */
  readonly endsTasks?: readonly string[];
  /** Rewrites the step's effects before they are saved (drop what the guard already did, add a reason). */
  readonly adjust?: (effects: readonly Effect[]) => readonly Effect[];
}

/** Which targets of a broadcast the caller may reach (a signal sent through the API). */
export interface BroadcastFilter {
  instance(row: InstanceRow): Promise<boolean>;
  start(processId: string): Promise<boolean>;
}

/** Nested commands (child instances, parents, signals) deeper than this are a modelling loop. */
const MAX_DEPTH = 32;

export type DefinitionRef = { readonly id: string; readonly process_id: string; readonly version: number };

export interface StartRequest {
  readonly definitionId: string;
  /** The definition's row when the caller has read it already (saves a round trip). */
  readonly definition?: DefinitionRef;
  /** The definition came from the in-memory cache: write only if it is still the latest version. */
  readonly onlyIfLatest?: boolean;
  /**
   * The process's access lists the start was decided on came from the engine's memory: write only
   * if the database still holds exactly these (checked inside the insert).
   */
  readonly accessAsDecided?: ProcessAccess;
  readonly instanceId?: string;
  readonly startEventId?: string;
  readonly variables: Variables;
  readonly businessKey?: string | null;
  readonly parent?: { readonly instanceId: string; readonly tokenId: string };
  /** The triggers of a parallel multiple start event's gathering that start it (start-gathering.ts). */
  readonly gathered?: readonly GatheredTrigger[];
}

/**
 * Load -> step -> save state + effects, inside the caller's transaction. Every public command of
 * the engine ends up here, and so do the nested ones a step causes (child instances, the parent's
 * `child.completed`, signal deliveries), in the same transaction.
 */
export class CommandRunner {
  readonly cache = new InstanceCache();
  /** Called after a commit that created jobs (the engine wakes its executor). */
  onJobCreated: (() => void) | undefined;

  /** Who is in a group, for assignment strategies (docs/TEAMS.md). */
  directory: TeamDirectory = CANDIDATE_USERS_ONLY;

  /** The latest version of each decision business rule tasks asked for. */
  readonly decisions = new DecisionCache();
  /** Business calendars for elements that count working time (docs/TEAMS.md). */
  readonly calendars = new CalendarCache();
  /** The calendar each group has, for user tasks whose process names none. */
  readonly groupCalendars = new GroupCalendarCache();

  constructor(readonly models: ModelCache) {}

  /**
   * Loads an instance row. In a transaction it takes the row lock at once: the instance row is
   * the first lock every command holds (one lock order, no deadlocks), and a concurrent command
   * on the same instance waits here instead of failing its version check later.
   */
  async load(cx: TxContext, instanceId: string): Promise<InstanceRow> {
    return cx.inTransaction ? this.lock(cx, instanceId) : this.#read(cx, instanceId);
  }

  /**
   * Reads an instance row `FOR NO KEY UPDATE` (the strength of the write's own UPDATE): a command
   * that must not lose to a concurrent one on the same instance waits for it here, then reads
   * the committed result. Only in a transaction, or the lock ends with the statement.
   */
  async lock(cx: TxContext, instanceId: string): Promise<InstanceRow> {
    if (!cx.inTransaction) throw new NeedsTransactionError();
    const row = await cx.trx
      .selectFrom('instances')
      .selectAll()
      .where('id', '=', instanceId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!row) throw new InstanceNotFoundError(instanceId);
    return row;
  }

  async #read(cx: TxContext, instanceId: string): Promise<InstanceRow> {
    const row = await cx.trx
      .selectFrom('instances')
      .selectAll()
      .where('id', '=', instanceId)
      .executeTakeFirst();
    if (!row) throw new InstanceNotFoundError(instanceId);
    return row;
  }

  /** Runs `command` on an existing, active instance. `guard` must touch one row or the command is void. */
  async run(
    cx: TxContext,
    instance: string | InstanceRow,
    command: Command,
    options: RunOptions = {},
  ): Promise<StepResult> {
    return (await this.#advance(cx, instance, command, options)).result;
  }

  /**
   * Runs `command` on the instance row given and returns the row as this transaction left it, so
   * the next command on the same instance in the same transaction needs no read (a batch of
   * sibling job completions). In a transaction only: the row must be locked by `load` first.
   */
  async advance(
    cx: TxContext,
    row: InstanceRow,
    command: Command,
    options: RunOptions = {},
  ): Promise<InstanceRow> {
    if (!cx.inTransaction) throw new NeedsTransactionError();
    const { written, effects } = await this.#advance(cx, row, command, options);
    // A follow-up (a signal to itself, a child that ended at once) may have written this instance again.
    return effects.some(isFollowUp) ? this.lock(cx, row.id) : written;
  }

  /**
   * Runs several commands on one instance, one after the other on the state in memory, and saves
   * them as ONE write behind one guard that must touch `guardRows` rows (sibling job completions:
   * one lock, one statement, one commit for the lot). Returns undefined, having written nothing,
   * when they cannot go together: a step hands work to other instances (a follow-up, which must
   * run between the steps), or the instance ends before the last command. In a transaction, the
   * row must be locked by `load` first; outside one (a row this engine wrote last), `hold` must
   * make the guard part of the write, which then stands only if the row was still at its version.
   */
  async advanceAll(
    cx: TxContext,
    row: InstanceRow,
    items: readonly { readonly command: Command; readonly adjust?: RunOptions['adjust'] }[],
    guard: Guard,
    guardRows: number,
    hold?: Hold,
  ): Promise<InstanceRow | undefined> {
    if (!cx.inTransaction && !hold) throw new NeedsTransactionError();
    if (row.status !== 'active') throw new InstanceNotActiveError(row.id, row.status);
    const model = await this.models.get(row.definition_id, cx.trx);
    let state = readState(row.state, row.id);
    const effects: Effect[] = [];
    for (const item of items) {
      if (state.status !== 'active') return undefined;
      const result = await this.#step(cx, model, state, item.command, row.id);
      const stepEffects = item.adjust ? item.adjust(result.effects) : result.effects;
      if (stepEffects.some(isFollowUp)) return undefined;
      effects.push(...stepEffects);
      state = result.state;
    }
    return this.#save(cx, row, model, state, effects, guard, false, {}, undefined, guardRows, hold);
  }

  async #advance(
    cx: TxContext,
    instance: string | InstanceRow,
    command: Command,
    options: RunOptions,
  ): Promise<{ result: StepResult; written: InstanceRow; effects: readonly Effect[] }> {
    const row = typeof instance === 'string' ? await this.load(cx, instance) : instance;
    if (row.status !== 'active') throw new InstanceNotActiveError(row.id, row.status);
    const model = await this.models.get(row.definition_id, cx.trx);
    const result = await this.#step(cx, model, readState(row.state, row.id), command, row.id);
    const effects = options.adjust ? options.adjust(result.effects) : result.effects;
    const written = await this.#save(
      cx,
      row,
      model,
      result.state,
      effects,
      options.guard,
      false,
      {},
      options.endsTasks,
      1,
      options.hold,
    );
    await this.#followUps(cx, row, effects, options.depth ?? 0);
    return { result, written, effects };
  }

  /** Starts a new instance of a definition (a root, a called child, or a message/signal/timer start). */
  async start(cx: TxContext, request: StartRequest, depth = 0): Promise<InstanceRow> {
    const definition =
      request.definition ??
      (await cx.trx
        .selectFrom('definitions')
        .select(['id', 'process_id', 'version'])
        .where('id', '=', request.definitionId)
        .executeTakeFirst());
    if (!definition) throw new DefinitionNotFoundError(request.definitionId);
    const model = await this.models.get(definition.id, cx.trx);
    const instanceId = request.instanceId ?? newId();
    const command: Command = {
      type: 'start',
      variables: request.variables,
      ...(request.startEventId ? { startEventId: request.startEventId } : {}),
      ...(request.parent ? { parentInstanceId: request.parent.instanceId } : {}),
      ...(request.gathered ? { gathered: request.gathered } : {}),
    };
    const result = await this.#step(cx, model, null, command, instanceId);
    const row: InstanceRow = {
      id: instanceId,
      definition_id: definition.id,
      process_id: definition.process_id,
      definition_version: definition.version,
      status: result.state.status,
      version: 1,
      history_seq: 0,
      state: result.state,
      business_key: request.businessKey ?? null,
      started_at: cx.now,
      started_by: cx.actor,
      ended_at: result.state.status === 'active' ? null : cx.now,
      parent_instance_id: request.parent?.instanceId ?? null,
      parent_token_id: request.parent?.tokenId ?? null,
    };
    try {
      await this.#save(cx, row, model, result.state, result.effects, undefined, true, {
        ...(request.onlyIfLatest === true ? { onlyIfLatestVersion: definition.version } : {}),
        ...(request.accessAsDecided ? { accessAsDecided: request.accessAsDecided } : {}),
      });
    } catch (error) {
      // A newer version was deployed elsewhere: forget the cached one; the retry reads the latest.
      if (error instanceof ConcurrencyError && request.onlyIfLatest)
        this.models.forgetLatest(definition.process_id);
      throw error;
    }
    await this.#followUps(cx, row, result.effects, depth);
    return row;
  }

  /** The pure step, with call-activity lookups served from the cache (re-stepped once after a miss). */
  async #step(
    cx: TxContext,
    model: ProcessModel,
    state: InstanceState | null,
    command: Command,
    instanceId: string,
  ): Promise<StepResult> {
    const missing = new Set<string>();
    // Decisions served to the step, by id -> version (undefined: none known): checked against the
    // database after the step, since a business rule task runs the latest version there is.
    const served = new Map<string, number | undefined>();
    // Calendars served to the step, by id -> version, checked the same way.
    const calendars = new Map<string, number | undefined>();
    // Group calendars served to the step, by group -> calendar id (null: none; undefined: unknown).
    const groups = new Map<string, string | null | undefined>();
    const ctx: StepContext = {
      now: cx.now,
      newId,
      instanceId,
      findProcess: (processId) => {
        const found = this.models.latestModel(processId);
        if (!found) missing.add(processId);
        return found;
      },
      findDecision: (decisionId) => {
        const found = this.decisions.latest(decisionId);
        served.set(decisionId, found?.version);
        return found;
      },
      findCalendar: (calendarId) => {
        const found = this.calendars.get(calendarId);
        calendars.set(calendarId, found?.version);
        return found?.time;
      },
      findGroupCalendar: (group) => {
        const found = this.groupCalendars.get(group);
        groups.set(group, found);
        return found ?? undefined;
      },
    };
    let result = step(model, state, command, ctx);
    if (groups.size > 0 && (await this.groupCalendars.refresh(groups, cx.trx))) {
      // A group's calendar became known: step again, so the calendar it names is asked for too.
      missing.clear();
      served.clear();
      calendars.clear();
      groups.clear();
      result = step(model, state, command, ctx);
    }
    if (missing.size === 0 && served.size === 0 && calendars.size === 0) return result;
    let loaded = await this.decisions.refresh(served, cx.trx);
    loaded = (await this.calendars.refresh(calendars, cx.trx)) || loaded;
    for (const processId of missing) loaded = (await this.models.refreshLatest(processId, cx.trx)) || loaded;
    return loaded ? step(model, state, command, ctx) : result;
  }

  async #save(
    cx: TxContext,
    row: InstanceRow,
    model: ProcessModel,
    state: InstanceState,
    stepEffects: readonly Effect[],
    guard: Guard | undefined,
    insert = false,
    insertChecks: InsertChecks = {},
    endedTaskIds?: readonly string[],
    guardRows = 1,
    hold?: Hold,
  ): Promise<InstanceRow> {
    if (!cx.inTransaction && stepEffects.some(isFollowUp)) throw new NeedsTransactionError();
    const ended = state.status !== 'active';
    // Who gets a new task (docs/TEAMS.md): strategies are decided before the write; a plain
    // assignee is checked for absence inside the write, which is redone only if someone is away.
    let effects = stepEffects;
    const needs = assignmentNeeds(model, effects);
    const decide = () =>
      decideAssignments(cx.trx, cx.now, model, row.process_id, stepEffects, this.directory);
    if (needs?.strategies) {
      // A strategy reads and moves the rotation: that and the write are one transaction.
      if (!cx.inTransaction) throw new NeedsTransactionError();
      effects = await decide();
    }
    const planFor = (effects: readonly Effect[], presentAssignees?: readonly string[]) =>
      buildWritePlan({
        instance: {
          id: row.id,
          status: state.status,
          state,
          endedAt: ended ? cx.now : null,
          ...(insert
            ? {
                insert: {
                  definitionId: row.definition_id,
                  processId: row.process_id,
                  definitionVersion: row.definition_version,
                  businessKey: row.business_key,
                  startedBy: cx.actor,
                  parentInstanceId: row.parent_instance_id,
                  parentTokenId: row.parent_token_id,
                  ...insertChecks,
                },
              }
            : { expectedVersion: row.version }),
        },
        definitionId: row.definition_id,
        processId: model.id,
        now: cx.now,
        actor: cx.actor,
        ...(guard ? { guard } : {}),
        effects: netEffects(effects),
        ...(presentAssignees ? { presentAssignees } : {}),
        ...(hold && !insert ? { hold } : {}),
      });
    const write = (plan: ReturnType<typeof buildWritePlan>) =>
      cx.trx.executeQuery(plan).catch((error: unknown) => {
        // Outside a transaction a write lost with its connection may or may not have committed:
        // say so as StoreUnavailableError, which `transact` never runs again on its own.
        throw cx.inTransaction ? error : translateStoreError(error);
      });
    let { rows } = await write(planFor(effects, needs && !needs.strategies ? needs.assignees : undefined));
    if (rows[0]?.away === true && (rows[0].seq === null || rows[0].seq === undefined)) {
      // Nothing was written (the away check is part of the instance write): decide and write
      // again, in a transaction (a single-statement command runs again as one).
      if (!cx.inTransaction) throw new NeedsTransactionError();
      effects = await decide();
      ({ rows } = await write(planFor(effects)));
    }
    const outcome = rows[0];
    if (outcome?.seq === null || outcome?.seq === undefined) {
      this.cache.forget(row.id);
      throw new ConcurrencyError(row.id, row.version);
    }
    if (guard && Number(outcome?.guarded ?? 0) < guardRows) throw new GuardMissedError();
    const written: InstanceRow = {
      ...row,
      status: state.status,
      version: insert ? 1 : row.version + 1,
      history_seq: Number(outcome.seq),
      state,
      ended_at: ended ? cx.now : null,
    };
    const created: CachedTask[] = [];
    const closed: string[] = [...(endedTaskIds ?? [])];
    for (const effect of effects) {
      if (effect.type === 'task.create') created.push(cachedTask(effect.task, row.process_id));
      else if (effect.type === 'task.cancel') closed.push(effect.taskId);
      // Facts of an open task changed in the step (its listeners agreed to an assignee, denied a
      // completion): the cache drops it, so the next command on it reads it as written.
      else if (effect.type === 'task.update') closed.push(effect.taskId);
    }
    const previousVersion = insert ? null : row.version;
    cx.afterCommit.push(() => this.cache.remember(written, previousVersion, created, closed));
    if (this.onJobCreated && effects.some((e) => e.type === 'job.create'))
      cx.afterCommit.push(this.onJobCreated);
    this.#recordChanges(cx, row, state, effects, insert, outcome?.task_seqs ?? {});
    return written;
  }

  #recordChanges(
    cx: TxContext,
    row: InstanceRow,
    state: InstanceState,
    effects: readonly Effect[],
    insert: boolean,
    taskSeqs: Readonly<Record<string, number | string>>,
  ) {
    const change = insert ? 'started' : state.status === 'active' ? 'updated' : state.status;
    cx.changes.push({ kind: 'instance', id: row.id, instanceId: row.id, change });
    if (insert && state.status !== 'active') {
      cx.changes.push({ kind: 'instance', id: row.id, instanceId: row.id, change: state.status });
    }
    for (const effect of effects) {
      if (effect.type === 'task.create') {
        const task = taskFromNew(effect.task, row, cx.now, Number(taskSeqs[effect.task.id]));
        cx.changes.push({ kind: 'task', id: task.id, instanceId: row.id, change: 'created', task });
      } else if (effect.type === 'task.cancel') {
        cx.changes.push({ kind: 'task', id: effect.taskId, instanceId: row.id, change: 'cancelled' });
      } else if (effect.type === 'task.update') {
        // A completion its listeners finished ('completed') or denied ('created': open again).
        const change = effect.state === 'created' ? 'reopened' : (effect.state ?? 'updated');
        cx.changes.push({ kind: 'task', id: effect.taskId, instanceId: row.id, change });
      }
    }
  }

  /** Effects that are commands on other instances, run in the same transaction. */
  async #followUps(
    cx: TxContext,
    row: InstanceRow,
    effects: readonly Effect[],
    depth: number,
  ): Promise<void> {
    if (depth > MAX_DEPTH) throw new Error(`Commands nested deeper than ${MAX_DEPTH}: a call or signal loop`);
    for (const effect of effects) {
      switch (effect.type) {
        case 'child.start': {
          const definitionId = await this.latestDefinitionId(cx, effect.processId);
          await this.start(
            cx,
            {
              definitionId,
              instanceId: effect.childInstanceId,
              variables: effect.variables,
              parent: { instanceId: row.id, tokenId: effect.parentTokenId },
            },
            depth + 1,
          );
          break;
        }
        case 'child.cancel': {
          const child = await cx.trx
            .selectFrom('instances')
            .selectAll()
            .where('id', '=', effect.childInstanceId)
            .executeTakeFirst();
          if (child && child.status === 'active') {
            await this.run(cx, child, { type: 'instance.cancel' }, { depth: depth + 1 });
          }
          break;
        }
        case 'parent.notify': {
          if (row.parent_instance_id) {
            await this.run(cx, row.parent_instance_id, effect.command, { depth: depth + 1 });
          }
          break;
        }
        case 'signal.broadcast': {
          // The thrower's own catch events already got the signal inside its step.
          const others: BroadcastFilter | undefined = effect.otherInstancesOnly
            ? { instance: async (target) => target.id !== row.id, start: async () => true }
            : undefined;
          await this.broadcast(cx, effect.signalName, effect.variables, depth + 1, others);
          break;
        }
        default:
          break;
      }
    }
  }

  /** Delivers a signal to every waiting subscription and signal start event; returns how many. */
  async broadcast(
    cx: TxContext,
    signalName: string,
    variables: Variables,
    depth = 0,
    filter?: BroadcastFilter,
  ): Promise<number> {
    const subscriptions = await cx.trx
      .selectFrom('signal_subscriptions')
      .select(['id', 'instance_id'])
      .where('signal_name', '=', signalName)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    let delivered = 0;
    for (const subscription of subscriptions) {
      // An earlier delivery in this broadcast may have ended the instance or dropped the subscription.
      const still = await cx.trx
        .selectFrom('signal_subscriptions')
        .select('id')
        .where('id', '=', subscription.id)
        .executeTakeFirst();
      if (!still) continue;
      const instance = await this.load(cx, subscription.instance_id);
      if (instance.status !== 'active') continue;
      if (filter && !(await filter.instance(instance))) continue;
      await this.run(
        cx,
        instance,
        { type: 'signal.receive', subscriptionId: subscription.id, variables },
        { depth },
      );
      delivered++;
    }
    const starts = await cx.trx
      .selectFrom('start_subscriptions')
      .select(['definition_id', 'element_id', 'process_id'])
      .where('kind', '=', 'signal')
      .where('name', '=', signalName)
      .orderBy('process_id')
      .execute();
    for (const start of starts) {
      if (filter && !(await filter.start(start.process_id))) continue;
      delivered++;
      const model = await this.models.get(start.definition_id, cx.trx);
      if (parallelStartDefinitions(model, start.element_id)) {
        await gatherStartTrigger(
          cx,
          this,
          {
            definitionId: start.definition_id,
            elementId: start.element_id,
            kind: 'signal',
            name: signalName,
            variables,
          },
          depth,
        );
        continue;
      }
      await this.start(
        cx,
        { definitionId: start.definition_id, startEventId: start.element_id, variables },
        depth,
      );
    }
    return delivered;
  }

  /** The id of the latest version of `processId`, read inside the transaction. */
  async latestDefinitionId(cx: TxContext, processId: string, version?: number): Promise<string> {
    return (await this.latestDefinition(cx, processId, version)).id;
  }

  /** The latest (or the given) version of `processId`. */
  async latestDefinition(cx: TxContext, processId: string, version?: number): Promise<DefinitionRef> {
    const { rows } = await cx.trx.executeQuery(
      version === undefined
        ? (CompiledQuery.raw(
            `${PREPARE}SELECT id, process_id, version FROM definitions WHERE process_id = $1 ORDER BY version DESC LIMIT 1`,
            [processId],
          ) as CompiledQuery<DefinitionRef>)
        : (CompiledQuery.raw(
            'SELECT id, process_id, version FROM definitions WHERE process_id = $1 AND version = $2',
            [processId, version],
          ) as CompiledQuery<DefinitionRef>),
    );
    const found = rows[0];
    if (!found) throw new DefinitionNotFoundError(processId, version);
    return found;
  }
}

/** Effects that run further commands, so they need the whole command in one transaction. */
function isFollowUp(effect: Effect): boolean {
  return (
    effect.type === 'child.start' ||
    effect.type === 'child.cancel' ||
    effect.type === 'parent.notify' ||
    effect.type === 'signal.broadcast'
  );
}

/** A new task's facts as the policy sees them, for the instance cache. */
function cachedTask(task: NewUserTask, processId: string): CachedTask {
  return {
    id: task.id,
    processId,
    state: 'created',
    assignee: task.assignee,
    owner: null,
    delegated: false,
    candidateUsers: task.candidateUsers,
    candidateGroups: task.candidateGroups,
    formId: task.formId,
  };
}

/**
 * A guard that marks one open task completed (or cancelled, for a return) by this actor;
 * `claimFor` also makes that user its assignee (a candidate completing an unclaimed task).
 */
export function taskGuard(
  taskId: string,
  state: 'completed' | 'completing' | 'cancelled',
  cx: TxContext,
  claimFor?: string,
): Guard {
  return (written, p) => `UPDATE user_tasks SET state = ${p.add(state, 'text')},
      completed_at = ${p.add(cx.now, 'timestamptz')}, completed_by = ${p.add(cx.actor, 'text')}${
        claimFor === undefined ? '' : `, assignee = ${p.add(claimFor, 'text')}`
      }
    WHERE id = ${p.add(taskId, 'uuid')} AND state = 'created' AND ${written} RETURNING 1`;
}

/**
 * The leases `jobsGuard` checks, as rows the write locks before it writes: a completion of jobs
 * on an instance this engine wrote last can then run as ONE statement outside a transaction.
 */
export function jobLeases(jobIds: readonly string[], workerId: string, cx: TxContext): Hold {
  return {
    // One probe of the primary key per job (a lateral subquery per id). Matched against the
    // whole list at once, the planner priced ten random reads against one pass over the table,
    // and chose the pass whenever the table was small, though a queue's table is mostly dead rows
    // (`test/engine/job-plans.test.ts`).
    select: (p) => `SELECT 1 FROM unnest(${p.add(jobIds, 'uuid[]')}) AS k(id),
      LATERAL (SELECT 1 FROM jobs WHERE jobs.id = k.id AND ${leaseHeld(workerId, cx, p)} FOR UPDATE SKIP LOCKED) j`,
    count: jobIds.length,
  };
}

/** A job row's lease is still `workerId`'s at the command's instant: the one condition every job guard checks. */
function leaseHeld(workerId: string, cx: TxContext, p: SqlParams): string {
  return `locked_by = ${p.add(workerId, 'text')} AND locked_until >= ${p.add(cx.now, 'timestamptz')}`;
}

/** `jobGuard` for several jobs of one worker at once: touches as many rows as it still holds. */
export function jobsGuard(jobIds: readonly string[], workerId: string, cx: TxContext): Guard {
  return (written, p) =>
    `DELETE FROM jobs WHERE id = ${p.ids(jobIds)} AND ${leaseHeld(workerId, cx, p)} AND ${written} RETURNING 1`;
}

/** A guard that removes a job only if this worker still holds its lease (null worker: any lock, for engine-side commands). */
export function jobGuard(jobId: string, workerId: string | null, cx: TxContext): Guard {
  return (written, p) =>
    workerId === null
      ? `DELETE FROM jobs WHERE id = ${p.add(jobId, 'uuid')} AND ${written} RETURNING 1`
      : `DELETE FROM jobs WHERE id = ${p.add(jobId, 'uuid')} AND ${leaseHeld(workerId, cx, p)} AND ${written} RETURNING 1`;
}
