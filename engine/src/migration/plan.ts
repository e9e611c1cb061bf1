import type { Element, ProcessModel } from '../model/types.js';
import type { InstanceState, Scope, Token, TokenWait, TriggerEntry } from '../runtime/types.js';

/** One source element mapped to a target element; unmapped elements map to the same id. */
export interface MigrationMapping {
  readonly sourceElementId: string;
  readonly targetElementId: string;
}

/** Why an instance cannot move to the target version; `elementId` is the source element. */
export interface MigrationProblem {
  readonly code:
    | 'mapping.source-unknown'
    | 'mapping.target-unknown'
    | 'mapping.duplicate'
    | 'element.missing'
    | 'element.kind-changed'
    | 'element.scope-changed'
    | 'element.multi-instance-changed'
    | 'event.kind-changed'
    | 'trigger.missing'
    | 'trigger.added'
    | 'join.flow-missing';
  readonly elementId: string;
  readonly message: string;
}

export interface PlannedMigration {
  readonly problems: readonly MigrationProblem[];
  /** Source element id -> target element id, for every element the instance's state names. */
  readonly elementMap: Readonly<Record<string, string>>;
  /** The state as it reads against the target (only meaningful when there are no problems). */
  readonly state: InstanceState;
}

/**
 * Checks that every active token, scope, timer and subscription of an instance has a counterpart
 * in the target version, and rewrites the state's element ids. Pure: the caller reads and writes.
 *
 * The rules follow Camunda's process instance migration: an active element maps to an element of
 * the same kind in the same (mapped) flow scope; a multi-instance body stays multi-instance; every
 * boundary event or event sub-process that listens now has a counterpart of the same event kind,
 * and the target adds no listener that the running element would silently lack; a token waiting at
 * a join keeps the flow it arrived by. Anything else is refused with the element's id.
 */
export function planMigration(
  source: ProcessModel,
  target: ProcessModel,
  state: InstanceState,
  mappings: readonly MigrationMapping[],
): PlannedMigration {
  const problems: MigrationProblem[] = [];
  const explicit = new Map<string, string>();
  for (const m of mappings) {
    if (!(m.sourceElementId in source.elements) && m.sourceElementId !== source.id)
      problems.push({
        code: 'mapping.source-unknown',
        elementId: m.sourceElementId,
        message: `The source version has no element '${m.sourceElementId}'`,
      });
    else if (!(m.targetElementId in target.elements))
      problems.push({
        code: 'mapping.target-unknown',
        elementId: m.sourceElementId,
        message: `The target version has no element '${m.targetElementId}'`,
      });
    if (explicit.has(m.sourceElementId))
      problems.push({
        code: 'mapping.duplicate',
        elementId: m.sourceElementId,
        message: `'${m.sourceElementId}' is mapped more than once`,
      });
    explicit.set(m.sourceElementId, m.targetElementId);
  }
  const mapId = (id: string): string => {
    if (id === source.id) return target.id;
    return explicit.get(id) ?? id;
  };
  const elementMap: Record<string, string> = {};
  const reported = new Set<string>();
  const problem = (p: MigrationProblem) => {
    const key = `${p.code}:${p.elementId}`;
    if (reported.has(key)) return;
    reported.add(key);
    problems.push(p);
  };

  /** Checks one element the state names; returns its target or undefined. */
  const check = (sourceId: string): Element | undefined => {
    const from = source.elements[sourceId];
    if (from === undefined) return undefined;
    const toId = mapId(sourceId);
    const to = target.elements[toId];
    if (to === undefined) {
      problem({
        code: 'element.missing',
        elementId: sourceId,
        message: `Active element ${label(from)} has no counterpart '${toId}' in the target version; map it to one`,
      });
      return undefined;
    }
    elementMap[sourceId] = toId;
    if (to.kind !== from.kind) {
      problem({
        code: 'element.kind-changed',
        elementId: sourceId,
        message: `${label(from)} is a ${short(from.kind)} but its target '${toId}' is a ${short(to.kind)}`,
      });
      return undefined;
    }
    if (mapId(from.parentId) !== to.parentId)
      problem({
        code: 'element.scope-changed',
        elementId: sourceId,
        message: `${label(from)} would move from '${from.parentId}' into '${to.parentId}'; an active element stays in its sub-process`,
      });
    const miFrom = 'loop' in from && from.loop?.kind === 'multiInstance';
    const miTo = 'loop' in to && to.loop?.kind === 'multiInstance';
    if (miFrom !== miTo)
      problem({
        code: 'element.multi-instance-changed',
        elementId: sourceId,
        message: `${label(from)} is ${miFrom ? '' : 'not '}multi-instance but its target is ${miTo ? 'multi-instance' : 'not'}`,
      });
    return to;
  };

  /** Each listening trigger maps to an element of the same event kind. */
  const checkEntries = (entries: readonly TriggerEntry[]) => {
    for (const entry of entries) {
      const from = source.elements[entry.elementId];
      const toId = mapId(entry.elementId);
      const mapped = target.elements[toId];
      if (
        from === undefined ||
        mapped === undefined ||
        mapped.kind !== from.kind ||
        !sameEvent(from, mapped)
      ) {
        problem({
          code: 'trigger.missing',
          elementId: entry.elementId,
          message: `${from ? label(from) : `'${entry.elementId}'`} listens now but has no counterpart of the same kind in the target version`,
        });
        continue;
      }
      elementMap[entry.elementId] = toId;
    }
  };
  /** The target adds no listener (boundary event, event sub-process, gateway event) that a running element would lack. */
  const checkAdded = (owner: string, before: readonly string[], after: readonly string[]) => {
    const mapped = new Set(before.map(mapId));
    for (const id of after) {
      const added = target.elements[id];
      if (mapped.has(id) || (added !== undefined && !hasTrigger(added))) continue;
      problem({
        code: 'trigger.added',
        elementId: owner,
        message: `The target version adds ${label(added ?? { id })} to '${owner}', which is running and would not listen to it; migrate once it has left`,
      });
    }
  };
  const startsOf = (model: ProcessModel, scopeId: string) =>
    (model.scopes[scopeId]?.eventSubProcessIds ?? []).flatMap(
      (sub) => model.scopes[sub]?.startEventIds ?? [],
    );

  const scopes: Scope[] = [];
  for (const scope of state.scopes) {
    if (scope.elementId !== source.id) check(scope.elementId);
    checkEntries(scope.listeners ?? []);
    if (source.scopes[scope.elementId] !== undefined && scope.multiInstance === undefined)
      checkAdded(
        scope.elementId,
        startsOf(source, scope.elementId),
        startsOf(target, mapId(scope.elementId)),
      );
    scopes.push({
      ...scope,
      elementId: mapId(scope.elementId),
      ...(scope.listeners
        ? { listeners: scope.listeners.map((l) => ({ ...l, elementId: mapId(l.elementId) })) }
        : {}),
    });
  }

  const tokens: Token[] = [];
  for (const token of state.tokens) {
    const to = check(token.elementId);
    checkEntries(token.boundary ?? []);
    const from = source.elements[token.elementId];
    if (to !== undefined && from !== undefined && !isIterationToken(state, token)) {
      if (token.wait.kind === 'eventGateway') {
        const after = (model: ProcessModel, e: Element) =>
          e.outgoing.map((f) => model.flows[f]?.targetId ?? '');
        checkAdded(token.elementId, after(source, from), after(target, to));
      } else if ('boundaryEventIds' in from && 'boundaryEventIds' in to) {
        checkAdded(token.elementId, from.boundaryEventIds, to.boundaryEventIds);
      }
    }
    if (to !== undefined && from !== undefined && EVENT_WAITS.has(token.wait.kind) && !sameTrigger(from, to))
      problem({
        code: 'event.kind-changed',
        elementId: token.elementId,
        message: `A token waits at ${label(from)} for ${triggers(from)}, but its target '${to.id}' waits for ${triggers(to)}; map it to an event of the same kind`,
      });
    if (token.wait.kind === 'join' && token.arrivedBy !== undefined) {
      const flow = target.flows[token.arrivedBy];
      if (flow === undefined || flow.targetId !== mapId(token.elementId))
        problem({
          code: 'join.flow-missing',
          elementId: token.elementId,
          message: `A token waits at '${token.elementId}' having arrived by '${token.arrivedBy}', which the target version does not lead into it`,
        });
    }
    // The process's start listeners of a message start run before the element the message
    // started the instance at, which the token enters once they are done.
    const messageStartId = pendingMessageStart(token.wait);
    if (messageStartId !== undefined && check(messageStartId) !== undefined) {
      const toId = mapId(messageStartId);
      if (!target.scopes[target.id]?.messageStartIds?.includes(toId))
        problem({
          code: 'trigger.missing',
          elementId: messageStartId,
          message: `The instance's start listeners run before '${messageStartId}', where a message started it, but its target '${toId}' starts no instance by a message`,
        });
    }
    tokens.push({
      ...token,
      elementId: mapId(token.elementId),
      wait: mapWait(token.wait, mapId),
      ...(token.boundary
        ? { boundary: token.boundary.map((b) => ({ ...b, elementId: mapId(b.elementId) })) }
        : {}),
    });
  }

  const migrated: InstanceState = {
    ...state,
    scopes,
    tokens,
    completedElementIds: state.completedElementIds.map(mapId).filter((id) => id in target.elements),
    takenFlowIds: state.takenFlowIds.filter((id) => id in target.flows),
    // A completion stays compensable only where the target version still has a handler for it.
    ...(state.compensations
      ? {
          compensations: state.compensations
            .map((record) => ({ ...record, elementId: mapId(record.elementId) }))
            .filter((record) => record.elementId in target.elements),
        }
      : {}),
  };
  return { problems, elementMap, state: migrated };
}

/** The element a message started the instance at, when the token waits for the process's start listeners before it. */
function pendingMessageStart(wait: TokenWait): string | undefined {
  return wait.kind === 'listener' || wait.kind === 'incident' ? wait.listener?.messageStartId : undefined;
}

/** A token's wait with the element ids it names mapped (the element a message started the instance at). */
function mapWait(wait: TokenWait, mapId: (id: string) => string): TokenWait {
  if (wait.kind !== 'listener' && wait.kind !== 'incident') return wait;
  const listener = wait.listener;
  if (listener?.messageStartId === undefined) return wait;
  return { ...wait, listener: { ...listener, messageStartId: mapId(listener.messageStartId) } };
}

/** A boundary event or start event with something to listen to (not a plain none event). */
function hasTrigger(element: Element): boolean {
  return 'event' in element && element.event.kind !== 'none';
}

function sameEvent(a: Element, b: Element): boolean {
  if (!('event' in a) || !('event' in b)) return true;
  if (a.event.kind !== b.event.kind) return false;
  if (a.kind === 'bpmn:BoundaryEvent' && b.kind === 'bpmn:BoundaryEvent')
    return a.cancelActivity === b.cancelActivity;
  return true;
}

/** Waits of a token at a catch event: what it waits for is the event's definition. */
const EVENT_WAITS: ReadonlySet<Token['wait']['kind']> = new Set([
  'timer',
  'message',
  'signal',
  'condition',
  'anyEvent',
]);

/** The kinds of event an element waits for, in order (a multiple event has several). */
function triggerKinds(element: Element): readonly string[] {
  if (!('event' in element)) return [];
  return element.multiple ? element.multiple.map((definition) => definition.kind) : [element.event.kind];
}

/** Whether a token waiting at `a` can wait at `b`: the same event definitions, in the same order. */
function sameTrigger(a: Element, b: Element): boolean {
  const [from, to] = [triggerKinds(a), triggerKinds(b)];
  return (
    from.length === to.length &&
    from.every((kind, i) => kind === to[i]) &&
    ('parallelMultiple' in a && a.parallelMultiple) === ('parallelMultiple' in b && b.parallelMultiple)
  );
}

function triggers(element: Element): string {
  const kinds = triggerKinds(element);
  const text = kinds.length > 1 ? `a multiple event (${kinds.join(', ')})` : `a ${kinds[0] ?? 'none'} event`;
  return 'parallelMultiple' in element && element.parallelMultiple ? `${text}, every one needed` : text;
}

function isIterationToken(state: InstanceState, token: Token): boolean {
  const scope = state.scopes.find((s) => s.id === token.scopeId);
  return scope?.multiInstance !== undefined && scope.elementId === token.elementId;
}

function label(element: { readonly id: string; readonly name?: string }): string {
  return element.name ? `'${element.name}' (${element.id})` : `'${element.id}'`;
}

function short(kind: string): string {
  return kind.replace('bpmn:', '');
}
