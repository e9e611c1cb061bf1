import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskFilter } from '../../src/api.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { inboxShape } from '../../src/persistence/inbox-query.js';
import { databases } from '../support/databases.js';
import { T0, testEngine } from '../support/engines.js';

const USERS = ['ann', 'bob', 'cara', 'dan'] as const;
const GROUPS = ['sales', 'support', 'audit'] as const;
const HOUR = 3_600_000;

/** A few due dates (so ties are common), some past T0, and no due date at all. */
const dueArb = fc.option(
  fc.integer({ min: -3, max: 3 }).map((h) => new Date(T0.getTime() + h * HOUR)),
  {
    nil: null,
    freq: 4,
  },
);
const userArb = fc.option(fc.constantFrom(...USERS), { nil: null, freq: 2 });
const subsetArb = <T>(items: readonly T[]) => fc.subarray([...items]);

const taskArb = fc.record({
  state: fc.constantFrom('created', 'created', 'created', 'completed', 'cancelled'),
  assignee: userArb,
  owner: fc.option(fc.constantFrom(...USERS), { nil: null, freq: 5 }),
  groups: subsetArb(GROUPS),
  users: subsetArb(USERS),
  due: dueArb,
  priority: fc.constantFrom(0, 50, 50, 100),
  process: fc.constantFrom('p1', 'p2'),
  name: fc.constantFrom('Review', 'Approve', 'review order'),
  region: fc.option(fc.constantFrom('north', 'south'), { nil: undefined }),
  amount: fc.constantFrom(100, 1200),
});

/** Writes after the insert, so the trigger that keeps `task_candidates` is exercised too. */
const changeArb = fc.record({
  task: fc.nat(),
  kind: fc.constantFrom('claim', 'unclaim', 'complete', 'due', 'priority', 'groups', 'reopen'),
  user: fc.constantFrom(...USERS),
  due: dueArb,
  priority: fc.constantFrom(0, 50, 100),
  groups: subsetArb(GROUPS),
});

const absenceArb = fc.record({
  user: fc.constantFrom(...USERS),
  substitute: fc.option(fc.constantFrom(...USERS), { nil: null }),
  // Under way at T0, or already over.
  current: fc.boolean(),
});

const worldArb = fc.record({
  tasks: fc.array(taskArb, { maxLength: 40 }),
  changes: fc.array(changeArb, { maxLength: 15 }),
  absences: fc.array(absenceArb, { maxLength: 2 }),
  memberships: fc.record({
    ann: subsetArb(GROUPS),
    bob: subsetArb(GROUPS),
    cara: subsetArb(GROUPS),
    dan: subsetArb(GROUPS),
  }),
});
type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

async function load(database: Database, world: World): Promise<string[]> {
  const db = database.db;
  await sql`TRUNCATE user_tasks, absences CASCADE`.execute(db);
  const ids: string[] = [];
  for (const t of world.tasks) {
    const id = randomUUID();
    ids.push(id);
    await sql`INSERT INTO user_tasks (id, instance_id, definition_id, process_id, element_id, token_id, name,
        state, assignee, owner, candidate_users, candidate_groups, due_at, priority, variables, created_at)
      VALUES (${id}, ${randomUUID()}, ${randomUUID()}, ${t.process}, 'task', 't1', ${t.name}, ${t.state},
        ${t.assignee}, ${t.owner}, ${t.users}::text[], ${t.groups}::text[], ${t.due}, ${t.priority},
        ${JSON.stringify({ region: t.region, amount: t.amount })}::jsonb, ${T0})`.execute(db);
  }
  for (const c of world.changes) {
    const id = ids.length > 0 ? ids[c.task % ids.length] : undefined;
    if (!id) break;
    const set = {
      claim: sql`assignee = ${c.user}`,
      unclaim: sql`assignee = NULL`,
      complete: sql`state = 'completed'`,
      reopen: sql`state = 'created'`,
      due: sql`due_at = ${c.due}`,
      priority: sql`priority = ${c.priority}`,
      groups: sql`candidate_groups = ${c.groups}::text[]`,
    }[c.kind];
    await sql`UPDATE user_tasks SET ${set} WHERE id = ${id}`.execute(db);
  }
  for (const a of world.absences) {
    if (a.substitute === a.user) continue;
    const [from, to] = a.current ? [-HOUR, HOUR] : [-3 * HOUR, -2 * HOUR];
    await sql`INSERT INTO absences (id, user_id, starts_at, ends_at, substitute, created_at)
      VALUES (${randomUUID()}, ${a.user}, ${new Date(T0.getTime() + from)}, ${new Date(T0.getTime() + to)},
        ${a.substitute}, ${T0})`.execute(db);
  }
  return ids;
}

/** The plain reference: every open task the person may see or claim, in the inbox's order. */
async function reference(
  database: Database,
  kind: 'visible' | 'claimable',
  who: { user: string; groups: string[] },
  extra: Extra,
): Promise<string[]> {
  const away = sql`EXISTS (SELECT 1 FROM absences a WHERE a.user_id = ${who.user} AND a.starts_at <= ${T0} AND a.ends_at > ${T0})`;
  const claimable = sql`(assignee IS NULL AND NOT ${away}
    AND (${who.user}::text = ANY(candidate_users) OR candidate_groups && ${who.groups}::text[]))`;
  const visible = sql`(assignee = ${who.user} OR owner = ${who.user} OR ${claimable}
    OR assignee IN (SELECT a.user_id FROM absences a WHERE a.substitute = ${who.user}
      AND a.starts_at <= ${T0} AND a.ends_at > ${T0}))`;
  const { rows } = await sql<{ id: string }>`SELECT id FROM user_tasks
    WHERE state = 'created' AND ${kind === 'visible' ? visible : claimable}
      AND ${extra.overdue ? sql`due_at < ${T0}` : sql`true`}
      AND ${extra.processId ? sql`process_id = ${extra.processId}` : sql`true`}
      AND ${extra.text ? sql`strpos(lower(name), lower(${extra.text})) > 0` : sql`true`}
      AND priority >= ${extra.priorityMin ?? 0} AND priority <= ${extra.priorityMax ?? 1000}
      AND ${extra.variables?.region ? sql`variables ->> 'region' = ${extra.variables.region}` : sql`true`}
      AND ${extra.variables?.amount ? sql`variables ->> 'amount' = ${extra.variables.amount}` : sql`true`}
    ORDER BY due_at ASC NULLS LAST, priority DESC, seq`.execute(database.db);
  return rows.map((r) => r.id);
}

interface Extra {
  overdue?: boolean;
  processId?: string;
  text?: string;
  priorityMin?: number;
  priorityMax?: number;
  variables?: { region?: string; amount?: string };
}

const variants: ReadonlyArray<{ limit: number; offset: number } & Extra> = [
  { limit: 50, offset: 0 },
  { limit: 3, offset: 0 },
  { limit: 3, offset: 3 },
  { limit: 4, offset: 7 },
  { limit: 5, offset: 0, overdue: true },
  { limit: 2, offset: 1, processId: 'p1', text: 'REVIEW' },
  { limit: 3, offset: 0, priorityMin: 50 },
  { limit: 3, offset: 2, priorityMin: 50, priorityMax: 50, variables: { region: 'north' } },
  { limit: 50, offset: 0, variables: { region: 'south', amount: '1200' } },
];

describe.each(databases())('the inbox query on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
    ({ engine } = await testEngine(database));
  });
  afterAll(() => target.dispose());

  it('takes the indexed path for the inbox filter, and the plain query otherwise', () => {
    const me = { user: 'ann', groups: ['sales'] };
    expect(inboxShape({ visibleTo: me, state: 'created', sort: 'due' })).not.toBeNull();
    expect(inboxShape({ claimableBy: me, state: 'created' })).not.toBeNull();
    expect(inboxShape({ visibleTo: me, state: 'completed' })).toBeNull();
    expect(inboxShape({ visibleTo: me, state: 'created', sort: 'priority' })).toBeNull();
  });

  it('returns exactly the pages and totals of the plain query, on random tasks, claims and absences', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        await load(database, world);
        for (const user of USERS) {
          const who = { user, groups: [...world.memberships[user]] };
          for (const kind of ['visible', 'claimable'] as const) {
            for (const v of variants) {
              const { limit: _limit, offset: _offset, ...extra } = v;
              const filter: TaskFilter = {
                ...(kind === 'visible' ? { visibleTo: who } : { claimableBy: who }),
                state: 'created',
                sort: 'due',
                limit: v.limit,
                offset: v.offset,
                ...extra,
              };
              const expected = await reference(database, kind, who, extra);
              const page = await engine.listTasks(filter);
              expect(page.items.map((t) => t.id)).toEqual(expected.slice(v.offset, v.offset + v.limit));
              expect(page.total).toBe(expected.length);
            }
          }
        }
      }),
      { numRuns: target.name === 'pglite' ? 25 : 40 },
    );
  });

  it('finds a claimable task again after it is unclaimed, and loses it when claimed', async () => {
    // given one group task for sales
    const [id] = await load(database, {
      tasks: [
        {
          state: 'created',
          assignee: null,
          owner: null,
          groups: ['sales'],
          users: [],
          due: null,
          priority: 50,
          process: 'p1',
          name: 'Review',
          region: undefined,
          amount: 100,
        },
      ],
      changes: [],
      absences: [],
      memberships: { ann: ['sales'], bob: [], cara: [], dan: [] },
    });
    const claimable = () =>
      engine.listTasks({ claimableBy: { user: 'ann', groups: ['sales'] }, state: 'created' });
    expect((await claimable()).items.map((t) => t.id)).toEqual([id]);
    // when bob takes it, then gives it back
    await sql`UPDATE user_tasks SET assignee = 'bob' WHERE id = ${id}`.execute(database.db);
    expect(await claimable()).toEqual({ items: [], total: 0 });
    await sql`UPDATE user_tasks SET assignee = NULL WHERE id = ${id}`.execute(database.db);
    // then it is offered again
    expect((await claimable()).total).toBe(1);
  });
});
