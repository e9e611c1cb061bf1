import type { Element, ElementKind } from '../model/types.js';
import type { ModelIndex } from './model-index.js';
import { CURRENT_STATE_FORMAT } from './types.js';
import type {
  CompensationRecord,
  Effect,
  HistoryRecord,
  HistoryType,
  MultipleThrowProgress,
  InstanceState,
  InstanceStatus,
  Scope,
  StepContext,
  StepResult,
  Token,
  TokenWait,
  TriggerEntry,
  Variables,
} from './types.js';

/**
 * A token as the runtime handles it during one step. `wait` is unset while the token moves; every
 * token left at the end of a step must be waiting (tokens only persist while parked).
 */
export interface LiveToken {
  id: string;
  elementId: string;
  scopeId: string;
  arrivedBy?: string;
  wait?: TokenWait;
  boundary?: TriggerEntry[];
  loopCounter?: number;
  multipleThrow?: MultipleThrowProgress;
  /** The event already happened (target of an event-based gateway): complete on entry with these variables. */
  trigger?: Variables;
}

/**
 * What an element does with a token. The step hands every behavior in through `Execution`
 * (as diagram-js injects services), so the code that moves tokens calls behaviors through this
 * interface and never imports them: behaviors depend on the flow, not the other way round.
 */
export interface ElementBehavior<E extends Element = Element> {
  /** A token arrived. */
  enter(exec: Execution, token: LiveToken, element: E): void;
  /** Its start listeners are done (runtime/listeners.ts): run the element's own behaviour. */
  started?(exec: Execution, token: LiveToken, element: E): void;
  /** Its service job completed (`job.complete`); defaults to completing with the job's variables. */
  jobCompleted?(exec: Execution, token: LiveToken, element: E, variables: Variables): void;
  /** Re-run after `incident.retry`; defaults to `enter`. */
  retry?(exec: Execution, token: LiveToken, element: E): void;
  /** The child scope this token owns (a subprocess's) has no token left: the element completes. */
  scopeCompleted?(exec: Execution, token: LiveToken, element: E): void;
  /**
   * After the moving tokens settle: whether a token waiting at this join may go on now, because
   * the tokens it waited for went elsewhere. Moves it and returns true if so.
   */
  settle?(exec: Execution, token: Readonly<LiveToken>, element: E): boolean;
  /**
   * A path inside the child scope this token owns ended (tokens may be left in it): the element
   * decides whether it completes (an ad-hoc subprocess's completion condition). Without this hook
   * the element completes once its scope has no token left (`scopeCompleted`).
   */
  flowEnded?(exec: Execution, token: LiveToken, element: E): void;
}

/** The behavior registry a step runs with, one entry per element kind. */
export type BehaviorRegistry = {
  readonly [K in ElementKind]: ElementBehavior<Element & { readonly kind: K }>;
};

/** Guards against a model that loops forever without ever waiting. */
const MAX_MOVES_PER_STEP = 100_000;

/**
 * The mutable working copy of one instance for one step: copy-on-write over the input state
 * (the input is never mutated, so a caller can retry a step after a lost optimistic lock), plus
 * the effects and history the step produces.
 */
/** What a step tracks for conditional events (runtime/conditions.ts). */
export interface ConditionTracker {
  readonly changed: Set<string>;
  readonly armed: Set<string>;
  readonly names?: Map<string, Set<string>>;
}

export class Execution {
  status: InstanceStatus;
  parentInstanceId: string | undefined;
  readonly tokens = new Map<string, Readonly<LiveToken>>();
  readonly scopes = new Map<string, Scope>();
  readonly effects: Effect[] = [];
  /** Completions a compensation throw may still compensate (see compensation.ts). */
  compensations: readonly CompensationRecord[];
  private readonly owned = new Set<string>();
  private completed: readonly string[];
  private completedSet: Set<string> | undefined;
  private taken: readonly string[];
  private takenSet: Set<string> | undefined;
  /**
   * Conditional events (runtime/conditions.ts), set only when the model has any: the scopes whose
   * variables changed and the conditional triggers armed (`ownerId\u0000elementId`) since the
   * last evaluation; `names` (only for models with a `zeebe:conditionalFilter`) the changes per
   * scope, as `create\u0000name` / `update\u0000name`. Absent, variable writes cost nothing extra.
   */
  conditions: ConditionTracker | undefined;
  private readonly queue: string[] = [];
  private head = 0;
  private moves = 0;

  constructor(
    readonly index: ModelIndex,
    readonly ctx: StepContext,
    state: InstanceState | null,
    /** Every element kind's behavior, handed in by the step. */
    readonly behaviors: BehaviorRegistry,
  ) {
    this.status = state?.status ?? 'active';
    this.parentInstanceId = state?.parentInstanceId;
    this.completed = state?.completedElementIds ?? [];
    this.taken = state?.takenFlowIds ?? [];
    this.compensations = state?.compensations ?? [];
    for (const token of state?.tokens ?? []) this.tokens.set(token.id, token as Readonly<LiveToken>);
    for (const scope of state?.scopes ?? []) this.scopes.set(scope.id, scope);
  }

  get now(): Date {
    return this.ctx.now;
  }

  newId(): string {
    return this.ctx.newId();
  }

  element(id: string): Element {
    return this.index.element(id);
  }

  /** The behavior of an element's kind. */
  behavior(element: Element): ElementBehavior {
    return this.behaviors[element.kind] as ElementBehavior;
  }

  emit(effect: Effect): void {
    this.effects.push(effect);
  }

  history(type: HistoryType, fields: Omit<HistoryRecord, 'type'> = {}): void {
    this.effects.push({ type: 'history', record: { type, ...fields } });
  }

  markCompleted(elementId: string): void {
    this.completedSet ??= new Set(this.completed);
    if (this.completedSet.has(elementId)) return;
    this.completedSet.add(elementId);
    this.completed = [...this.completed, elementId];
  }

  hasCompleted(elementId: string): boolean {
    return this.completed.includes(elementId);
  }

  markTaken(flowId: string): void {
    this.takenSet ??= new Set(this.taken);
    if (this.takenSet.has(flowId)) return;
    this.takenSet.add(flowId);
    this.taken = [...this.taken, flowId];
  }

  // --- tokens ---------------------------------------------------------------------------------

  token(id: string): Readonly<LiveToken> | undefined {
    return this.tokens.get(id);
  }

  /** A writable token: copied on first write so the input state stays untouched. */
  edit(id: string): LiveToken {
    const token = this.tokens.get(id);
    if (!token) throw new Error(`Token ${id} is gone`);
    if (this.owned.has(id)) return token as LiveToken;
    const copy: LiveToken = { ...token };
    if (token.boundary) copy.boundary = [...token.boundary];
    this.tokens.set(id, copy);
    this.owned.add(id);
    return copy;
  }

  addToken(fields: Omit<LiveToken, 'id'>): LiveToken {
    const token: LiveToken = { id: this.newId(), ...fields };
    this.tokens.set(token.id, token);
    this.owned.add(token.id);
    return token;
  }

  removeToken(id: string): void {
    this.tokens.delete(id);
  }

  tokensIn(scopeId: string): Readonly<LiveToken>[] {
    const found: Readonly<LiveToken>[] = [];
    for (const token of this.tokens.values()) if (token.scopeId === scopeId) found.push(token);
    return found;
  }

  hasTokensIn(scopeId: string): boolean {
    for (const token of this.tokens.values()) if (token.scopeId === scopeId) return true;
    return false;
  }

  /** Queue a moving token to be entered into its element by the step loop. */
  schedule(token: LiveToken): void {
    token.wait = undefined;
    this.queue.push(token.id);
  }

  /** The next queued token id, or undefined when nothing moves any more. */
  nextMoving(): string | undefined {
    if (this.head >= this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      return undefined;
    }
    this.moves += 1;
    if (this.moves > MAX_MOVES_PER_STEP) {
      throw new Error(
        `Process '${this.index.model.id}' moved ${MAX_MOVES_PER_STEP} tokens in one step without waiting`,
      );
    }
    return this.queue[this.head++];
  }

  // --- scopes ---------------------------------------------------------------------------------

  scope(id: string): Scope {
    const scope = this.scopes.get(id);
    if (!scope) throw new Error(`Scope ${id} is gone`);
    return scope;
  }

  rootScope(): Scope {
    for (const scope of this.scopes.values()) if (scope.parentScopeId === null) return scope;
    throw new Error('The instance has no root scope');
  }

  /** The scope a token at an activity owns: its io-mapping scope, subprocess scope or multi-instance body. */
  ownedScope(tokenId: string): Scope | undefined {
    for (const scope of this.scopes.values()) if (scope.ownerTokenId === tokenId) return scope;
    return undefined;
  }

  putScope(scope: Scope): void {
    this.scopes.set(scope.id, scope);
  }

  removeScope(id: string): void {
    this.scopes.delete(id);
  }

  // --- result ---------------------------------------------------------------------------------

  result(): StepResult {
    const tokens: Token[] = [];
    for (const token of this.tokens.values()) {
      if (!token.wait) throw new Error(`Token ${token.id} at '${token.elementId}' was left moving`);
      tokens.push(this.owned.has(token.id) ? persistable(token) : (token as Token));
    }
    const state: InstanceState = {
      format: CURRENT_STATE_FORMAT,
      status: this.status,
      scopes: [...this.scopes.values()],
      tokens,
      completedElementIds: this.completed,
      takenFlowIds: this.taken,
      ...(this.parentInstanceId === undefined ? {} : { parentInstanceId: this.parentInstanceId }),
      ...(this.compensations.length > 0 ? { compensations: this.compensations } : {}),
    };
    return { state, effects: this.effects };
  }
}

function persistable(token: Readonly<LiveToken>): Token {
  const out: { -readonly [K in keyof Token]: Token[K] } = {
    id: token.id,
    elementId: token.elementId,
    scopeId: token.scopeId,
    wait: token.wait as TokenWait,
  };
  if (token.arrivedBy !== undefined) out.arrivedBy = token.arrivedBy;
  if (token.boundary && token.boundary.length > 0) out.boundary = token.boundary;
  if (token.loopCounter !== undefined) out.loopCounter = token.loopCounter;
  if (token.multipleThrow !== undefined) out.multipleThrow = token.multipleThrow;
  return out;
}
