/** Where the variable names entry of `zeebe:conditionalFilter` goes (see conditional-filter.ts). */

interface Entry {
  readonly id: string;
  readonly [key: string]: unknown;
}

/** A properties panel group. */
export interface Group {
  readonly id: string;
  readonly entries?: readonly Entry[];
  readonly [key: string]: unknown;
}

/** The id of the panel's variable events entry (`zeebe:ConditionalFilter#variableEvents`). */
const VARIABLE_EVENTS_ENTRY = 'variableEvents';
export const VARIABLE_NAMES_ENTRY = 'conditionalFilter-variableNames';

/**
 * The groups with a variable names entry before the panel's variable events entry, wherever
 * the panel shows that one; the same groups otherwise.
 */
export function withVariableNames(
  groups: readonly Group[],
  entry: { readonly component: unknown; readonly isEdited: unknown },
): Group[] {
  return groups.map((group) => {
    const entries = group.entries ?? [];
    const at = entries.findIndex((e) => e.id === VARIABLE_EVENTS_ENTRY);
    if (at < 0 || entries.some((e) => e.id === VARIABLE_NAMES_ENTRY)) return group;
    const names: Entry = { id: VARIABLE_NAMES_ENTRY, ...entry };
    return { ...group, entries: [...entries.slice(0, at), names, ...entries.slice(at)] };
  });
}
