import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  complete,
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
  type User,
} from './support.js';

// sam reports a conflict between lee (party A) and kim (party B); mia mediates.
describe.each(dialects())('conflict mediation template on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(async () => {
    await h?.close();
  });

  const report = {
    title: 'Who owns the weekly numbers',
    teams: 'Content and Data',
    partyA: 'lee',
    partyB: 'kim',
    description: 'Both teams publish different weekly numbers and blame each other',
    impact: 'high',
  };
  const position = {
    position: 'The data team should own every published number',
    wouldAccept: 'Shared ownership',
  };

  async function statePositions(id: string, lee: User, kim: User): Promise<void> {
    await complete(lee, await theTask(lee, id, 'Task_positionA'), position);
    await complete(kim, await theTask(kim, id, 'Task_positionB'), {
      ...position,
      position: 'Content should publish what it measures',
    });
  }

  async function acknowledgeBoth(id: string, lee: User, kim: User): Promise<void> {
    const leeAck = await theTask(lee, id, 'Task_acknowledge');
    await rejects(lee, leeAck, { acknowledged: false }, ['/acknowledged']);
    await complete(lee, leeAck, { acknowledged: true });
    await complete(kim, await theTask(kim, id, 'Task_acknowledge'), { acknowledged: true });
  }

  it('records an agreed proposal and checks four weeks later that it held', async () => {
    const [lee, kim, sam, mia, maya] = await Promise.all([
      h.as('lee'),
      h.as('kim'),
      h.as('sam'),
      h.as('mia'),
      h.as('maya'),
    ]);
    const short = await sam.post('/api/instances', {
      processId: 'conflict-mediation',
      variables: { ...report, description: 'Too short' },
    });
    expect(short.status).toBe(400);
    const id = await start(sam, 'conflict-mediation', report);
    await statePositions(id, lee, kim);
    const instanceState = await instance(maya, id);
    expect(instanceState.variables.positionA).toEqual(position);

    await complete(lee, await theTask(lee, id, 'Task_propose'), {
      proposal: 'Data owns the numbers; content publishes them.',
    });
    await complete(lee, await theTask(lee, id, 'Task_vote'), { accept: true });
    await complete(kim, await theTask(kim, id, 'Task_vote'), { accept: true, comment: 'Agreed' });
    await complete(lee, await theTask(lee, id, 'Task_record'), {
      resolution: 'Data owns the numbers; content publishes them.',
    });
    expect(await openTasks(mia, id, 'Task_mediate')).toEqual([]);

    // when four weeks pass, a mediator checks it held
    await h.advance(27 * DAY);
    expect(await openTasks(mia, id, 'Task_followUp')).toEqual([]);
    await h.advance(DAY + 1000);
    await complete(mia, await theTask(mia, id, 'Task_followUp'), { stillResolved: true });
    const done = await instance(maya, id);
    expect(done.status).toBe('completed');
    expect(done.completedElementIds).toEqual(
      expect.arrayContaining(['End_agreed', 'Timer_fourWeeks', 'End_resolved']),
    );
    expect(done.completedElementIds).not.toContain('Task_mediate');
  });

  it('escalates to a mediator when a party rejects the proposal, and mediates again when it flares up', async () => {
    const [lee, kim, sam, mia, maya] = await Promise.all([
      h.as('lee'),
      h.as('kim'),
      h.as('sam'),
      h.as('mia'),
      h.as('maya'),
    ]);
    const id = await start(sam, 'conflict-mediation', report);
    await statePositions(id, lee, kim);
    await complete(lee, await theTask(lee, id, 'Task_propose'), {
      proposal: 'Data owns the numbers; content publishes them.',
    });
    await complete(lee, await theTask(lee, id, 'Task_vote'), { accept: true });

    // when kim rejects (a reason is required)
    const kimVote = await theTask(kim, id, 'Task_vote');
    await rejects(kim, kimVote, { accept: false }, ['/comment']);
    await complete(kim, kimVote, { accept: false, comment: 'Content needs its own numbers for campaigns' });

    // then the mediators get the case; mia claims and decides; both acknowledge
    const mediate = await theTask(mia, id, 'Task_mediate');
    expect(mediate.candidateGroups).toEqual(['mediators']);
    expect(await openTasks(lee, id, 'Task_mediate')).toEqual([]);
    expect((await mia.post(`/api/tasks/${mediate.id}/claim`)).status).toBe(200);
    await complete(mia, mediate, {
      resolution: 'Data publishes the official numbers; content may add campaign metrics.',
    });
    await acknowledgeBoth(id, lee, kim);

    // when the follow-up finds it flared up, it goes back to mediation
    await h.advance(28 * DAY + 1000);
    const followUp = await theTask(mia, id, 'Task_followUp');
    await rejects(mia, followUp, { stillResolved: false }, ['/notes']);
    await complete(mia, followUp, {
      stillResolved: false,
      notes: 'Two different numbers in the March deck again',
    });
    await complete(mia, await theTask(mia, id, 'Task_mediate'), {
      resolution: 'One dashboard, owned by data, linked from every deck.',
    });
    await acknowledgeBoth(id, lee, kim);
    await h.advance(28 * DAY + 1000);
    await complete(mia, await theTask(mia, id, 'Task_followUp'), { stillResolved: true });

    const done = await instance(maya, id);
    expect(done.status).toBe('completed');
    expect(done.completedElementIds).toEqual(
      expect.arrayContaining(['Boundary_disagreement', 'End_resolved']),
    );
    const events = await history(maya, id);
    expect(events.filter((e) => e.type === 'task.completed' && e.elementId === 'Task_mediate')).toHaveLength(
      2,
    );
    expect(events.some((e) => e.type === 'escalation.thrown')).toBe(true);
  });

  it('escalates to a mediator when the negotiation passes its deadline, after a reminder', async () => {
    const [lee, kim, sam, mia, maya] = await Promise.all([
      h.as('lee'),
      h.as('kim'),
      h.as('sam'),
      h.as('mia'),
      h.as('maya'),
    ]);
    const id = await start(sam, 'conflict-mediation', report);
    await statePositions(id, lee, kim);
    await theTask(lee, id, 'Task_propose');

    await h.advance(5 * DAY + 1000);
    expect(await h.notifications(id)).toContainEqual(
      expect.objectContaining({ elementId: 'Send_remindParties', recipients: ['lee', 'kim'] }),
    );
    await theTask(lee, id, 'Task_propose');
    await h.advance(2 * DAY);
    expect(await openTasks(lee, id, 'Task_propose')).toEqual([]);
    await complete(mia, await theTask(mia, id, 'Task_mediate'), {
      resolution: 'Data publishes the numbers from now on.',
    });
    await acknowledgeBoth(id, lee, kim);
    await h.advance(28 * DAY + 1000);
    await complete(mia, await theTask(mia, id, 'Task_followUp'), { stillResolved: true });

    const done = await instance(maya, id);
    expect(done.status).toBe('completed');
    expect(done.completedElementIds).toEqual(
      expect.arrayContaining(['Boundary_negotiationDeadline', 'End_resolved']),
    );
    expect(done.completedElementIds).not.toContain('Boundary_disagreement');
  });
});
