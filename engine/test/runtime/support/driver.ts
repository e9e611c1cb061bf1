import { readFile } from 'node:fs/promises';
import { compileBpmn } from '../../../src/model/compile.js';
import type { ProcessModel } from '../../../src/model/types.js';
import { step } from '../../../src/runtime/index.js';
import type {
  Command,
  Effect,
  HistoryRecord,
  InstanceState,
  NewJob,
  NewUserTask,
  StepResult,
  Variables,
} from '../../../src/runtime/types.js';

/**
 * A tiny in-memory shell for runtime tests: it calls `step`, applies the effects to maps (open
 * tasks, jobs, subscriptions, incidents, children) and offers spec-level verbs ("complete the
 * task at review", "fire the timer at reminder").
 */

const FIXTURES = new URL('../../fixtures/', import.meta.url);

/** Compiles a fixture and returns its processes by id (fails on deploy issues). */
export async function loadProcesses(fixture: string): Promise<Map<string, ProcessModel>> {
  const xml = await readFile(new URL(fixture, FIXTURES), 'utf8');
  const { processes, issues } = await compileBpmn(xml);
  if (issues.length > 0)
    throw new Error(`${fixture}: ${issues.map((i) => `${i.elementId}: ${i.message}`).join('; ')}`);
  return new Map(processes.map((process) => [process.id, process]));
}

/** Compiles a fixture with one process (or picks `processId`). */
export async function loadModel(fixture: string, processId?: string): Promise<ProcessModel> {
  const processes = await loadProcesses(fixture);
  const model = processId ? processes.get(processId) : [...processes.values()][0];
  if (!model) throw new Error(`${fixture}: no process ${processId ?? ''}`);
  return model;
}

export interface Subscription {
  readonly kind: 'message' | 'signal';
  readonly id: string;
  readonly name: string;
  readonly correlationKey: string | null;
  readonly elementId: string;
  readonly tokenId: string;
}

export interface Incident {
  readonly id: string;
  readonly elementId: string;
  readonly incidentType: string;
  readonly message: string;
}

export interface DriverOptions {
  readonly now?: Date;
  readonly instanceId?: string;
  readonly findProcess?: (processId: string) => ProcessModel | undefined;
}

let idCounter = 0;

export class Driver {
  state: InstanceState | null = null;
  now: Date;
  readonly instanceId: string;
  readonly history: HistoryRecord[] = [];
  readonly tasks = new Map<string, NewUserTask>();
  readonly jobs = new Map<string, NewJob>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly incidents = new Map<string, Incident>();
  readonly children = new Map<string, Extract<Effect, { type: 'child.start' }>>();
  readonly cancelledChildren: string[] = [];
  readonly broadcasts: Extract<Effect, { type: 'signal.broadcast' }>[] = [];
  readonly notifications: Extract<Effect, { type: 'parent.notify' }>['command'][] = [];
  lastEffects: readonly Effect[] = [];

  constructor(
    readonly model: ProcessModel,
    private readonly options: DriverOptions = {},
  ) {
    this.now = options.now ?? new Date('2026-03-02T09:00:00Z');
    this.instanceId = options.instanceId ?? `instance-${++idCounter}`;
  }

  /** Runs a command and applies its effects. */
  run(command: Command): StepResult {
    const ctx = {
      now: this.now,
      newId: () => `id-${++idCounter}`,
      instanceId: this.instanceId,
      ...(this.options.findProcess ? { findProcess: this.options.findProcess } : {}),
    };
    const result = step(this.model, this.state, command, ctx);
    this.state = result.state;
    this.lastEffects = result.effects;
    for (const effect of result.effects) this.apply(effect);
    return result;
  }

  /** Stores the state and reads it back, as the engine does between commands. */
  reload(): void {
    this.state = JSON.parse(JSON.stringify(this.state));
  }

  /** What the instance holds outside itself: subscriptions and jobs, as `kind:name:element` / `kind:element`. */
  openWork(): { subscriptions: string[]; jobs: string[] } {
    return {
      subscriptions: [...this.subscriptions.values()].map((s) => `${s.kind}:${s.name}:${s.elementId}`).sort(),
      jobs: [...this.jobs.values()].map((j) => `${j.kind}:${j.elementId}`).sort(),
    };
  }

  start(
    variables: Variables = {},
    extra: { startEventId?: string; parentInstanceId?: string } = {},
  ): StepResult {
    return this.run({ type: 'start', variables, ...extra });
  }

  private apply(effect: Effect): void {
    switch (effect.type) {
      case 'task.create':
        this.tasks.set(effect.task.id, effect.task);
        break;
      case 'task.cancel':
        this.tasks.delete(effect.taskId);
        break;
      case 'job.create':
        this.jobs.set(effect.job.id, effect.job);
        break;
      case 'job.cancel':
        this.jobs.delete(effect.jobId);
        break;
      case 'message.subscribe':
        this.subscriptions.set(effect.subscriptionId, {
          kind: 'message',
          id: effect.subscriptionId,
          name: effect.messageName,
          correlationKey: effect.correlationKey,
          elementId: effect.elementId,
          tokenId: effect.tokenId,
        });
        break;
      case 'signal.subscribe':
        this.subscriptions.set(effect.subscriptionId, {
          kind: 'signal',
          id: effect.subscriptionId,
          name: effect.signalName,
          correlationKey: null,
          elementId: effect.elementId,
          tokenId: effect.tokenId,
        });
        break;
      case 'message.unsubscribe':
      case 'signal.unsubscribe':
        this.subscriptions.delete(effect.subscriptionId);
        break;
      case 'signal.broadcast':
        this.broadcasts.push(effect);
        break;
      case 'child.start':
        this.children.set(effect.childInstanceId, effect);
        break;
      case 'child.cancel':
        this.cancelledChildren.push(effect.childInstanceId);
        break;
      case 'parent.notify':
        this.notifications.push(effect.command);
        break;
      case 'incident.raise':
        this.incidents.set(effect.incidentId, {
          id: effect.incidentId,
          elementId: effect.elementId,
          incidentType: effect.incidentType,
          message: effect.message,
        });
        break;
      case 'incident.resolve':
        this.incidents.delete(effect.incidentId);
        break;
      case 'history':
        this.history.push(effect.record);
        break;
    }
  }

  // --- verbs ----------------------------------------------------------------------------------

  /** The one open task at an element. */
  task(elementId: string): NewUserTask {
    const found = [...this.tasks.values()].filter((task) => task.elementId === elementId);
    if (found.length !== 1) throw new Error(`expected one open task at ${elementId}, found ${found.length}`);
    return found[0] as NewUserTask;
  }

  tasksAt(elementId: string): NewUserTask[] {
    return [...this.tasks.values()].filter((task) => task.elementId === elementId);
  }

  /** Completes the open task at an element (the shell closes the task row itself). */
  completeTask(elementId: string, variables: Variables = {}): StepResult {
    const task = this.task(elementId);
    const result = this.run({ type: 'task.complete', taskId: task.id, variables });
    this.tasks.delete(task.id);
    return result;
  }

  /** The one open job (service or timer) at an element. */
  job(elementId: string, kind?: 'timer' | 'service'): NewJob {
    const found = [...this.jobs.values()].filter(
      (job) => job.elementId === elementId && (!kind || job.kind === kind),
    );
    if (found.length !== 1) throw new Error(`expected one job at ${elementId}, found ${found.length}`);
    return found[0] as NewJob;
  }

  jobsAt(elementId: string): NewJob[] {
    return [...this.jobs.values()].filter((job) => job.elementId === elementId);
  }

  completeJob(elementId: string, variables: Variables = {}): StepResult {
    const job = this.job(elementId, 'service');
    this.jobs.delete(job.id);
    return this.run({ type: 'job.complete', jobId: job.id, variables });
  }

  /** Advances the clock to the timer's due time and fires it (the shell finishes the fired job). */
  fireTimer(elementId: string): StepResult {
    const job = this.job(elementId, 'timer');
    if (job.dueAt && job.dueAt > this.now) this.now = job.dueAt;
    this.jobs.delete(job.id);
    return this.run({ type: 'timer.fire', jobId: job.id });
  }

  /** Correlates a message to the first open subscription with that name (and key). */
  correlate(name: string, variables: Variables = {}, correlationKey: string | null = null): StepResult {
    const subscription = [...this.subscriptions.values()].find(
      (candidate) =>
        candidate.kind === 'message' &&
        candidate.name === name &&
        candidate.correlationKey === correlationKey,
    );
    if (!subscription) throw new Error(`no subscription for message ${name}/${correlationKey}`);
    return this.run({ type: 'message.correlate', subscriptionId: subscription.id, variables });
  }

  /** Delivers a signal to every open subscription with that name. */
  signal(name: string, variables: Variables = {}): void {
    const open = [...this.subscriptions.values()].filter(
      (candidate) => candidate.kind === 'signal' && candidate.name === name,
    );
    if (open.length === 0) throw new Error(`no subscription for signal ${name}`);
    for (const subscription of open) {
      if (this.subscriptions.has(subscription.id) && this.state?.status === 'active') {
        this.run({ type: 'signal.receive', subscriptionId: subscription.id, variables });
      }
    }
  }

  incident(elementId?: string): Incident {
    const found = [...this.incidents.values()].filter(
      (incident) => !elementId || incident.elementId === elementId,
    );
    if (found.length !== 1)
      throw new Error(`expected one incident${elementId ? ` at ${elementId}` : ''}, found ${found.length}`);
    return found[0] as Incident;
  }

  // --- state views ----------------------------------------------------------------------------

  get status(): string {
    return this.state?.status ?? 'none';
  }

  /** Root scope variables. */
  get variables(): Variables {
    return this.state?.scopes.find((scope) => scope.parentScopeId === null)?.variables ?? {};
  }

  /** Element id -> number of waiting tokens there. */
  activeElements(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const token of this.state?.tokens ?? [])
      counts[token.elementId] = (counts[token.elementId] ?? 0) + 1;
    return counts;
  }

  historyOf(type: HistoryRecord['type']): HistoryRecord[] {
    return this.history.filter((record) => record.type === type);
  }

  effectsOf<T extends Effect['type']>(type: T): Extract<Effect, { type: T }>[] {
    return this.lastEffects.filter((effect): effect is Extract<Effect, { type: T }> => effect.type === type);
  }
}
