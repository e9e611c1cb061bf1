import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type {
  Actor,
  DefinitionSummary,
  DeployOptions,
  DeployResult,
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
import { DefinitionNotFoundError } from './errors.js';
import { JobExecutor, type ExecutorOptions } from './jobs/executor.js';
import { runClaimedJob } from './jobs/job-runner.js';
import { JobOperations } from './job-operations.js';
import { ModelCache } from './model-cache.js';
import { compileBpmn } from './model/compile.js';
import type { DeployIssue, EventElement, ProcessModel } from './model/types.js';
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
import { TaskOperations } from './task-operations.js';
import { readAgainOnLostConnection, type TxContext, transact, translateStoreError } from './transaction.js';

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
}

/** Reads fail like commands do: a lost database is StoreUnavailableError, retryable. */
function read<T>(query: () => Promise<T>): Promise<T> {
  return readAgainOnLostConnection(query);
}

/** Claims are writes: a lost connection is reported (as StoreUnavailableError), never retried here. */
function storeFailure(error: unknown): never {
  throw translateStoreError(error);
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
    const tx = <T>(
      actor: Actor,
      work: (cx: TxContext) => Promise<T>,
      options?: { readonly singleStatement?: boolean },
    ) => this.#transact(actor, work, options);
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
            transact: (work) => this.#transact(null, work),
            now: () => this.clock.now(),
            logger: this.#logger,
          },
          job,
        ),
    });
  }

  #transact<T>(
    actor: Actor,
    work: (cx: TxContext) => Promise<T>,
    options?: { readonly singleStatement?: boolean },
  ): Promise<T> {
    return transact({ db: this.#db, clock: this.clock, feed: this.#feed }, actor, work, options);
  }

  // ---- definitions ----

  /** Compiles, checks and stores every executable process of a BPMN file; throws DefinitionInvalidError. */
  async deploy(xml: string, options: DeployOptions = {}): Promise<DeployResult> {
    const { processes, issues } = await compileBpmn(xml);
    assertValid(issues);
    if (options.extraChecks) {
      assertValid(await options.extraChecks(processes.map((p) => ({ processId: p.id, formIds: p.formIds }))));
    }
    const result = await this.#transact(options.actor ?? null, (cx) =>
      saveDeployment(cx, this.#models, xml, processes, options),
    );
    // Only after commit: the cache must never name a version that was rolled back.
    result.definitions.forEach((definition, i) => {
      const model = processes[i];
      if (model) this.#models.markLatest(definition.id, definition.version, model);
    });
    return result;
  }

  /** Every problem deploying `xml` would report; empty when it is deployable. */
  async validate(xml: string): Promise<DeployIssue[]> {
    return [...(await compileBpmn(xml)).issues];
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
    const model = await this.getModel(definitionId);
    const startId = model.scopes[model.id]?.noneStartEventId;
    const start = startId === undefined ? undefined : (model.elements[startId] as EventElement | undefined);
    return start?.formId ?? null;
  }

  // ---- instances ----

  async startInstance(a: {
    processId: string;
    version?: number;
    variables?: Variables;
    businessKey?: string;
    actor?: Actor;
  }): Promise<InstanceDetail> {
    const row = await this.#transact(
      a.actor ?? null,
      async (cx) => {
        const cached = a.version === undefined ? this.#models.cachedLatest(a.processId) : undefined;
        const definition = cached ?? (await this.#runner.latestDefinition(cx, a.processId, a.version));
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

  async cancelInstance(id: string, actor: Actor): Promise<void> {
    await this.#tasks.onInstance(id, actor, { type: 'instance.cancel' });
  }

  async setVariables(id: string, variables: Variables, actor: Actor): Promise<void> {
    await this.#tasks.onInstance(id, actor, { type: 'variables.set', variables });
  }

  getHistory(instanceId: string): Promise<HistoryEvent[]> {
    return read(() => getHistory(this.#db, instanceId));
  }

  // ---- tasks ----

  listTasks(filter: TaskFilter): Promise<Page<Task>> {
    return read(() => listTasks(this.#db, filter, this.clock.now()));
  }

  getTask(id: string): Promise<Task> {
    return read(() => getTask(this.#db, id));
  }

  claimTask(id: string, user: string, actor: Actor): Promise<Task> {
    return this.#tasks.claim(id, user, actor);
  }

  unclaimTask(id: string, actor: Actor): Promise<Task> {
    return this.#tasks.unclaim(id, actor);
  }

  assignTask(id: string, user: string, actor: Actor): Promise<Task> {
    return this.#tasks.assign(id, user, actor);
  }

  /** Completes an open task; TaskNotActiveError when it is done already, ConcurrencyError on a lost race. */
  completeTask(id: string, variables: Variables, actor: Actor): Promise<void> {
    return this.#tasks.complete(id, variables, actor);
  }

  saveDraft(id: string, variables: Variables, actor: Actor): Promise<Task> {
    return this.#tasks.draft(id, variables, actor);
  }

  handOffTask(
    id: string,
    to: { user?: string; group?: string },
    reason: string,
    actor: Actor,
  ): Promise<Task> {
    return this.#tasks.handOff(id, to, reason, actor);
  }

  delegateTask(id: string, toUser: string, reason: string | null, actor: Actor): Promise<Task> {
    return this.#tasks.delegate(id, toUser, reason, actor);
  }

  resolveTask(id: string, variables: Variables, actor: Actor): Promise<Task> {
    return this.#tasks.resolve(id, variables, actor);
  }

  returnTask(id: string, targetElementId: string, reason: string, actor: Actor): Promise<void> {
    return this.#tasks.returnTo(id, targetElementId, reason, actor);
  }

  returnTargets(id: string): Promise<{ elementId: string; name: string }[]> {
    return read(() => this.#tasks.returnTargets(this.#db, id));
  }

  commentTask(id: string, text: string, actor: Actor): Promise<void> {
    return this.#tasks.comment(id, text, actor);
  }

  // ---- messages and signals ----

  correlateMessage(m: { name: string; correlationKey?: string | null; variables?: Variables }): Promise<{
    instanceId: string;
  }> {
    return this.#jobs.correlateMessage(m);
  }

  broadcastSignal(s: { name: string; variables?: Variables }): Promise<{ delivered: number }> {
    return this.#transact(null, async (cx) => ({
      delivered: await this.#runner.broadcast(cx, s.name, s.variables ?? {}),
    }));
  }

  // ---- jobs ----

  /** Registers an in-process handler for service tasks of `jobType`; the executor runs it. */
  registerHandler(jobType: string, handler: JobHandler): void {
    this.#handlers.set(jobType, handler);
    this.#executor.poke();
  }

  fetchAndLock(a: { type: string; workerId: string; maxJobs?: number; lockMs?: number }): Promise<Job[]> {
    return this.#jobs.fetchAndLock(a).catch(storeFailure);
  }

  completeJob(jobId: string, workerId: string, variables: Variables = {}): Promise<void> {
    return this.#jobs.complete(jobId, workerId, variables);
  }

  failJob(
    jobId: string,
    workerId: string,
    f: { retries: number; errorMessage: string; retryBackoffMs?: number },
  ): Promise<void> {
    return this.#jobs.fail(jobId, workerId, f);
  }

  throwBpmnError(
    jobId: string,
    workerId: string,
    e: { errorCode: string; errorMessage?: string; variables?: Variables },
  ): Promise<void> {
    return this.#jobs.throwBpmnError(jobId, workerId, e);
  }

  listIncidents(filter?: { instanceId?: string; open?: boolean }): Promise<Incident[]> {
    return read(() => listIncidents(this.#db, filter));
  }

  retryIncident(id: string, actor: Actor): Promise<void> {
    return this.#jobs.retryIncident(id, actor);
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
}
