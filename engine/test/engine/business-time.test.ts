import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../../src/calendar/calendar.js';
import { CalendarInvalidError } from '../../src/calendar/store.js';
import { VirtualClock } from '../../src/clock.js';
import type { Database } from '../../src/database.js';
import { DefinitionInvalidError, ForbiddenError } from '../../src/errors.js';
import { SYSTEM, userIdentity } from '../../src/identity.js';
import { bpmnFile, endEvent, linearProcess, startEvent } from '../support/bpmn.js';
import { databases, truncateEngineTables } from '../support/databases.js';
import { onlyOpenTask, testEngine } from '../support/engines.js';

const HOUR = 3_600_000;
/** Friday 9 January 2026. */
const FRIDAY_9 = new Date('2026-01-09T09:00:00.000Z');

/** An 8-hour day (09:00-12:00, 13:00-18:00 UTC), Monday to Friday. */
const OPS: BusinessCalendar = {
  id: 'ops',
  name: 'Operations',
  timeZone: 'UTC',
  workingDays: [1, 2, 3, 4, 5],
  hours: [
    { start: '09:00', end: '12:00' },
    { start: '13:00', end: '18:00' },
  ],
  holidays: [{ date: '2026-01-12', name: 'Team day' }],
  makeUpDays: [],
};

const calendarProperty = (id: string) =>
  `<zeebe:properties><zeebe:property name="baton:calendar" value="${id}" /></zeebe:properties>`;

/** A process on `calendar` whose task is due and followed up in working time, with a working-time SLA. */
function slaProcess(calendar: string, sla = 'PT4H') {
  return `<bpmn:process id="sla" isExecutable="true">
    <bpmn:extensionElements>${calendarProperty(calendar)}</bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="handle" name="Handle">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:taskSchedule dueDate="=duration(&quot;PT16H&quot;)" followUpDate="=&quot;PT2H&quot;" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="late" attachedToRef="handle">
      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${sla}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:userTask id="escalated" name="Escalated"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:endEvent id="end-late" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
    <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="escalated" />
    <bpmn:sequenceFlow id="f4" sourceRef="escalated" targetRef="end-late" />
  </bpmn:process>`;
}

async function timerDueAt(database: Database, elementId: string): Promise<string[]> {
  const rows = await sql<{
    due_at: Date;
  }>`SELECT due_at FROM jobs WHERE kind = 'timer' AND element_id = ${elementId}`.execute(database.db);
  return rows.rows.map((row) => new Date(row.due_at).toISOString());
}

describe.each(databases())('business time on $name', (target) => {
  afterAll(() => target.dispose());

  it('counts an SLA boundary timer in working time, and it survives an engine restart', async () => {
    // given a process on the ops calendar, started on Friday 16:00 (Monday 12 January is a holiday)
    const first = await target.openPersistent();
    const clock = new VirtualClock(new Date('2026-01-09T16:00:00.000Z'));
    const { engine } = await testEngine(first, { clock });
    await engine.saveCalendar(OPS, SYSTEM);
    await engine.deploy(bpmnFile([slaProcess('ops')]));
    const instance = await engine.startInstance({ processId: 'sla' }, SYSTEM);
    // then PT4H is Friday 16:00-18:00 and Tuesday 09:00-11:00
    expect(await timerDueAt(first, 'late')).toEqual(['2026-01-13T11:00:00.000Z']);
    // and the task is due after 16 working hours: Friday 2h, Tuesday 8h, Wednesday 09:00-12:00, 13:00-16:00
    const task = await onlyOpenTask(engine, instance.id);
    expect(task.dueAt?.toISOString()).toBe('2026-01-14T16:00:00.000Z');
    expect(task.followUpAt?.toISOString()).toBe('2026-01-09T18:00:00.000Z');
    // when the weekend and the holiday pass (wall-clock far beyond 4 hours)
    clock.set(new Date('2026-01-12T20:00:00.000Z'));
    expect(await engine.runDueJobs()).toBe(0);
    await engine.close();
    await first.close();
    // and a new engine opens the same database on Tuesday 11:00
    const second = await target.openPersistent();
    clock.set(new Date('2026-01-13T11:00:00.000Z'));
    const { engine: restarted } = await testEngine(second, { clock });
    // then the SLA fires then, and not before
    expect(await restarted.runDueJobs()).toBe(1);
    expect((await restarted.getInstance(instance.id)).activeElements).toEqual({ escalated: 1 });
    await restarted.close();
    await second.close();
  });

  describe('on a shared database', () => {
    let database: Database;
    beforeAll(async () => {
      database = await target.open();
      await testEngine(database);
    });
    beforeEach(async () => {
      await truncateEngineTables(database);
      await sql`DELETE FROM business_calendars WHERE id NOT IN ('default', 'cn')`.execute(database.db);
    });

    it('starts with the default and cn calendars, as data an admin can change', async () => {
      const { engine } = await testEngine(database);
      const calendars = await engine.listCalendars();
      expect(calendars.map((calendar) => calendar.id)).toEqual(['cn', 'default']);
      const cn = await engine.getCalendar('cn');
      expect(cn.timeZone).toBe('Asia/Shanghai');
      expect(cn.makeUpDays.map((day) => day.date)).toContain('2026-02-14');
      expect(cn.holidays.map((day) => day.date)).toContain('2026-10-07');
    });

    it('lets only admins change calendars, and names each bad field by its JSON pointer', async () => {
      const { engine } = await testEngine(database);
      await expect(
        engine.saveCalendar(OPS, userIdentity('sam', { roles: ['manager'] })),
      ).rejects.toBeInstanceOf(ForbiddenError);
      const bad = engine.saveCalendar(
        { ...OPS, timeZone: 'Mars/Olympus', hours: [{ start: '09:00', end: '25:00' }] },
        SYSTEM,
      );
      await expect(bad).rejects.toBeInstanceOf(CalendarInvalidError);
      await expect(bad).rejects.toMatchObject({
        errors: [{ pointer: '/timeZone' }, { pointer: '/hours/0/end' }],
      });
      expect((await engine.listCalendars()).map((calendar) => calendar.id)).not.toContain('ops');
    });

    it("counts a task's due date in its group's calendar when the process names none", async () => {
      // given the ops calendar for the support group (set by an admin), and a process naming no calendar
      const clock = new VirtualClock(FRIDAY_9);
      const { engine } = await testEngine(database, { clock });
      await engine.saveCalendar(OPS, SYSTEM);
      await expect(
        engine.setGroupCalendar('support', 'ops', userIdentity('sam', { roles: ['manager'] })),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(engine.setGroupCalendar('support', 'nope', SYSTEM)).rejects.toMatchObject({
        code: 'CALENDAR_INVALID',
        errors: [{ pointer: '/calendarId' }],
      });
      await engine.setGroupCalendar('support', 'ops', SYSTEM);
      expect([...(await engine.listGroupCalendars())]).toEqual([['support', 'ops']]);
      await engine.deploy(
        bpmnFile([
          `<bpmn:process id="grouped" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:userTask id="answer" name="Answer">
              <bpmn:extensionElements>
                <zeebe:userTask />
                <zeebe:assignmentDefinition candidateGroups="sales, support" />
                <zeebe:taskSchedule dueDate="=duration(&quot;PT16H&quot;)" />
              </bpmn:extensionElements>
            </bpmn:userTask>
            <bpmn:endEvent id="end" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="answer" />
            <bpmn:sequenceFlow id="f2" sourceRef="answer" targetRef="end" />
          </bpmn:process>`,
        ]),
      );
      // when a task is offered to sales (no calendar) and support, on Friday 09:00
      const first = await engine.startInstance({ processId: 'grouped' }, SYSTEM);
      // then its first candidate group with a calendar counts: Friday 8h, Monday a holiday, Tuesday 8h
      expect((await onlyOpenTask(engine, first.id)).dueAt?.toISOString()).toBe('2026-01-13T18:00:00.000Z');
      // and once the admin clears the group's calendar, the duration has no calendar: an incident
      await engine.setGroupCalendar('support', null, SYSTEM);
      expect([...(await engine.listGroupCalendars())]).toEqual([]);
      const second = await engine.startInstance({ processId: 'grouped' }, SYSTEM);
      const incidents = await engine.listIncidents({ instanceId: second.id });
      expect(incidents.map((incident) => incident.elementId)).toEqual(['answer']);
    });

    it('uses the calendar as an admin changed it, also on another engine that had it cached', async () => {
      // given two engines on one database, the first having used the ops calendar
      const clock = new VirtualClock(FRIDAY_9);
      const { engine: a } = await testEngine(database, { clock });
      const { engine: b } = await testEngine(database, { clock });
      await a.saveCalendar(OPS, SYSTEM);
      await a.deploy(bpmnFile([slaProcess('ops', 'PT1H')]));
      await a.startInstance({ processId: 'sla' }, SYSTEM);
      expect(await timerDueAt(database, 'late')).toEqual(['2026-01-09T10:00:00.000Z']);
      // when an admin, on the second engine, makes Friday a holiday
      await b.saveCalendar({ ...OPS, holidays: [...OPS.holidays, { date: '2026-01-09' }] }, SYSTEM);
      await a.startInstance({ processId: 'sla' }, SYSTEM);
      // then the first engine's next timer skips Friday and Monday
      expect((await timerDueAt(database, 'late')).sort()).toEqual([
        '2026-01-09T10:00:00.000Z',
        '2026-01-13T10:00:00.000Z',
      ]);
    });

    it('counts wall-clock time for an element marked none, and raises an incident for a missing calendar', async () => {
      const clock = new VirtualClock(FRIDAY_9);
      const { engine } = await testEngine(database, { clock });
      await engine.deploy(
        bpmnFile([
          linearProcess(
            'waits',
            [
              startEvent(),
              `<bpmn:intermediateCatchEvent id="wait"><bpmn:extensionElements>${calendarProperty('none')}</bpmn:extensionElements>
                <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT24H</bpmn:timeDuration></bpmn:timerEventDefinition>
              </bpmn:intermediateCatchEvent>`,
              `<bpmn:intermediateCatchEvent id="wait-gone"><bpmn:extensionElements>${calendarProperty('gone')}</bpmn:extensionElements>
                <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
              </bpmn:intermediateCatchEvent>`,
              endEvent(),
            ],
            { extra: '' },
          ).replace(
            'isExecutable="true">',
            `isExecutable="true"><bpmn:extensionElements>${calendarProperty('default')}</bpmn:extensionElements>`,
          ),
        ]),
      );
      const instance = await engine.startInstance({ processId: 'waits' }, SYSTEM);
      expect(await timerDueAt(database, 'wait')).toEqual([
        new Date(FRIDAY_9.getTime() + 24 * HOUR).toISOString(),
      ]);
      clock.advance(24 * HOUR);
      await engine.runDueJobs();
      const incidents = await engine.listIncidents({ instanceId: instance.id });
      expect(incidents.map((incident) => [incident.elementId, incident.message])).toEqual([
        ['wait-gone', expect.stringMatching(/no business calendar 'gone'/)],
      ]);
    });

    it('reports the cycle time in working time beside wall-clock time, per the process calendar', async () => {
      // given an instance started Friday 16:00 and completed Tuesday 10:00 (Monday is a holiday)
      const clock = new VirtualClock(new Date('2026-01-09T16:00:00.000Z'));
      const { engine } = await testEngine(database, { clock });
      await engine.saveCalendar(OPS, SYSTEM);
      await engine.deploy(bpmnFile([slaProcess('ops', 'PT40H')]));
      const instance = await engine.startInstance({ processId: 'sla' }, SYSTEM);
      clock.set(new Date('2026-01-13T10:00:00.000Z'));
      await engine.completeTask((await onlyOpenTask(engine, instance.id)).id, {}, SYSTEM);
      // when the KPIs are read
      const kpis = await engine.kpis('sla');
      // then wall-clock is 90 hours and working time 3 (Friday 2, Tuesday 1)
      expect(kpis.completed).toBe(1);
      expect(kpis.avgCycleMs).toBe(90 * HOUR);
      expect(kpis.calendarId).toBe('ops');
      expect(kpis.avgWorkingCycleMs).toBe(3 * HOUR);
    });

    it('refuses at deploy a calendar on a timer cycle or on an element it would not change', async () => {
      const { engine } = await testEngine(database);
      const attempt = engine.deploy(
        bpmnFile([
          linearProcess('wrong', [
            startEvent(),
            `<bpmn:intermediateCatchEvent id="cycle"><bpmn:extensionElements>${calendarProperty('default')}</bpmn:extensionElements>
              <bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">2026-02-01T00:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition>
            </bpmn:intermediateCatchEvent>`,
            `<bpmn:exclusiveGateway id="gate"><bpmn:extensionElements>${calendarProperty('Not An Id')}</bpmn:extensionElements></bpmn:exclusiveGateway>`,
            endEvent(),
          ]),
        ]),
      );
      await expect(attempt).rejects.toBeInstanceOf(DefinitionInvalidError);
      await expect(attempt).rejects.toMatchObject({
        issues: expect.arrayContaining([
          expect.objectContaining({ elementId: 'cycle', code: 'calendar.unsupported' }),
          expect.objectContaining({ elementId: 'gate', code: 'calendar.invalid' }),
        ]),
      });
    });
  });
});
