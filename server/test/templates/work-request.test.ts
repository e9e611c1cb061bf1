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

// sam asks lee's team for work; lee triages; kim does it and hands it off; maya gets escalations.
describe.each(dialects())('work request template on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(async () => {
    await h?.close();
  });

  const request = () => ({
    title: 'Landing page for the spring campaign',
    description: 'One page with the offer, a signup form and tracking',
    priority: 'high',
    neededBy: dateIn(h.clock, 10),
    links: ['https://example.com/brief'],
    requester: 'sam',
  });

  it('loops back for information, hands the work off, and asks for changes before approving', async () => {
    const [lee, maya, sam, kim] = await Promise.all([h.as('lee'), h.as('maya'), h.as('sam'), h.as('kim')]);
    // given a request; a past needed-by date is refused
    const late = await sam.post('/api/instances', {
      processId: 'work-request',
      variables: { ...request(), neededBy: '2020-01-01' },
    });
    expect(late.status).toBe(400);
    const id = await start(sam, 'work-request', request());

    // when lee asks a question (a question is required), sam answers and it returns to triage
    const triage = await theTask(lee, id, 'Task_triage');
    // (assigned by load to a present lead, not left for someone to claim; it stays the leads' task)
    expect(triage.assignee).toBe('lee');
    expect(triage.candidateGroups).toEqual(['leads']);
    await rejects(lee, triage, { triageDecision: 'needInfo' }, ['/question']);
    await complete(lee, triage, { triageDecision: 'needInfo', question: 'Which signup fields do you need?' });
    await complete(sam, await theTask(sam, id, 'Task_provideInfo'), {
      answer: 'Name, email and company size',
    });

    // and lee accepts it for kim
    await complete(lee, await theTask(lee, id, 'Task_triage'), { triageDecision: 'accept', worker: 'kim' });
    const work = await theTask(kim, id, 'Task_doWork');
    expect(work.assignee).toBe('kim');

    // when kim hands it off to lee with a reason
    const handoff = await kim.post(`/api/tasks/${work.id}/handoff`, {
      toUser: 'lee',
      reason: 'Lee owns the landing page templates',
    });
    expect(handoff.status).toBe(200);
    expect(await openTasks(kim, id, 'Task_doWork')).toEqual([]);
    await complete(lee, await theTask(lee, id, 'Task_doWork'), {
      resultSummary: 'Page built and tracked',
      resultLinks: ['https://example.com/page'],
    });

    // then sam asks for changes (feedback required), the work comes back, and sam approves
    const review = await theTask(sam, id, 'Task_reviewResult');
    await rejects(sam, review, { reviewDecision: 'changes' }, ['/feedback']);
    await complete(sam, review, { reviewDecision: 'changes', feedback: 'Please add the company size field' });
    const rework = await theTask(kim, id, 'Task_doWork');
    await complete(kim, rework, { resultSummary: 'Company size field added' });
    await complete(sam, await theTask(sam, id, 'Task_reviewResult'), { reviewDecision: 'approve' });

    const done = await instance(maya, id);
    expect(done.status).toBe('completed');
    expect(done.completedElementIds).toContain('End_done');
    const events = await history(maya, id);
    expect(events).toContainEqual(expect.objectContaining({ type: 'task.handedOff', actor: 'kim' }));
    expect(events.filter((e) => e.type === 'task.completed' && e.elementId === 'Task_triage')).toHaveLength(
      2,
    );
  });

  it('reminds every member of the leads group after a day and escalates an untriaged request to the managers after two', async () => {
    const [admin, lee, mia, maya, sam] = await Promise.all([
      h.as('admin'),
      h.as('lee'),
      h.as('mia'),
      h.as('maya'),
      h.as('sam'),
    ]);
    // given the leads group has two members
    expect((await admin.put('/api/groups/leads/members', { usernames: ['lee', 'mia'] })).status).toBe(200);
    const id = await start(sam, 'work-request', request());
    await theTask(lee, id, 'Task_triage');

    // when a day passes, each lead is reminded and the task is still theirs
    await h.advance(DAY + 1000);
    const reminders = (await h.notifications(id)).filter((n) => n.elementId === 'Send_remindLeads');
    expect(reminders).toEqual([
      {
        elementId: 'Send_remindLeads',
        subject: 'A work request is waiting for triage',
        recipients: [],
        groups: ['leads'],
        users: ['lee', 'mia'],
      },
    ]);
    for (const member of [lee, mia]) {
      const inbox = await member.get('/api/notifications?unread=true');
      expect(inbox.status).toBe(200);
      expect(inbox.body.items, member.username).toContainEqual(
        expect.objectContaining({ instanceId: id, subject: 'A work request is waiting for triage' }),
      );
    }
    // and nobody outside the group is
    const samInbox = await sam.get('/api/notifications');
    expect(samInbox.status).toBe(200);
    expect(samInbox.body.items.filter((n: { instanceId: string }) => n.instanceId === id)).toEqual([]);
    await theTask(lee, id, 'Task_triage');

    // when the SLA passes, the triage moves to the managers
    await h.advance(DAY);
    expect(await openTasks(lee, id, 'Task_triage')).toEqual([]);
    const escalated = await theTask(maya, id, 'Task_escalatedTriage');
    await complete(maya, escalated, {
      triageDecision: 'reject',
      rejectReason: 'Out of scope for this quarter',
    });
    await h.advance(0);

    const done = await instance(maya, id);
    expect(done.status).toBe('completed');
    expect(done.completedElementIds).toEqual(expect.arrayContaining(['Boundary_triageSla', 'End_rejected']));
    expect(await h.notifications(id)).toContainEqual(
      expect.objectContaining({ elementId: 'Send_rejected', recipients: ['sam'], users: ['sam'] }),
    );
  });
});
