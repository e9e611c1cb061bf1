import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  complete,
  dateIn,
  DAY,
  dialects,
  type Harness,
  history,
  instance,
  openTasks,
  rejects,
  start,
  startHarness,
  theTask,
} from './support.js';

// lee leads the team, maya sponsors as a manager, sam and kim are the members, mia mediates.
describe.each(dialects())('goal charter template on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(async () => {
    await h?.close();
  });

  const draft = () => ({
    goal: {
      title: 'Grow monthly active users by 20%',
      specific: 'Raise monthly active users of the site',
      metric: 'Monthly active users',
      baseline: 10_000,
      target: 12_000,
      unit: 'users',
      achievable: 'Two campaigns and an onboarding rework are planned',
      relevant: 'Active users drive this year’s revenue goal',
      deadline: dateIn(h.clock, 90),
    },
    responsibilities: [
      { member: 'sam', role: 'Content operations', duties: 'Writes and publishes two articles a week' },
      { member: 'kim', role: 'Data analysis', duties: 'Monitors the funnel and reports weekly' },
    ],
  });

  it('is sent back by the sponsor, approved, acknowledged by every member and published', async () => {
    // given a charter started for lee's team
    const [lee, maya, sam, kim] = await Promise.all([h.as('lee'), h.as('maya'), h.as('sam'), h.as('kim')]);
    const id = await start(lee, 'goal-charter', { team: 'Growth', lead: 'lee' });

    // when lee drafts it, first with a text target and a past deadline
    const drafting = await theTask(lee, id, 'Task_draftCharter');
    expect(drafting.assignee).toBe('lee');
    const bad = draft();
    await rejects(lee, drafting, { ...bad, goal: { ...bad.goal, target: 'more', deadline: '2020-01-01' } }, [
      '/goal/target',
      '/goal/deadline',
    ]);
    await complete(lee, drafting, draft());

    // and maya sends it back without a comment (rejected), then with one
    const review = await theTask(maya, id, 'Task_reviewCharter');
    expect(await openTasks(sam, id, 'Task_reviewCharter')).toEqual([]);
    await rejects(maya, review, { reviewDecision: 'sendBack' }, ['/reviewComments']);
    await complete(maya, review, {
      reviewDecision: 'sendBack',
      reviewComments: 'Please add a baseline source.',
    });

    // then the draft is back with lee, who revises; maya approves
    const redraft = await theTask(lee, id, 'Task_draftCharter');
    expect(redraft.variables.reviewComments).toBe('Please add a baseline source.');
    await complete(lee, redraft, draft());
    await complete(maya, await theTask(maya, id, 'Task_reviewCharter'), { reviewDecision: 'approve' });

    // and each member gets their own acknowledgement task, with a reminder after two days
    const samAck = await theTask(sam, id, 'Task_acknowledgeDuties');
    const kimAck = await theTask(kim, id, 'Task_acknowledgeDuties');
    expect([samAck.assignee, kimAck.assignee]).toEqual(['sam', 'kim']);
    await h.advance(2 * DAY + 1000);
    expect((await h.notifications(id)).some((n) => n.elementId === 'Send_remindMembers')).toBe(true);
    await rejects(sam, samAck, { decision: 'dispute' }, ['/comment']);
    await complete(sam, samAck, { decision: 'accept' });
    await complete(kim, kimAck, { decision: 'accept', comment: 'Fine by me' });

    // then the charter is published (a notify job) and the instance completes
    await h.advance(0);
    expect((await h.notifications(id)).some((n) => n.elementId === 'Send_publishCharter')).toBe(true);
    const done = await instance(maya, id);
    expect(done.status).toBe('completed');
    expect(done.completedElementIds).toContain('End_published');
    expect(done.variables.acknowledgements).toEqual([
      expect.objectContaining({ member: 'sam', decision: 'accept' }),
      expect.objectContaining({ member: 'kim', decision: 'accept' }),
    ]);
    const events = await history(maya, id);
    expect(
      events.filter((e) => e.type === 'task.completed' && e.elementId === 'Task_reviewCharter'),
    ).toHaveLength(2);
  });

  it('sends a disputed duty to conflict mediation, then back to the lead to revise', async () => {
    // given an approved charter
    const [lee, maya, sam, kim, mia] = await Promise.all([
      h.as('lee'),
      h.as('maya'),
      h.as('sam'),
      h.as('kim'),
      h.as('mia'),
    ]);
    const id = await start(lee, 'goal-charter', { team: 'Growth', lead: 'lee' });
    await complete(lee, await theTask(lee, id, 'Task_draftCharter'), draft());
    await complete(maya, await theTask(maya, id, 'Task_reviewCharter'), { reviewDecision: 'approve' });

    // when kim disputes her duties
    await complete(sam, await theTask(sam, id, 'Task_acknowledgeDuties'), { decision: 'accept' });
    await complete(kim, await theTask(kim, id, 'Task_acknowledgeDuties'), {
      decision: 'dispute',
      comment: 'Weekly reports are the marketing team’s job',
    });

    // then a conflict-mediation instance runs between kim (party A) and lee (party B)
    const children = await maya.get('/api/instances?processId=conflict-mediation&status=active');
    const child = (children.body.items as { id: string; parentInstanceId: string | null }[]).find(
      (c) => c.parentInstanceId === id,
    );
    expect(child).toBeDefined();
    const childId = child?.id as string;
    const childState = await instance(maya, childId);
    expect(childState.variables).toMatchObject({ partyA: 'kim', partyB: 'lee', teams: 'Growth' });
    expect(String(childState.variables.description)).toContain('kim: Weekly reports');

    // when the parties agree on a proposal and the mediator's follow-up says it held
    const position = {
      position: 'Reports belong where the data is analysed',
      wouldAccept: 'Shared reporting',
    };
    await complete(kim, await theTask(kim, childId, 'Task_positionA'), position);
    await complete(lee, await theTask(lee, childId, 'Task_positionB'), position);
    await complete(kim, await theTask(kim, childId, 'Task_propose'), {
      proposal: 'Kim drafts the numbers, lee writes the report.',
    });
    await complete(kim, await theTask(kim, childId, 'Task_vote'), { accept: true });
    await complete(lee, await theTask(lee, childId, 'Task_vote'), { accept: true });
    await complete(kim, await theTask(kim, childId, 'Task_record'), {
      resolution: 'Kim drafts the numbers, lee writes the report.',
    });
    await h.advance(28 * DAY + 1000);
    await complete(mia, await theTask(mia, childId, 'Task_followUp'), { stillResolved: true });

    // then the charter goes back to lee with the outcome
    const revise = await theTask(lee, id, 'Task_draftCharter');
    expect(revise.variables.mediationOutcome).toBe('Kim drafts the numbers, lee writes the report.');
    expect((await instance(maya, childId)).status).toBe('completed');
  });
});
