import { describe, expect, it } from 'vitest';
import { eventDetails } from '../../components/timeline-details.js';
import { localInputToIso } from './teams-api.js';

describe('team operations in the web app', () => {
  it('reads a substitution in task.created history as a route from the absent person to the substitute', () => {
    const details = eventDetails('task.created', {
      assignment: { assignee: 'bob', substituteFor: 'ann', reason: 'assigned to bob, substituting for ann' },
    });
    expect(details).toEqual([
      { kind: 'route', from: [{ type: 'user', name: 'ann' }], to: [{ type: 'user', name: 'bob' }] },
      { kind: 'text', label: 'history.assignment', text: 'assigned to bob, substituting for ann' },
    ]);
  });

  it('shows nothing extra for a task created without an assignment decision', () => {
    expect(eventDetails('task.created', {})).toEqual([]);
  });

  it('turns a datetime-local value into an ISO instant and rejects empty or invalid text', () => {
    expect(localInputToIso('2026-03-02T10:30')).toBe(new Date('2026-03-02T10:30').toISOString());
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('not a date')).toBeNull();
  });
});
