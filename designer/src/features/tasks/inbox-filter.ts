import type { ViewFilter } from '@baton/schemas';

export type InboxTab = 'mine' | 'claimable' | 'overdue';
export type InboxSort = 'due' | 'priority';

/** What the inbox shows: a tab, the search text, the order, and what a saved view adds. */
export interface InboxState {
  readonly tab: InboxTab;
  readonly q: string;
  readonly sort: InboxSort;
  /**
   * Filters only a saved view sets (a process, a step, a due date, a priority range, headline
   * values); kept until another view is picked.
   */
  readonly extra: Pick<
    ViewFilter,
    'processId' | 'elementId' | 'dueBefore' | 'priorityMin' | 'priorityMax' | 'headline'
  >;
}

/** The `/api/tasks` query parameters of the inbox's state; a saved view stores exactly these. */
export function filterOf(s: InboxState): ViewFilter {
  const base = s.tab === 'overdue' ? { overdue: true } : { scope: s.tab };
  return { ...base, ...(s.q ? { q: s.q } : {}), sort: s.sort, ...s.extra };
}

/** The inbox state a saved view opens (a scope the tabs lack shows under "Claimable" or "My tasks"). */
export function stateOf(f: ViewFilter): InboxState {
  const tab: InboxTab = f.overdue ? 'overdue' : f.scope === 'mine' ? 'mine' : 'claimable';
  const extra = {
    ...(f.processId ? { processId: f.processId } : {}),
    ...(f.elementId ? { elementId: f.elementId } : {}),
    ...(f.dueBefore ? { dueBefore: f.dueBefore } : {}),
    ...(f.priorityMin !== undefined ? { priorityMin: f.priorityMin } : {}),
    ...(f.priorityMax !== undefined ? { priorityMax: f.priorityMax } : {}),
    ...(f.headline?.length ? { headline: [...f.headline] } : {}),
  };
  return { tab, q: f.q ?? '', sort: f.sort === 'priority' ? 'priority' : 'due', extra };
}
