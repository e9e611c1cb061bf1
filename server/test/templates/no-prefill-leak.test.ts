import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  complete,
  DAY,
  dateIn,
  dialects,
  type Harness,
  HOUR,
  start,
  startHarness,
  type TaskRow,
  theTask,
  type User,
} from './support.js';

/**
 * No task form opens with another person's answer. The web app fills a form from the task's
 * variables only for the fields the form lists in its uiSchema's `ui:prefill` (its own earlier
 * answers, when a step comes back to the same person), then overlays the task's draft. Every
 * answer written in these scenarios carries its author's name, so a leak shows as a foreign name
 * in what a form opens with. Multi-instance steps (one task per person) must also keep their
 * answers out of the variables the next task sees at all.
 */

const PEOPLE = ['lee', 'kim', 'sam', 'mia', 'maya'] as const;

/** What the web app fills a task's form with: the declared fields from the variables, then the draft. */
function opensWith(detail: {
  variables: Record<string, unknown>;
  draft: Record<string, unknown> | null;
  form: { uiSchema: Record<string, unknown> | null } | null;
}): Record<string, unknown> {
  const declared = detail.form?.uiSchema?.['ui:prefill'];
  const fields = Array.isArray(declared) ? (declared as string[]) : [];
  const filled = Object.fromEntries(
    fields.filter((f) => detail.variables[f] != null).map((f) => [f, detail.variables[f]]),
  );
  return { ...filled, ...(detail.draft ?? {}) };
}

/** Opens a task as its user and checks that the form holds nobody else's answer. */
async function opensClean(user: User, task: TaskRow, perPerson: boolean): Promise<void> {
  const res = await user.get(`/api/tasks/${task.id}`);
  expect(res.status).toBe(200);
  const text = JSON.stringify(opensWith(res.body));
  for (const other of PEOPLE.filter((p) => p !== user.username))
    expect(text, `${task.elementId} for ${user.username} opens with ${other}'s answer`).not.toContain(
      `by ${other}`,
    );
  if (perPerson) {
    const fields = Object.keys(res.body.form?.schema?.properties ?? {});
    const seen = fields.filter((f) => res.body.variables[f] != null);
    expect(seen, `${task.elementId} for ${user.username} sees earlier answers`).toEqual([]);
  }
}

describe.each(dialects())('task forms open without other people’s answers on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('conflict mediation: each party votes and acknowledges on a blank form, in every round', async () => {
    const [lee, kim, sam, mia] = await Promise.all([h.as('lee'), h.as('kim'), h.as('sam'), h.as('mia')]);
    const id = await start(sam, 'conflict-mediation', {
      title: 'Who owns the weekly numbers',
      teams: 'Content and Data',
      partyA: 'lee',
      partyB: 'kim',
      description: 'Both teams publish different weekly numbers, by sam',
      impact: 'high',
    });
    for (const [user, element] of [
      [lee, 'Task_positionA'],
      [kim, 'Task_positionB'],
    ] as const) {
      const task = await theTask(user, id, element);
      await opensClean(user, task, false);
      await complete(user, task, {
        position: `Our team should own it, by ${user.username}`,
        wouldAccept: `Shared, by ${user.username}`,
      });
    }
    const propose = await theTask(lee, id, 'Task_propose');
    await opensClean(lee, propose, false);
    await complete(lee, propose, { proposal: 'Data owns the numbers, by lee' });
    const leeVote = await theTask(lee, id, 'Task_vote');
    const kimVote = await theTask(kim, id, 'Task_vote');
    await opensClean(lee, leeVote, true);
    await complete(lee, leeVote, { accept: true, comment: 'Fine, by lee' });
    await opensClean(kim, kimVote, true);
    await complete(kim, kimVote, { accept: false, comment: 'Not fine, by kim' });

    for (let round = 1; round <= 2; round++) {
      const mediate = await theTask(mia, id, 'Task_mediate');
      await opensClean(mia, mediate, false);
      await complete(mia, mediate, { resolution: `Data publishes the numbers, decision ${round}, by mia` });
      // when lee acknowledges first, kim's acknowledgement still opens blank (and vice versa)
      const leeAck = await theTask(lee, id, 'Task_acknowledge');
      const kimAck = await theTask(kim, id, 'Task_acknowledge');
      await opensClean(lee, leeAck, true);
      await complete(lee, leeAck, { acknowledged: true, comment: `Will do, by lee` });
      const kimAgain = await kim.get(`/api/tasks/${kimAck.id}`);
      expect(kimAgain.body.variables.acknowledged ?? null).toBeNull();
      await opensClean(kim, kimAck, true);
      await complete(kim, kimAck, { acknowledged: true, comment: `Noted, by kim` });
      await h.advance(28 * DAY + 1000);
      const followUp = await theTask(mia, id, 'Task_followUp');
      await opensClean(mia, followUp, false);
      await complete(mia, followUp, { stillResolved: round === 2, notes: `Round ${round}, by mia` });
    }
    const done = await (await h.as('maya')).get(`/api/instances/${id}`);
    expect(done.body.status).toBe('completed');
    // then the answers are kept per party in the collected output, not in the process root
    expect(done.body.variables.votes).toEqual([
      expect.objectContaining({ party: 'lee', accept: true, comment: 'Fine, by lee' }),
      expect.objectContaining({ party: 'kim', accept: false, comment: 'Not fine, by kim' }),
    ]);
    expect(done.body.variables.acknowledgements).toEqual([
      expect.objectContaining({ party: 'lee', acknowledged: true, comment: 'Will do, by lee' }),
      expect.objectContaining({ party: 'kim', acknowledged: true, comment: 'Noted, by kim' }),
    ]);
    expect(done.body.variables).not.toHaveProperty('acknowledged');
    expect(done.body.variables).not.toHaveProperty('comment');
    expect(done.body.variables).not.toHaveProperty('accept');
  });

  it('goal charter: each member acknowledges on a blank form; the lead redrafts from their own draft', async () => {
    const [lee, maya, sam, kim] = await Promise.all([h.as('lee'), h.as('maya'), h.as('sam'), h.as('kim')]);
    const id = await start(lee, 'goal-charter', { team: 'Growth', lead: 'lee' });
    const draft = {
      goal: {
        title: 'Grow monthly active users by 20%',
        specific: 'Raise monthly active users of the site, by lee',
        metric: 'Monthly active users',
        baseline: 10_000,
        target: 12_000,
        unit: 'users',
        achievable: 'Two campaigns are planned',
        relevant: 'Active users drive revenue',
        deadline: dateIn(h.clock, 90),
      },
      responsibilities: [
        { member: 'sam', role: 'Content operations', duties: 'Two articles a week' },
        { member: 'kim', role: 'Data analysis', duties: 'Weekly funnel report' },
      ],
    };
    const drafting = await theTask(lee, id, 'Task_draftCharter');
    await opensClean(lee, drafting, false);
    await complete(lee, drafting, draft);
    const review = await theTask(maya, id, 'Task_reviewCharter');
    await opensClean(maya, review, false);
    await complete(maya, review, { reviewDecision: 'sendBack', reviewComments: 'Add a source, by maya' });
    // then lee's redraft opens with lee's own draft (declared), and nothing of maya's
    const redraft = await theTask(lee, id, 'Task_draftCharter');
    await opensClean(lee, redraft, false);
    const detail = await lee.get(`/api/tasks/${redraft.id}`);
    expect(opensWith(detail.body).goal).toEqual(draft.goal);
    await complete(lee, redraft, draft);
    await complete(maya, await theTask(maya, id, 'Task_reviewCharter'), { reviewDecision: 'approve' });
    const samAck = await theTask(sam, id, 'Task_acknowledgeDuties');
    const kimAck = await theTask(kim, id, 'Task_acknowledgeDuties');
    await opensClean(sam, samAck, true);
    await complete(sam, samAck, { decision: 'accept', comment: 'Fine, by sam' });
    await opensClean(kim, kimAck, true);
    await complete(kim, kimAck, { decision: 'accept', comment: 'Fine, by kim' });
  });

  it('weekly sync: each member files an update and does an action item on a blank form', async () => {
    const [lee, maya, sam, kim] = await Promise.all([h.as('lee'), h.as('maya'), h.as('sam'), h.as('kim')]);
    await h.advance(7 * DAY + HOUR + 1000);
    const started = await maya.get('/api/instances?processId=weekly-sync&status=active');
    const id = started.body.items[0].id as string;
    const plan = await theTask(lee, id, 'Task_planSync');
    expect((await lee.post(`/api/tasks/${plan.id}/claim`)).status).toBe(200);
    await complete(lee, plan, { facilitator: 'lee', members: ['sam', 'kim'], focus: 'Funnel, by lee' });
    // Who is away is asked by a background job (`baton.present`) before the update round opens.
    await h.advance(0);
    const samUpdate = await theTask(sam, id, 'Task_fileUpdate');
    const kimUpdate = await theTask(kim, id, 'Task_fileUpdate');
    await opensClean(sam, samUpdate, true);
    await complete(sam, samUpdate, { progress: 'Landing page, by sam', blockers: 'None, by sam' });
    await opensClean(kim, kimUpdate, true);
    await complete(kim, kimUpdate, { progress: 'Report, by kim', blockers: 'Data access, by kim' });
    const sync = await theTask(lee, id, 'Task_runSync');
    await opensClean(lee, sync, false);
    await complete(lee, sync, {
      agenda: 'Updates, by lee',
      minutes: 'We agreed two actions, by lee',
      actionItems: [
        { title: 'Fix signup copy', owner: 'sam', due: dateIn(h.clock, 3) },
        { title: 'Funnel report', owner: 'kim', due: dateIn(h.clock, 3) },
      ],
    });
    const samItem = await theTask(sam, id, 'Task_doAction');
    await opensClean(sam, samItem, true);
    await complete(sam, samItem, { outcome: 'Copy live, by sam' });
    const kimItem = await theTask(kim, id, 'Task_doAction');
    await opensClean(kim, kimItem, true);
    await complete(kim, kimItem, { outcome: 'Report sent, by kim' });
    const done = await maya.get(`/api/instances/${id}`);
    expect(done.body.variables.updates).toEqual([
      expect.objectContaining({ member: 'sam', progress: 'Landing page, by sam' }),
      expect.objectContaining({ member: 'kim', progress: 'Report, by kim' }),
    ]);
    expect(done.body.variables.actionResults).toEqual([
      expect.objectContaining({ outcome: 'Copy live, by sam' }),
      expect.objectContaining({ outcome: 'Report sent, by kim' }),
    ]);
    expect(done.body.variables).not.toHaveProperty('outcome');
  });
});
