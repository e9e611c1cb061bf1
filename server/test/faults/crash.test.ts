import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  bearerFor,
  call,
  createDatabase,
  type Node,
  sleep,
  staffUser,
  startNode,
} from './support/cluster.js';
import { checkEachElementOncePerInstance, checkInvariants } from './support/invariants.js';
import {
  chargeWorker,
  inboxWorker,
  liveUrl,
  MIXED_PROCESS,
  newStats,
  startInstances,
} from './support/workload.js';

// Instances keep starting until the last kill; at least this many.
const MIN_INSTANCES = Number(process.env.BATON_CRASH_INSTANCES ?? 100);
const KILLS = Number(process.env.BATON_CRASH_KILLS ?? 20);
const SETTLE_MS = 240_000;

describe('crash under load: two servers on one PostgreSQL, one SIGKILLed 20 times', () => {
  let database: { url: string; drop(): Promise<void> };
  const nodes: Node[] = [
    { name: 'a', current: undefined },
    { name: 'b', current: undefined },
  ];

  beforeAll(async () => {
    database = await createDatabase();
    // One after the other: the first start creates the admin and migrates.
    await startNode(nodes[0]!, database.url);
    await startNode(nodes[1]!, database.url);
  });

  afterAll(async () => {
    for (const node of nodes) await node.current?.stop('SIGTERM').catch(() => undefined);
    await database?.drop();
  });

  it('finishes every instance with state, tasks, jobs, timers and history consistent', async () => {
    // given the mixed process, a worker for its service task and a staff member for its user task
    const url = await liveUrl(nodes);
    const admin = await bearerFor(url, 'admin', ADMIN_PASSWORD);
    const deployed = await call(url, 'POST', '/api/definitions', admin, { xml: MIXED_PROCESS });
    expect(deployed.status, deployed.text).toBe(201);
    const staff = await staffUser(url, admin, 'crew-member', 'crew');
    const stats = newStats();
    let allStarted = false;
    let killing = true;
    let finished = false;
    let keys = 0;
    const started = startInstances(stats, nodes, admin, MIN_INSTANCES, () => !killing, 100).then((n) => {
      keys = n;
      allStarted = true;
    });
    const workers = [
      chargeWorker(stats, nodes, admin, () => finished),
      inboxWorker(stats, nodes, staff, () => finished),
    ];

    // when one of the two servers is killed at random moments and restarted each time
    const restartMs: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(500 + Math.random() * 2_500);
      const node = nodes[Math.floor(Math.random() * nodes.length)]!;
      const victim = node.current!;
      node.current = undefined;
      await victim.stop('SIGKILL');
      const restartedAt = performance.now();
      await startNode(node, database.url);
      restartMs.push(performance.now() - restartedAt);
    }
    killing = false;
    await started;

    // then, once the clients stop seeing work, every instance completes
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const deadline = Date.now() + SETTLE_MS;
    let open = Number.POSITIVE_INFINITY;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ open: string }>(
        `select count(*) as open from instances where status = 'active'`,
      );
      open = Number(rows[0]?.open);
      if (allStarted && open === 0) break;
      await sleep(1_000);
    }
    const { rows: totals } = await client.query<{ total: string; keys: string }>(
      `select count(*) as total, count(distinct business_key) as keys from instances`,
    );
    await client.end();
    finished = true;
    await Promise.all(workers);

    const redelivered = [...stats.jobDeliveries.values()].filter((n) => n > 1).length;
    console.log(
      JSON.stringify({
        kills: KILLS,
        instances: Number(totals[0]?.total),
        startedKeys: keys,
        businessKeys: Number(totals[0]?.keys),
        stillOpen: open,
        requests: stats.requests,
        networkErrors: stats.networkErrors,
        serverErrors: stats.serverErrors,
        jobsDeliveredMoreThanOnce: redelivered,
        restartMsMax: Math.round(Math.max(...restartMs)),
      }),
    );
    expect(open).toBe(0);
    expect(Number(totals[0]?.keys)).toBe(keys);
    expect(await checkInvariants(database.url)).toEqual([]);
    expect(await checkEachElementOncePerInstance(database.url, 'mixed')).toEqual([]);
  });
});
