import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complete, dateIn, dialects, type Harness, start, startHarness, theTask } from './support.js';

interface TaskDetailReply {
  variables: Record<string, unknown>;
  form: { uiSchema: Record<string, unknown> } | null;
}

/** The root names a form declares under `ui:context`. */
function contextNames(detail: TaskDetailReply): string[] {
  const declared = detail.form?.uiSchema['ui:context'];
  if (!Array.isArray(declared)) return [];
  return declared.map((entry) => (typeof entry === 'string' ? entry : (entry as { name: string }).name));
}

// What the templates declare as a decider's background is there when the decision comes.
describe.each(dialects())('task context of the templates on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('gives the mediator both positions, the proposal and the votes, and triage what was asked', async () => {
    // given a conflict whose proposal party B rejected
    const [lee, kim, sam, mia] = await Promise.all([h.as('lee'), h.as('kim'), h.as('sam'), h.as('mia')]);
    const id = await start(sam, 'conflict-mediation', {
      title: 'Who owns the weekly numbers',
      teams: 'Content and Data',
      partyA: 'lee',
      partyB: 'kim',
      description: 'Both teams publish different weekly numbers',
      impact: 'high',
    });
    const position = { position: 'Data owns every number', wouldAccept: 'Shared ownership' };
    await complete(lee, await theTask(lee, id, 'Task_positionA'), position);
    await complete(kim, await theTask(kim, id, 'Task_positionB'), position);
    await complete(lee, await theTask(lee, id, 'Task_propose'), { proposal: 'Data owns the numbers.' });
    await complete(lee, await theTask(lee, id, 'Task_vote'), { accept: true });
    await complete(kim, await theTask(kim, id, 'Task_vote'), { accept: false, comment: 'We need our own' });
    // and a work request waiting for triage
    const ask = await start(sam, 'work-request', {
      title: 'Export the March numbers',
      description: 'A CSV of every weekly number in March',
      priority: 'normal',
      neededBy: dateIn(h.clock, 10),
      requester: 'sam',
    });

    // when the mediator and the triager open their tasks
    const mediate = await theTask(mia, id, 'Task_mediate');
    const mediation = (await mia.get(`/api/tasks/${mediate.id}`)).body as unknown as TaskDetailReply;
    const lead = await h.as('lee');
    const triage = await theTask(lead, ask, 'Task_triage');
    const triaging = (await lead.get(`/api/tasks/${triage.id}`)).body as unknown as TaskDetailReply;

    const cards = await mia.get(`/api/task-cards?taskId=${mediate.id}`);
    // then every variable the forms declare has its value
    expect(contextNames(mediation)).toEqual([
      'title',
      'description',
      'positionA',
      'positionB',
      'proposal',
      'votes',
    ]);
    for (const name of contextNames(mediation)) expect(mediation.variables[name], name).toBeDefined();
    expect(mediation.variables.votes).toEqual([
      { party: 'lee', accept: true, comment: null },
      { party: 'kim', accept: false, comment: 'We need our own' },
    ]);
    expect(contextNames(triaging)).toEqual(['title', 'description', 'priority', 'neededBy', 'requester']);
    expect(triaging.variables).toMatchObject({
      title: 'Export the March numbers',
      description: 'A CSV of every weekly number in March',
      requester: 'sam',
    });
    // and the inbox names the task and the process in Chinese from the template and the form
    expect(cards.body).toMatchObject({
      items: [
        {
          processName: { en: 'Conflict mediation', zh: '冲突调解' },
          businessKey: null,
          taskName: { en: 'Mediate and decide', zh: '调解人决定' },
          headline: [{ name: 'title', value: 'Who owns the weekly numbers' }],
        },
      ],
    });
  });
});
