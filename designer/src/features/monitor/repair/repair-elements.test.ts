import { describe, expect, it } from 'vitest';
import { activeElements, startableElements } from './repair-elements.js';

const labels = new Map([
  ['start', { name: 'Filed', kind: 'startEvent' }],
  ['draft', { name: 'Draft', kind: 'userTask' }],
  ['approve', { name: null, kind: 'userTask' }],
  ['flow', { name: null, kind: 'sequenceFlow' }],
  ['done', { name: 'Done', kind: 'endEvent' }],
]);

describe('repair elements', () => {
  it('offers only elements a token can start before, named, and ids where a name is missing', () => {
    // when
    const names = startableElements(labels).map((e) => e.name);
    // then start events and flows are left out
    expect(names).toEqual(['approve', 'Done', 'Draft']);
  });

  it('lists the elements that hold a token', () => {
    // when
    const active = activeElements(labels, { draft: 1, approve: 0 });
    // then
    expect(active).toEqual([{ id: 'draft', name: 'Draft' }]);
  });
});
