import type { IssueCollector } from './issues.js';
import { expressionBody, extensions, type ModdleNode } from './moddle.js';
import type { EventDefinition } from './types.js';

/**
 * `bpmn:conditionalEventDefinition`: its `condition` body is FEEL, written `=expr` as Zeebe writes
 * expressions (a body without the `=` is read as FEEL too, as for flow conditions). A missing or
 * blank condition and one that does not parse are deploy problems on the event.
 *
 * Camunda 7's `camunda:variableName` / `camunda:variableEvents` (and any other attribute of a
 * foreign namespace) are listed in a warning: the engine evaluates the condition on every change
 * of a variable visible to the event. Zeebe's own `zeebe:conditionalFilter` narrows when the
 * condition is evaluated; the engine does not run that filter, so it refuses it rather than fire
 * at other moments than the author asked for.
 */
export function compileConditional(
  id: string,
  definition: ModdleNode,
  issues: IssueCollector,
): Extract<EventDefinition, { kind: 'conditional' }> {
  const foreign = Object.keys(definition.$attrs ?? {}).filter(
    (key) => key.includes(':') && !key.startsWith('xmlns:') && !key.startsWith('xml:'),
  );
  if (foreign.length > 0) {
    issues.warn(
      id,
      'extension.ignored',
      `ignored on the conditional event definition, as Zeebe ignores them (the condition is evaluated on every change of a variable it can see): ${foreign.join(', ')}`,
    );
  }
  for (const value of extensions(definition)) {
    if (value.$type === 'zeebe:ConditionalFilter')
      issues.add(
        id,
        'extension.unsupported',
        '<zeebe:ConditionalFilter>: variable filters on conditional events are not supported; the condition is evaluated on every change of a visible variable',
      );
  }
  const body = expressionBody(definition, 'condition');
  if (!body?.trim()) {
    issues.add(id, 'event.invalid', 'a conditional event needs a condition (a FEEL expression, =...)');
    return { kind: 'conditional', condition: { feel: true, source: 'false' } };
  }
  return { kind: 'conditional', condition: issues.feel(id, 'condition', body) };
}
