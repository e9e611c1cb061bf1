import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  complete,
  dateIn,
  DAY,
  dialects,
  type Harness,
  instance,
  openTasks,
  rejects,
  start,
  startHarness,
  theTask,
} from './support.js';

// sam asks for training, maya approves, lee schedules and trains, sam and kim attend.
describe.each(dialects())('training cycle template on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(async () => {
    await h?.close();
  });

  const request = {
    skill: 'Funnel analysis',
    kind: 'professional',
    reason: 'We cannot read our own signup data well enough',
    requester: 'sam',
  };

  it('runs approval, scheduling, confirmation and feedback, and opens an improvement task on a low rating', async () => {
    const [lee, maya, sam, kim] = await Promise.all([h.as('lee'), h.as('maya'), h.as('sam'), h.as('kim')]);
    // given a request with a bad kind is refused at the start
    const bad = await sam.post('/api/instances', {
      processId: 'training-cycle',
      variables: { ...request, kind: 'fun' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/kind');
    const id = await start(sam, 'training-cycle', request);

    // when maya approves and lee schedules it a week out
    await complete(maya, await theTask(maya, id, 'Task_approve'), { approvalDecision: 'approve' });
    const schedule = await theTask(lee, id, 'Task_schedule');
    await rejects(
      lee,
      schedule,
      { trainingDate: dateIn(h.clock, -1), trainer: 'lee', attendees: ['sam'], location: 'Room 2' },
      ['/trainingDate'],
    );
    const trainingDate = dateIn(h.clock, 7);
    await complete(lee, schedule, {
      trainingDate,
      trainer: 'lee',
      attendees: ['sam', 'kim'],
      location: 'Room 2',
    });

    // then each attendee confirms; kim cannot come and must say why
    await complete(sam, await theTask(sam, id, 'Task_confirm'), { attending: true });
    const kimConfirm = await theTask(kim, id, 'Task_confirm');
    await rejects(kim, kimConfirm, { attending: false }, ['/note']);
    await complete(kim, kimConfirm, { attending: false, note: 'On leave that week' });

    // when the training day is over only sam is asked for feedback
    expect(await openTasks(sam, id, 'Task_feedback')).toEqual([]);
    await h.advance(8 * DAY);
    expect(await openTasks(kim, id, 'Task_feedback')).toEqual([]);
    const feedback = await theTask(sam, id, 'Task_feedback');
    await rejects(sam, feedback, { rating: 7 }, ['/rating']);
    await complete(sam, feedback, { rating: 2, comments: 'Too fast' });

    // then the average (2) is computed, lee reports, and a low rating opens the improvement task
    const report = await theTask(lee, id, 'Task_report');
    expect(report.variables.averageRating).toBe(2);
    await complete(lee, report, { summary: 'Covered funnel basics; pace was too high for newcomers' });
    const improve = await theTask(maya, id, 'Task_improve');
    await rejects(maya, improve, { analysis: 'Pace was too high', actions: [] }, ['/actions']);
    await complete(maya, improve, {
      analysis: 'Pace was too high',
      actions: [{ title: 'Split into two sessions', owner: 'lee', due: dateIn(h.clock, 14) }],
    });
    const done = await instance(maya, id);
    expect(done.status).toBe('completed');
    expect(done.completedElementIds).toEqual(
      expect.arrayContaining(['Timer_sessionOver', 'Script_averageRating', 'End_improved']),
    );
  });

  it('tells the requester when a manager declines, with a reason', async () => {
    const [maya, sam] = await Promise.all([h.as('maya'), h.as('sam')]);
    const id = await start(sam, 'training-cycle', { ...request, kind: 'teamwork' });
    const approval = await theTask(maya, id, 'Task_approve');
    await rejects(maya, approval, { approvalDecision: 'reject' }, ['/approvalComments']);
    await complete(maya, approval, {
      approvalDecision: 'reject',
      approvalComments: 'No budget this quarter',
    });
    await h.advance(0);
    expect(await h.notifications(id)).toContainEqual(
      expect.objectContaining({ elementId: 'Send_declined', recipients: ['sam'] }),
    );
    const done = await instance(maya, id);
    expect(done.status).toBe('completed');
    expect(done.completedElementIds).toContain('End_declined');
  });
});
