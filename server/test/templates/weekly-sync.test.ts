import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  complete,
  dateIn,
  DAY,
  dialects,
  type Harness,
  history,
  HOUR,
  instance,
  openTasks,
  rejects,
  start,
  startHarness,
  theTask,
} from './support.js';

// lee plans and facilitates; sam and kim report; maya watches as a manager.
describe.each(dialects())('weekly sync template on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('starts on Monday 09:00, goes ahead at the update deadline, and escalates an overdue action item', async () => {
    const [lee, maya, sam, kim] = await Promise.all([h.as('lee'), h.as('maya'), h.as('sam'), h.as('kim')]);
    // given the clock reaches Monday 09:00
    await h.advance(HOUR + 1000);
    const started = await maya.get('/api/instances?processId=weekly-sync');
    expect(started.body.items).toHaveLength(1);
    const id = started.body.items[0].id as string;

    // when lee claims the planning task and names the members
    const plan = await theTask(lee, id, 'Task_planSync');
    expect(plan.candidateGroups).toContain('leads');
    expect((await lee.post(`/api/tasks/${plan.id}/claim`)).status).toBe(200);
    await rejects(lee, plan, { facilitator: 'lee', members: [] }, ['/members']);
    await complete(lee, plan, { facilitator: 'lee', members: ['sam', 'kim'], focus: 'Signup funnel' });
    // (the server's baton.present step runs as a job: leave out who is away)
    await h.advance(0);

    // then each member has an update task; sam files, kim does not
    const samUpdate = await theTask(sam, id, 'Task_fileUpdate');
    await theTask(kim, id, 'Task_fileUpdate');
    await rejects(sam, samUpdate, { progress: '' }, ['/progress']);
    await complete(sam, samUpdate, { progress: 'Shipped the new landing page', blockers: 'None' });
    await h.advance(DAY);
    const reminders = (await h.notifications(id)).filter((n) => n.elementId === 'Send_remindUpdates');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.users).toEqual(['kim', 'sam']);

    // when the two-day deadline passes, kim's update is cancelled and the sync goes ahead
    await h.advance(DAY);
    expect(await openTasks(kim, id, 'Task_fileUpdate')).toEqual([]);
    const sync = await theTask(lee, id, 'Task_runSync');
    expect(sync.assignee).toBe('lee');

    // and lee records minutes with one action item each; an item without an owner is rejected
    const minutes = { agenda: 'Updates, funnel', minutes: 'We reviewed the updates and agreed two actions' };
    await rejects(
      lee,
      sync,
      { ...minutes, actionItems: [{ title: 'Fix signup copy', due: dateIn(h.clock, 2) }] },
      ['/actionItems/0/owner'],
    );
    await complete(lee, sync, {
      ...minutes,
      actionItems: [
        { title: 'Fix signup copy', owner: 'sam', due: dateIn(h.clock, 2) },
        { title: 'Funnel report', owner: 'kim', due: dateIn(h.clock, 1) },
      ],
    });

    // then sam does his item; kim's goes overdue and lands with the facilitator
    const samItem = await theTask(sam, id, 'Task_doAction');
    expect(samItem.dueAt).not.toBeNull();
    await complete(sam, samItem, { outcome: 'Copy updated and live' });
    await theTask(kim, id, 'Task_doAction');
    await h.advance(2 * DAY);
    expect(await openTasks(kim, id, 'Task_doAction')).toEqual([]);
    const followUp = await theTask(lee, id, 'Task_followUpOverdue');
    await complete(lee, followUp, { resolution: 'carriedOver', note: 'Moved to next week' });

    // and the sync is closed, with the cancellations in the timeline
    const done = await instance(maya, id);
    expect(done.status).toBe('completed');
    expect(done.completedElementIds).toEqual(
      expect.arrayContaining(['Boundary_updateDeadline', 'Boundary_itemOverdue', 'End_itemsDone']),
    );
    const events = await history(maya, id);
    expect(events.filter((e) => e.type === 'task.cancelled').map((e) => e.elementId)).toEqual([
      'Task_fileUpdate',
      'Task_doAction',
    ]);
  });

  it('counts the update deadline in working days: called on a Friday, it falls on Tuesday', async () => {
    const [lee, sam] = await Promise.all([h.as('lee'), h.as('sam')]);
    // given the clock on a Friday at 10:00 (UTC, the default calendar's zone)
    const now = h.clock.now();
    const friday = new Date(now);
    friday.setUTCDate(now.getUTCDate() + ((5 - now.getUTCDay() + 7) % 7 || 7));
    friday.setUTCHours(10, 0, 0, 0);
    await h.advance(friday.getTime() - now.getTime());
    // when the sync is called by hand and planned
    const id = await start(lee, 'weekly-sync');
    await complete(lee, await theTask(lee, id, 'Task_planSync'), { facilitator: 'lee', members: ['sam'] });
    await h.advance(0);
    // then sam's update is due two working days later: Tuesday 10:00, not Sunday
    const update = await theTask(sam, id, 'Task_fileUpdate');
    const tuesday = new Date(h.clock.now().getTime() + 4 * DAY);
    tuesday.setUTCHours(10, 0, 0, 0);
    expect(update.dueAt).toBe(tuesday.toISOString());
    // and the deadline does not pass over the weekend
    await h.advance(2 * DAY);
    expect((await theTask(sam, id, 'Task_fileUpdate')).id).toBe(update.id);
    await complete(sam, update, { progress: 'Filed on Monday' });
  });

  it('can be called by hand and closes without action items', async () => {
    const [lee, maya, sam] = await Promise.all([h.as('lee'), h.as('maya'), h.as('sam')]);
    const id = await start(lee, 'weekly-sync');
    await complete(lee, await theTask(lee, id, 'Task_planSync'), { facilitator: 'lee', members: ['sam'] });
    await h.advance(0);
    await complete(sam, await theTask(sam, id, 'Task_fileUpdate'), { progress: 'All on track' });
    await complete(lee, await theTask(lee, id, 'Task_runSync'), {
      agenda: 'Updates',
      minutes: 'Nothing to follow up',
      actionItems: [],
    });
    const done = await instance(maya, id);
    expect(done.status).toBe('completed');
    expect(done.completedElementIds).toContain('End_noActions');
    expect(done.variables.updates).toEqual([
      expect.objectContaining({ member: 'sam', progress: 'All on track' }),
    ]);
  });
  it('asks every planned member for an update when nobody is away', async () => {
    const [lee, maya, sam, kim] = await Promise.all([h.as('lee'), h.as('maya'), h.as('sam'), h.as('kim')]);
    const id = await start(lee, 'weekly-sync');
    await complete(lee, await theTask(lee, id, 'Task_planSync'), {
      facilitator: 'lee',
      members: ['kim', 'sam'],
    });
    await h.advance(0);
    // then both have an update task, and nobody is recorded as left out
    await theTask(sam, id, 'Task_fileUpdate');
    await theTask(kim, id, 'Task_fileUpdate');
    const running = await instance(maya, id);
    expect(running.variables.present).toEqual(['kim', 'sam']);
    expect(running.variables.away).toEqual([]);
  });

  it('leaves a member who is away when the round starts out of the update round, and records why', async () => {
    const [lee, maya, sam, kim, mia] = await Promise.all([
      h.as('lee'),
      h.as('maya'),
      h.as('sam'),
      h.as('kim'),
      h.as('mia'),
    ]);
    const now = h.clock.now().getTime();
    // given kim is away from now for three days, with mia standing in, and sam's leave starts tomorrow
    const kimAway = await kim.post('/api/absences', {
      from: new Date(now).toISOString(),
      to: new Date(now + 3 * DAY).toISOString(),
      substitute: 'mia',
    });
    expect(kimAway.status, JSON.stringify(kimAway.body)).toBe(201);
    const samLater = await sam.post('/api/absences', {
      from: new Date(now + DAY).toISOString(),
      to: new Date(now + 2 * DAY).toISOString(),
    });
    expect(samLater.status, JSON.stringify(samLater.body)).toBe(201);

    // when the sync is planned with kim, sam and lee
    const id = await start(lee, 'weekly-sync');
    await complete(lee, await theTask(lee, id, 'Task_planSync'), {
      facilitator: 'lee',
      members: ['kim', 'sam', 'lee'],
    });
    await h.advance(0);

    // then sam and lee are asked, in the planned order; kim is not, and neither is her substitute
    await theTask(sam, id, 'Task_fileUpdate');
    await theTask(lee, id, 'Task_fileUpdate');
    expect(await openTasks(kim, id, 'Task_fileUpdate')).toEqual([]);
    expect(await openTasks(mia, id, 'Task_fileUpdate')).toEqual([]);
    const running = await instance(maya, id);
    expect(running.variables.members).toEqual(['kim', 'sam', 'lee']);
    expect(running.variables.present).toEqual(['sam', 'lee']);
    expect(running.variables.away).toEqual([
      { userId: 'kim', reason: 'absent', until: new Date(now + 3 * DAY).toISOString(), substitute: 'mia' },
    ]);
    expect(running.completedElementIds).toContain('Task_whoIsPresent');
    expect(await history(maya, id)).toContainEqual(
      expect.objectContaining({ type: 'variables.changed', elementId: 'Task_whoIsPresent' }),
    );

    // and the reminder (one working day in, before the deadline) goes only to those asked
    const due = Date.parse((await theTask(sam, id, 'Task_fileUpdate')).dueAt ?? '');
    await h.advance(due - HOUR - h.clock.now().getTime());
    const reminders = (await h.notifications(id)).filter((n) => n.elementId === 'Send_remindUpdates');
    expect(reminders.map((n) => n.users)).toEqual([['lee', 'sam']]);

    // and the sync's updates hold only theirs
    await complete(sam, await theTask(sam, id, 'Task_fileUpdate'), { progress: 'On track' });
    await complete(lee, await theTask(lee, id, 'Task_fileUpdate'), { progress: 'Hiring' });
    const sync = await instance(maya, id);
    expect(sync.variables.updates.map((u: { member: string }) => u.member)).toEqual(['sam', 'lee']);
  });
});
