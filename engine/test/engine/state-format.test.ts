import { readFileSync } from 'node:fs';
import { type Insertable, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { systemIdentity } from '../../src/identity.js';
import type { InstancesTable, UserTasksTable } from '../../src/persistence/schema.js';
import { readState, StateFormatError } from '../../src/persistence/state-format.js';
import { CURRENT_STATE_FORMAT } from '../../src/runtime/types.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { testEngine } from '../support/engines.js';

/**
 * An instance as the engine wrote it before states carried a format (format 1): its row and its
 * open task, saved from a real run of `leave-format1.bpmn` (start -> review -> approve -> end)
 * after `review` was completed.
 */
const fixtureDir = new URL('../fixtures/state-format/', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('leave-format1.json', fixtureDir), 'utf8')) as {
  instance: Omit<Insertable<InstancesTable>, 'state'> & { id: string; state: Record<string, unknown> };
  task: Omit<Insertable<UserTasksTable>, 'variables'> & { id: string; variables: Record<string, unknown> };
};
const xml = readFileSync(new URL('leave-format1.bpmn', fixtureDir), 'utf8');

describe('reading stored instance state', () => {
  it('upgrades a format 1 state to the current format without changing its content', () => {
    const old = structuredClone(fixture.instance.state);
    expect(old.format).toBeUndefined();
    const state = readState(old, 'x');
    expect(state.format).toBe(CURRENT_STATE_FORMAT);
    expect(state.tokens).toEqual(fixture.instance.state.tokens);
    expect(state.scopes).toEqual(fixture.instance.state.scopes);
    expect(old).toEqual(fixture.instance.state);
  });

  it('fills the path lists the earliest states lacked', () => {
    const { completedElementIds: _c, takenFlowIds: _t, ...bare } = fixture.instance.state;
    const state = readState(bare, 'x');
    expect([state.completedElementIds, state.takenFlowIds]).toEqual([[], []]);
  });

  it('refuses a state from a newer engine and one that is no state at all', () => {
    expect(() => readState({ ...fixture.instance.state, format: 3 }, 'i-1')).toThrow(/newer engine/);
    expect(() => readState({ ...fixture.instance.state, format: 'two' }, 'i-1')).toThrow(StateFormatError);
    expect(() => readState([], 'i-1')).toThrow(StateFormatError);
    expect(() => readState({ format: 2 }, 'i-1')).toThrow(/scopes, tokens or status/);
  });
});

describe.each(databases())('instance state formats on $name', (target) => {
  let database: Database;
  let engine: Engine;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine } = await testEngine(database));
    await truncateEngineTables(database);
  });

  /** Writes the saved format 1 instance and its task into this database, on a fresh deploy of its process. */
  const restoreFixture = async () => {
    const definitionId = (await engine.deploy(xml)).definitions[0]?.id ?? '';
    const { instance, task } = fixture;
    await database.db
      .insertInto('instances')
      .values({
        ...instance,
        definition_id: definitionId,
        state: JSON.stringify(instance.state),
      })
      .execute();
    await database.db
      .insertInto('user_tasks')
      .values({
        ...task,
        definition_id: definitionId,
        variables: JSON.stringify(task.variables),
      })
      .execute();
    return instance.id;
  };
  const storedFormat = async (id: string) => {
    const { rows } = await sql<{ format: number | null }>`
      SELECT (state ->> 'format')::int AS format FROM instances WHERE id = ${id}`.execute(database.db);
    return rows[0]?.format ?? null;
  };

  it('reads a format 1 instance written by the earlier engine and runs it to the end', async () => {
    // given an instance stored in format 1, waiting at `approve`
    const id = await restoreFixture();
    expect(await storedFormat(id)).toBeNull();
    // when it is read
    const before = await engine.getInstance(id);
    // then it shows where it was, with its variables
    expect(before).toMatchObject({ status: 'active', activeElements: { approve: 1 } });
    expect(before.variables).toEqual({ who: 'ann', days: 3, reviewed: true });
    expect(before.completedElementIds).toEqual(['start', 'review']);
    // and when its task is completed, it finishes and is stored in the current format
    await engine.completeTask(fixture.task.id, { approved: true }, systemIdentity('cleo'));
    const after = await engine.getInstance(id);
    expect(after.status).toBe('completed');
    expect(after.completedElementIds).toEqual(['start', 'review', 'approve', 'end']);
    expect(after.variables).toMatchObject({ approved: true, days: 3 });
    expect(await storedFormat(id)).toBe(CURRENT_STATE_FORMAT);
  });

  it('records the steps of a token whose id is no uuid (an older state) with no token id', async () => {
    // given the saved instance, its token named as no engine names one now
    const id = await restoreFixture();
    await sql`UPDATE instances SET state = jsonb_set(state, '{tokens,0,id}', '"t-1"') WHERE id = ${id}`.execute(
      database.db,
    );
    // when its task is completed
    await engine.completeTask(fixture.task.id, { approved: true }, systemIdentity('cleo'));
    // then it finishes, and the history of the step names no token
    expect((await engine.getInstance(id)).status).toBe('completed');
    const { rows } = await sql<{ type: string; token_id: string | null }>`
      SELECT type, token_id FROM history WHERE instance_id = ${id} AND element_id IN ('approve', 'end')`.execute(
      database.db,
    );
    expect(rows.map((r) => r.type)).toContain('element.completed');
    expect(rows.every((r) => r.token_id === null)).toBe(true);
  });

  it('stores every new state with its format', async () => {
    await engine.deploy(xml);
    const started = await engine.startInstance({ processId: 'leave-format1' }, systemIdentity('ann'));
    expect(await storedFormat(started.id)).toBe(CURRENT_STATE_FORMAT);
  });

  it('refuses to step a state written by a newer engine, and changes nothing', async () => {
    const id = await restoreFixture();
    await sql`UPDATE instances SET state = jsonb_set(state, '{format}', '3') WHERE id = ${id}`.execute(
      database.db,
    );
    await expect(engine.completeTask(fixture.task.id, {}, systemIdentity('cleo'))).rejects.toBeInstanceOf(
      StateFormatError,
    );
    expect(await storedFormat(id)).toBe(3);
    const task = await engine.getTask(fixture.task.id);
    expect(task.state).toBe('created');
  });
});
