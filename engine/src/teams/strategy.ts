/**
 * `zeebe:taskHeaders` key that picks a user task's assignee from its candidates:
 * `round-robin`, `least-open`, or `attribute:<key>=<value>` (the candidates having that
 * attribute, the least loaded first). Header values stay plain text, so Camunda Modeler keeps them.
 */
export const ASSIGNMENT_HEADER = 'baton:assignment';

export type AssignmentStrategy =
  | { readonly kind: 'round-robin' }
  | { readonly kind: 'least-open' }
  | { readonly kind: 'attribute'; readonly key: string; readonly value: string };

const ATTRIBUTE = /^attribute:([A-Za-z0-9_.-]{1,100})=([^\s=][^=]{0,199})$/;

/** The strategy a header value names, or an error message saying what is accepted. */
export function parseAssignmentStrategy(raw: string): AssignmentStrategy | { readonly error: string } {
  const text = raw.trim();
  if (text === 'round-robin') return { kind: 'round-robin' };
  if (text === 'least-open') return { kind: 'least-open' };
  const match = ATTRIBUTE.exec(text);
  if (match?.[1] && match[2]) return { kind: 'attribute', key: match[1], value: match[2].trim() };
  return {
    error: `${ASSIGNMENT_HEADER} '${raw.slice(0, 100)}' is not one of round-robin, least-open, attribute:<key>=<value>`,
  };
}

/** The strategy text as history records it. */
export function strategyName(strategy: AssignmentStrategy): string {
  return strategy.kind === 'attribute' ? `attribute:${strategy.key}=${strategy.value}` : strategy.kind;
}
