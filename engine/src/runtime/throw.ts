import type { ActivityElement, BoundaryEventElement, EventElement } from '../model/types.js';
import { fireBoundary } from './catching.js';
import { startEventSubprocess } from './event-subprocess.js';
import type { Execution, LiveToken } from './execution.js';
import { notifyParent, raiseIncident } from './flow.js';
import { isActivity } from './model-index.js';
import { isIteration } from './multi-instance.js';
import type { Variables } from './types.js';

/**
 * BPMN errors and escalations travel outwards from where they are thrown: at each level, first
 * the boundary events of the activity, then the event subprocesses of the scope around it, then
 * on to the activity that owns that scope. An exact code wins over a catch-all at the same level.
 */

type ThrowKind = 'error' | 'escalation';

type Catcher =
  | { readonly kind: 'boundary'; readonly tokenId: string; readonly boundaryId: string }
  | { readonly kind: 'eventSubprocess'; readonly scopeId: string; readonly startEventId: string };

interface ThrowOptions {
  /** Whether the thrower's own boundary events may catch (a failing task or call activity: yes; an end event: none). */
  readonly ownBoundaries: boolean;
  readonly variables?: Variables;
  readonly message?: string;
}

/** Throws a BPMN error; uncaught, the thrower is parked in an 'unhandledError' incident. */
export function throwError(exec: Execution, thrower: LiveToken, code: string, options: ThrowOptions): void {
  exec.history('error.thrown', {
    elementId: thrower.elementId,
    tokenId: thrower.id,
    data: { errorCode: code, ...(options.message ? { errorMessage: options.message } : {}) },
  });
  const catcher = findCatcher(exec, thrower, options.ownBoundaries, 'error', code);
  if (catcher) {
    triggerCatcher(exec, catcher, options.variables ?? {});
    return;
  }
  raiseIncident(
    exec,
    thrower,
    'unhandledError',
    `Unhandled BPMN error '${code}'${options.message ? `: ${options.message}` : ''}`,
  );
  notifyParent(exec, {
    type: 'child.thrown',
    childInstanceId: exec.ctx.instanceId,
    kind: 'error',
    code,
    variables: options.variables ?? {},
  });
}

/** Throws an escalation (non-critical): caught or not, the thrower carries on unless a catch interrupted it. */
export function throwEscalation(
  exec: Execution,
  thrower: LiveToken,
  code: string,
  options: ThrowOptions,
): void {
  exec.history('escalation.thrown', {
    elementId: thrower.elementId,
    tokenId: thrower.id,
    data: { escalationCode: code },
  });
  const catcher = findCatcher(exec, thrower, options.ownBoundaries, 'escalation', code);
  if (catcher) {
    triggerCatcher(exec, catcher, options.variables ?? {});
    return;
  }
  notifyParent(exec, {
    type: 'child.thrown',
    childInstanceId: exec.ctx.instanceId,
    kind: 'escalation',
    code,
    variables: options.variables ?? {},
  });
}

function triggerCatcher(exec: Execution, catcher: Catcher, variables: Variables): void {
  if (catcher.kind === 'boundary') fireBoundary(exec, catcher.tokenId, catcher.boundaryId, variables);
  else startEventSubprocess(exec, catcher.scopeId, catcher.startEventId, variables);
}

function findCatcher(
  exec: Execution,
  thrower: Readonly<LiveToken>,
  ownBoundaries: boolean,
  kind: ThrowKind,
  code: string,
): Catcher | undefined {
  const model = exec.index.model;
  let current: Readonly<LiveToken> | undefined = thrower;
  let checkBoundaries = ownBoundaries;
  let fromEventSubprocess = false;
  while (current) {
    const element = exec.element(current.elementId);
    if (checkBoundaries && isActivity(element) && !isIteration(exec, current, element)) {
      const boundaryId = pick(
        element.boundaryEventIds,
        (id) => codeOf(exec.element(id) as BoundaryEventElement, kind),
        code,
      );
      if (boundaryId) return { kind: 'boundary', tokenId: current.id, boundaryId };
    }
    const scope = exec.scopes.get(current.scopeId);
    if (!scope) return undefined;
    // An event subprocess does not catch what its own siblings' scope threw from inside another event subprocess.
    if (!scope.multiInstance && !fromEventSubprocess) {
      const starts = (model.scopes[scope.elementId]?.eventSubProcessIds ?? []).flatMap(
        (id) => model.scopes[id]?.startEventIds ?? [],
      );
      const startEventId = pick(starts, (id) => codeOf(exec.element(id) as EventElement, kind), code);
      if (startEventId) return { kind: 'eventSubprocess', scopeId: scope.id, startEventId };
    }
    if (scope.parentScopeId === null || !scope.ownerTokenId) return undefined;
    current = exec.token(scope.ownerTokenId);
    checkBoundaries = true;
    fromEventSubprocess = current !== undefined && isEventSubprocess(exec, current.elementId);
  }
  return undefined;
}

/** The code a catch event catches: a string, null for catch-all, undefined when it is not that kind. */
function codeOf(element: EventElement | BoundaryEventElement, kind: ThrowKind): string | null | undefined {
  const event = element.event;
  if (kind === 'error' && event.kind === 'error') return event.errorCode ?? null;
  if (kind === 'escalation' && event.kind === 'escalation') return event.escalationCode ?? null;
  return undefined;
}

function pick(
  ids: readonly string[],
  codeFor: (id: string) => string | null | undefined,
  code: string,
): string | undefined {
  let catchAll: string | undefined;
  for (const id of ids) {
    const caught = codeFor(id);
    if (caught === code) return id;
    if (caught === null) catchAll ??= id;
  }
  return catchAll;
}

function isEventSubprocess(exec: Execution, elementId: string): boolean {
  const element = exec.element(elementId);
  return isActivity(element) && (element as ActivityElement).triggeredByEvent === true;
}
