import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * The limit one engine step is measured against: ONE named prepared data-modifying statement that
 * writes what the engine's write plan writes for a step of the three-task process, into the
 * engine's own tables (so the same indexes and the same commit durability): the instance row with
 * a version check, the step's history rows (as many, with the same columns), the completed task's
 * guard update and the next task's row. A start inserts the instance, its history and the first
 * task. No step, no policy, no cache: only the SQL the engine cannot do without, through the same
 * driver (node-pg) and the same pool size.
 *
 * Run it on a database the engine has migrated (its tables must exist).
 */
export interface OneStatementLimit {
  /** Start + 3 completions: 4 statements, like the engine's 4 commands. */
  instance(): Promise<void>;
}

/** History rows the engine writes per command of the three-task process (counted from a run). */
const START_HISTORY = [
  'instance.started',
  'variables.changed',
  'element.entered',
  'element.completed',
  'flow.taken',
  'element.entered',
  'task.created',
];
const STEP_HISTORY = [
  'task.completed',
  'variables.changed',
  'element.completed',
  'flow.taken',
  'element.entered',
  'task.created',
];
const LAST_HISTORY = [
  'task.completed',
  'variables.changed',
  'element.completed',
  'flow.taken',
  'element.entered',
  'element.completed',
  'instance.completed',
];
const ELEMENTS = ['draft', 'review', 'approve'];

/** An instance state of the size the engine writes (one scope, one token, the visited elements). */
function state(step: number, scopeId: string): string {
  return JSON.stringify({
    v: 1,
    scopes: [
      {
        id: scopeId,
        elementId: 'bench-three-steps',
        variables: { step, requester: 'ann' },
        parentScopeId: null,
      },
    ],
    status: step < 3 ? 'active' : 'completed',
    tokens: step < 3 ? [{ id: scopeId, scopeId, elementId: ELEMENTS[step], wait: { kind: 'userTask' } }] : [],
    takenFlowIds: ['f1', 'f2', 'f3', 'f4'].slice(0, step + 1),
    completedElementIds: ['start', ...ELEMENTS].slice(0, step + 1),
  });
}

function history(types: readonly string[], elementId: string, taskId: string): string {
  return JSON.stringify(
    types.map((type, k) => ({
      k: k + 1,
      type,
      element_id: elementId,
      token_id: null,
      task_id: type.startsWith('task.') ? taskId : null,
      data: type === 'variables.changed' ? { names: ['step'] } : null,
    })),
  );
}

const HISTORY_CTE = `h AS (INSERT INTO history (instance_id, seq, at, type, element_id, token_id, task_id, actor, data)
  SELECT $1::uuid, u.history_seq - $4::int + r.k, now(), r.type, r.element_id, r.token_id, r.task_id, 'user:ann', r.data
  FROM u, jsonb_to_recordset($5::jsonb) AS r(k int, type text, element_id text, token_id uuid, task_id uuid, data jsonb))`;

const TASK_CTE = `nt AS (INSERT INTO user_tasks (id, instance_id, definition_id, process_id, element_id, token_id, name, state,
    assignee, candidate_groups, created_at)
  SELECT $6::uuid, $1::uuid, $7::uuid, 'bench-three-steps', $8::text, 'token', $8::text, 'created', $9::text, $10::text[], now()
  FROM u RETURNING seq)`;

const START = {
  name: 'bench_limit_start',
  text: `WITH u AS (INSERT INTO instances (id, definition_id, process_id, definition_version, status, version, history_seq,
    state, business_key, started_at, started_by, ended_at, parent_instance_id, parent_token_id)
  VALUES ($1::uuid, $7::uuid, 'bench-three-steps', 1, 'active', 1, $4::int, $2::jsonb, NULL, now(), 'user:ann', NULL, NULL, NULL)
  RETURNING history_seq, $3::int AS unused),
  ${HISTORY_CTE},
  ${TASK_CTE}
  SELECT (SELECT history_seq FROM u) AS seq, (SELECT seq FROM nt) AS task_seq`,
};

const COMPLETE = {
  name: 'bench_limit_complete',
  text: `WITH u AS (UPDATE instances SET state = $2::jsonb, version = version + 1, status = 'active', ended_at = NULL,
    history_seq = history_seq + $4::int WHERE id = $1::uuid AND version = $3::int RETURNING history_seq),
  g AS (UPDATE user_tasks SET state = 'completed', completed_at = now(), completed_by = 'user:ann', assignee = 'ann'
    WHERE id = $11::uuid AND state = 'created' AND EXISTS (SELECT 1 FROM u) RETURNING 1),
  ${HISTORY_CTE},
  ${TASK_CTE}
  SELECT (SELECT history_seq FROM u) AS seq, (SELECT count(*) FROM g) AS guarded, (SELECT seq FROM nt) AS task_seq`,
};

const LAST = {
  name: 'bench_limit_last',
  text: `WITH u AS (UPDATE instances SET state = $2::jsonb, version = version + 1, status = 'completed', ended_at = now(),
    history_seq = history_seq + $4::int WHERE id = $1::uuid AND version = $3::int RETURNING history_seq),
  g AS (UPDATE user_tasks SET state = 'completed', completed_at = now(), completed_by = 'user:ann', assignee = 'ann'
    WHERE id = $6::uuid AND state = 'created' AND EXISTS (SELECT 1 FROM u) RETURNING 1),
  ${HISTORY_CTE}
  SELECT (SELECT history_seq FROM u) AS seq, (SELECT count(*) FROM g) AS guarded`,
};

/**
 * `definitionId` must name a deployed definition row (the engine's foreign keys, if any, hold).
 */
export function oneStatementLimit(pool: pg.Pool, definitionId: string): OneStatementLimit {
  const run = async (query: { name: string; text: string }, values: unknown[]) => {
    const result = await pool.query({ ...query, values });
    if (result.rows[0]?.seq === null || result.rows[0]?.seq === undefined)
      throw new Error('version conflict');
  };
  return {
    async instance() {
      const id = randomUUID();
      const scope = randomUUID();
      let task = randomUUID();
      await run(START, [
        id,
        state(0, scope),
        0,
        START_HISTORY.length,
        history(START_HISTORY, 'draft', task),
        task,
        definitionId,
        'draft',
        'ann',
        [],
      ]);
      for (let step = 1; step <= 3; step++) {
        const next = randomUUID();
        if (step < 3) {
          const types = STEP_HISTORY;
          await run(COMPLETE, [
            id,
            state(step, scope),
            step,
            types.length,
            history(types, ELEMENTS[step]!, task),
            next,
            definitionId,
            ELEMENTS[step],
            null,
            [step === 1 ? 'leads' : 'managers'],
            task,
          ]);
        } else {
          await run(LAST, [
            id,
            state(step, scope),
            step,
            LAST_HISTORY.length,
            history(LAST_HISTORY, 'end', task),
            task,
          ]);
        }
        task = next;
      }
    },
  };
}
