import { call, type Node, sleep } from './cluster.js';

const NS =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';

/** start -> fork -> (service task "charge" | real-clock timer | user task for staff) -> join -> end. */
export const MIXED_PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d-mixed" targetNamespace="urn:test">
  <bpmn:process id="mixed" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:parallelGateway id="fork" />
    <bpmn:serviceTask id="charge" name="Charge">
      <bpmn:extensionElements><zeebe:taskDefinition type="charge" retries="10" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:intermediateCatchEvent id="cool-off">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT2S</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="approve" name="Approve">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="crew" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:parallelGateway id="join" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fork" />
    <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="charge" />
    <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="cool-off" />
    <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="approve" />
    <bpmn:sequenceFlow id="f4" sourceRef="charge" targetRef="join" />
    <bpmn:sequenceFlow id="f5" sourceRef="cool-off" targetRef="join" />
    <bpmn:sequenceFlow id="f6" sourceRef="approve" targetRef="join" />
    <bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** Picks a running node at random; waits while all are down. */
export async function liveUrl(nodes: readonly Node[]): Promise<string> {
  for (;;) {
    const live = nodes.filter((n) => n.current !== undefined);
    const node = live[Math.floor(Math.random() * live.length)];
    if (node?.current) return node.current.url;
    await sleep(50);
  }
}

/** Counts what the clients saw, so the report can say what the faults did to them. */
export interface ClientStats {
  requests: number;
  /** Refused connections and resets: the node was being killed. */
  networkErrors: number;
  /** 5xx answers, by status. */
  serverErrors: Record<number, number>;
  /** Job completions the worker sent per job id (at-least-once: more than one is allowed). */
  jobDeliveries: Map<string, number>;
}

export function newStats(): ClientStats {
  return { requests: 0, networkErrors: 0, serverErrors: {}, jobDeliveries: new Map() };
}

async function tracked(
  stats: ClientStats,
  nodes: readonly Node[],
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
) {
  const res = await call(await liveUrl(nodes), method, path, headers, body);
  stats.requests++;
  if (res.status === 0) stats.networkErrors++;
  if (res.status >= 500) stats.serverErrors[res.status] = (stats.serverErrors[res.status] ?? 0) + 1;
  return res;
}

/**
 * Starts instances one after another until `stop()` (and at least `minimum`), retrying each on a
 * live node until one answers 201; returns how many business keys were started. A retried start
 * whose first attempt did commit makes a second instance with the same key: that is the client's
 * at-least-once, not the engine's.
 */
export async function startInstances(
  stats: ClientStats,
  nodes: readonly Node[],
  admin: Record<string, string>,
  minimum: number,
  stop: () => boolean,
  pauseMs: number,
): Promise<number> {
  let i = 0;
  for (; i < minimum || !stop(); i++) {
    for (;;) {
      const res = await tracked(stats, nodes, 'POST', '/api/instances', admin, {
        processId: 'mixed',
        businessKey: `k-${i}`,
      });
      if (res.status === 201 || res.status === 200) break;
      await sleep(100);
    }
    await sleep(pauseMs);
  }
  return i;
}

/** An external worker: fetch-and-lock "charge" jobs and complete them, until `done()`. */
export async function chargeWorker(
  stats: ClientStats,
  nodes: readonly Node[],
  admin: Record<string, string>,
  done: () => boolean,
): Promise<void> {
  while (!done()) {
    const fetched = await tracked(stats, nodes, 'POST', '/api/jobs/fetch-and-lock', admin, {
      type: 'charge',
      workerId: 'fault-worker',
      maxJobs: 10,
      lockMs: 3_000,
    });
    const jobs =
      fetched.status === 200 ? (fetched.json as { id: string }[] | { items: { id: string }[] }) : [];
    const list = Array.isArray(jobs) ? jobs : jobs.items;
    for (const job of list) {
      stats.jobDeliveries.set(job.id, (stats.jobDeliveries.get(job.id) ?? 0) + 1);
      await tracked(stats, nodes, 'POST', `/api/jobs/${job.id}/complete`, admin, {
        workerId: 'fault-worker',
        variables: { charged: true },
      });
    }
    if (list.length === 0) await sleep(200);
  }
}

/** A staff member working the inbox: completes every claimable task, until `done()`. */
export async function inboxWorker(
  stats: ClientStats,
  nodes: readonly Node[],
  staff: Record<string, string>,
  done: () => boolean,
): Promise<void> {
  while (!done()) {
    const inbox = await tracked(stats, nodes, 'GET', '/api/tasks?scope=claimable&limit=50', staff);
    const items = inbox.status === 200 ? (inbox.json as { items: { id: string }[] }).items : [];
    for (const task of items) {
      await tracked(stats, nodes, 'POST', `/api/tasks/${task.id}/complete`, staff, {
        variables: { approved: true },
      });
    }
    if (items.length === 0) await sleep(200);
  }
}
