import { randomBytes } from 'node:crypto';
import { createServer, type Server, Socket } from 'node:net';
import {
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { type Database, openDatabase } from '../../src/database.js';
import { createEngine, type Engine, type EngineLogger } from '../../src/engine.js';
import { SYSTEM, systemIdentity, userIdentity } from '../../src/identity.js';
import { REPLICA_RETRY_AFTER_MS } from '../../src/replica.js';
import {
  bpmnFile,
  endEvent,
  linearProcess,
  serviceTask,
  startEvent,
  threeStepProcess,
} from '../support/bpmn.js';
import { onlyOpenTask, T0 } from '../support/engines.js';

const base = process.env.DATABASE_URL;

/** start -> service task (type `payment`, 1 retry) -> end. */
const chargeProcess = bpmnFile([
  linearProcess('charge', [startEvent(), serviceTask('pay', 'payment', 1), endEvent()]),
]);

const admin = userIdentity('root', { roles: ['admin'] });
const ann = systemIdentity('ann');

/** Counts every statement sent through the Kysely handle it is plugged into. */
class StatementCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** A logger that keeps what was warned. */
function keepingLogger(): EngineLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, error() {}, warn: (_obj, msg) => warnings.push(msg ?? '') };
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A TCP hop in front of PostgreSQL that can be switched off: while off it drops every connection
 * (open ones included) as a replica that went away would.
 */
class SwitchableHop {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  on = true;
  port = 0;

  constructor(target: { host: string; port: number }) {
    this.#server = createServer((client) => {
      if (!this.on) return void client.destroy();
      const upstream = new Socket();
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      upstream.connect(target.port, target.host, () => {
        client.pipe(upstream);
        upstream.pipe(client);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as { port: number }).port;
  }

  off(): void {
    this.on = false;
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.off();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

async function admin_(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

function urlOf(name: string): string {
  const url = new URL(base ?? '');
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The replica is a second database holding a copy of the primary taken at one moment (CREATE
 * DATABASE … TEMPLATE), after which only the primary changes: what a streaming replica that lags
 * looks like to a reader. Lists that show the copy's rows were answered by the replica.
 */
describe.skipIf(!base)('reads on a lagging read replica (PostgreSQL only)', () => {
  const suffix = randomBytes(6).toString('hex');
  const primaryName = `baton_t_${suffix}`;
  const replicaName = `baton_r_${suffix}`;
  const clock = new VirtualClock(T0);
  const counter = new StatementCounter();
  const opened: Database[] = [];
  let replica: Database;
  let engine: Engine;
  /** The same database without a replica: what the primary says now. */
  let primaryOnly: Engine;
  const ids = { a: '', b: '', c: '', d: '', aDraft: '', bDraft: '' };

  const open = async (url: string, readOnly = false) => {
    const database = await openDatabase({ url, readOnly, poolSize: 4 });
    opened.push(database);
    return database;
  };

  beforeAll(async () => {
    await admin_(`CREATE DATABASE ${primaryName}`);
    // given two instances at their first task and one incident, on the primary...
    const first = await openDatabase({ url: urlOf(primaryName) });
    const before = await createEngine({ database: first, clock });
    await before.deploy(threeStepProcess());
    await before.deploy(chargeProcess);
    ids.a = (await before.startInstance({ processId: 'three-steps' }, ann)).id;
    ids.b = (await before.startInstance({ processId: 'three-steps' }, ann)).id;
    ids.aDraft = (await onlyOpenTask(before, ids.a)).id;
    ids.bDraft = (await onlyOpenTask(before, ids.b)).id;
    await before.startInstance({ processId: 'charge' }, SYSTEM);
    const [job] = await before.fetchAndLock({ type: 'payment', workerId: 'W' }, SYSTEM);
    await before.failJob(job?.id ?? '', 'W', { retries: 0, errorMessage: 'gateway down' }, SYSTEM);
    await before.close();
    await first.close();
    // ...copied to the replica as they are now (a copy needs no one connected to its source)...
    await admin_(`CREATE DATABASE ${replicaName} TEMPLATE ${primaryName}`);
    const primary = await open(urlOf(primaryName));
    replica = await open(urlOf(replicaName), true);
    engine = await createEngine({
      database: primary,
      replica: { ...replica, db: replica.db.withPlugin(counter) },
      clock,
    });
    primaryOnly = await createEngine({ database: primary, clock });
    // ...and then, on the primary only: two more instances, A's first task done, the incident retried
    ids.c = (await engine.startInstance({ processId: 'three-steps' }, ann)).id;
    ids.d = (await engine.startInstance({ processId: 'three-steps' }, ann)).id;
    await engine.completeTask(ids.aDraft, {}, ann);
    const [incident] = await primaryOnly.findIncidents({ processId: 'charge' }, admin).then((p) => p.items);
    await engine.retryIncident(incident?.id ?? '', admin);
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
    await primaryOnly?.close();
    for (const database of opened) await database.close().catch(() => {});
    await admin_(`DROP DATABASE IF EXISTS ${replicaName} WITH (FORCE)`);
    await admin_(`DROP DATABASE IF EXISTS ${primaryName} WITH (FORCE)`);
  });

  it('answers task lists and their counts, instance lists, KPIs, incidents, jobs and team load from the replica', async () => {
    // when the lag-tolerant lists are read
    const before = counter.count;
    const inbox = await engine.listTasks({ state: 'created', processId: 'three-steps' });
    const anns = await engine.listTasks({ visibleTo: { user: 'ann', groups: [] }, state: 'created' });
    const instances = await engine.listInstances({ processId: 'three-steps', status: 'active' });
    const kpis = await engine.kpis('three-steps');
    const incidents = await engine.findIncidents({ processId: 'charge' }, admin);
    const jobs = await engine.listJobs({ processId: 'charge' }, admin);
    const load = await engine.teamLoad(admin);
    // then each shows the replica's rows, where the primary has moved on
    expect(inbox.items.map((t) => t.id).sort()).toEqual([ids.aDraft, ids.bDraft].sort());
    expect(inbox.total).toBe(2);
    expect((await primaryOnly.listTasks({ state: 'created', processId: 'three-steps' })).total).toBe(4);
    expect(anns.items.map((t) => t.id).sort()).toEqual([ids.aDraft, ids.bDraft].sort());
    expect(instances.items.map((i) => i.id).sort()).toEqual([ids.a, ids.b].sort());
    expect((await primaryOnly.listInstances({ processId: 'three-steps', status: 'active' })).total).toBe(4);
    expect(kpis.running).toBe(2);
    expect((await primaryOnly.kpis('three-steps')).running).toBe(4);
    expect(incidents.items.map((i) => i.message)).toEqual(['gateway down']);
    expect((await primaryOnly.findIncidents({ processId: 'charge' }, admin)).total).toBe(0);
    // (a job that failed for good leaves with its incident; the retry made a new one)
    expect(jobs.total).toBe(0);
    expect((await primaryOnly.listJobs({ processId: 'charge' }, admin)).total).toBe(1);
    expect(load).toEqual([{ user: 'ann', processId: 'three-steps', open: 2, overdue: 0 }]);
    expect(await primaryOnly.teamLoad(admin)).toEqual([
      { user: 'ann', processId: 'three-steps', open: 3, overdue: 0 },
    ]);
    expect(counter.count).toBeGreaterThan(before);
    expect(await engine.replicaStatus()).toBe('ready');
  });

  it('reads single items, one instance’s tasks and everything a command needs from the primary, and never touches the replica', async () => {
    // given the replica's statements counted from here
    const before = counter.count;
    // when the items the lists show are opened
    const a = await engine.getInstance(ids.a);
    const draft = await engine.getTask(ids.aDraft);
    const history = await engine.getHistory(ids.a);
    const aTasks = await engine.listTasks({ instanceId: ids.a, state: 'created' });
    // then each is as the primary has it now (the replica still shows A's first task open)
    expect(a.activeElements).toEqual({ review: 1 });
    expect(draft.state).toBe('completed');
    expect(history.some((e) => e.type === 'task.completed')).toBe(true);
    expect(aTasks.items.map((t) => t.elementId)).toEqual(['review']);
    // when commands act: on a task both databases know, and on one only the primary has
    await engine.completeTask(ids.bDraft, {}, ann);
    const dDraft = await onlyOpenTask(engine, ids.d);
    await engine.completeTask(dDraft.id, {}, ann);
    await engine.cancelInstance(ids.c, admin);
    await engine.startInstance({ processId: 'three-steps' }, ann);
    // then they took effect on the primary, and not one statement went to the replica
    expect((await engine.getInstance(ids.c)).status).toBe('cancelled');
    expect((await engine.getTask(ids.bDraft)).state).toBe('completed');
    expect(counter.count).toBe(before);
  });

  it('opens the replica read-only: a write through it fails and its rows stay as copied', async () => {
    // when something tries to write through the replica's connection
    const write = sql`UPDATE instances SET status = 'cancelled'`.execute(replica.db);
    // then PostgreSQL refuses it (read_only_sql_transaction)
    await expect(write).rejects.toMatchObject({ code: '25006' });
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM instances`.execute(replica.db);
    expect(Number(rows[0]?.n)).toBe(3);
  });

  it('reads the lists from the primary, with one warning, when the replica does not answer, and tries it again later', async () => {
    // given an engine whose replica is a port nothing listens on
    const logger = keepingLogger();
    const down = await open(`postgres://postgres@127.0.0.1:${await closedPort()}/nowhere`, true);
    const downClock = new VirtualClock(T0);
    const primary = await open(urlOf(primaryName));
    const degraded = await createEngine({ database: primary, replica: down, clock: downClock, logger });
    try {
      // when an inbox is listed
      const inbox = await degraded.listTasks({ state: 'created', processId: 'three-steps' });
      // then the primary answered it, and the outage was logged once
      const now = await primaryOnly.listTasks({ state: 'created', processId: 'three-steps' });
      expect(inbox.items.map((t) => t.id).sort()).toEqual(now.items.map((t) => t.id).sort());
      expect(inbox.total).toBeGreaterThan(2);
      expect(logger.warnings).toHaveLength(1);
      // when more lists are read soon after: the primary, without trying the replica again
      expect((await degraded.listInstances({ processId: 'three-steps' })).total).toBeGreaterThan(2);
      expect((await degraded.findIncidents({}, admin)).total).toBe(0);
      expect(logger.warnings).toHaveLength(1);
      // when the retry pause has passed: the replica is tried again (and still fails over)
      downClock.advance(REPLICA_RETRY_AFTER_MS + 1);
      expect((await degraded.listTasks({ state: 'created' })).total).toBeGreaterThan(2);
      expect(logger.warnings).toHaveLength(2);
      expect(await degraded.replicaStatus()).toBe('unavailable');
    } finally {
      await degraded.close();
    }
  });

  it('goes back to the replica when /ready finds it answering again, or after the retry pause', async () => {
    // given an engine whose replica is reached through a hop that is switched off
    const direct = new URL(urlOf(replicaName));
    const hop = new SwitchableHop({ host: direct.hostname, port: Number(direct.port || 5432) });
    await hop.listen();
    const via = new URL(direct);
    via.host = `127.0.0.1:${hop.port}`;
    const logger = keepingLogger();
    const hopClock = new VirtualClock(T0);
    const primary = await open(urlOf(primaryName));
    const replicaViaHop = await open(via.toString(), true);
    const recovering = await createEngine({
      database: primary,
      replica: replicaViaHop,
      clock: hopClock,
      logger,
    });
    const inboxTotal = async () =>
      (await recovering.listTasks({ state: 'created', processId: 'three-steps' })).total;
    const onPrimary = (await primaryOnly.listTasks({ state: 'created', processId: 'three-steps' })).total;
    try {
      hop.off();
      // when the replica has gone: the primary answers
      expect(await inboxTotal()).toBe(onPrimary);
      expect(logger.warnings).toHaveLength(1);
      // when it is back, within the retry pause: still the primary, until a readiness check finds it
      hop.on = true;
      expect(await inboxTotal()).toBe(onPrimary);
      expect(await recovering.replicaStatus()).toBe('ready');
      // then the lists read the replica's copy again
      expect(await inboxTotal()).toBe(2);
      // when it goes and comes back once more, without a readiness check
      hop.off();
      expect(await inboxTotal()).toBe(onPrimary);
      hop.on = true;
      hopClock.advance(REPLICA_RETRY_AFTER_MS + 1);
      // then the first list after the retry pause reads the replica
      expect(await inboxTotal()).toBe(2);
      expect(logger.warnings).toHaveLength(2);
    } finally {
      await recovering.close();
      await hop.close();
    }
  });

  it('says there is no replica when none was given', async () => {
    expect(await primaryOnly.replicaStatus()).toBe('none');
  });
});
