import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTemplates } from '../src/setup/templates.js';
import { expenseProcess, reviewFormSchema, startFormSchema } from './fixtures/bpmn.js';
import { expenseTemplate } from './fixtures/template.js';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';
import { DEFAULT_CALENDAR, SYSTEM, systemIdentity } from '@baton/engine';

/** start -> a service task for external workers -> end: jobs and incidents for the operator rows. */
const matrixChargeProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-mx" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="matrix-charge" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="pay">
      <bpmn:extensionElements><zeebe:taskDefinition type="matrix-payment" retries="1" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pay" />
    <bpmn:sequenceFlow id="f2" sourceRef="pay" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** A one-decision DMN file for the rows that read or evaluate a deployed decision. */
const matrixDecision =
  '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="matrix-read" name="m" namespace="x"><decision id="matrix-read-answer"><literalExpression id="le"><text>42</text></literalExpression></decision></definitions>';

/**
 * Callers: anonymous, a signed-in user with no role, each role, and an API token (of a worker:
 * `read` and every job, message and signal scope).
 */
const CALLERS = ['anonymous', 'none', 'staff', 'designer', 'manager', 'admin', 'token'] as const;
type Caller = (typeof CALLERS)[number];

const ALL: Caller[] = [...CALLERS];
const SIGNED: Caller[] = ['none', 'staff', 'designer', 'manager', 'admin', 'token'];
/** Signed in as a person: API tokens may not log in or out, change passwords, or manage tokens. */
const PEOPLE: Caller[] = ['anonymous', 'none', 'staff', 'designer', 'manager', 'admin'];
const SESSIONS: Caller[] = ['none', 'staff', 'designer', 'manager', 'admin'];
const ROLE_USERS: Caller[] = ['staff', 'designer', 'manager', 'admin'];
const DESIGN: Caller[] = ['designer', 'admin'];
const DESIGN_MANAGE: Caller[] = ['designer', 'manager', 'admin'];
const MANAGE: Caller[] = ['manager', 'admin'];
const STAFF_MANAGE: Caller[] = ['staff', 'manager', 'admin'];
const ADMIN: Caller[] = ['admin'];
/** Whoever is not a manager or the owner, and so does not even learn that the instance or task exists. */
const STRANGERS = { none: 404, designer: 404, token: 404 } as const;
/** A random job or incident id: nobody learns more than "not found". */
const NOT_FOUND = { none: 404, staff: 404, designer: 404, manager: 404, token: 404 } as const;
const WORKERS: Caller[] = ['admin', 'token'];

interface Row {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly route: string;
  readonly allowed: readonly Caller[];
  /** Builds the concrete URL (and fixtures it needs) for one caller. */
  readonly url?: (username: string) => Promise<string>;
  readonly body?: (username: string) => unknown;
  /** Request headers beyond the caller's (a multipart upload's content type). */
  readonly headers?: Record<string, string>;
  /** The refusal of signed-in callers: 403, or 404 where visibility hides the resource. */
  readonly denied?: 403 | 404;
  /** Per caller, where the refusal depends on who asks (403 for those who see it, 404 for the rest). */
  readonly deniedBy?: Partial<Record<Caller, 403 | 404>>;
}

describe.each(dialects())('permission matrix on %s', (dialect) => {
  let t: TestApp;
  let definitionId: string;
  const sessions = new Map<Caller, Session | null>();
  const usernames: Record<Caller, string> = {
    anonymous: 'sam',
    none: 'nora',
    staff: 'sam',
    designer: 'dana',
    manager: 'maya',
    admin: 'ada',
    token: 'wes',
  };

  beforeAll(async () => {
    t = await createTestApp({ dialect, templates: [expenseTemplate] });
    sessions.set('anonymous', null);
    sessions.set('none', await t.userSession('nora', []));
    sessions.set('staff', await t.userSession('sam', ['staff'], ['staff']));
    sessions.set('designer', await t.userSession('dana', ['designer']));
    sessions.set('manager', await t.userSession('maya', ['manager'], ['managers']));
    sessions.set('admin', await t.userSession('ada', ['admin']));
    const created = await t.call(await t.userSession('wes', ['worker']), {
      method: 'POST',
      url: '/api/tokens',
      payload: { name: 'w', scopes: ['read', 'jobs:*', 'messages:*', 'signals:*'] },
    });
    sessions.set('token', {
      username: 'wes',
      csrfToken: null,
      headers: { authorization: `Bearer ${created.json().token}` },
    });
    await t.saveForm('expense-start', startFormSchema);
    await t.saveForm('expense-review', reviewFormSchema);
    definitionId = (await t.engine.deploy(expenseProcess())).definitions[0]!.id;
    await t.engine.deploy(matrixChargeProcess);
    await installTemplates(t.engine, t.store, [expenseTemplate]);
  });
  afterAll(async () => t?.close());

  const variables = { title: 'Taxi', amount: 3 };
  async function reviewTaskFor(username: string): Promise<string> {
    const instance = await t.engine.startInstance({ processId: 'expense', variables }, systemIdentity('ada'));
    const tasks = await t.engine.listTasks({ instanceId: instance.id });
    const id = tasks.items[0]!.id;
    await t.engine.assignTask(id, username, systemIdentity('ada'));
    return id;
  }
  async function approveTaskFor(username: string): Promise<string> {
    const reviewId = await reviewTaskFor('ada');
    const review = await t.engine.getTask(reviewId);
    await t.engine.completeTask(reviewId, { decision: 'ok' }, systemIdentity('ada'));
    const tasks = await t.engine.listTasks({ instanceId: review.instanceId, state: 'created' });
    const id = tasks.items[0]!.id;
    await t.engine.assignTask(id, username, systemIdentity('ada'));
    return id;
  }
  async function delegatedTaskFor(username: string): Promise<string> {
    const owner = username === 'maya' ? 'ada' : 'maya';
    const id = await reviewTaskFor(owner);
    await t.engine.delegateTask(id, username, null, systemIdentity(owner));
    return id;
  }
  /** A saved view of this user's, written below the API (a token may not create one). */
  async function viewOf(username: string): Promise<string> {
    const id = randomUUID();
    const owner = await t.store.users.getByUsername(username);
    const now = new Date('2026-03-02T09:00:00Z');
    await t.db
      .insertInto('inbox_views')
      .values({ id, owner_id: owner!.id, name: 'Matrix', filter: '{}', created_at: now, updated_at: now })
      .execute();
    return id;
  }
  const instance = async () =>
    (await t.engine.startInstance({ processId: 'expense', variables }, systemIdentity('sam'))).id;
  /** A running (or paused) batch that the system created over one of sam's instances. */
  async function batch(paused = false): Promise<string> {
    const created = await t.engine.createBatch(
      { kind: 'variables', filter: { instanceIds: [await instance()] }, parameters: { variables: { x: 1 } } },
      SYSTEM,
    );
    if ('dryRun' in created) throw new Error('expected a batch');
    if (paused) await t.engine.pauseBatch(created.id, SYSTEM);
    return created.id;
  }
  /** A payment job of an instance sam started, waiting for a worker. */
  const chargeJob = async () => {
    const started = await t.engine.startInstance({ processId: 'matrix-charge' }, systemIdentity('sam'));
    const jobId = (await t.engine.listJobs({ instanceId: started.id }, SYSTEM)).items[0]!.id;
    return { instanceId: started.id, jobId };
  };
  /** An open incident on an instance sam started: its payment job failed for good. */
  const incident = async () => {
    const { instanceId, jobId } = await chargeJob();
    await t.engine.fetchAndLock({ type: 'matrix-payment', workerId: 'mx', maxJobs: 100 }, SYSTEM);
    await t.engine.failJob(jobId, 'mx', { retries: 0, errorMessage: 'matrix failure' }, SYSTEM);
    return (await t.engine.listIncidents({ instanceId, open: true }))[0]!.id;
  };
  /** A text file attached to an instance sam started (its readers are the instance's). */
  const attachedFile = async () => {
    const id = randomUUID();
    await t.app.files.insert({
      id,
      name: 'n.txt',
      type: 'text/plain',
      size: 2,
      sha256: '0'.repeat(64),
      uploadedBy: 'sam',
      createdAt: t.clock.now(),
      bytes: Buffer.from('hi'),
    });
    await t.app.files.attach([id], await instance(), 'sam', new Date(0), t.clock.now());
    return id;
  };
  const UPLOAD_BOUNDARY = 'matrixboundary';
  const freshUser = async () => (await t.createUser({ username: `u${randomUUID().slice(0, 8)}` })).id;

  const rows: Row[] = [
    { method: 'GET', route: '/health', allowed: ALL },
    { method: 'GET', route: '/ready', allowed: ALL },
    { method: 'GET', route: '/metrics', allowed: ['admin', 'token'] },
    { method: 'GET', route: '/docs', allowed: ALL },
    { method: 'GET', route: '/docs/json', allowed: ALL },
    { method: 'GET', route: '/docs/yaml', allowed: ALL },
    {
      method: 'POST',
      route: '/api/auth/login',
      allowed: PEOPLE,
      body: (u) => ({ username: u, password: 'correct horse battery' }),
    },
    { method: 'POST', route: '/api/auth/logout', allowed: SESSIONS },
    // A weak new password: the current one is checked (allowed), then the policy refuses (400).
    {
      method: 'POST',
      route: '/api/auth/password',
      allowed: SESSIONS,
      body: () => ({ currentPassword: 'correct horse battery', newPassword: 'password' }),
    },
    { method: 'GET', route: '/api/auth/me', allowed: SIGNED },
    { method: 'GET', route: '/api/users', allowed: SIGNED },
    {
      method: 'POST',
      route: '/api/users',
      allowed: ADMIN,
      body: () => ({ username: `n${randomUUID().slice(0, 8)}`, password: 'violet quarry lantern 42' }),
    },
    {
      method: 'PATCH',
      route: '/api/users/:id',
      allowed: ADMIN,
      url: async () => `/api/users/${await freshUser()}`,
      body: () => ({ displayName: 'Renamed' }),
    },
    {
      method: 'DELETE',
      route: '/api/users/:id',
      allowed: ADMIN,
      url: async () => `/api/users/${await freshUser()}`,
    },
    { method: 'GET', route: '/api/groups', allowed: SIGNED },
    {
      method: 'POST',
      route: '/api/groups',
      allowed: ADMIN,
      body: () => ({ name: `g${randomUUID().slice(0, 8)}` }),
    },
    {
      method: 'PUT',
      route: '/api/groups/:id/members',
      allowed: ADMIN,
      url: async () => '/api/groups/leads/members',
      body: () => ({ usernames: ['sam'] }),
    },
    { method: 'GET', route: '/api/tokens', allowed: SIGNED },
    // A user with no role holds no scope, so has none to give a token.
    {
      method: 'POST',
      route: '/api/tokens',
      allowed: ROLE_USERS,
      body: () => ({ name: 'n', scopes: ['read'] }),
    },
    {
      method: 'DELETE',
      route: '/api/tokens/:id',
      allowed: SESSIONS,
      url: async () => `/api/tokens/${randomUUID()}`,
    },
    { method: 'GET', route: '/api/forms', allowed: ROLE_USERS },
    {
      method: 'POST',
      route: '/api/forms',
      allowed: DESIGN,
      body: () => ({ formId: 'matrix-form', name: 'M', schema: { type: 'object' } }),
    },
    {
      method: 'GET',
      route: '/api/forms/:formId',
      allowed: SIGNED,
      url: async () => '/api/forms/expense-start',
    },
    { method: 'POST', route: '/api/definitions', allowed: DESIGN, body: () => ({ xml: expenseProcess() }) },
    {
      method: 'POST',
      route: '/api/definitions/validate',
      allowed: DESIGN,
      body: () => ({ xml: expenseProcess() }),
    },
    { method: 'GET', route: '/api/definitions', allowed: DESIGN_MANAGE },
    {
      method: 'POST',
      route: '/api/decisions',
      allowed: DESIGN,
      body: () => ({
        xml: '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="matrix" name="m" namespace="x"><decision id="matrix-answer"><literalExpression id="le"><text>42</text></literalExpression></decision></definitions>',
      }),
    },
    { method: 'GET', route: '/api/decisions', allowed: DESIGN_MANAGE },
    {
      method: 'GET',
      route: '/api/decisions/:id',
      allowed: DESIGN_MANAGE,
      url: async () => `/api/decisions/${(await t.engine.deployDecisions(matrixDecision)).decisions[0]!.id}`,
    },
    {
      method: 'POST',
      route: '/api/decisions/evaluate',
      allowed: DESIGN_MANAGE,
      url: async () => {
        await t.engine.deployDecisions(matrixDecision);
        return '/api/decisions/evaluate';
      },
      body: () => ({ decisionId: 'matrix-read-answer', variables: {} }),
    },
    {
      method: 'GET',
      route: '/api/decisions/:id/evaluations',
      allowed: DESIGN_MANAGE,
      url: async () => '/api/decisions/matrix-read-answer/evaluations',
    },
    {
      method: 'GET',
      route: '/api/definitions/:id',
      allowed: SIGNED,
      url: async () => `/api/definitions/${definitionId}`,
    },
    {
      method: 'GET',
      route: '/api/definitions/:id/xml',
      allowed: SIGNED,
      url: async () => `/api/definitions/${definitionId}/xml`,
    },
    { method: 'GET', route: '/api/processes', allowed: SIGNED },
    ...(['managers', 'starters'] as const).flatMap((list): Row[] => [
      {
        method: 'GET',
        route: `/api/processes/:processId/${list}`,
        allowed: DESIGN_MANAGE,
        url: async () => `/api/processes/tpl-expense/${list}`,
      },
      {
        method: 'PUT',
        route: `/api/processes/:processId/${list}`,
        allowed: DESIGN,
        url: async () => `/api/processes/tpl-expense/${list}`,
        body: () => ({ groups: [] }),
      },
    ]),
    {
      method: 'GET',
      route: '/api/processes/:processId/start-gatherings',
      allowed: DESIGN_MANAGE,
      url: async () => '/api/processes/expense/start-gatherings',
    },
    {
      method: 'GET',
      route: '/api/processes/:processId/kpis',
      allowed: MANAGE,
      url: async () => '/api/processes/expense/kpis',
    },
    {
      method: 'POST',
      route: '/api/instances',
      // a person may start an open process; this worker's token has no `start` scope
      allowed: SESSIONS,
      body: () => ({ processId: 'expense', variables }),
    },
    { method: 'GET', route: '/api/instances', allowed: STAFF_MANAGE },
    // Started by sam: the staff caller takes part; the others do not and get a 404 (no existence leak).
    {
      method: 'GET',
      route: '/api/instances/:id',
      allowed: STAFF_MANAGE,
      denied: 404,
      url: async () => `/api/instances/${await instance()}`,
    },
    {
      method: 'GET',
      route: '/api/instances/:id/history',
      allowed: STAFF_MANAGE,
      denied: 404,
      url: async () => `/api/instances/${await instance()}/history`,
    },
    {
      method: 'POST',
      route: '/api/instances/:id/cancel',
      allowed: MANAGE,
      deniedBy: STRANGERS,
      url: async () => `/api/instances/${await instance()}/cancel`,
    },
    {
      method: 'PATCH',
      route: '/api/instances/:id/variables',
      allowed: MANAGE,
      deniedBy: STRANGERS,
      url: async () => `/api/instances/${await instance()}/variables`,
      body: () => ({ variables: { amount: 4 } }),
    },
    {
      method: 'POST',
      route: '/api/instances/:id/migration',
      allowed: MANAGE,
      deniedBy: STRANGERS,
      url: async () => `/api/instances/${await instance()}/migration`,
      body: () => ({ targetDefinitionId: definitionId, dryRun: true }),
    },
    {
      method: 'POST',
      route: '/api/instances/:id/modification',
      allowed: MANAGE,
      deniedBy: STRANGERS,
      url: async () => `/api/instances/${await instance()}/modification`,
      body: () => ({ startBefore: [{ elementId: 'approve' }] }),
    },
    // The expense process has no ad-hoc subprocess: a manager is let through to a 400.
    {
      method: 'POST',
      route: '/api/instances/:id/ad-hoc/:elementId/activation',
      allowed: MANAGE,
      deniedBy: STRANGERS,
      url: async () => `/api/instances/${await instance()}/ad-hoc/review/activation`,
      body: () => ({ elementIds: ['approve'] }),
    },
    {
      method: 'POST',
      route: '/api/migrations',
      allowed: MANAGE,
      body: () => ({
        sourceDefinitionId: definitionId,
        targetDefinitionId: definitionId,
        dryRun: true,
        limit: 5,
      }),
    },
    {
      method: 'GET',
      route: '/api/processes/:processId/retention',
      allowed: SIGNED,
      url: async () => '/api/processes/expense/retention',
    },
    {
      method: 'PUT',
      route: '/api/processes/:processId/retention',
      allowed: DESIGN,
      url: async () => '/api/processes/expense/retention',
      body: () => ({ ttlDays: null }),
    },
    {
      method: 'GET',
      route: '/api/instances/:id/export',
      allowed: MANAGE,
      deniedBy: STRANGERS,
      url: async () => `/api/instances/${await instance()}/export`,
    },
    { method: 'GET', route: '/api/incidents', allowed: MANAGE },
    {
      method: 'POST',
      route: '/api/incidents/:id/retry',
      allowed: MANAGE,
      deniedBy: NOT_FOUND,
      url: async () => `/api/incidents/${randomUUID()}/retry`,
    },
    // A real incident for every caller: managers retry it (with a retry count); the rest learn
    // nothing (it is not theirs to see) or, for sam who started it, are refused.
    {
      method: 'POST',
      route: '/api/incidents/:id/retry',
      allowed: MANAGE,
      deniedBy: { none: 404, staff: 403, designer: 404, token: 404 },
      url: async () => `/api/incidents/${await incident()}/retry`,
      body: () => ({ retries: 2 }),
    },
    {
      method: 'POST',
      route: '/api/incidents/retry',
      allowed: MANAGE,
      body: () => ({ filter: { processId: 'matrix-charge', errorText: 'matrix' }, limit: 1 }),
    },
    // Batch operations: operators only; a batch is controlled by its creator, admins and those who
    // manage all its processes, and anyone else learns nothing of it.
    {
      method: 'POST',
      route: '/api/batches',
      allowed: MANAGE,
      body: () => ({ kind: 'cancel', filter: { processId: 'expense' }, dryRun: true }),
    },
    { method: 'GET', route: '/api/batches', allowed: MANAGE },
    {
      method: 'GET',
      route: '/api/batches/:id',
      allowed: MANAGE,
      denied: 404,
      url: async () => `/api/batches/${await batch()}`,
    },
    {
      method: 'POST',
      route: '/api/batches/:id/pause',
      allowed: MANAGE,
      denied: 404,
      url: async () => `/api/batches/${await batch()}/pause`,
    },
    {
      method: 'POST',
      route: '/api/batches/:id/resume',
      allowed: MANAGE,
      denied: 404,
      url: async () => `/api/batches/${await batch(true)}/resume`,
    },
    {
      method: 'POST',
      route: '/api/batches/:id/cancel',
      allowed: MANAGE,
      denied: 404,
      url: async () => `/api/batches/${await batch()}/cancel`,
    },
    { method: 'GET', route: '/api/jobs', allowed: MANAGE, url: async () => '/api/jobs?state=ready' },
    {
      method: 'PATCH',
      route: '/api/jobs/:id',
      allowed: MANAGE,
      deniedBy: { none: 404, staff: 403, designer: 404, token: 404 },
      url: async () => `/api/jobs/${(await chargeJob()).jobId}`,
      body: () => ({ retries: 4 }),
    },
    { method: 'GET', route: '/api/tasks', allowed: SIGNED },
    {
      method: 'GET',
      route: '/api/tasks/:id',
      allowed: SIGNED,
      url: async (u) => `/api/tasks/${await reviewTaskFor(u)}`,
    },
    {
      method: 'GET',
      route: '/api/tasks/:id/history',
      allowed: SIGNED,
      url: async (u) => `/api/tasks/${await reviewTaskFor(u)}/history`,
    },
    {
      method: 'POST',
      route: '/api/tasks/:id/claim',
      allowed: SESSIONS,
      url: async (u) => `/api/tasks/${await reviewTaskFor(u)}/claim`,
    },
    {
      method: 'POST',
      route: '/api/tasks/:id/unclaim',
      allowed: SESSIONS,
      url: async (u) => `/api/tasks/${await reviewTaskFor(u)}/unclaim`,
    },
    {
      method: 'POST',
      route: '/api/tasks/:id/complete',
      allowed: SESSIONS,
      url: async (u) => `/api/tasks/${await reviewTaskFor(u)}/complete`,
      body: () => ({ variables: { decision: 'ok' } }),
    },
    {
      method: 'POST',
      route: '/api/tasks/:id/draft',
      allowed: SESSIONS,
      url: async (u) => `/api/tasks/${await reviewTaskFor(u)}/draft`,
      body: () => ({ variables: { note: 'x' } }),
    },
    {
      method: 'POST',
      route: '/api/tasks/:id/handoff',
      allowed: SESSIONS,
      url: async (u) => `/api/tasks/${await reviewTaskFor(u)}/handoff`,
      body: () => ({ toGroup: 'staff', reason: 'busy' }),
    },
    {
      method: 'PATCH',
      route: '/api/tasks/:id',
      allowed: SESSIONS,
      url: async (u) => `/api/tasks/${await reviewTaskFor(u)}`,
      body: () => ({ changeset: { priority: 80 } }),
    },
    {
      method: 'POST',
      route: '/api/tasks/:id/delegate',
      allowed: SESSIONS,
      url: async (u) => `/api/tasks/${await reviewTaskFor(u)}/delegate`,
      body: (u) => ({ toUser: u === 'sam' ? 'maya' : 'sam' }),
    },
    {
      method: 'POST',
      route: '/api/tasks/:id/resolve',
      allowed: SESSIONS,
      url: async (u) => `/api/tasks/${await delegatedTaskFor(u)}/resolve`,
      body: () => ({ variables: { decision: 'ok' } }),
    },
    {
      method: 'POST',
      route: '/api/tasks/:id/return',
      allowed: SESSIONS,
      url: async (u) => `/api/tasks/${await approveTaskFor(u)}/return`,
      body: () => ({ targetElementId: 'review', reason: 'again' }),
    },
    {
      method: 'POST',
      route: '/api/tasks/:id/comments',
      allowed: SESSIONS,
      url: async (u) => `/api/tasks/${await reviewTaskFor(u)}/comments`,
      body: () => ({ text: 'hello' }),
    },
    {
      method: 'POST',
      route: '/api/tasks/:id/assign',
      allowed: MANAGE,
      deniedBy: STRANGERS,
      url: async () => `/api/tasks/${await reviewTaskFor('sam')}/assign`,
      body: () => ({ user: 'maya' }),
    },
    // anyone signed in may send; each target decides (a starter, a participant, a worker)
    { method: 'POST', route: '/api/messages', allowed: SIGNED, body: () => ({ name: 'nobody-waits' }) },
    { method: 'POST', route: '/api/signals', allowed: SIGNED, body: () => ({ name: 'ping' }) },
    // anyone signed in may ask; each process whose condition holds decides by its starters
    { method: 'POST', route: '/api/conditions/evaluate', allowed: SIGNED, body: () => ({ variables: {} }) },
    {
      method: 'POST',
      route: '/api/jobs/fetch-and-lock',
      allowed: WORKERS,
      body: () => ({ type: 'mail', workerId: 'w1' }),
    },
    {
      method: 'POST',
      route: '/api/jobs/:id/complete',
      allowed: WORKERS,
      deniedBy: NOT_FOUND,
      url: async () => `/api/jobs/${randomUUID()}/complete`,
      body: () => ({ workerId: 'w1' }),
    },
    {
      method: 'POST',
      route: '/api/jobs/:id/fail',
      allowed: WORKERS,
      deniedBy: NOT_FOUND,
      url: async () => `/api/jobs/${randomUUID()}/fail`,
      body: () => ({ workerId: 'w1', retries: 0, errorMessage: 'x' }),
    },
    {
      method: 'POST',
      route: '/api/jobs/:id/bpmn-error',
      allowed: WORKERS,
      deniedBy: NOT_FOUND,
      url: async () => `/api/jobs/${randomUUID()}/bpmn-error`,
      body: () => ({ workerId: 'w1', errorCode: 'E' }),
    },
    { method: 'GET', route: '/api/templates', allowed: SIGNED },
    {
      method: 'GET',
      route: '/api/templates/:id',
      allowed: SIGNED,
      url: async () => '/api/templates/tpl-expense',
    },
    {
      method: 'POST',
      route: '/api/templates/:id/copy',
      allowed: DESIGN,
      url: async () => '/api/templates/tpl-expense/copy',
    },
    { method: 'GET', route: '/api/notifications', allowed: SIGNED },
    // Their own requests only; cards only of the tasks they see (an empty list otherwise).
    { method: 'GET', route: '/api/requests', allowed: SIGNED },
    {
      method: 'GET',
      route: '/api/task-cards',
      allowed: SIGNED,
      url: async (u) => `/api/task-cards?taskId=${await reviewTaskFor(u)}`,
    },
    {
      method: 'POST',
      route: '/api/notifications/:id/read',
      allowed: SIGNED,
      url: async () => `/api/notifications/${randomUUID()}/read`,
    },
    // Everyone reads their own mail settings; changing them takes a session (an address decides
    // where notifications and reply rights go); admins read and set anyone's.
    { method: 'GET', route: '/api/mail-settings', allowed: SIGNED },
    {
      method: 'PUT',
      route: '/api/mail-settings',
      allowed: SESSIONS,
      body: (u) => ({ email: `${u}@matrix.test`, mail: 'each', language: null }),
    },
    {
      method: 'GET',
      route: '/api/users/:id/mail-settings',
      allowed: ADMIN,
      url: async () => `/api/users/${await freshUser()}/mail-settings`,
    },
    {
      method: 'PUT',
      route: '/api/users/:id/mail-settings',
      allowed: ADMIN,
      url: async () => `/api/users/${await freshUser()}/mail-settings`,
      body: () => ({ email: 'someone@matrix.test', mail: 'daily', language: 'zh' }),
    },
    // Anyone signed in sees who is away; each person sets and ends their own absence (a worker's
    // token lacks the `tasks` scope for it); the team's load is for managers.
    { method: 'GET', route: '/api/absences', allowed: SIGNED },
    {
      method: 'POST',
      route: '/api/absences',
      allowed: SESSIONS,
      body: () => ({ from: '2026-03-10T00:00:00Z', to: '2026-03-11T00:00:00Z' }),
    },
    {
      method: 'DELETE',
      route: '/api/absences/:id',
      allowed: SESSIONS,
      url: async (u) => {
        const absence = await t.engine.setAbsence(
          { userId: u, from: new Date('2026-03-12T00:00:00Z'), to: new Date('2026-03-13T00:00:00Z') },
          SYSTEM,
        );
        return `/api/absences/${absence.id}`;
      },
    },
    { method: 'GET', route: '/api/team-load', allowed: MANAGE },
    // Business calendars: everyone signed in reads them; only admins change them.
    { method: 'GET', route: '/api/calendars', allowed: SIGNED },
    {
      method: 'GET',
      route: '/api/calendars/:id',
      allowed: SIGNED,
      url: async () => '/api/calendars/default',
    },
    {
      method: 'PUT',
      route: '/api/calendars/:id',
      allowed: ADMIN,
      url: async (u) => `/api/calendars/matrix-${u}`,
      body: () => ({
        name: 'Matrix',
        timeZone: 'Europe/Berlin',
        workingDays: [1, 2, 3, 4, 5],
        hours: [{ start: '09:00', end: '17:00' }],
        holidays: [],
        makeUpDays: [],
      }),
    },
    {
      method: 'DELETE',
      route: '/api/calendars/:id',
      allowed: ADMIN,
      url: async (u) => {
        await t.engine.saveCalendar({ ...DEFAULT_CALENDAR, id: `gone-${u}` }, SYSTEM);
        return `/api/calendars/gone-${u}`;
      },
    },
    {
      method: 'PUT',
      route: '/api/groups/:id/calendar',
      allowed: ADMIN,
      url: async () => '/api/groups/leads/calendar',
      body: () => ({ calendarId: 'default' }),
    },
    // Saved views are each person's own (a token may read them); another's view is not found.
    { method: 'GET', route: '/api/views', allowed: SIGNED },
    {
      method: 'POST',
      route: '/api/views',
      allowed: SESSIONS,
      body: () => ({ name: 'Matrix view', filter: { scope: 'mine' } }),
    },
    {
      method: 'GET',
      route: '/api/views/:id',
      allowed: SIGNED,
      url: async (u) => `/api/views/${await viewOf(u)}`,
    },
    {
      method: 'PUT',
      route: '/api/views/:id',
      allowed: SESSIONS,
      url: async (u) => `/api/views/${await viewOf(u)}`,
      body: () => ({ name: 'Renamed', filter: {} }),
    },
    {
      method: 'DELETE',
      route: '/api/views/:id',
      allowed: SESSIONS,
      url: async (u) => `/api/views/${await viewOf(u)}`,
    },
    // Anyone may ask; the engine's policy answers per task in the report (here TASK_NOT_FOUND;
    // a token without the `tasks` scope is refused each task the same way).
    {
      method: 'POST',
      route: '/api/tasks/bulk',
      allowed: SIGNED,
      body: () => ({ action: 'claim', taskIds: [randomUUID()] }),
    },
    // Any person may upload (it starts as theirs alone); a token needs `tasks`, which this one lacks.
    {
      method: 'POST',
      route: '/api/files',
      allowed: SESSIONS,
      headers: { 'content-type': `multipart/form-data; boundary=${UPLOAD_BOUNDARY}` },
      body: () =>
        Buffer.from(
          `--${UPLOAD_BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n` +
            `Content-Type: text/plain\r\n\r\nhello\r\n--${UPLOAD_BOUNDARY}--\r\n`,
        ),
    },
    // A file attached to sam's instance: exactly those who see the instance read it.
    {
      method: 'GET',
      route: '/api/files/:id',
      allowed: STAFF_MANAGE,
      denied: 404,
      url: async () => `/api/files/${await attachedFile()}`,
    },
    {
      method: 'GET',
      route: '/api/files',
      allowed: STAFF_MANAGE,
      denied: 404,
      url: async () => `/api/files?instanceId=${await instance()}`,
    },
    // The stream never ends, so only the refusal is checked here (the stream itself has its own test).
    { method: 'GET', route: '/api/events', allowed: [] },
  ];

  it('covers every route the app registers', () => {
    const covered = new Set(rows.map((r) => `${r.method} ${r.route}`));
    const registered = t.app.routeList
      .filter(
        (r) =>
          r.method !== 'HEAD' &&
          !(r.url.startsWith('/docs/') && !['/docs/json', '/docs/yaml'].includes(r.url)),
      )
      .map((r) => `${r.method} ${r.url}`);
    expect(registered.filter((r) => !covered.has(r))).toEqual([]);
  });

  it.each(rows.map((r) => [`${r.method} ${r.route}`, r] as const))(
    '%s answers each caller as allowed',
    async (_name, row) => {
      const outcome: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const caller of CALLERS) {
        if (row.route === '/api/events' && caller !== 'anonymous') continue;
        const username = usernames[caller];
        const url = row.url ? await row.url(username) : row.route;
        const payload = row.body?.(username);
        const res = await t.call(sessions.get(caller) ?? null, {
          method: row.method,
          url,
          ...(payload === undefined ? {} : { payload: payload as object }),
          ...(row.headers ? { headers: row.headers } : {}),
        });
        const allowed = row.allowed.includes(caller);
        const denied = caller === 'anonymous' ? 401 : (row.deniedBy?.[caller] ?? row.denied ?? 403);
        expected[caller] = allowed ? 'allowed' : String(denied);
        const refused =
          res.statusCode === 401 ||
          res.statusCode === 403 ||
          (res.statusCode === 404 && (row.denied === 404 || (!allowed && denied === 404)));
        if (res.statusCode >= 500) outcome[caller] = `5xx ${res.body}`;
        else
          outcome[caller] =
            allowed && !refused
              ? 'allowed'
              : allowed
                ? `${res.statusCode} ${res.body}`
                : String(res.statusCode);
        // Sessions may have been ended by the logout row; sign in again for the next rows.
        if (row.route === '/api/auth/logout' && res.statusCode === 204 && caller !== 'token') {
          sessions.set(caller, await t.login(username));
        }
      }
      expect(outcome).toEqual(expected);
    },
  );
  describe('a manager outside the groups that manage a process', () => {
    let insider: Session;
    let outsider: Session;
    beforeAll(async () => {
      insider = sessions.get('manager')!;
      outsider = await t.userSession('otto', ['manager'], ['ops']);
      const set = await t.call(sessions.get('designer')!, {
        method: 'PUT',
        url: '/api/processes/expense/managers',
        payload: { groups: ['managers'] },
      });
      expect(set.statusCode).toBe(200);
      await t.engine.setProcessAccess('matrix-charge', 'managers', ['managers'], SYSTEM);
    });
    afterAll(async () => {
      await t.engine.setProcessAccess('expense', 'managers', [], SYSTEM);
      await t.engine.setProcessAccess('matrix-charge', 'managers', [], SYSTEM);
    });

    /** [what, method, url, body, the outsider's answer]; the insider is allowed each. */
    const cases: [string, Row['method'], () => Promise<string>, unknown, number][] = [
      ['instance', 'GET', async () => `/api/instances/${await instance()}`, undefined, 404],
      ['history', 'GET', async () => `/api/instances/${await instance()}/history`, undefined, 404],
      ['cancel', 'POST', async () => `/api/instances/${await instance()}/cancel`, undefined, 404],
      [
        'variables',
        'PATCH',
        async () => `/api/instances/${await instance()}/variables`,
        { variables: { amount: 5 } },
        404,
      ],
      ['KPIs', 'GET', async () => '/api/processes/expense/kpis', undefined, 403],
      [
        'all tasks of the process',
        'GET',
        async () => '/api/tasks?scope=all&processId=expense',
        undefined,
        403,
      ],
      [
        'reassign',
        'POST',
        async () => `/api/tasks/${await reviewTaskFor('sam')}/assign`,
        { user: 'dana' },
        404,
      ],
      ['a task', 'GET', async () => `/api/tasks/${await reviewTaskFor('sam')}`, undefined, 404],
      ['job retries', 'PATCH', async () => `/api/jobs/${(await chargeJob()).jobId}`, { retries: 3 }, 404],
      ['incident retry', 'POST', async () => `/api/incidents/${await incident()}/retry`, { retries: 3 }, 404],
    ];

    it("leaves the process's jobs and incidents out of the outsider's lists", async () => {
      // given an incident and a waiting job of the process the insider manages
      await incident();
      await chargeJob();
      const list = async (who: Session, url: string) => {
        const res = await t.call(who, { method: 'GET', url });
        expect(res.statusCode, res.body).toBe(200);
        return res.json().total as number;
      };
      // then the insider sees them and the outsider sees none
      expect(await list(insider, '/api/jobs?processId=matrix-charge')).toBeGreaterThan(0);
      expect(await list(outsider, '/api/jobs?processId=matrix-charge')).toBe(0);
      expect(await list(insider, '/api/incidents?processId=matrix-charge')).toBeGreaterThan(0);
      expect(await list(outsider, '/api/incidents?processId=matrix-charge')).toBe(0);
      // and a bulk retry by the outsider touches nothing
      const bulk = await t.call(outsider, {
        method: 'POST',
        url: '/api/incidents/retry',
        payload: { filter: { processId: 'matrix-charge' } },
      });
      expect(bulk.json()).toMatchObject({ matched: 0, succeeded: 0 });
      expect(await list(insider, '/api/incidents?processId=matrix-charge')).toBeGreaterThan(0);
    });

    it.each(cases)(
      'refuses the %s to the outsider and allows the insider',
      async (_what, method, url, body, refusal) => {
        const answer = async (who: Session) =>
          (
            await t.call(who, {
              method,
              url: await url(),
              ...(body === undefined ? {} : { payload: body as object }),
            })
          ).statusCode;
        expect(await answer(outsider)).toBe(refusal);
        expect(await answer(insider)).toBeLessThan(300);
      },
    );
  });
});
