import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/clock.js';
import type { Database } from '../../src/database.js';
import type { Engine } from '../../src/engine.js';
import { DefinitionInvalidError } from '../../src/errors.js';
import { resetLimits, setFeelLimits } from '../../src/expressions/limits.js';
import { SYSTEM } from '../../src/identity.js';
import { claimExecutorJobs } from '../../src/jobs/claim.js';
import type { DB } from '../../src/persistence/schema.js';
import {
  bpmnFile,
  endEvent,
  linearProcess,
  serviceTask,
  startEvent,
  timerCatch,
  userTask,
} from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { testEngine } from '../support/engines.js';

const MINUTE = 60_000;
/** Doubles its work per level: at depth 20 it blocked the event loop for 5 s before budgets. */
const RECURSION = '{f: function(n) if n = 0 then 0 else f(n - 1) + f(n - 1)}.f(40)';
/** Doubles a list per level: a fatal out-of-memory error of the whole process before budgets. */
const LIST_DOUBLING =
  '{f: function(l, n) if n = 0 then count(l) else f(concatenate(l, l), n - 1)}.f([1, 2, 3, 4, 5, 6, 7, 8], 40)';

/** start -> 1-minute timer -> gateway whose condition is `condition` -> yes | (default) no. */
function timerThenGateway(processId: string, condition: string): string {
  return bpmnFile([
    `<bpmn:process id="${processId}" isExecutable="true">
      <bpmn:startEvent id="start" />
      ${timerCatch('pause', 'PT1M')}
      <bpmn:exclusiveGateway id="gw" default="toNo" />
      ${userTask('yes')}
      ${userTask('no')}
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pause" />
      <bpmn:sequenceFlow id="f2" sourceRef="pause" targetRef="gw" />
      <bpmn:sequenceFlow id="toYes" sourceRef="gw" targetRef="yes">
        <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=${condition}</bpmn:conditionExpression>
      </bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="toNo" sourceRef="gw" targetRef="no" />
    </bpmn:process>`,
  ]);
}

const timerStart = (id: string, cycle: string) =>
  `<bpmn:startEvent id="${id}"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">${cycle}</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>`;

async function deployProblem(engine: Engine, xml: string) {
  try {
    await engine.deploy(xml);
  } catch (error) {
    if (error instanceof DefinitionInvalidError) return error.issues;
    throw error;
  }
  throw new Error('expected the deploy to fail');
}

describe.each(databases())('budgets on $name', (target) => {
  let database: Database;
  let engine: Engine;
  let clock: VirtualClock;
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(() => target.dispose());
  beforeEach(async () => {
    ({ engine, clock } = await testEngine(database));
    await truncateEngineTables(database);
    // A short deadline keeps the suite quick; the default (1 s) behaves the same, only slower.
    setFeelLimits({ timeoutMs: 300 });
  });
  afterEach(() => resetLimits());

  it('parks a token in an incident when a condition behind a timer recurses exponentially, and goes on', async () => {
    // given an instance whose timer leads to a gateway with a runaway condition
    await engine.deploy(timerThenGateway('runaway', RECURSION));
    await engine.deploy(timerThenGateway('cheap', 'amount > 100'));
    const hostile = await engine.startInstance({ processId: 'runaway' }, SYSTEM);
    const cheap = await engine.startInstance({ processId: 'cheap', variables: { amount: 101 } }, SYSTEM);
    // when the timers fire
    clock.advance(MINUTE);
    const ran = await engine.runDueJobs();
    // then the hostile one waits in an incident naming the budget, the cheap one went on
    expect(ran).toBe(2);
    const incidents = await engine.listIncidents({ instanceId: hostile.id });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.elementId).toBe('gw');
    expect(incidents[0]?.message).toMatch(/exceeded its time budget: no result within 300 ms/);
    expect((await engine.getInstance(hostile.id)).status).toBe('active');
    expect((await engine.getInstance(cheap.id)).activeElements).toEqual({ yes: 1 });
    // and nothing is left to run again: no crash loop
    clock.advance(10 * MINUTE);
    expect(await engine.runDueJobs()).toBe(0);
  });

  it('parks a token in an incident when a condition doubles a list until memory runs out', async () => {
    // given a gateway condition that doubles a list 40 times, evaluated when the instance starts
    await engine.deploy(
      bpmnFile([
        `<bpmn:process id="doubling" isExecutable="true">
          <bpmn:startEvent id="start" />
          <bpmn:exclusiveGateway id="gw" default="toNo" />
          ${userTask('yes')}
          ${userTask('no')}
          <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw" />
          <bpmn:sequenceFlow id="toYes" sourceRef="gw" targetRef="yes">
            <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=${LIST_DOUBLING} > 0</bpmn:conditionExpression>
          </bpmn:sequenceFlow>
          <bpmn:sequenceFlow id="toNo" sourceRef="gw" targetRef="no" />
        </bpmn:process>`,
      ]),
    );
    // when it starts
    const instance = await engine.startInstance({ processId: 'doubling' }, SYSTEM);
    // then an incident holds the token at the gateway, and the engine still answers
    const incidents = await engine.listIncidents({ instanceId: instance.id });
    expect(incidents.map((i) => i.elementId)).toEqual(['gw']);
    expect(incidents[0]?.message).toMatch(/exceeded its time budget/);
    expect((await engine.getInstance(instance.id)).status).toBe('active');
  });

  it('raises an incident for a timer duration from a variable that is out of range', async () => {
    // given a timer whose duration comes from a variable
    await engine.deploy(
      bpmnFile([
        linearProcess('dynamic', [startEvent(), timerCatch('pause', '=wait'), userTask('after'), endEvent()]),
      ]),
    );
    // when instances start with absurd durations, and one with a sane duration
    const huge = await engine.startInstance(
      {
        processId: 'dynamic',
        variables: { wait: 'PT99999999999999999H' },
      },
      SYSTEM,
    );
    const century = await engine.startInstance(
      { processId: 'dynamic', variables: { wait: 'P101Y' } },
      SYSTEM,
    );
    const fine = await engine.startInstance({ processId: 'dynamic', variables: { wait: 'PT5M' } }, SYSTEM);
    // then the absurd ones wait in an incident on the timer, the sane one waits for its timer
    for (const instance of [huge, century]) {
      const incidents = await engine.listIncidents({ instanceId: instance.id });
      expect(incidents.map((i) => i.elementId)).toEqual(['pause']);
      expect(incidents[0]?.message).toMatch(/longer than the maximum of 100 years/);
    }
    expect(fine.activeElements).toEqual({ pause: 1 });
    expect(await engine.listIncidents({ instanceId: fine.id })).toEqual([]);
  });

  it('rejects huge static durations and too frequent start cycles at deploy, naming the element', async () => {
    // when deploying a static 10^17-hour timer, a 1 ms start cycle and a FEEL-computed 1 ms cycle
    const huge = await deployProblem(
      engine,
      bpmnFile([
        linearProcess('huge', [startEvent(), timerCatch('pause', 'PT99999999999999999H'), endEvent()]),
      ]),
    );
    const fast = await deployProblem(
      engine,
      bpmnFile([linearProcess('fast', [timerStart('tick', 'R/PT0.001S'), endEvent()])]),
    );
    const computed = await deployProblem(
      engine,
      bpmnFile([
        linearProcess('computed', [timerStart('tick', '="R/PT" + string(0.001) + "S"'), endEvent()]),
      ]),
    );
    // then each is a deploy problem on that element
    expect(huge).toEqual([expect.objectContaining({ elementId: 'pause', code: 'timer.invalid' })]);
    expect(huge[0]?.message).toMatch(/longer than the maximum of 100 years/);
    expect(fast).toEqual([expect.objectContaining({ elementId: 'tick', code: 'timer.invalid' })]);
    expect(fast[0]?.message).toMatch(/repeats every 1 ms, more often than the minimum of 1000 ms/);
    expect(computed).toEqual([expect.objectContaining({ elementId: 'tick', code: 'timer.invalid' })]);
    // and a once-a-second cycle is fine
    await engine.deploy(bpmnFile([linearProcess('second', [timerStart('tick', 'R/PT1S'), endEvent()])]));
  });

  describe('a job whose runs keep crashing the executor', () => {
    const claimAndDie = async (db: Kysely<DB>, type: string) =>
      claimExecutorJobs(
        db,
        {
          workerId: 'doomed',
          now: clock.now(),
          leaseMs: 1000,
          limit: 10,
          filter: { kind: 'executor', serviceTypes: [type] },
        },
        3,
      );

    it('goes to an incident after three expired leases instead of running again', async () => {
      // given a service task whose handler would run
      const db = database.db as Kysely<DB>;
      await engine.deploy(
        bpmnFile([
          linearProcess('crashy', [
            startEvent(),
            serviceTask('work', 'crash'),
            userTask('after'),
            endEvent(),
          ]),
        ]),
      );
      const instance = await engine.startInstance({ processId: 'crashy' }, SYSTEM);
      let calls = 0;
      engine.registerHandler('crash', async () => {
        calls++;
        return {};
      });
      // when three runs claim it with a 1 s lease and die without reporting
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const [claimed] = await claimAndDie(db, 'crash');
        counts.push(claimed?.crashCount ?? -1);
        clock.advance(2000);
      }
      // and the executor claims it a fourth time
      await engine.runDueJobs();
      // then it counted each expiry, never ran the handler, and raised an incident on the task
      expect(counts).toEqual([0, 1, 2]);
      expect(calls).toBe(0);
      const incidents = await engine.listIncidents({ instanceId: instance.id });
      expect(incidents.map((i) => [i.elementId, i.type])).toEqual([['work', 'job']]);
      expect(incidents[0]?.message).toMatch(
        /the job's handler or evaluation crashed or hung the engine process 3 times/,
      );
      // when the incident is retried, then a fresh job runs and the instance goes on
      await engine.retryIncident(incidents[0]?.id ?? '', SYSTEM);
      await engine.runDueJobs();
      expect(calls).toBe(1);
      expect((await engine.getInstance(instance.id)).activeElements).toEqual({ after: 1 });
    });

    it('parks an intermediate timer in an incident after three expired leases; a retry goes on past it', async () => {
      // given an instance waiting on a timer that is due
      const db = database.db as Kysely<DB>;
      await engine.deploy(
        bpmnFile([
          linearProcess('timed', [startEvent(), timerCatch('pause', 'PT1M'), userTask('after'), endEvent()]),
        ]),
      );
      const instance = await engine.startInstance({ processId: 'timed' }, SYSTEM);
      clock.advance(MINUTE);
      // when three executors claim it and die, and a fourth claims it
      for (let i = 0; i < 3; i++) {
        await claimAndDie(db, 'none');
        clock.advance(2000);
      }
      await engine.runDueJobs();
      // then the timer waits in an incident, and a retry moves on as if it had fired
      const incidents = await engine.listIncidents({ instanceId: instance.id });
      expect(incidents.map((i) => i.elementId)).toEqual(['pause']);
      await engine.retryIncident(incidents[0]?.id ?? '', SYSTEM);
      expect((await engine.getInstance(instance.id)).activeElements).toEqual({ after: 1 });
    });

    it('does not count a lease given back after a failure', async () => {
      // given a handler that fails once, then succeeds
      await engine.deploy(
        bpmnFile([
          linearProcess('flaky', [startEvent(), serviceTask('work', 'flaky'), userTask('after'), endEvent()]),
        ]),
      );
      const instance = await engine.startInstance({ processId: 'flaky' }, SYSTEM);
      let calls = 0;
      engine.registerHandler('flaky', async () => {
        calls++;
        if (calls === 1) throw new Error('temporary');
        return {};
      });
      // when it runs and fails (its lease is given back with the failure)
      await engine.runDueJobs();
      const afterFailure = await (database.db as Kysely<DB>)
        .selectFrom('jobs')
        .select(['crash_count', 'locked_until'])
        .executeTakeFirstOrThrow();
      // and runs again after the backoff, by a claim that finds no expired lease
      clock.advance(MINUTE);
      await engine.runDueJobs();
      // then no crash was counted and the job completed
      expect(afterFailure).toEqual({ crash_count: 0, locked_until: null });
      expect(calls).toBe(2);
      expect((await engine.getInstance(instance.id)).activeElements).toEqual({ after: 1 });
    });
  });
});
