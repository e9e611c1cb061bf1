import type { MessageKey } from '../app/en.js';

/** Someone or something a history event moves a task between. */
export type Party =
  | { readonly type: 'user'; readonly name: string }
  | { readonly type: 'group'; readonly name: string }
  | { readonly type: 'element'; readonly id: string };

/** One readable line under a timeline entry. */
export type Detail =
  | { readonly kind: 'route'; readonly from: readonly Party[]; readonly to: readonly Party[] }
  | {
      readonly kind: 'text';
      readonly label: MessageKey | null;
      readonly text: string;
      readonly quote?: boolean;
    };

type Data = Readonly<Record<string, unknown>>;

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number') return String(value);
  return null;
}

function user(value: unknown): Party[] {
  const name = text(value);
  return name ? [{ type: 'user', name }] : [];
}

function element(value: unknown): Party[] {
  const id = text(value);
  return id ? [{ type: 'element', id }] : [];
}

/** `{ user, groups }` (where a hand-off came from) or `{ user }` / `{ group }` (where it went); plain strings too. */
function holder(value: unknown): Party[] {
  if (typeof value === 'string') return user(value);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const record = value as Data;
  const person = user(record.user);
  if (person.length > 0) return person;
  const groups = [record.group, ...(Array.isArray(record.groups) ? record.groups : [])];
  return groups.flatMap((g) => {
    const name = text(g);
    return name ? [{ type: 'group' as const, name }] : [];
  });
}

function route(from: Party[], to: Party[]): Detail[] {
  return from.length > 0 || to.length > 0 ? [{ kind: 'route', from, to }] : [];
}

function line(label: MessageKey | null, value: unknown, quote = false): Detail[] {
  const content = text(value);
  return content ? [{ kind: 'text', label, text: content, ...(quote ? { quote } : {}) }] : [];
}

/** The generic reading for event types without their own: from → to, then reason, text, message. */
function generic(data: Data): Detail[] {
  return [
    ...route(holder(data.from ?? data.fromUser), holder(data.to ?? data.toUser ?? data.toGroup)),
    ...line('history.reason', data.reason),
    ...line(null, data.text, true),
    ...line(null, data.message),
  ];
}

/**
 * Turns a history event's `data` into readable lines: who handed a task to whom and why, which
 * step a task was returned to, what a comment said. Element ids stay ids here; the timeline shows
 * them by name.
 */
export function eventDetails(type: string, data: Data | null | undefined): Detail[] {
  if (!data) return [];
  switch (type) {
    case 'task.handedOff':
      return [...route(holder(data.from), holder(data.to)), ...line('history.reason', data.reason)];
    case 'task.returned':
      return [...route(element(data.from), element(data.to)), ...line('history.reason', data.reason)];
    case 'task.completionDenied':
      return line('history.reason', data.reason);
    case 'task.assigned':
      return route(user(data.from), user(data.to));
    case 'task.delegated':
      return [...route(user(data.owner), user(data.delegate)), ...line('history.reason', data.reason)];
    case 'task.resolved':
      return route(user(data.delegate), user(data.owner));
    case 'task.claimed':
      return route([], user(data.assignee));
    case 'task.unclaimed':
      return route(user(data.previousAssignee), []);
    case 'task.commented':
      return line(null, data.text, true);
    case 'task.created': {
      // Who an absence or a strategy gave the task to, and why (docs/TEAMS.md).
      const assignment = data.assignment;
      if (!assignment || typeof assignment !== 'object' || Array.isArray(assignment)) return [];
      const decided = assignment as Data;
      return [
        ...route(user(decided.substituteFor), user(decided.assignee)),
        ...line('history.assignment', decided.reason),
      ];
    }
    case 'instance.modified': {
      // Which elements a manager cancelled and which they started before (docs/OPERATIONS.md), and why.
      const ids = (v: unknown) => (Array.isArray(v) ? v.flatMap((id) => element(id)) : []);
      return [...route(ids(data.cancelled), ids(data.started)), ...line('history.reason', data.reason)];
    }
    case 'instance.migrated': {
      // From which version to which (docs/OPERATIONS.md), and why.
      const version = (v: unknown) =>
        v && typeof v === 'object' && !Array.isArray(v) ? text((v as Data).version) : null;
      const from = version(data.from);
      const to = version(data.to);
      return [
        ...(from && to ? line('history.versions', `v${from} → v${to}`) : []),
        ...line('history.reason', data.reason),
      ];
    }
    case 'incident.raised':
    case 'incident.created':
      return line(null, data.message);
    case 'error.thrown':
      return [...line('history.code', data.errorCode), ...line(null, data.errorMessage)];
    case 'escalation':
    case 'escalation.thrown':
      return line('history.code', data.escalationCode);
    case 'signal.thrown':
      return line('history.signal', data.signalName);
    case 'decision.evaluated': {
      // Which version of which DMN decision ran, the rules that matched and what it gave.
      const id = text(data.decisionId);
      const version = text(data.decisionVersion);
      const rules = Array.isArray(data.matchedRuleIds) ? data.matchedRuleIds.map(String).join(', ') : null;
      const result = data.result === undefined ? null : JSON.stringify(data.result);
      return [
        ...line('history.decision', id && version ? `${id} v${version}` : id),
        ...line('history.matchedRules', rules),
        ...line('history.result', result && result.length > 200 ? `${result.slice(0, 200)}…` : result),
      ];
    }
    case 'variables.changed':
      return Array.isArray(data.names) ? line('history.variables', data.names.map(String).join(', ')) : [];
    default:
      return generic(data);
  }
}
