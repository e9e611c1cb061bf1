import type { IssueCollector } from './issues.js';
import { expressionBody, extensions, type ModdleNode } from './moddle.js';
import type { ConditionalFilter, EventDefinition } from './types.js';

const VARIABLE_EVENTS = ['create', 'update'] as const;

/**
 * `bpmn:conditionalEventDefinition`: its `condition` body is FEEL, written `=expr` as Zeebe writes
 * expressions (a body without the `=` is read as FEEL too, as for flow conditions). A missing or
 * blank condition and one that does not parse are deploy problems on the event.
 *
 * `zeebe:conditionalFilter` (Zeebe 8.9): `variableNames="a,b"` and `variableEvents="create,update"`
 * narrow which variable changes evaluate the condition again (runtime/conditions.ts). A process's
 * own conditional start has no scope whose changes it could filter (it is evaluated on request,
 * `engine.evaluateConditions`), so a filter there is refused, as is an unknown variable event.
 *
 * Camunda 7's `camunda:variableName` / `camunda:variableEvents` (and any other attribute of a
 * foreign namespace) are listed in a warning, as Zeebe ignores them.
 */
export function compileConditional(
  id: string,
  definition: ModdleNode,
  issues: IssueCollector,
  processStart = false,
): Extract<EventDefinition, { kind: 'conditional' }> {
  const foreign = Object.keys(definition.$attrs ?? {}).filter(
    (key) => key.includes(':') && !key.startsWith('xmlns:') && !key.startsWith('xml:'),
  );
  if (foreign.length > 0) {
    issues.warn(
      id,
      'extension.ignored',
      `ignored on the conditional event definition, as Zeebe ignores them (use <zeebe:conditionalFilter> to narrow when the condition is evaluated): ${foreign.join(', ')}`,
    );
  }
  let filter: ConditionalFilter | undefined;
  for (const value of extensions(definition)) {
    if (value.$type !== 'zeebe:ConditionalFilter') continue;
    if (processStart) {
      issues.add(
        id,
        'extension.unsupported',
        '<zeebe:conditionalFilter> on a process start event: its condition is evaluated when conditions are evaluated on request, with the variables given, so there is no change to filter',
      );
      continue;
    }
    if (filter) {
      issues.add(id, 'event.invalid', 'a conditional event takes one <zeebe:conditionalFilter>');
      continue;
    }
    filter = compileFilter(id, value, issues);
  }
  const body = expressionBody(definition, 'condition');
  if (!body?.trim()) {
    issues.add(id, 'event.invalid', 'a conditional event needs a condition (a FEEL expression, =...)');
    return { kind: 'conditional', condition: { feel: true, source: 'false' } };
  }
  return {
    kind: 'conditional',
    condition: issues.feel(id, 'condition', body),
    ...(filter ? { filter } : {}),
  };
}

/** `variableNames` / `variableEvents`, comma-separated lists; empty lists filter nothing. */
function compileFilter(id: string, node: ModdleNode, issues: IssueCollector): ConditionalFilter | undefined {
  const list = (name: string): string[] => {
    const raw = (node as unknown as Record<string, unknown>)[name];
    return typeof raw === 'string'
      ? raw
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== '')
      : [];
  };
  const variableNames = list('variableNames');
  const events = list('variableEvents');
  const unknown = events.filter((event) => !(VARIABLE_EVENTS as readonly string[]).includes(event));
  if (unknown.length > 0)
    issues.add(
      id,
      'event.invalid',
      `<zeebe:conditionalFilter variableEvents>: ${unknown.map((e) => `'${e}'`).join(', ')} is not a variable event (create, update)`,
    );
  const variableEvents = [...new Set(events)].filter((event): event is (typeof VARIABLE_EVENTS)[number] =>
    (VARIABLE_EVENTS as readonly string[]).includes(event),
  );
  const filter: ConditionalFilter = {
    ...(variableNames.length > 0 ? { variableNames } : {}),
    // Both kinds listed filter nothing by kind.
    ...(variableEvents.length > 0 && variableEvents.length < VARIABLE_EVENTS.length
      ? { variableEvents }
      : {}),
  };
  return filter.variableNames || filter.variableEvents ? filter : undefined;
}
