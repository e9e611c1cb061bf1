import { describe, expect, it } from 'vitest';
import { VARIABLE_NAMES_ENTRY, withVariableNames } from './conditional-filter-groups.js';

describe('the variable names entry of a conditional filter', () => {
  const component = () => null;
  const entry = { component, isEdited: () => false };

  it('goes before the variable events entry, in the group that shows it', () => {
    const groups = [
      { id: 'general', entries: [{ id: 'name' }] },
      { id: 'event-condition', entries: [{ id: 'condition' }, { id: 'variableEvents' }] },
    ];
    const out = withVariableNames(groups, entry);
    expect(out[0]).toBe(groups[0]);
    expect(out[1]?.entries?.map((entry) => entry.id)).toEqual([
      'condition',
      VARIABLE_NAMES_ENTRY,
      'variableEvents',
    ]);
    expect(out[1]?.entries?.[1]?.component).toBe(component);
  });

  it('adds nothing where the panel offers no variable events (a process start), nor twice', () => {
    const start = [{ id: 'event-condition', entries: [{ id: 'condition' }] }];
    expect(withVariableNames(start, entry)).toEqual(start);
    const once = withVariableNames([{ id: 'event-condition', entries: [{ id: 'variableEvents' }] }], entry);
    expect(withVariableNames(once, entry)[0]?.entries).toHaveLength(2);
  });
});
