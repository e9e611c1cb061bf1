import { describe, expect, it } from 'vitest';
import { eventDetails } from './timeline-details.js';

describe('eventDetails', () => {
  it('reads a hand-off to a person as from -> to with the reason', () => {
    // given the engine's hand-off record
    const data = { from: { user: 'sam', groups: ['staff'] }, to: { user: 'kim' }, reason: 'Kim owns it' };

    // when it is described
    const details = eventDetails('task.handedOff', data);

    // then the people and the reason are named
    expect(details).toEqual([
      { kind: 'route', from: [{ type: 'user', name: 'sam' }], to: [{ type: 'user', name: 'kim' }] },
      { kind: 'text', label: 'history.reason', text: 'Kim owns it' },
    ]);
  });

  it('reads a hand-off from an unassigned task to a group by its groups', () => {
    // given a task nobody held, handed to another group
    const data = { from: { user: null, groups: ['staff'] }, to: { group: 'leads' }, reason: 'Needs a lead' };

    // when / then
    expect(eventDetails('task.handedOff', data)[0]).toEqual({
      kind: 'route',
      from: [{ type: 'group', name: 'staff' }],
      to: [{ type: 'group', name: 'leads' }],
    });
  });

  it('reads a return as the two steps by element id, with the reason', () => {
    // given a 驳回 from the review back to the draft
    const data = { from: 'Task_review', to: 'Task_draft', reason: 'Missing numbers' };

    // when / then
    expect(eventDetails('task.returned', data)).toEqual([
      {
        kind: 'route',
        from: [{ type: 'element', id: 'Task_review' }],
        to: [{ type: 'element', id: 'Task_draft' }],
      },
      { kind: 'text', label: 'history.reason', text: 'Missing numbers' },
    ]);
  });

  it('quotes a comment and names a reassignment', () => {
    // given / when / then
    expect(eventDetails('task.commented', { text: 'Looks good' })).toEqual([
      { kind: 'text', label: null, text: 'Looks good', quote: true },
    ]);
    expect(eventDetails('task.assigned', { from: null, to: 'kim' })).toEqual([
      { kind: 'route', from: [], to: [{ type: 'user', name: 'kim' }] },
    ]);
  });

  it('leaves out empty values and says nothing for events without data', () => {
    // given a delegation without a reason, and an event with no data
    // when / then
    expect(eventDetails('task.delegated', { owner: 'sam', delegate: 'kim', reason: null })).toHaveLength(1);
    expect(eventDetails('instance.completed', null)).toEqual([]);
    expect(eventDetails('task.draftSaved', { keys: ['amount'] })).toEqual([]);
  });

  it('lists the names of changed variables and the message of an incident', () => {
    // given / when / then
    expect(eventDetails('variables.changed', { names: ['amount', 'ok'] })).toEqual([
      { kind: 'text', label: 'history.variables', text: 'amount, ok' },
    ]);
    expect(eventDetails('incident.raised', { message: 'No flow matched' })).toEqual([
      { kind: 'text', label: null, text: 'No flow matched' },
    ]);
  });
  it('reads a decision evaluation as the decision and version, the matched rules and the result', () => {
    expect(
      eventDetails('decision.evaluated', {
        decisionId: 'discount',
        decisionVersion: 2,
        matchedRuleIds: ['goldBig'],
        result: { rate: 0.1 },
      }),
    ).toEqual([
      { kind: 'text', label: 'history.decision', text: 'discount v2' },
      { kind: 'text', label: 'history.matchedRules', text: 'goldBig' },
      { kind: 'text', label: 'history.result', text: '{"rate":0.1}' },
    ]);
    expect(
      eventDetails('decision.evaluated', { decisionId: 'd', decisionVersion: 1, matchedRuleIds: [] }),
    ).toEqual([{ kind: 'text', label: 'history.decision', text: 'd v1' }]);
  });

  it('reads a migration as the versions it moved between and why', () => {
    expect(
      eventDetails('instance.migrated', { from: { version: 1 }, to: { version: 3 }, reason: 'new check' }),
    ).toEqual([
      { kind: 'text', label: 'history.versions', text: 'v1 → v3' },
      { kind: 'text', label: 'history.reason', text: 'new check' },
    ]);
  });
  it('reads a token modification as the elements cancelled and started, and why', () => {
    expect(
      eventDetails('instance.modified', { cancelled: ['draft'], started: ['approve'], reason: 'by phone' }),
    ).toEqual([
      { kind: 'route', from: [{ type: 'element', id: 'draft' }], to: [{ type: 'element', id: 'approve' }] },
      { kind: 'text', label: 'history.reason', text: 'by phone' },
    ]);
  });
});
