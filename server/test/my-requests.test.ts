import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

interface RequestItem {
  id: string;
  startedBy: string;
  processName: { en: string; zh?: string };
  currentSteps: { elementId: string; name: string }[];
  openTasks: { name: { en: string; zh?: string }; assignee: string | null; candidateGroups: string[] }[];
  canCancel: boolean;
}

describe.each(dialects())('my requests on %s', (dialect) => {
  let t: TestApp;
  let maya: Session;
  let sam: Session;
  let kim: Session;
  let lee: Session;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    maya = await t.userSession('maya', ['manager'], ['managers']);
    sam = await t.userSession('sam', ['staff'], ['staff']);
    kim = await t.userSession('kim', ['staff'], ['staff']);
    lee = await t.userSession('lee', ['staff'], ['leads']);
    await t.saveForm('expense-start', startFormSchema);
    const dana = await t.userSession('dana', ['designer']);
    const review = await t.call(dana, {
      method: 'POST',
      url: '/api/forms',
      payload: {
        formId: 'expense-review',
        name: { en: 'Review', zh: '审核报销' },
        schema: reviewFormSchema,
        uiSchema: { 'ui:headline': ['title', 'amount'] },
      },
    });
    expect(review.statusCode, review.body).toBe(201);
    await t.engine.deploy(expenseProcess());
  });
  afterAll(async () => t?.close());

  async function start(session: Session, title: string): Promise<string> {
    const res = await t.call(session, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'expense', businessKey: title, variables: { title, amount: 5 } },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  async function requestsOf(session: Session): Promise<{ items: RequestItem[]; total: number }> {
    const res = await t.call(session, { method: 'GET', url: '/api/requests' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  it("lists only the caller's own requests, never another user's", async () => {
    // given
    const mine = await start(sam, 'Taxi');
    const theirs = await start(kim, 'Hotel');
    // when
    const samSees = await requestsOf(sam);
    const kimSees = await requestsOf(kim);
    // then
    expect(samSees.items.map((r) => r.id)).toEqual([mine]);
    expect(samSees.total).toBe(1);
    expect(kimSees.items.map((r) => r.id)).toEqual([theirs]);
  });

  it('leaves out instances the caller only works on', async () => {
    // given: kim holds a task of sam's request
    const id = await start(sam, 'Train');
    const tasks = await t.call(kim, { method: 'GET', url: `/api/tasks?scope=claimable&instanceId=${id}` });
    const claimed = await t.call(kim, {
      method: 'POST',
      url: `/api/tasks/${tasks.json().items[0].id}/claim`,
    });
    expect(claimed.statusCode, claimed.body).toBe(200);
    // when
    const kimSees = await requestsOf(kim);
    // then
    expect(kimSees.items.map((r) => r.id)).not.toContain(id);
  });

  it('says where a request is now and who has it', async () => {
    // given
    const id = await start(sam, 'Lunch');
    // when: waiting for the staff group
    const waiting = (await requestsOf(sam)).items.find((r) => r.id === id);
    // then
    expect(waiting?.processName.en).toBe('Expense claim');
    expect(waiting?.currentSteps).toEqual([{ elementId: 'review', name: 'Review expense' }]);
    expect(waiting?.openTasks).toMatchObject([
      { name: { en: 'Review expense', zh: '审核报销' }, assignee: null, candidateGroups: ['staff'] },
    ]);
    // when: kim claims it, then completes it
    const task = (
      await t.call(kim, { method: 'GET', url: `/api/tasks?scope=claimable&instanceId=${id}` })
    ).json().items[0];
    await t.call(kim, { method: 'POST', url: `/api/tasks/${task.id}/claim` });
    const claimed = (await requestsOf(sam)).items.find((r) => r.id === id);
    const done = await t.call(kim, {
      method: 'POST',
      url: `/api/tasks/${task.id}/complete`,
      payload: { variables: { decision: 'ok' } },
    });
    expect(done.statusCode, done.body).toBe(204);
    const moved = (await requestsOf(sam)).items.find((r) => r.id === id);
    // then
    expect(claimed?.openTasks.map((x) => x.assignee)).toEqual(['kim']);
    expect(moved?.currentSteps.map((s) => s.name)).toEqual(['Approve expense']);
    expect(moved?.openTasks.map((x) => x.name.en)).toEqual(['Approve expense']);
  });

  it("pages through the caller's requests: every one once, in the order of the whole list", async () => {
    // given lee started five requests
    for (const title of ['One', 'Two', 'Three', 'Four', 'Five']) await start(lee, title);
    const list = async (query: string) => {
      const res = await t.call(lee, { method: 'GET', url: `/api/requests?${query}` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { items: RequestItem[]; total: number; limit: number; offset: number };
    };
    const whole = await list('limit=50');
    // when lee reads them two at a time
    const pages = [
      await list('limit=2&offset=0'),
      await list('limit=2&offset=2'),
      await list('limit=2&offset=4'),
    ];
    // then the pages hold the whole list, in its order, and each says where it is
    expect(whole.total).toBe(5);
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.map((p) => [p.total, p.limit, p.offset])).toEqual([
      [5, 2, 0],
      [5, 2, 2],
      [5, 2, 4],
    ]);
    expect(pages.flatMap((p) => p.items.map((r) => r.id))).toEqual(whole.items.map((r) => r.id));
    expect((await list('limit=2&offset=6')).items).toEqual([]);
    // and a page larger than the limit is refused with a problem, not served
    const tooBig = await t.call(lee, { method: 'GET', url: '/api/requests?limit=201' });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().code).toBeTypeOf('string');
  });

  it('offers Cancel only to a requester who manages the process', async () => {
    // given
    await start(maya, 'Flight');
    // when
    const mayaSees = await requestsOf(maya);
    const samSees = await requestsOf(sam);
    // then
    expect(mayaSees.items.map((r) => r.canCancel)).toEqual([true]);
    expect(samSees.items.every((r) => r.canCancel === false)).toBe(true);
  });

  it("gives the inbox a task's process, business key, Chinese name and headline, only to those who see it", async () => {
    // given
    const id = await start(sam, 'Dinner');
    const task = (
      await t.call(kim, { method: 'GET', url: `/api/tasks?scope=claimable&instanceId=${id}` })
    ).json().items[0];
    const url = `/api/task-cards?taskId=${task.id}`;
    // when
    const kimCards = await t.call(kim, { method: 'GET', url });
    const leeCards = await t.call(lee, { method: 'GET', url });
    // then
    expect(kimCards.statusCode, kimCards.body).toBe(200);
    expect(kimCards.json().items).toEqual([
      {
        taskId: task.id,
        processName: { en: 'Expense claim' },
        businessKey: 'Dinner',
        taskName: { en: 'Review expense', zh: '审核报销' },
        headline: [
          { name: 'title', value: 'Dinner' },
          { name: 'amount', value: 5 },
        ],
      },
    ]);
    expect(leeCards.statusCode).toBe(200);
    expect(leeCards.json().items).toEqual([]);
  });
});
