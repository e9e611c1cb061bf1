import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  complete,
  dateIn,
  DAY,
  dialects,
  type Harness,
  HOUR,
  instance,
  openTasks,
  rejects,
  start,
  startHarness,
  T0,
  theTask,
} from './support.js';

// maya runs the review; sam and kim assess themselves; sam carries out an improvement.
describe.each(dialects())('monthly review template on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('starts on the 1st, collects self-assessments with a reminder, evaluates each and tracks improvements', async () => {
    const [maya, sam, kim] = await Promise.all([h.as('maya'), h.as('sam'), h.as('kim')]);
    // given the clock reaches 1 April 09:00
    expect((await maya.get('/api/instances?processId=monthly-review')).body.items).toHaveLength(0);
    await h.advance(Date.parse('2026-04-01T09:00:01Z') - T0.getTime());
    const started = await maya.get('/api/instances?processId=monthly-review');
    expect(started.body.items).toHaveLength(1);
    const id = started.body.items[0].id as string;

    // when maya opens the review for sam and kim (a bad month is refused)
    const open = await theTask(maya, id, 'Task_openReview');
    await rejects(maya, open, { period: '2026-13', members: ['sam'] }, ['/period']);
    await complete(maya, open, { period: '2026-03', members: ['sam', 'kim'] });

    // then both write self-assessments; kim is reminded after three days
    const samSelf = await theTask(sam, id, 'Task_selfAssess');
    await rejects(sam, samSelf, { achievements: 'Shipped the funnel rework', selfRating: 6 }, [
      '/selfRating',
    ]);
    await complete(sam, samSelf, { achievements: 'Shipped the funnel rework', selfRating: 4 });
    await h.advance(3 * DAY + HOUR);
    expect((await h.notifications(id)).some((n) => n.elementId === 'Send_remindSelf')).toBe(true);
    await complete(kim, await theTask(kim, id, 'Task_selfAssess'), {
      achievements: 'Weekly funnel reports on time',
      selfRating: 3,
    });

    // and maya evaluates each assessment (two tasks for the managers)
    const evaluations = await openTasks(maya, id, 'Task_evaluate');
    expect(evaluations.map((t) => (t.variables.assessment as { member: string }).member).sort()).toEqual([
      'kim',
      'sam',
    ]);
    for (const task of evaluations)
      await complete(maya, task, { rating: 4, feedback: 'Good month, keep the pace' });

    // and the retrospective gives sam an improvement action
    await complete(maya, await theTask(maya, id, 'Task_retrospective'), {
      wentWell: 'Funnel work',
      toImprove: 'Reporting cadence',
      actions: [{ title: 'Automate the weekly report', owner: 'sam', due: dateIn(h.clock, 10) }],
    });
    await complete(sam, await theTask(sam, id, 'Task_improve'), { outcome: 'Report runs every Monday' });

    const done = await instance(maya, id);
    expect(done.status).toBe('completed');
    expect(done.completedElementIds).toContain('End_improved');
    expect(done.variables.evaluations).toHaveLength(2);
  });

  it('can be opened by hand and closes without improvement actions', async () => {
    const [maya, kim] = await Promise.all([h.as('maya'), h.as('kim')]);
    const id = await start(maya, 'monthly-review');
    await complete(maya, await theTask(maya, id, 'Task_openReview'), { period: '2026-04', members: ['kim'] });
    await complete(kim, await theTask(kim, id, 'Task_selfAssess'), {
      achievements: 'Closed the data backlog',
      selfRating: 5,
    });
    await complete(maya, await theTask(maya, id, 'Task_evaluate'), {
      rating: 5,
      feedback: 'Excellent backlog work',
    });
    await complete(maya, await theTask(maya, id, 'Task_retrospective'), {
      wentWell: 'Focus',
      toImprove: 'Nothing major',
      actions: [],
    });
    const done = await instance(maya, id);
    expect(done.status).toBe('completed');
    expect(done.completedElementIds).toContain('End_noActions');
  });
});
