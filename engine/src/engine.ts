import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type {
  DefinitionSummary,
  DeployOptions,
  DeployResult,
  FetchRequest,
  HistoryEvent,
  Incident,
  InstanceDetail,
  InstanceFilter,
  InstanceSummary,
  Job,
  JobHandler,
  KpiSummary,
  Page,
  Task,
  TaskFilter,
} from './api.js';
import { type ChangeEvent, ChangeFeed, type ChangeListener } from './change-feed.js';
import { type Clock, systemClock } from './clock.js';
import { CommandRunner } from './command-runner.js';
import type { Database } from './database.js';
import { assertValid, saveDeployment } from './deploy.js';
import { DefinitionNotFoundError, ForbiddenError } from './errors.js';
import { type Identity, type ProcessAccess, policy, SYSTEM, systemIdentity } from './identity.js';
import { mayDeliverTo, type StartCheck } from './job-variables.js';
import { JobExecutor, type ExecutorOptions } from './jobs/executor.js';
import { runClaimedJob } from './jobs/job-runner.js';
import { JobOperations } from './job-operations.js';
import { ModelCache } from './model-cache.js';
import { compileBpmn } from './model/compile.js';
import type { DeployIssue, EventElement, ProcessModel } from './model/types.js';
import { readAllProcessAccess, readProcessAccess, replaceProcessAccess } from './persistence/access.js';
import { getDefinition, getLatestDefinition, listDefinitions } from './persistence/definitions.js';
import { isUuid } from './persistence/ids.js';
import {
  detailFromRow,
  getHistory,
  getInstanceDetail,
  listIncidents,
  listInstances,
} from './persistence/instance-queries.js';
import { processKpis } from './persistence/kpis.js';
import { migrateToLatest } from './persistence/migrations.js';
import type { DB } from './persistence/schema.js';
import { getTask, listTasks } from './persistence/task-queries.js';
import type { InstanceState, Variables } from './runtime/types.js';
import { once, type TaskDataCheck, TaskOperations } from './task-operations.js';
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
  readonly #logger: EngineLogger;
  readonly #feed = new ChangeFeed();
  readonly #models: ModelCache;
  readonly #runner: CommandRunner;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #executor: JobExecutor;
  readonly #tasks: TaskOperations;
  readonly #jobs: JobOperations;
  readonly workerId: string;

  constructor(options: EngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.#db = options.database.db as Kysely<DB>;
    this.#logger = options.logger ?? silentLogger;
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
            transact: (work) => this.#transact(SYSTEM, work),
            now: () => this.clock.now(),
            logger: this.#logger,
          },
          job,
        ),
    });
  }

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
    if (options.extraChecks) {
      assertValid(await options.extraChecks(processes.map((p) => ({ processId: p.id, formIds: p.formIds }))));
    }
    const result = await this.#transact(systemIdentity(options.actor ?? null), (cx) =>
      saveDeployment(cx, this.#models, xml, processes, options),
    );
    // Only after commit: the cache must never name a version that was rolled back.
    result.definitions.forEach((definition, i) => {
      const model = processes[i];
      if (model) this.#models.markLatest(definition.id, definition.version, model);
    });
    return { ...result, warnings };
  }

  /**
   * Every problem deploying `xml` would report (empty when it is deployable), then the warnings
   * it would report (`severity: 'warning'`), which do not block deploy.
   */
  async validate(xml: string): Promise<DeployIssue[]> {
    const { issues, warnings } = await compileBpmn(xml);
    return [...issues, ...warnings];
  }

  listDefinitions(filter?: { processId?: string; latestOnly?: boolean }): Promise<DefinitionSummary[]> {
    return read(() => listDefinitions(this.#db, filter));
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
        if (
          identity.kind === 'user' &&
          !policy.mayStart(identity, await readProcessAccess(cx.trx, a.processId))
        )
          throw new ForbiddenError(`You may not start the process '${a.processId}'`, identity.id);
        if (check) {
          const model = await this.#models.get(definition.id, cx.trx);
          await checkOnce({ processId: a.processId, formId: startFormId(model) });
        }
        return this.#runner.start(cx, {
          definitionId: definition.id,
          definition,
          ...(cached ? { onlyIfLatest: true } : {}),
          variables: a.variables ?? {},
          businessKey: a.businessKey ?? null,
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
    return read(() => listInstances(this.#db, filter, this.clock.now()));
  }

  /** A manager of the instance's process cancels it. */
  async cancelInstance(id: string, identity: Identity): Promise<void> {
    await this.#tasks.onInstance(id, identity, { type: 'instance.cancel' });
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
    await this.#transact(identity, (cx) => replaceProcessAccess(cx.trx, processId, list, groups));
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
    return read(() => listTasks(this.#db, filter, this.clock.now()));
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
  ): Promise<{ instanceId: string }> {
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

  completeJob(jobId: string, workerId: string, variables: Variables, identity: Identity): Promise<void> {
    return this.#jobs.complete(jobId, workerId, variables, identity);
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

  /** A manager of the incident's process retries it. */
  retryIncident(id: string, identity: Identity): Promise<void> {
    return this.#jobs.retryIncident(id, identity);
  }

  /** Claims and runs every job due now (timers, in-process handlers); returns how many ran. */
  runDueJobs(options?: { limit?: number }): Promise<number> {
    return this.#executor.runDue(options).catch(storeFailure);
  }

  /** Runs due jobs in the background until `stopExecutor`. */
  startExecutor(options?: ExecutorOptions): void {
    this.#executor.start(options);
  }

  /** Graceful: stops claiming, waits for running jobs, releases the leases of unfinished ones. */
  stopExecutor(): Promise<void> {
    return this.#executor.stop();
  }

  // ---- monitoring ----

  kpis(processId: string): Promise<KpiSummary> {
    return read(() => processKpis(this.#db, processId, this.clock.now()));
  }

  /** Local change feed: every committed change to a task or instance, after commit. */
  onChange(listener: (change: ChangeEvent) => void): () => void {
    return this.#feed.subscribe(listener as ChangeListener);
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
  teamLoad(identity: Identity, filter: { readonly users?: readonly string[] } = {}): Promise<MemberLoad[]> {
    return read(() => teamLoad(this.#db, identity, filter, this.clock.now()));
  }
}
