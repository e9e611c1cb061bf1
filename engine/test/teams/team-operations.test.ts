import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import type { Database } from '../../src/database.js';
import { createEngine, type Engine } from '../../src/engine.js';
import { DefinitionInvalidError, ForbiddenError, InvalidArgumentError } from '../../src/errors.js';
import { SYSTEM, userIdentity } from '../../src/identity.js';
import type { TeamDirectory } from '../../src/teams/directory.js';
import { AbsenceNotFoundError } from '../../src/teams/absences.js';
import { bpmnFile, endEvent, linearProcess, startEvent } from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { T0 } from '../support/engines.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0.getTime() + ms);

/** A user task with Zeebe assignment and task headers. */
function task(
  id: string,
  options: { assignee?: string; groups?: string; users?: string; strategy?: string },
) {
  const assignment = [
    options.assignee ? `assignee="${options.assignee}"` : '',
    options.groups ? `candidateGroups="${options.groups}"` : '',
    options.users ? `candidateUsers="${options.users}"` : '',
  ].join(' ');
  return `<bpmn:userTask id="${id}" name="${id}">
    <bpmn:extensionElements>
      <zeebe:userTask />
      ${assignment.trim() ? `<zeebe:assignmentDefinition ${assignment} />` : ''}
      ${
        options.strategy
          ? `<zeebe:taskHeaders><zeebe:header key="baton:assignment" value="${options.strategy}" /></zeebe:taskHeaders>`
          : ''
      }
    </bpmn:extensionElements>
  </bpmn:userTask>`;
}

/** start -> first (assigned by the variable `who`) -> second (assigned to carl) -> end. */
const ASSIGNED = bpmnFile([
  linearProcess('assigned', [
    startEvent(),
    task('first', { assignee: '=who' }),
    task('second', { assignee: 'carl' }),
    endEvent(),
  ]),
]);

const picked = (id: string, strategy: string, groups = 'team') =>
  bpmnFile([linearProcess(id, [startEvent(), task('work', { groups, strategy }), endEvent()])]);

/** The team: ann, bob and cara; bob and cara speak German. */
const DIRECTORY: TeamDirectory = {
  async members(request) {
    const team = [
      { id: 'ann', attributes: { skill: ['french'] } },
      { id: 'bob', attributes: { skill: ['german'] } },
      { id: 'cara', attributes: { skill: ['german', 'french'] } },
    ];
    return [
      ...(request.groups.includes('team') ? team : []),
      ...request.users.map((id) => ({ id, attributes: {} })),
    ];
  },
};

const ADMIN = userIdentity('root', { roles: ['admin'] });
const MANAGER = userIdentity('mia', { roles: ['manager'] });
const STAFF = (id: string) => userIdentity(id, { groups: ['team'] });

describe.each(databases())('team operations on $name', (target) => {
  let database: Database;
  let engine: Engine;
  let clock: VirtualClock;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    clock = new VirtualClock(T0);
    engine = await createEngine({ database, clock, directory: DIRECTORY });
    await truncateEngineTables(database);
    await sql`TRUNCATE absences, assignment_rotation`.execute(database.db);
  });

  const away = (userId: string, substitute: string | null, from: number, to: number) =>
    engine.setAbsence({ userId, substitute, from: at(from), to: at(to), note: 'holiday' }, SYSTEM);

  async function startAssigned(who: string) {
    const instance = await engine.startInstance({ processId: 'assigned', variables: { who } }, SYSTEM);
    const { items } = await engine.listTasks({ instanceId: instance.id, state: 'created' });
    const created = (await engine.getHistory(instance.id)).find((e) => e.type === 'task.created');
    return { instance, task: items[0], assignment: created?.data?.assignment ?? null };
  }

  async function startPicked(processId: string) {
    const instance = await engine.startInstance({ processId, variables: {} }, SYSTEM);
    const { items } = await engine.listTasks({ instanceId: instance.id, state: 'created' });
    const created = (await engine.getHistory(instance.id)).find((e) => e.type === 'task.created');
    return { task: items[0], assignment: created?.data?.assignment as Record<string, unknown> | undefined };
  }

  describe('substitution', () => {
    beforeEach(async () => {
      await engine.deploy(ASSIGNED);
    });

    it('gives a task meant for someone away to their substitute and says so in history', async () => {
      // given ann is away today with bob standing in
      await away('ann', 'bob', -HOUR, DAY);
      // when a task is assigned to ann
      const { task, assignment } = await startAssigned('ann');
      // then bob has it, and history records whom he stands in for
      expect(task?.assignee).toBe('bob');
      expect(assignment).toEqual({
        assignee: 'bob',
        substituteFor: 'ann',
        chain: ['ann', 'bob'],
        reason: 'assigned to bob, substituting for ann',
      });
    });

    it('leaves a task with someone present untouched, with nothing added to history', async () => {
      await away('ann', 'bob', -HOUR, DAY);
      const { task, assignment } = await startAssigned('dan');
      expect(task?.assignee).toBe('dan');
      expect(assignment).toBeNull();
    });

    it('follows a chain of substitutes to the first person present', async () => {
      // given ann -> bob -> cara, and bob is away too
      await away('ann', 'bob', -HOUR, DAY);
      await away('bob', 'cara', -HOUR, DAY);
      // when a task is assigned to ann
      const { task, assignment } = await startAssigned('ann');
      // then cara has it, substituting for ann
      expect(task?.assignee).toBe('cara');
      expect(assignment).toMatchObject({ substituteFor: 'ann', chain: ['ann', 'bob', 'cara'] });
    });

    it('stops at a cycle of substitutes and keeps the original assignee, recording why', async () => {
      // given ann -> bob -> cara -> ann, all away
      await away('ann', 'bob', -HOUR, DAY);
      await away('bob', 'cara', -HOUR, DAY);
      await away('cara', 'ann', -HOUR, DAY);
      // when a task is assigned to ann
      const { task, assignment } = await startAssigned('ann');
      // then it stays with ann and history names the cycle
      expect(task?.assignee).toBe('ann');
      expect(assignment).toEqual({
        assignee: 'ann',
        chain: ['ann', 'bob', 'cara', 'ann'],
        reason: 'substitute cycle ann -> bob -> cara -> ann',
      });
    });

    it('keeps the task with someone away without a substitute, recording why', async () => {
      await away('ann', null, -HOUR, DAY);
      const { task, assignment } = await startAssigned('ann');
      expect(task?.assignee).toBe('ann');
      expect(assignment).toMatchObject({ reason: 'ann is away with no substitute' });
    });

    it('keeps the task with the person away when their substitute is no longer an active user', async () => {
      // given a directory in which gone is no longer an active user
      const directory: TeamDirectory = {
        async members(request) {
          return request.users.filter((id) => id !== 'gone').map((id) => ({ id, attributes: {} }));
        },
      };
      const strict = await createEngine({ database, clock, directory });
      await away('ann', 'gone', -HOUR, DAY);
      // when a task is assigned to ann
      const instance = await strict.startInstance(
        { processId: 'assigned', variables: { who: 'ann' } },
        SYSTEM,
      );
      // then ann keeps it, and history says why
      expect((await strict.listTasks({ instanceId: instance.id })).items[0]?.assignee).toBe('ann');
      const created = (await strict.getHistory(instance.id)).find((e) => e.type === 'task.created');
      expect(created?.data?.assignment).toMatchObject({ reason: 'substitute gone is not an active user' });
    });

    it('takes the substitute of the absence that began last when absences overlap', async () => {
      // given a long absence (bob stands in) and, inside it, a later-starting one (cara stands in)
      await away('ann', 'bob', -DAY, 10 * DAY);
      await away('ann', 'cara', -HOUR, 2 * DAY);
      // then cara gets ann's task while both run
      expect((await startAssigned('ann')).task?.assignee).toBe('cara');
      // and bob once the shorter one has ended
      clock.advance(3 * DAY);
      expect((await startAssigned('ann')).task?.assignee).toBe('bob');
    });

    it('ends an absence by itself when its time is up (engine clock)', async () => {
      await away('ann', 'bob', 0, 2 * HOUR);
      expect((await startAssigned('ann')).task?.assignee).toBe('bob');
      clock.advance(2 * HOUR);
      const { task, assignment } = await startAssigned('ann');
      expect(task?.assignee).toBe('ann');
      expect(assignment).toBeNull();
    });

    it('does not start an absence before its time', async () => {
      await away('ann', 'bob', HOUR, DAY);
      expect((await startAssigned('ann')).task?.assignee).toBe('ann');
      clock.advance(HOUR);
      expect((await startAssigned('ann')).task?.assignee).toBe('bob');
    });

    it('substitutes on a task created by completing another (a guarded write), in the same transaction', async () => {
      // given an instance at `first`, and carl away with dan standing in
      const { instance, task } = await startAssigned('ann');
      await away('carl', 'dan', -HOUR, DAY);
      // when ann completes `first`, creating `second` for carl
      await engine.completeTask(task?.id ?? '', {}, userIdentity('ann'));
      // then dan has `second`, and the instance moved exactly once
      const { items } = await engine.listTasks({ instanceId: instance.id, state: 'created' });
      expect(items.map((t) => [t.elementId, t.assignee])).toEqual([['second', 'dan']]);
      const history = await engine.getHistory(instance.id);
      const created = history.filter((e) => e.type === 'task.created');
      expect(created.map((e) => e.data?.assignment ?? null)).toEqual([
        null,
        expect.objectContaining({ assignee: 'dan', substituteFor: 'carl' }),
      ]);
      expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
    });

    it('shows a substitute the tasks already assigned to the person they stand in for, until the absence ends', async () => {
      // given a task of ann's from before her absence
      const { task } = await startAssigned('ann');
      const bob = { user: 'bob', groups: [] };
      expect((await engine.listTasks({ visibleTo: bob })).total).toBe(0);
      // when ann is away with bob standing in
      await away('ann', 'bob', 0, DAY);
      // then bob sees it (still ann's)
      const seen = await engine.listTasks({ visibleTo: bob });
      expect(seen.items.map((t) => [t.id, t.assignee])).toEqual([[task?.id, 'ann']]);
      // and no longer after the absence
      clock.advance(DAY);
      expect((await engine.listTasks({ visibleTo: bob })).total).toBe(0);
    });

    it('costs no extra statement for a task whose assignee is present, and decides again only for one away', async () => {
      // given an engine whose statements are counted, warmed up on two processes it deployed
      let statements = 0;
      const counting: Database = {
        ...database,
        db: database.db.withPlugin({
          transformQuery: (args) => args.node,
          transformResult: async (args) => {
            statements++;
            return args.result;
          },
        }),
      };
      const counted = await createEngine({ database: counting, clock, directory: DIRECTORY });
      await counted.deploy(
        bpmnFile([linearProcess('grouped', [startEvent(), task('work', { groups: 'team' }), endEvent()])]),
      );
      await counted.deploy(
        bpmnFile([linearProcess('mine', [startEvent(), task('work', { assignee: '=who' }), endEvent()])]),
      );
      const startWith = async (processId: string, who?: string) => {
        statements = 0;
        await counted.startInstance({ processId, variables: who ? { who } : {} }, SYSTEM);
        return statements;
      };
      await startWith('mine', 'dan');
      await startWith('grouped');
      await away('ann', 'bob', -HOUR, DAY);
      // when tasks are created for a present assignee, and for a group
      const present = await startWith('mine', 'dan');
      const group = await startWith('grouped');
      // then each is one statement (the definition is cached): the away check rides in the write
      expect(present).toBe(1);
      expect(group).toBe(1);
      // and a task for someone away costs more (the decision and a second write)
      expect(await startWith('mine', 'ann')).toBeGreaterThan(present);
    });

    it('keeps absences across a restart of the engine', async () => {
      await away('ann', 'bob', -HOUR, DAY);
      const restarted = await createEngine({ database, clock });
      const instance = await restarted.startInstance(
        { processId: 'assigned', variables: { who: 'ann' } },
        SYSTEM,
      );
      const { items } = await restarted.listTasks({ instanceId: instance.id });
      expect(items[0]?.assignee).toBe('bob');
      expect((await restarted.substituteOf('ann')).assignee).toBe('bob');
    });
  });

  describe('group tasks', () => {
    it('are not offered to a member while away, and are again afterwards', async () => {
      await engine.deploy(
        bpmnFile([linearProcess('grouped', [startEvent(), task('work', { groups: 'team' }), endEvent()])]),
      );
      await engine.startInstance({ processId: 'grouped', variables: {} }, SYSTEM);
      const ann = { user: 'ann', groups: ['team'] };
      await away('ann', 'bob', 0, HOUR);
      expect((await engine.listTasks({ claimableBy: ann })).total).toBe(0);
      expect((await engine.listTasks({ visibleTo: ann })).total).toBe(0);
      expect((await engine.listTasks({ claimableBy: { user: 'bob', groups: ['team'] } })).total).toBe(1);
      clock.advance(HOUR);
      expect((await engine.listTasks({ claimableBy: ann })).total).toBe(1);
    });
  });

  describe('assignment strategies', () => {
    it('rotates round-robin through the present members, skipping one who is away', async () => {
      await engine.deploy(picked('rr', 'round-robin'));
      const picks: (string | null | undefined)[] = [];
      for (let i = 0; i < 4; i++) picks.push((await startPicked('rr')).task?.assignee);
      expect(picks).toEqual(['ann', 'bob', 'cara', 'ann']);
      // when bob is away, his turn passes to the next present member
      await away('bob', 'dan', 0, DAY);
      const next = await startPicked('rr');
      expect(next.task?.assignee).toBe('cara');
      expect(next.assignment).toMatchObject({
        strategy: 'round-robin',
        assignee: 'cara',
        away: ['bob'],
        candidates: 3,
      });
      // and the task keeps its candidate group, so it can go back to the team
      expect(next.task?.candidateGroups).toEqual(['team']);
    });

    it('takes turns evenly when tasks are created concurrently', async () => {
      await engine.deploy(picked('rr-many', 'round-robin'));
      // when six instances start at once
      await Promise.all(
        Array.from({ length: 6 }, () =>
          engine.startInstance({ processId: 'rr-many', variables: {} }, SYSTEM),
        ),
      );
      // then each of the three members has two of the tasks
      const { items } = await engine.listTasks({ processId: 'rr-many' });
      const counts: Record<string, number> = {};
      for (const t of items) counts[t.assignee ?? 'none'] = (counts[t.assignee ?? 'none'] ?? 0) + 1;
      expect(counts).toEqual({ ann: 2, bob: 2, cara: 2 });
    });

    it('gives least-open to the present member with the fewest open tasks', async () => {
      // given ann has two open tasks and bob one; cara (with none) is away
      await engine.deploy(ASSIGNED);
      await startAssigned('ann');
      await startAssigned('ann');
      await startAssigned('bob');
      await away('cara', 'dan', 0, DAY);
      await engine.deploy(picked('lo', 'least-open'));
      // when two tasks pick by least-open
      const first = await startPicked('lo');
      const second = await startPicked('lo');
      // then bob gets the first (1 < 2), and the tie after it goes to ann (id order)
      expect(first.task?.assignee).toBe('bob');
      expect(first.assignment).toMatchObject({ strategy: 'least-open', open: 1, away: ['cara'] });
      expect(second.task?.assignee).toBe('ann');
    });

    it('spreads least-open over the tasks a parallel multi-instance creates in one step', async () => {
      // given a parallel multi-instance review of three items, by least-open
      const multi = task('review', { groups: 'team', strategy: 'least-open' }).replace(
        '</bpmn:userTask>',
        `<bpmn:multiInstanceLoopCharacteristics>
          <bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[1, 2, 3]" inputElement="item" /></bpmn:extensionElements>
        </bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>`,
      );
      await engine.deploy(bpmnFile([linearProcess('multi', [startEvent(), multi, endEvent()])]));
      // when one instance creates the three tasks in one step
      const instance = await engine.startInstance({ processId: 'multi', variables: {} }, SYSTEM);
      // then each member gets one: picks earlier in the step count
      const { items } = await engine.listTasks({ instanceId: instance.id });
      expect(items.map((t) => t.assignee).sort()).toEqual(['ann', 'bob', 'cara']);
    });

    it('picks by attribute among those who have it, and leaves the task to the group when all are away', async () => {
      await engine.deploy(picked('de', 'attribute:skill=german'));
      await away('bob', 'ann', 0, DAY);
      const first = await startPicked('de');
      expect(first.task?.assignee).toBe('cara');
      expect(first.assignment).toMatchObject({
        strategy: 'attribute:skill=german',
        candidates: 2,
        away: ['bob'],
      });
      await away('cara', 'ann', 0, DAY);
      const second = await startPicked('de');
      expect(second.task?.assignee).toBeNull();
      expect(second.assignment).toMatchObject({
        assignee: null,
        reason: 'attribute:skill=german: every candidate is away; the task stays with its groups',
      });
    });

    it('picks from candidate users when no directory knows the group', async () => {
      const plain = await createEngine({ database, clock });
      await plain.deploy(picked('users', 'least-open', 'nobody'));
      await plain.deploy(
        bpmnFile([
          linearProcess('users2', [
            startEvent(),
            task('work', { users: 'zoe,yan', strategy: 'least-open' }),
            endEvent(),
          ]),
        ]),
      );
      const instance = await plain.startInstance({ processId: 'users2', variables: {} }, SYSTEM);
      const { items } = await plain.listTasks({ instanceId: instance.id });
      expect(items[0]?.assignee).toBe('yan');
      const none = await plain.startInstance({ processId: 'users', variables: {} }, SYSTEM);
      expect((await plain.listTasks({ instanceId: none.id })).items[0]?.assignee).toBeNull();
    });

    it('rejects an unknown strategy at deploy time', async () => {
      const error = await engine.deploy(picked('bad', 'random')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DefinitionInvalidError);
      expect((error as DefinitionInvalidError).issues).toEqual([
        expect.objectContaining({ elementId: 'work', code: 'task.assignment-invalid' }),
      ]);
    });
  });

  describe('who may set an absence', () => {
    it('lets a person set their own, and admins and managers anyone’s', async () => {
      const own = await engine.setAbsence(
        { userId: 'ann', from: at(0), to: at(DAY), substitute: 'bob' },
        STAFF('ann'),
      );
      expect(own).toMatchObject({ userId: 'ann', substitute: 'bob', createdBy: 'ann' });
      await engine.setAbsence({ userId: 'bob', from: at(0), to: at(DAY) }, ADMIN);
      await engine.setAbsence({ userId: 'cara', from: at(0), to: at(DAY) }, MANAGER);
      expect((await engine.listAbsences({ activeAt: at(HOUR) })).map((a) => a.userId)).toEqual([
        'ann',
        'bob',
        'cara',
      ]);
    });

    it('refuses staff setting or ending someone else’s absence', async () => {
      await expect(
        engine.setAbsence({ userId: 'bob', from: at(0), to: at(DAY) }, STAFF('ann')),
      ).rejects.toBeInstanceOf(ForbiddenError);
      const bobs = await engine.setAbsence({ userId: 'bob', from: at(0), to: at(DAY) }, STAFF('bob'));
      await expect(engine.endAbsence(bobs.id, STAFF('ann'))).rejects.toBeInstanceOf(ForbiddenError);
      await engine.endAbsence(bobs.id, STAFF('bob'));
      expect(await engine.listAbsences({ userId: 'bob' })).toEqual([]);
      await expect(engine.endAbsence(bobs.id, ADMIN)).rejects.toBeInstanceOf(AbsenceNotFoundError);
    });

    it("needs the tasks scope on a token for its owner's absence, and manage for someone else's", async () => {
      const readOnly = userIdentity('ann', { scopes: ['read'], tokenName: 'r' });
      await expect(
        engine.setAbsence({ userId: 'ann', from: at(0), to: at(DAY) }, readOnly),
      ).rejects.toBeInstanceOf(ForbiddenError);
      const tasks = userIdentity('ann', { scopes: ['tasks'], tokenName: 't' });
      await engine.setAbsence({ userId: 'ann', from: at(0), to: at(DAY) }, tasks);
      const managerToken = userIdentity('mia', { roles: ['manager'], scopes: ['read'], tokenName: 'm' });
      await expect(
        engine.setAbsence({ userId: 'bob', from: at(0), to: at(DAY) }, managerToken),
      ).rejects.toBeInstanceOf(ForbiddenError);
      const managing = userIdentity('mia', { roles: ['manager'], scopes: ['manage'], tokenName: 'm2' });
      await engine.setAbsence({ userId: 'bob', from: at(0), to: at(DAY) }, managing);
      expect((await engine.listAbsences()).map((a) => [a.userId, a.createdBy])).toEqual([
        ['ann', 'ann'],
        ['bob', 'mia'],
      ]);
    });

    it('refuses a period that ends before it starts, and a substitute who is the person', async () => {
      await expect(
        engine.setAbsence({ userId: 'ann', from: at(DAY), to: at(0) }, STAFF('ann')),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(
        engine.setAbsence({ userId: 'ann', from: at(0), to: at(DAY), substitute: 'ann' }, STAFF('ann')),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });

  describe('team load', () => {
    it('counts open and overdue tasks per person and process for managers only', async () => {
      await engine.deploy(ASSIGNED);
      await startAssigned('ann');
      await startAssigned('ann');
      await startAssigned('bob');
      expect(await engine.teamLoad(MANAGER, { users: ['ann', 'bob', 'cara'] })).toEqual([
        { user: 'ann', processId: 'assigned', open: 2, overdue: 0 },
        { user: 'bob', processId: 'assigned', open: 1, overdue: 0 },
      ]);
      await expect(engine.teamLoad(STAFF('ann'))).rejects.toBeInstanceOf(ForbiddenError);
      // a manager of other processes only sees those
      await engine.setProcessAccess('assigned', 'managers', ['leads'], SYSTEM);
      expect(await engine.teamLoad(MANAGER)).toEqual([]);
    });
  });
});
