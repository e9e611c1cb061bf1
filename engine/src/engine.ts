import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type {
  BulkRetryReport,
  DefinitionSummary,
  DeployOptions,
  DeployResult,
  MessageCorrelation,
  FetchRequest,
  HistoryEvent,
  Incident,
  IncidentFilter,
  InstanceDetail,
  InstanceFilter,
  InstanceSummary,
  Job,
  JobFilter,
  JobHandler,
  KpiSummary,
  Page,
  Task,
  TaskFilter,
} from './api.js';
import { BatchLoop } from './batches/loop.js';
import { type BatchOperation, runBatchChunk } from './batches/runner.js';
import {
  changeState,
  checkRequest as checkBatchRequest,
  dryRun as batchDryRun,
  failuresOf,
  insertBatch,
  listBatches,
  MAX_FAILURES_PAGE,
  readBatch,
} from './batches/store.js';
import type { Batch, BatchDetail, BatchDryRun, BatchRequest, BatchState } from './batches/types.js';
import { type ChangeEvent, ChangeFeed, type ChangeListener } from './change-feed.js';
import { type Clock, systemClock } from './clock.js';
import { CommandRunner } from './command-runner.js';
import {
  checkConditionalStarts,
  type ConditionEvaluation,
  evaluateConditionalStarts,
} from './conditional-start.js';
import { cachedTaskOf } from './instance-cache.js';
import type { Database } from './database.js';
import { assertValid, saveDeployment } from './deploy.js';
import { compileDmn } from './dmn/compile.js';
import { DecisionEvaluationError, evaluateDecision, type GraphEvaluation } from './dmn/evaluate.js';
import {
  type DecisionEvaluationFilter,
  listDecisionEvaluations,
  recordDecisionEvaluation,
  type StoredDecisionEvaluation,
} from './dmn/evaluations.js';
import {
  type DecisionDeployResult,
  type DecisionDetail,
  type DecisionSummary,
  findDecision,
  findDecisionVersion,
  listDecisions,
  saveDecisions,
} from './dmn/store.js';
import {
  BatchNotFoundError,
  ConcurrencyError,
  DecisionEvaluationFailedError,
  DecisionNotFoundError,
  DefinitionInvalidError,
  DefinitionNotFoundError,
  EngineError,
  ExpressionError,
  ForbiddenError,
  InstanceNotFoundError,
  InvalidArgumentError,
} from './errors.js';
import { actorOf, type Identity, type ProcessAccess, policy, SYSTEM, systemIdentity } from './identity.js';
import { mayDeliverTo, type StartCheck, takesPartIn } from './job-variables.js';
import { JobExecutor, type ExecutorOptions } from './jobs/executor.js';
import { listJobs } from './jobs/job-queries.js';
import { runClaimedJob } from './jobs/job-runner.js';
import { JobOperations } from './job-operations.js';
import {
  checkRequest,
  type MigrationReport,
  type MigrationRequest,
  migrateInstance,
} from './migration/migrate.js';
import { ModelCache } from './model-cache.js';
import { listStartGatherings, type StartGathering } from './start-gathering.js';
import {
  MAX_TTL_DAYS,
  readRetention,
  type SweepOptions,
  type SweepResult,
  sweepDecisionEvaluations,
  sweepExpired,
  writeRetention,
} from './retention.js';
import { compileBpmn } from './model/compile.js';
import { ReadRouter, type ReplicaStatus } from './replica.js';
import type { DeployIssue, EventElement, ProcessModel } from './model/types.js';
import { readAllProcessAccess, readProcessAccess, replaceProcessAccess } from './persistence/access.js';
import { getDefinition, getLatestDefinition, listDefinitions } from './persistence/definitions.js';
import { isUuid } from './persistence/ids.js';
import {
  detailFromRow,
  findIncidents,
  getHistory,
  getInstanceDetail,
  listIncidents,
  listInstances,
} from './persistence/instance-queries.js';
import { processKpis } from './persistence/kpis.js';
import { prepareHistoryMonths } from './persistence/history-partitions.js';
import { migrateToLatest } from './persistence/migrations.js';
import type { DB } from './persistence/schema.js';
import { InstanceTaskLookups, isInstanceLookup } from './persistence/instance-tasks.js';
import { getTask, listTasks } from './persistence/task-queries.js';
import type { InstanceState, JobResult, Variables } from './runtime/types.js';
import {
  assertManages,
  once,
  type TaskChangeset,
  type TaskDataCheck,
  TaskOperations,
} from './task-operations.js';
import { readAgainOnLostConnection, type TxContext, transact, translateStoreError } from './transaction.js';
import {
  type Absence,
  type AbsenceFilter,
  type AbsenceInput,
  deleteAbsence,
  insertAbsence,
  listAbsences,
  resolveSubstitute,
  type Substitution,
} from './teams/absences.js';
import type { TeamDirectory } from './teams/directory.js';
import { type MemberLoad, teamLoad } from './teams/load.js';
import type { BusinessCalendar } from './calendar/calendar.js';
import { NO_CALENDAR } from './calendar/property.js';
import {
  CalendarNotFoundError,
  deleteCalendar,
  findCalendar,
  listCalendars,
  listGroupCalendars,
  saveCalendar,
  setGroupCalendar,
  type StoredCalendar,
} from './calendar/store.js';

/** Where the engine logs; pino's shape, and `console` fits too. */
export interface EngineLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface EngineOptions {
  readonly database: Database;
  readonly clock?: Clock;
  /** Names this process's job leases; unique per process (default: a random id). */
  readonly workerId?: string;
  readonly logger?: EngineLogger;
  /** Who is in a group, for `baton:assignment` strategies (default: candidate users only). */
  readonly directory?: TeamDirectory;
  /**
   * A read replica of `database` (a PostgreSQL streaming standby, opened with `readOnly: true`)
   * for the lists that tolerate its delay: task lists and their counts (not one instance's
   * tasks), instance lists, KPIs, the incident and job lists, team load. Everything else reads
   * and writes the primary; a replica that does not answer sends those lists to the primary too
   * (see ReadRouter, docs/OPERATIONS.md "Read replica").
   */
  readonly replica?: Database;
}

/** Reads fail like commands do: a lost database is StoreUnavailableError, retryable. */
function read<T>(query: () => Promise<T>): Promise<T> {
  return readAgainOnLostConnection(query);
}

/** Claims are writes: a lost connection is reported (as StoreUnavailableError), never retried here. */
function storeFailure(error: unknown): never {
  throw translateStoreError(error);
}

/** The policy's answers for one identity, for lists and screens. */
export interface AccessView {
  /** Manages every process there is: lists need no process filter. */
  readonly managesEverything: boolean;
  manages(processId: string): boolean;
  mayStart(processId: string): boolean;
}

function startFormId(model: ProcessModel): string | null {
  const startId = model.scopes[model.id]?.noneStartEventId;
  const start = startId === undefined ? undefined : (model.elements[startId] as EventElement | undefined);
  return start?.formId ?? null;
}

/** The most incidents one bulk retry takes on; more are retried by calling again. */
const MAX_BULK_RETRY = 1000;

const silentLogger: EngineLogger = { info() {}, warn() {}, error() {} };

/**
 * Opens the engine on a database: runs the migrations, then returns the engine.
 *
 * @example
 * const database = await openDatabase({ url: process.env.DATABASE_URL });
 * const engine = await createEngine({ database });
 * await engine.deploy(xml);
 * const instance = await engine.startInstance({ processId: 'order', variables: { amount: 10 } });
 */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  await migrateToLatest(options.database.db);
  // History's partitions for this month and the next (each retention sweep does it again).
  await prepareHistoryMonths(options.database.db, (options.clock ?? systemClock).now());
  return new Engine(options);
}

/**
 * The durable shell around the pure runtime: every command is ONE transaction that loads the
 * instance, steps it, saves the new state with an optimistic version check and applies the
 * effects (tasks, jobs, subscriptions, incidents, history, child instances).
 */
export class Engine {
  readonly clock: Clock;
  readonly #db: Kysely<DB>;
  /** Decides primary or replica for each read that is not part of a command. */
  readonly #reads: ReadRouter;
  readonly #logger: EngineLogger;
  readonly #feed = new ChangeFeed();
  readonly #models: ModelCache;
  /**
   * Each process's access lists as this engine last read them, for deciding starts without a read
   * (the insert checks they are unchanged). One entry per deployed process that was started.
   */
  readonly #startAccess = new Map<string, ProcessAccess>();
  readonly #runner: CommandRunner;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #executor: JobExecutor;
  readonly #tasks: TaskOperations;
  readonly #jobs: JobOperations;
  readonly #batches: BatchLoop;
  /** By-instance task lookups; those asked while one is in flight go together (one statement). */
  readonly #lookups: InstanceTaskLookups;
  readonly workerId: string;

  constructor(options: EngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.#db = options.database.db as Kysely<DB>;
    this.#lookups = new InstanceTaskLookups(this.#db);
    this.#logger = options.logger ?? silentLogger;
    this.#reads = new ReadRouter({
      primary: this.#db,
      replica: options.replica?.db as Kysely<DB> | undefined,
      clock: this.clock,
      logger: this.#logger,
    });
    this.workerId = options.workerId ?? `engine-${randomUUID()}`;
    this.#models = new ModelCache(this.#db);
    this.#runner = new CommandRunner(this.#models);
    if (options.directory) this.#runner.directory = options.directory;
    const tx = <T>(
      identity: Identity,
      work: (cx: TxContext) => Promise<T>,
      options?: { readonly singleStatement?: boolean; readonly actor?: string | null },
    ) => this.#transact(identity, work, options);
    this.#tasks = new TaskOperations(this.#runner, tx);
    this.#jobs = new JobOperations(this.#db, this.#runner, tx, this.clock);
    // A command that creates a job due now wakes this process's executor instead of waiting a poll.
    this.#runner.onJobCreated = () => this.#executor.poke();
    this.#executor = new JobExecutor({
      db: this.#db,
      clock: this.clock,
      workerId: this.workerId,
      serviceTypes: () => [...this.#handlers.keys()],
      logger: this.#logger,
      runJob: (job) =>
        runClaimedJob(
          {
            runner: this.#runner,
            workerId: this.workerId,
            handlers: this.#handlers,
            transact: (work, options) => this.#transact(SYSTEM, work, options),
            now: () => this.clock.now(),
            logger: this.#logger,
            onReleased: () => this.#executor.poke(),
          },
          job,
        ),
    });
    this.#batches = new BatchLoop(this.#batchDeps(), this.#logger);
  }

  #batchDeps() {
    return {
      db: this.#db,
      workerId: this.workerId,
      transact: <T>(work: (cx: TxContext) => Promise<T>) => this.#transact(SYSTEM, work),
      operate: this.#batchOperation,
    };
  }

  /** One batch item's command, in the item's transaction, as the batch's creator (see batches/runner). */
  readonly #batchOperation: BatchOperation = async (cx, kind, parameters, instanceId, identity) => {
    switch (kind) {
      case 'cancel':
      case 'variables': {
        const instance = await this.#runner.load(cx, instanceId);
        await assertManages(cx, identity, instance);
        await this.#runner.run(
          cx,
          instance,
          kind === 'cancel'
            ? { type: 'instance.cancel' }
            : { type: 'variables.set', variables: parameters.variables ?? {} },
        );
        return;
      }
      case 'retry':
        return this.#jobs.retryOpenIncidents(cx, instanceId, identity, parameters.retries);
      case 'migrate':
        await migrateInstance(
          cx,
          { runner: this.#runner, models: this.#models },
          instanceId,
          {
            targetDefinitionId: parameters.targetDefinitionId ?? '',
            ...(parameters.mappings ? { mappings: parameters.mappings } : {}),
            ...(parameters.reason ? { reason: parameters.reason } : {}),
          },
          identity,
        );
        return;
    }
  };

  #transact<T>(
    identity: Identity,
    work: (cx: TxContext) => Promise<T>,
    options?: { readonly singleStatement?: boolean; readonly actor?: string | null },
  ): Promise<T> {
    return transact({ db: this.#db, clock: this.clock, feed: this.#feed }, identity, work, options);
  }

  // ---- definitions ----

  /** Compiles, checks and stores every executable process of a BPMN file; throws DefinitionInvalidError. */
  async deploy(xml: string, options: DeployOptions = {}): Promise<DeployResult> {
    const { processes, issues, warnings } = await compileBpmn(xml);
    assertValid(issues);
    if (options.extraChecks) assertValid(await options.extraChecks(processes.map(formsOf)));
    const { dropped, ...result } = await this.#transact(systemIdentity(options.actor ?? null), (cx) =>
      saveDeployment(cx, this.#models, xml, processes, options),
    );
    // Only after commit: the cache must never name a version that was rolled back.
    result.definitions.forEach((definition, i) => {
      const model = processes[i];
      if (model) this.#models.markLatest(definition.id, definition.version, model);
    });
    return { ...result, warnings: [...warnings, ...dropped] };
  }

  /**
   * Every problem deploying `xml` would report (empty when it is deployable), then the warnings
   * it would report (`severity: 'warning'`), which do not block deploy. `extraChecks` runs as at
   * deploy when the file compiles.
   */
  async validate(xml: string, options: Pick<DeployOptions, 'extraChecks'> = {}): Promise<DeployIssue[]> {
    const { processes, issues, warnings } = await compileBpmn(xml);
    const extra =
      options.extraChecks && issues.length === 0 ? await options.extraChecks(processes.map(formsOf)) : [];
    return [...issues, ...extra, ...warnings];
  }

  /**
   * Compiles, checks and stores every decision of a DMN 1.3 file (each versioned by its decision
   * id); throws DefinitionInvalidError with every problem, on the ids of the decisions, inputs and
   * rules. Business rule tasks evaluate the latest version from then on.
   */
  async deployDecisions(
    xml: string,
    options: { readonly actor?: string | null } = {},
  ): Promise<DecisionDeployResult> {
    const { graph, issues } = await compileDmn(xml);
    if (!graph || issues.length > 0) throw new DefinitionInvalidError(issues, 'DMN');
    const result = await this.#transact(systemIdentity(options.actor ?? null), (cx) =>
      saveDecisions(cx, xml, graph, options.actor ?? null),
    );
    // Only after commit, as for processes.
    for (const decision of result.decisions)
      this.#runner.decisions.remember({
        key: decision.id,
        decisionId: decision.decisionId,
        version: decision.version,
        graph,
      });
    return result;
  }

  /** Deployed decisions, every version or the latest of each. */
  listDecisions(filter?: { decisionId?: string; latestOnly?: boolean }): Promise<DecisionSummary[]> {
    return read(() => listDecisions(this.#db, filter));
  }

  listDefinitions(filter?: { processId?: string; latestOnly?: boolean }): Promise<DefinitionSummary[]> {
    return read(() => listDefinitions(this.#db, filter));
  }

  /**
   * The open gatherings of the parallel multiple start events of `processId` (every version that
   * has one): which triggers happened, which are missing, how many wait for the next gathering.
   * DefinitionNotFoundError for an unknown process.
   */
  listStartGatherings(filter: { processId: string }): Promise<StartGathering[]> {
    return read(() => listStartGatherings(this.#db, this.#models, filter.processId, this.clock.now()));
  }

  getDefinition(id: string): Promise<DefinitionSummary & { xml: string }> {
    if (!isUuid(id)) return Promise.reject(new DefinitionNotFoundError(id));
    return read(() => getDefinition(this.#db, id));
  }

  getLatestDefinition(processId: string): Promise<DefinitionSummary> {
    return read(() => getLatestDefinition(this.#db, processId));
  }

  getModel(definitionId: string): Promise<ProcessModel> {
    if (!isUuid(definitionId)) return Promise.reject(new DefinitionNotFoundError(definitionId));
    return read(() => this.#models.get(definitionId));
  }

  /** The form id of the process's none start event, if any. */
  async startFormId(definitionId: string): Promise<string | null> {
    return startFormId(await this.getModel(definitionId));
  }

  // ---- instances ----

  /**
   * Starts an instance of the latest (or the given) version, if the identity may start the
   * process (its starters, read in the same transaction). `check` runs after that decision and
   * before anything is written, with the start form (the caller's form validation).
   */
  async startInstance(
    a: { processId: string; version?: number; variables?: Variables; businessKey?: string },
    identity: Identity,
    check?: StartCheck,
  ): Promise<InstanceDetail> {
    // Runs once, in the first attempt (one statement, no transaction held): a retry in a
    // transaction must not read through another connection while it holds the only one.
    const checkOnce = once(check);
    const row = await this.#transact(
      identity,
      async (cx) => {
        const cached = a.version === undefined ? this.#models.cachedLatest(a.processId) : undefined;
        const definition = cached ?? (await this.#runner.latestDefinition(cx, a.processId, a.version));
        // A person's start is decided on the access lists as the engine last read them, and the
        // insert writes only if the database still holds exactly those: no read before the write.
        // A refusal, a retry in a transaction, or lists not seen yet read them first.
        let remembered: ProcessAccess | undefined;
        if (identity.kind === 'user') {
          remembered = cx.inTransaction ? undefined : this.#startAccess.get(a.processId);
          if (!remembered || !policy.mayStart(identity, remembered)) {
            remembered = undefined;
            const access = await readProcessAccess(cx.trx, a.processId);
            this.#startAccess.set(a.processId, access);
            if (!policy.mayStart(identity, access))
              throw new ForbiddenError(`You may not start the process '${a.processId}'`, identity.id);
          }
        }
        if (check) {
          const model = await this.#models.get(definition.id, cx.trx);
          await checkOnce({ processId: a.processId, formId: startFormId(model) });
        }
        return this.#runner
          .start(cx, {
            definitionId: definition.id,
            definition,
            ...(cached ? { onlyIfLatest: true } : {}),
            ...(remembered ? { accessAsDecided: remembered } : {}),
            variables: a.variables ?? {},
            businessKey: a.businessKey ?? null,
          })
          .catch((error: unknown) => {
            // Nothing was written: the lists (or the latest version) changed; read them again.
            if (error instanceof ConcurrencyError) this.#startAccess.delete(a.processId);
            throw error;
          });
      },
      { singleStatement: true },
    );
    // An incident raised while starting needs its row; otherwise the state at hand is the answer.
    const incident = (row.state as InstanceState).tokens.some((token) => token.wait.kind === 'incident');
    return incident ? this.getInstance(row.id) : detailFromRow(row, []);
  }

  getInstance(id: string): Promise<InstanceDetail> {
    return read(() => getInstanceDetail(this.#db, id));
  }

  listInstances(filter: InstanceFilter): Promise<Page<InstanceSummary>> {
    return this.#reads.lagging((db) => listInstances(db, filter, this.clock.now()));
  }

  /** A manager of the instance's process cancels it. */
  async cancelInstance(id: string, identity: Identity): Promise<void> {
    await this.#tasks.onInstance(id, identity, { type: 'instance.cancel' });
  }

  /**
   * Token modification by a manager of the instance's process: terminate every active instance of
   * the `cancel` elements, then start a token before each `startBefore` element (with variables in
   * the scope it starts in). One transaction; a refused modification changes nothing.
   */
  async modifyInstance(id: string, modification: InstanceModification, identity: Identity): Promise<void> {
    const cancel = modification.cancel ?? [];
    const startBefore = modification.startBefore ?? [];
    if (cancel.length + startBefore.length > 100)
      throw new InvalidArgumentError('At most 100 elements to cancel or start before in one modification');
    if ((modification.reason?.length ?? 0) > 2_000)
      throw new InvalidArgumentError('The reason is longer than 2,000 characters');
    await this.#tasks.onInstance(id, identity, {
      type: 'instance.modify',
      cancel,
      startBefore,
      ...(modification.reason ? { reason: modification.reason } : {}),
    });
  }

  /**
   * Starts inner elements of a running ad-hoc subprocess (Zeebe's "activate activities within an
   * ad-hoc subprocess"), named by its element id or its element instance (token) id; `variables`
   * are set in its scope first. Managers of the process only, as for token modification; one
   * transaction, and an unknown element id refuses the whole request.
   */
  async activateAdHocElements(
    id: string,
    adHocSubProcess: string,
    elementIds: readonly string[],
    variables: Variables | undefined,
    identity: Identity,
  ): Promise<void> {
    await this.#tasks.onInstance(id, identity, {
      type: 'adhoc.activate',
      adHocSubProcess,
      elementIds,
      ...(variables ? { variables } : {}),
    });
  }

  /** A manager of the instance's process sets root variables. */
  async setVariables(id: string, variables: Variables, identity: Identity): Promise<void> {
    await this.#tasks.onInstance(id, identity, { type: 'variables.set', variables });
  }

  getHistory(instanceId: string): Promise<HistoryEvent[]> {
    return read(() => getHistory(this.#db, instanceId));
  }

  // ---- who may do what ----

  /** Who manages and who may start a process (group names; empty: no restriction). */
  getProcessAccess(processId: string): Promise<ProcessAccess> {
    return read(() => readProcessAccess(this.#db, processId));
  }

  /** Every process that names managers or starters. */
  listProcessAccess(): Promise<Map<string, ProcessAccess>> {
    return read(() => readAllProcessAccess(this.#db));
  }

  /** Replaces a process's managers or starters; designers and admins. */
  async setProcessAccess(
    processId: string,
    list: 'managers' | 'starters',
    groups: readonly string[],
    identity: Identity,
  ): Promise<void> {
    if (identity.kind === 'user' && !policy.mayDesign(identity))
      throw new ForbiddenError(
        'Only designers and admins change who manages or starts a process',
        identity.id,
      );
    await this.#transact(identity, async (cx) => {
      await replaceProcessAccess(cx.trx, processId, list, groups);
      cx.afterCommit.push(() => this.#startAccess.delete(processId));
    });
  }

  /**
   * The policy's answers for lists and screens (which processes the identity manages or may
   * start), from one read of the access lists. Commands decide again in their own transaction.
   */
  async accessOf(identity: Identity): Promise<AccessView> {
    const lists = await this.listProcessAccess();
    const of = (processId: string) => lists.get(processId) ?? { managers: [], starters: [] };
    const managesEverything =
      policy.manages(identity, { managers: [], starters: [] }) &&
      [...lists.values()].every((access) => policy.manages(identity, access));
    return {
      managesEverything,
      manages: (processId) => policy.manages(identity, of(processId)),
      mayStart: (processId) => policy.mayStart(identity, of(processId)),
    };
  }

  // ---- tasks ----

  listTasks(filter: TaskFilter): Promise<Page<Task>> {
    if (isInstanceLookup(filter)) {
      // One instance's tasks: one statement, and the instance as read beside its open tasks is
      // remembered, so completing one of them next needs no read (docs/BENCHMARKS.md, paths b, c).
      return read(async () => {
        const { page, open } = await this.#lookups.lookup(filter);
        if (open) this.#runner.cache.prime(open.instance, open.tasks.map(cachedTaskOf));
        return page;
      });
    }
    return this.#reads.lagging((db) => listTasks(db, filter, this.clock.now()));
  }

  getTask(id: string): Promise<Task> {
    return read(() => getTask(this.#db, id));
  }

  /** The caller claims the task (a system identity names the user). */
  claimTask(id: string, identity: Identity, user?: string): Promise<Task> {
    return this.#tasks.claim(id, identity, user);
  }

  unclaimTask(id: string, identity: Identity): Promise<Task> {
    return this.#tasks.unclaim(id, identity);
  }

  /** A manager of the task's process assigns it to a user. */
  assignTask(id: string, user: string, identity: Identity): Promise<Task> {
    return this.#tasks.assign(id, user, identity);
  }

  /**
   * Changes an open task's due and follow-up dates, priority or candidates (Camunda 8's "update
   * user task"): its assignee or a manager of its process. An empty or invalid changeset is
   * InvalidArgumentError. A task with `updating` listeners is returned `updating`: the change
   * takes effect when they agree.
   *
   * @example await engine.updateTask(taskId, { priority: 80, dueDate: '2030-01-31T17:00:00Z' }, identity)
   */
  updateTask(id: string, changes: TaskChangeset, identity: Identity): Promise<Task> {
    return this.#tasks.update(id, changes, identity);
  }

  /**
   * Completes an open task as the identity: its assignee, or a candidate of an unclaimed task
   * (claimed and completed in one statement). `check` runs on the task after the policy allowed
   * it and before anything is written (form validation). TaskNotActiveError when it is done
   * already, ConcurrencyError on a lost race.
   */
  completeTask(id: string, variables: Variables, identity: Identity, check?: TaskDataCheck): Promise<void> {
    return this.#tasks.complete(id, variables, identity, check);
  }

  saveDraft(id: string, variables: Variables, identity: Identity): Promise<Task> {
    return this.#tasks.draft(id, variables, identity);
  }

  handOffTask(
    id: string,
    to: { user?: string; group?: string },
    reason: string,
    identity: Identity,
  ): Promise<Task> {
    return this.#tasks.handOff(id, to, reason, identity);
  }

  delegateTask(id: string, toUser: string, reason: string | null, identity: Identity): Promise<Task> {
    return this.#tasks.delegate(id, toUser, reason, identity);
  }

  resolveTask(id: string, variables: Variables, identity: Identity, check?: TaskDataCheck): Promise<Task> {
    return this.#tasks.resolve(id, variables, identity, check);
  }

  returnTask(id: string, targetElementId: string, reason: string, identity: Identity): Promise<void> {
    return this.#tasks.returnTo(id, targetElementId, reason, identity);
  }

  returnTargets(id: string): Promise<{ elementId: string; name: string }[]> {
    return read(() => this.#tasks.returnTargets(this.#db, id));
  }

  commentTask(id: string, text: string, identity: Identity): Promise<void> {
    return this.#tasks.comment(id, text, identity);
  }

  /**
   * A user leaves (deleted or deactivated): each open task assigned to them goes back to its
   * candidates, and a task they delegated loses them as owner; history says why. Admins only.
   * Returns how many tasks changed.
   */
  releaseTasksOf(user: string, reason: string, identity: Identity): Promise<number> {
    if (identity.kind === 'user' && !policy.mayAdminister(identity))
      return Promise.reject(new ForbiddenError('Only admins release the tasks of a user', identity.id));
    return this.#tasks.releaseAll(this.#db, user, reason, identity);
  }

  // ---- messages and signals ----

  /**
   * Correlates a message to the oldest waiting subscription, or starts a process by its message
   * start event. A token needs a `messages:` scope matching the name; a waiting instance takes
   * it from a worker, a manager of its process or someone taking part in it; a start needs a
   * starter of the process, and `check` sees the start form before anything is written.
   */
  correlateMessage(
    m: { name: string; correlationKey?: string | null; variables?: Variables },
    identity: Identity,
    check?: StartCheck,
  ): Promise<MessageCorrelation> {
    return this.#jobs.correlateMessage(m, identity, check);
  }

  /** Delivers a signal to the waiting instances and signal starts the identity may reach. */
  broadcastSignal(
    s: { name: string; variables?: Variables },
    identity: Identity,
  ): Promise<{ delivered: number }> {
    if (!policy.maySend(identity, 'signals', s.name)) {
      return Promise.reject(
        new ForbiddenError(
          `Not allowed to broadcast the signal '${s.name}': the token needs a scope signals:<pattern> matching it`,
          identity.kind === 'user' ? identity.id : null,
        ),
      );
    }
    return this.#transact(identity, async (cx) => ({
      delivered: await this.#runner.broadcast(
        cx,
        s.name,
        s.variables ?? {},
        0,
        identity.kind === 'system'
          ? undefined
          : {
              instance: (row) => mayDeliverTo(cx, identity, 'signals', s.name, row),
              start: async (processId) =>
                policy.mayStart(identity, await readProcessAccess(cx.trx, processId)),
            },
      ),
    }));
  }

  /**
   * Starts an instance of every latest-version process whose conditional start event holds for
   * `variables` (or only `processId`'s), in one transaction, each under the policy of a start
   * (Camunda 7's `createConditionEvaluation`). See conditional-start.ts.
   */
  async evaluateConditions(
    c: { variables?: Variables; processId?: string },
    identity: Identity,
    check?: StartCheck,
  ): Promise<ConditionEvaluation> {
    const request = {
      variables: c.variables ?? {},
      ...(c.processId === undefined ? {} : { processId: c.processId }),
    };
    const checked = check
      ? await checkConditionalStarts(this.#db, this.#runner, request, identity, this.clock.now(), check)
      : undefined;
    return this.#transact(identity, (cx) =>
      evaluateConditionalStarts(cx, this.#runner, request, identity, checked),
    );
  }

  // ---- jobs ----

  /** Registers an in-process handler for service tasks of `jobType`; the executor runs it. */
  registerHandler(jobType: string, handler: JobHandler): void {
    this.#handlers.set(jobType, handler);
    this.#executor.poke();
  }

  /**
   * Locks due jobs of one type for an external worker the identity may act as (the worker role
   * and a `jobs:` scope matching the type). Each job carries the variables its input mappings
   * give plus the `fetchVariables` named.
   */
  fetchAndLock(a: FetchRequest, identity: Identity): Promise<Job[]> {
    return this.#jobs.fetchAndLock(a, identity).catch(storeFailure);
  }

  /** `result`: a task listener's answer (`denied`, `deniedReason`, `corrections`), as Zeebe's job result. */
  completeJob(
    jobId: string,
    workerId: string,
    variables: Variables,
    identity: Identity,
    result?: JobResult,
  ): Promise<void> {
    return this.#jobs.complete(jobId, workerId, variables, identity, result);
  }

  failJob(
    jobId: string,
    workerId: string,
    f: { retries: number; errorMessage: string; retryBackoffMs?: number },
    identity: Identity,
  ): Promise<void> {
    return this.#jobs.fail(jobId, workerId, f, identity);
  }

  throwBpmnError(
    jobId: string,
    workerId: string,
    e: { errorCode: string; errorMessage?: string; variables?: Variables },
    identity: Identity,
  ): Promise<void> {
    return this.#jobs.throwBpmnError(jobId, workerId, e, identity);
  }

  listIncidents(filter?: { instanceId?: string; open?: boolean }): Promise<Incident[]> {
    return read(() => listIncidents(this.#db, filter));
  }

  /**
   * Incidents across instances for an operator, paged, oldest first: by process, element, error
   * text and age. Managers and admins (the policy's `mayOperate`), who see the incidents of the
   * processes they manage; open ones unless `open` says otherwise.
   */
  async findIncidents(filter: IncidentFilter, identity: Identity): Promise<Page<Incident>> {
    const excluded = await this.#notManaged(identity, 'list incidents');
    return this.#reads.lagging((db) => findIncidents(db, { ...filter, excludeProcessIds: excluded }));
  }

  /**
   * A manager of the incident's process retries it. `retries`: the attempts the job it creates
   * gets (1..1000) instead of the model's; refused (INVALID_ARGUMENT) when the retry creates no
   * service job.
   */
  retryIncident(id: string, identity: Identity, options: { retries?: number } = {}): Promise<void> {
    return this.#jobs.retryIncident(id, identity, options.retries);
  }

  /**
   * Retries the open incidents matching `filter` (at most `limit`, default 100, up to 1000),
   * each instance in its own transaction: a conflict or refusal on one instance is reported and
   * the others go on. Managers and admins, on the processes they manage.
   */
  async retryIncidents(
    filter: Omit<IncidentFilter, 'open' | 'offset'>,
    options: { retries?: number; limit?: number },
    identity: Identity,
  ): Promise<BulkRetryReport> {
    const excluded = await this.#notManaged(identity, 'retry incidents');
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_BULK_RETRY)
      throw new InvalidArgumentError(`limit must be a whole number from 1 to ${MAX_BULK_RETRY}`);
    // Past the list's page cap: a bulk retry takes up to MAX_BULK_RETRY in one call.
    const found = await read(() =>
      findIncidents(
        this.#db,
        { ...filter, open: true, limit, offset: 0, excludeProcessIds: excluded },
        MAX_BULK_RETRY,
      ),
    );
    const results = await this.#jobs.retryMany(found.items, identity, options.retries);
    const succeeded = results.filter((r) => r.ok).length;
    return { matched: found.total, succeeded, failed: results.length - succeeded, results };
  }

  /**
   * Jobs for an operator, without locking them: by job type, process, instance and state
   * (`ready`, `locked` by a worker now, `failed` with no retries left). Managers and admins, on
   * the processes they manage.
   */
  async listJobs(filter: JobFilter, identity: Identity): Promise<Page<Job>> {
    const excluded = await this.#notManaged(identity, 'list jobs');
    return this.#reads.lagging((db) =>
      listJobs(db, { ...filter, excludeProcessIds: excluded }, this.clock.now()),
    );
  }

  /** Sets a job's remaining attempts (1..1000), e.g. to revive a parked timer; a manager of its process. */
  setJobRetries(jobId: string, retries: number, identity: Identity): Promise<Job> {
    return this.#jobs.setJobRetries(jobId, retries, identity);
  }

  /**
   * The processes whose rows an operator's list leaves out (those they do not manage), after the
   * policy let them operate at all; refused with ForbiddenError otherwise.
   */
  async #notManaged(identity: Identity, what: string): Promise<string[]> {
    if (!policy.mayOperate(identity))
      throw new ForbiddenError(
        `Only managers and admins ${what}`,
        identity.kind === 'user' ? identity.id : null,
      );
    if (identity.kind === 'system') return [];
    const lists = await this.listProcessAccess();
    return [...lists]
      .filter(([, access]) => !policy.manages(identity, access))
      .map(([processId]) => processId);
  }

  /** Claims and runs every job due now (timers, in-process handlers); returns how many ran. */
  runDueJobs(options?: { limit?: number }): Promise<number> {
    return this.#executor.runDue(options).catch(storeFailure);
  }

  /** Runs due jobs and pending batch items in the background until `stopExecutor`. */
  startExecutor(options?: ExecutorOptions): void {
    this.#executor.start(options);
    this.#batches.start(options?.pollMs);
  }

  /** Graceful: stops claiming, waits for running jobs, releases the leases of unfinished ones. */
  async stopExecutor(): Promise<void> {
    await Promise.all([this.#executor.stop(), this.#batches.stop()]);
  }

  // ---- batch operations (engine/src/batches) ----

  /**
   * Creates a batch: one item per instance the filter matches now among the processes the
   * identity manages (at most `MAX_BATCH_ITEMS`), processed in the background by every engine
   * process's executor (or `runDueBatches`), each item in its own transaction as the creator, so
   * the policy decides again per instance. `dryRun` counts and samples instead and writes nothing.
   */
  async createBatch(
    request: BatchRequest & { readonly dryRun?: boolean },
    identity: Identity,
  ): Promise<Batch | BatchDryRun> {
    const parameters = checkBatchRequest(request);
    const excluded = await this.#notManaged(identity, 'run batch operations');
    if (request.dryRun) return read(() => batchDryRun(this.#db, request.kind, request.filter, excluded));
    const batch = await this.#transact(identity, (cx) =>
      insertBatch(cx.trx, {
        kind: request.kind,
        filter: request.filter,
        parameters,
        excluded,
        creator: identity,
        createdBy: actorOf(identity),
        now: cx.now,
      }),
    );
    this.#batches.poke();
    return batch;
  }

  /** Batches the identity may control (see `policy.mayControlBatch`), newest first. */
  async listBatches(
    filter: { readonly state?: BatchState; readonly limit?: number; readonly offset?: number },
    identity: Identity,
  ): Promise<Page<Batch>> {
    const excluded = await this.#notManaged(identity, 'list batch operations');
    const everything = identity.kind === 'system' || policy.mayAdminister(identity) || excluded.length === 0;
    return read(() =>
      listBatches(this.#db, {
        ...(filter.state ? { state: filter.state } : {}),
        createdBy: identity.kind === 'user' ? identity.id : null,
        excluded: everything ? null : excluded,
        limit: Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 200),
        offset: Math.max(Math.trunc(filter.offset ?? 0), 0),
      }),
    );
  }

  /** One batch with its progress and a page of its failures (each with its reason). */
  getBatch(
    id: string,
    identity: Identity,
    page: { readonly limit?: number; readonly offset?: number } = {},
  ): Promise<BatchDetail> {
    return this.#transact(
      identity,
      async (cx) => {
        const row = await this.#controlledBatch(cx, id, identity, false);
        return failuresOf(cx.trx, row, {
          limit: Math.min(Math.max(Math.trunc(page.limit ?? 100), 1), MAX_FAILURES_PAGE),
          offset: Math.max(Math.trunc(page.offset ?? 0), 0),
        });
      },
      { singleStatement: true },
    );
  }

  /** Stops picking up the batch's items (the one in progress finishes); BATCH_STATE_CONFLICT unless running. */
  pauseBatch(id: string, identity: Identity): Promise<Batch> {
    return this.#changeBatch(id, 'pause', identity);
  }

  /** Goes on with a paused batch. */
  async resumeBatch(id: string, identity: Identity): Promise<Batch> {
    const batch = await this.#changeBatch(id, 'resume', identity);
    this.#batches.poke();
    return batch;
  }

  /** Ends a running or paused batch for good; items not yet processed stay untouched. */
  cancelBatch(id: string, identity: Identity): Promise<Batch> {
    return this.#changeBatch(id, 'cancel', identity);
  }

  /** Processes up to `limit` pending batch items now (tests, scripts); returns how many. */
  runDueBatches(options: { readonly limit?: number } = {}): Promise<number> {
    return runBatchChunk(
      this.#batchDeps(),
      Math.min(Math.max(Math.trunc(options.limit ?? 1_000), 1), 100_000),
    );
  }

  #changeBatch(id: string, command: 'pause' | 'resume' | 'cancel', identity: Identity): Promise<Batch> {
    return this.#transact(identity, async (cx) =>
      changeState(cx.trx, await this.#controlledBatch(cx, id, identity, true), command, cx.now),
    );
  }

  /** The batch row, if the policy lets the identity control it; else BATCH_NOT_FOUND (it learns nothing). */
  async #controlledBatch(cx: TxContext, id: string, identity: Identity, forUpdate: boolean) {
    const row = await readBatch(cx.trx, id, forUpdate);
    const processes: ProcessAccess[] = [];
    for (const processId of row.process_ids) processes.push(await readProcessAccess(cx.trx, processId));
    if (!policy.mayControlBatch(identity, { createdBy: row.created_by, processes }))
      throw new BatchNotFoundError(id);
    return row;
  }

  // ---- monitoring ----

  async kpis(processId: string): Promise<KpiSummary> {
    // The model and calendar caches serve commands too: they are filled from the primary only.
    const calendar = await read(async () => {
      // Working time per the process's calendar (latest version), else `default` (docs/TEAMS.md).
      const model =
        this.#models.latestModel(processId) ??
        ((await this.#models.refreshLatest(processId)) ? this.#models.latestModel(processId) : undefined);
      const id = model?.calendar ?? 'default';
      const calendars = this.#runner.calendars;
      if (id !== NO_CALENDAR) await calendars.refresh(new Map([[id, calendars.get(id)?.version]]), this.#db);
      const found = id === NO_CALENDAR ? undefined : calendars.get(id);
      return found ? { id, time: found.time } : undefined;
    });
    return this.#reads.lagging((db) => processKpis(db, processId, this.clock.now(), calendar));
  }

  /** Whether the read replica answers (`none` without one); `/ready` reports it. */
  replicaStatus(): Promise<ReplicaStatus> {
    return this.#reads.ping();
  }

  /** Local change feed: every committed change to a task or instance, after commit. */
  onChange(listener: (change: ChangeEvent) => void): () => void {
    return this.#feed.subscribe(listener as ChangeListener);
  }

  // ---- repair running work ----

  /**
   * Moves one running instance to another deployed version (a manager of both processes). Every
   * active element, timer and subscription is checked against the target first; a refused plan
   * throws MigrationRefusedError naming each element, and changes nothing. One transaction.
   */
  async migrateInstance(
    instanceId: string,
    request: MigrationRequest,
    identity: Identity,
  ): Promise<MigrationReport> {
    checkRequest(request);
    if (!isUuid(instanceId)) throw new InstanceNotFoundError(instanceId);
    return this.#transact(identity, (cx) =>
      migrateInstance(cx, { runner: this.#runner, models: this.#models }, instanceId, request, identity),
    );
  }

  /**
   * Migrates every active instance of one source version, each in its own transaction, and reports
   * each outcome: one refused or failing instance never stops the others. At most `limit`
   * (default 1,000) instances per call; call again for the rest (migrated ones leave the filter).
   */
  async migrateInstances(
    sourceDefinitionId: string,
    request: MigrationRequest,
    identity: Identity,
    options: { readonly limit?: number } = {},
  ): Promise<BatchMigrationReport> {
    checkRequest(request);
    if (!isUuid(sourceDefinitionId)) throw new DefinitionNotFoundError(sourceDefinitionId);
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 1_000), 1), 10_000);
    // Decided before anything is listed: the ids of another process's instances are not for everyone.
    const source = await read(() => getDefinition(this.#db, sourceDefinitionId));
    if (identity.kind === 'user' && !policy.manages(identity, await this.getProcessAccess(source.processId)))
      throw new ForbiddenError(`You do not manage the process '${source.processId}'`, identity.id);
    const ids = await read(() =>
      this.#db
        .selectFrom('instances')
        .select('id')
        .where('definition_id', '=', sourceDefinitionId)
        .where('status', '=', 'active')
        .orderBy('started_at')
        .limit(limit)
        .execute(),
    );
    const results: BatchMigrationReport['results'][number][] = [];
    for (const { id } of ids) {
      try {
        results.push({ instanceId: id, report: await this.migrateInstance(id, request, identity) });
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        results.push({ instanceId: id, error: { code: error.code, message: error.message } });
      }
    }
    return {
      dryRun: request.dryRun === true,
      migrated: results.filter((r) => r.report?.migrated === true).length,
      failed: results.filter((r) => r.error !== undefined || (r.report?.problems.length ?? 0) > 0).length,
      results,
    };
  }

  // ---- retention ----

  /** How many days a process's finished instances are kept; null: for ever (the default). */
  getRetention(processId: string): Promise<number | null> {
    return read(() => readRetention(this.#db, processId));
  }

  /** Sets a process's time to live in whole days (null: keep for ever); designers and admins. */
  async setRetention(processId: string, ttlDays: number | null, identity: Identity): Promise<void> {
    if (ttlDays !== null && (!Number.isInteger(ttlDays) || ttlDays < 1 || ttlDays > MAX_TTL_DAYS))
      throw new InvalidArgumentError(`A time to live is a whole number of days from 1 to ${MAX_TTL_DAYS}`);
    if (identity.kind === 'user' && !policy.mayDesign(identity))
      throw new ForbiddenError(
        'Only designers and admins decide how long a process keeps its history',
        identity.id,
      );
    await this.#transact(identity, (cx) => writeRetention(cx.trx, processId, ttlDays, cx.now, cx.actor));
  }

  /**
   * Removes finished instances past their process's time to live, in small batches that skip rows
   * a command holds (see `sweepExpired`). The server runs it on a schedule; a system operation.
   */
  sweepRetention(options: SweepOptions = {}): Promise<SweepResult> {
    return read(() => sweepExpired(this.#db, this.clock.now(), options));
  }

  /**
   * Removes the records of decisions evaluated on their own that are older than `maxAgeDays`
   * (default `DECISION_EVALUATION_TTL_DAYS`): no process's time to live covers them. The server
   * runs it with the retention sweep; a system operation.
   */
  sweepDecisionEvaluations(
    options: SweepOptions & { readonly maxAgeDays?: number } = {},
  ): Promise<{ readonly removed: number; readonly more: boolean }> {
    return read(() => sweepDecisionEvaluations(this.#db, this.clock.now(), options.maxAgeDays, options));
  }

  /**
   * Whether `identity` takes part in the instance: started it, or works, worked or may work on one
   * of its tasks. The same test the policy applies in commands; false for an unknown instance.
   */
  async takesPart(instanceId: string, identity: Identity): Promise<boolean> {
    if (!isUuid(instanceId)) return false;
    return read(async () => {
      const row = await this.#db
        .selectFrom('instances')
        .select(['id', 'started_by'])
        .where('id', '=', instanceId)
        .executeTakeFirst();
      return row !== undefined && takesPartIn(this.#db, identity, row);
    });
  }

  /** Everything recorded of one instance, as JSON to keep before retention removes it; its managers. */
  async exportInstance(id: string, identity: Identity): Promise<InstanceExport> {
    if (!isUuid(id)) throw new InstanceNotFoundError(id);
    await this.#transact(
      identity,
      async (cx) => {
        const row = await cx.trx
          .selectFrom('instances')
          .select(['id', 'process_id', 'started_by'])
          .where('id', '=', id)
          .executeTakeFirst();
        if (row === undefined) throw new InstanceNotFoundError(id);
        await assertManages(cx, identity, row);
      },
      { singleStatement: true },
    );
    const [instance, history, tasks] = await Promise.all([
      this.getInstance(id),
      this.getHistory(id),
      this.listTasks({ instanceId: id, limit: 10_000 }),
    ]);
    return {
      format: 'baton.instance/1',
      exportedAt: this.clock.now(),
      instance,
      history,
      tasks: tasks.items,
    };
  }

  /** Stops the executor. The database belongs to whoever opened it and stays open. */
  async close(): Promise<void> {
    await this.#executor.stop();
  }

  // ---- teams (docs/TEAMS.md) ----

  /** Records an absence: the person themselves, an admin or a manager. InvalidArgumentError when from >= to. */
  setAbsence(input: AbsenceInput, identity: Identity): Promise<Absence> {
    return this.#transact(identity, (cx) => insertAbsence(cx.trx, input, identity, cx.now));
  }

  /** Ends (deletes) an absence; whoever may set it. AbsenceNotFoundError when there is none. */
  endAbsence(id: string, identity: Identity): Promise<void> {
    return this.#transact(identity, (cx) => deleteAbsence(cx.trx, id, identity));
  }

  /** Absences, by person, by substitute, under way at a time, or not yet ended. */
  listAbsences(filter: AbsenceFilter = {}): Promise<Absence[]> {
    return read(() => listAbsences(this.#db, filter));
  }

  /** Who would receive a task assigned to `user` now (substitutes followed), and why. */
  substituteOf(user: string): Promise<Substitution> {
    const directory = this.#runner.directory;
    return read(() =>
      resolveSubstitute(this.#db, user, this.clock.now(), async (id) =>
        (await directory.members({ groups: [], users: [id] }, this.#db)).some((m) => m.id === id),
      ),
    );
  }

  /** Open assigned tasks per person and process, for the processes the identity manages. */
  async teamLoad(
    identity: Identity,
    filter: { readonly users?: readonly string[] } = {},
  ): Promise<MemberLoad[]> {
    // The policy's input (who manages what) from the primary; the counts may lag.
    const access = await read(() => readAllProcessAccess(this.#db));
    return this.#reads.lagging((db) => teamLoad(db, identity, filter, this.clock.now(), access));
  }

  /** Every business calendar (docs/TEAMS.md, "Working hours"). */
  listCalendars(): Promise<StoredCalendar[]> {
    return read(() => listCalendars(this.#db));
  }

  /** One business calendar; CalendarNotFoundError when there is none. */
  async getCalendar(id: string): Promise<StoredCalendar> {
    const found = await read(() => findCalendar(this.#db, id));
    if (!found) throw new CalendarNotFoundError(id);
    return found;
  }

  /** Creates or replaces a calendar (admins); CalendarInvalidError names each problem's pointer. */
  saveCalendar(calendar: BusinessCalendar, identity: Identity): Promise<StoredCalendar> {
    return this.#transact(identity, (cx) => saveCalendar(cx.trx, calendar, identity, cx.now));
  }

  /** Deletes a calendar (admins). */
  deleteCalendar(id: string, identity: Identity): Promise<void> {
    return this.#transact(identity, (cx) => deleteCalendar(cx.trx, id, identity));
  }

  /** Every group that has a calendar (docs/TEAMS.md, "Working hours"): group -> calendar id. */
  listGroupCalendars(): Promise<Map<string, string>> {
    return read(() => listGroupCalendars(this.#db));
  }

  /**
   * Sets (null: clears) a group's calendar (admins): it counts the due and follow-up dates of user
   * tasks offered to the group whose element and process name no calendar.
   */
  setGroupCalendar(group: string, calendarId: string | null, identity: Identity): Promise<void> {
    return this.#transact(identity, (cx) => setGroupCalendar(cx.trx, group, calendarId, identity, cx.now));
  }

  /** One deployed version of a decision by its row id, with the DMN file it came from. */
  async getDecision(id: string): Promise<DecisionDetail> {
    const found = await read(() => findDecision(this.#db, id));
    if (!found) throw new DecisionNotFoundError(id);
    return found;
  }

  /**
   * Evaluates a deployed decision on its own (Zeebe's EvaluateDecision): its latest version
   * unless `version` is given, its required decisions from the same file first. FEEL runs under
   * the engine's budgets and clock. DecisionNotFoundError when there is no such decision or
   * version; DecisionEvaluationFailedError when a hit policy is violated or FEEL fails.
   *
   * Each evaluation that gives a result is recorded (`listDecisionEvaluations`): who asked (the
   * identity's stable id), when, the matched rules, the variables and the result, in one
   * statement. A failing one is not: it changed nothing and its caller has the error.
   */
  async evaluateDecision(
    request: {
      readonly decisionId: string;
      readonly version?: number;
      readonly variables?: Variables;
    },
    identity: Identity = SYSTEM,
  ): Promise<
    GraphEvaluation & {
      readonly decisionId: string;
      readonly version: number;
      readonly key: string;
      /** The id of its record. */
      readonly evaluationId: string;
    }
  > {
    const { decisionId, version } = request;
    const stored = await read(() => findDecisionVersion(this.#db, decisionId, version));
    if (!stored) throw new DecisionNotFoundError(decisionId, version);
    const graph = await this.#runner.decisions.graphOf(stored.hash, stored.xml);
    const variables = request.variables ?? {};
    let evaluation: GraphEvaluation;
    try {
      evaluation = evaluateDecision(graph, decisionId, variables, { now: this.clock.now() });
    } catch (error) {
      if (error instanceof DecisionEvaluationError || error instanceof ExpressionError)
        throw new DecisionEvaluationFailedError(decisionId, error.message);
      throw error;
    }
    const record = await this.#transact(
      identity,
      (cx) =>
        recordDecisionEvaluation(cx.trx, {
          decisionKey: stored.id,
          decisionId,
          version: stored.version,
          evaluatedAt: cx.now,
          evaluatedBy: actorOf(identity),
          inputs: variables,
          result: evaluation.result,
          evaluations: evaluation.evaluations,
        }),
      { singleStatement: true },
    );
    return { ...evaluation, decisionId, version: stored.version, key: stored.id, evaluationId: record.id };
  }

  /**
   * A decision's evaluations on its own (`evaluateDecision`), newest first: a page and the total.
   * Evaluations by business rule tasks are in their instance's history instead.
   */
  listDecisionEvaluations(
    filter: DecisionEvaluationFilter,
  ): Promise<{ readonly items: StoredDecisionEvaluation[]; readonly total: number }> {
    return read(() => listDecisionEvaluations(this.#db, filter));
  }
}

/** Outcome of migrating the instances of one version: a report or an error per instance. */
export interface BatchMigrationReport {
  readonly dryRun: boolean;
  readonly migrated: number;
  readonly failed: number;
  readonly results: readonly {
    readonly instanceId: string;
    readonly report?: MigrationReport;
    readonly error?: { readonly code: string; readonly message: string };
  }[];
}

/** One instance as JSON: its state, every history event and every task, for keeping elsewhere. */
export interface InstanceExport {
  readonly format: 'baton.instance/1';
  readonly exportedAt: Date;
  readonly instance: InstanceDetail;
  readonly history: readonly HistoryEvent[];
  readonly tasks: readonly Task[];
}

/** What the deploy checks are told of a process: the forms it links and the ones it embeds. */
function formsOf(p: ProcessModel) {
  return { processId: p.id, formIds: p.formIds, embeddedForms: p.embeddedForms };
}

/** What a token modification does (see `Engine.modifyInstance`). */
export interface InstanceModification {
  readonly cancel?: readonly string[];
  readonly startBefore?: readonly { readonly elementId: string; readonly variables?: Variables }[];
  readonly reason?: string;
}
