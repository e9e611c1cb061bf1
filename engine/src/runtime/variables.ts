import { resolveExpr } from '../expressions/feel.js';
import type { Expr, Mapping } from '../model/types.js';
import type { Execution, LiveToken } from './execution.js';
import type { JsonValue, Scope, Variables } from './types.js';

/**
 * Variables live in nested scopes; an inner scope shadows an outer one. Writes follow Zeebe:
 * a local write sets the scope itself, a propagated write (completion variables, message
 * payloads) updates the nearest scope that already defines the name, else the root.
 */

/** Every variable visible from a scope, inner names shadowing outer ones. */
export function visibleVariables(exec: Execution, scopeId: string): Variables {
  let scope = exec.scopes.get(scopeId);
  if (!scope) return {};
  if (scope.parentScopeId === null) return scope.variables;
  const chain: Scope[] = [];
  while (scope) {
    chain.push(scope);
    scope = scope.parentScopeId === null ? undefined : exec.scopes.get(scope.parentScopeId);
  }
  const merged: Variables = {};
  for (let i = chain.length - 1; i >= 0; i--) Object.assign(merged, chain[i]?.variables);
  return merged;
}

/** Evaluates an expression against the variables visible from a scope (throws ExpressionError). */
export function evaluateIn(exec: Execution, expr: Expr, scopeId: string, extra?: Variables): JsonValue {
  const variables = visibleVariables(exec, scopeId);
  return resolveExpr(expr, extra ? { ...variables, ...extra } : variables, { now: exec.now });
}

/** Sets variables on one scope. */
export function setLocalVariables(
  exec: Execution,
  scopeId: string,
  variables: Variables,
  elementId?: string,
): void {
  const names = Object.keys(variables);
  if (names.length === 0) return;
  const scope = exec.scope(scopeId);
  const tracker = exec.conditions;
  if (tracker) {
    tracker.changed.add(scopeId);
    // Which names changed, and how, only where a conditional filter needs it.
    if (tracker.names) {
      const changes = tracker.names.get(scopeId) ?? new Set<string>();
      for (const name of names) {
        const known = Object.hasOwn(scope.variables, name);
        // Writing a variable's own value again changes nothing (Zeebe writes no update then).
        if (known && JSON.stringify(scope.variables[name]) === JSON.stringify(variables[name])) continue;
        changes.add(`${known ? 'update' : 'create'}\u0000${name}`);
      }
      tracker.names.set(scopeId, changes);
    }
  }
  exec.putScope({ ...scope, variables: { ...scope.variables, ...variables } });
  exec.history('variables.changed', { ...(elementId ? { elementId } : {}), data: { names, scopeId } });
}

/** Merges variables upwards from a scope: each lands where it is already defined, else in the root. */
export function propagateVariables(
  exec: Execution,
  fromScopeId: string,
  variables: Variables,
  elementId?: string,
): void {
  const names = Object.keys(variables);
  if (names.length === 0) return;
  const byScope = new Map<string, Variables>();
  for (const name of names) {
    let scope = exec.scopes.get(fromScopeId);
    let target: Scope | undefined;
    while (scope) {
      target = scope;
      if (Object.hasOwn(scope.variables, name)) break;
      scope = scope.parentScopeId === null ? undefined : exec.scopes.get(scope.parentScopeId);
    }
    if (!target) continue;
    const bucket = byScope.get(target.id) ?? {};
    bucket[name] = variables[name] as JsonValue;
    byScope.set(target.id, bucket);
  }
  for (const [scopeId, bucket] of byScope) setLocalVariables(exec, scopeId, bucket, elementId);
}

/** Evaluates io mappings against a context; targets may be dotted paths (`order.total`). */
export function evaluateMappings(
  exec: Execution,
  mappings: readonly Mapping[],
  context: Variables,
): Variables {
  const result: Variables = {};
  const options = { now: exec.now };
  for (const mapping of mappings) {
    const value = resolveExpr(mapping.source, { ...context, ...result }, options);
    setPath(result, mapping.target, value, context);
  }
  return result;
}

function setPath(target: Variables, path: string, value: JsonValue, context: Variables): void {
  const parts = path.split('.');
  if (parts.length === 1) {
    target[path] = value;
    return;
  }
  const [head, ...rest] = parts as [string, ...string[]];
  const existing = target[head] ?? context[head];
  const object: Variables = isObject(existing) ? { ...existing } : {};
  target[head] = object;
  setPath(object, rest.join('.'), value, isObject(existing) ? existing : {});
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The token's own scope (an activity's, a job-backed event's, or that of an event entered with its
 * event already happened while its start listeners run) with `local` (evaluated input
 * mappings) written into it: the scope it has, or a new one when there are inputs or `create`
 * asks for it; undefined when it has none and needs none.
 */
export function ownScope(
  exec: Execution,
  token: LiveToken,
  elementId: string,
  local: Variables | undefined,
  options: { readonly create?: boolean } = {},
): Scope | undefined {
  const existing = exec.ownedScope(token.id);
  if (existing) {
    if (!local) return existing;
    const updated = { ...existing, variables: { ...existing.variables, ...local } };
    exec.putScope(updated);
    return updated;
  }
  if (!local && options.create !== true) return undefined;
  const scope: Scope = {
    id: exec.newId(),
    elementId,
    parentScopeId: token.scopeId,
    ownerTokenId: token.id,
    variables: local ?? {},
  };
  exec.putScope(scope);
  return scope;
}
