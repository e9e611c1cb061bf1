import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

const berlin = {
  name: 'Berlin office',
  timeZone: 'Europe/Berlin',
  workingDays: [1, 2, 3, 4, 5],
  hours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ],
  holidays: [{ date: '2026-12-25', name: 'Christmas' }],
  makeUpDays: [],
};

describe.each(dialects())('business calendars over HTTP, on %s', (dialect) => {
  let t: TestApp;
  let ada: Session; // admin
  let sam: Session; // staff
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    ada = await t.userSession('ada', ['admin']);
    sam = await t.userSession('sam', ['staff']);
  });
  afterAll(async () => t?.close());

  it('lists the seeded calendars to everyone signed in', async () => {
    const res = await t.call(sam, { method: 'GET', url: '/api/calendars' });
    expect(res.statusCode).toBe(200);
    const ids = res.json().items.map((calendar: { id: string }) => calendar.id);
    expect(ids).toEqual(expect.arrayContaining(['default', 'cn']));
    const cn = await t.call(sam, { method: 'GET', url: '/api/calendars/cn' });
    expect(cn.json()).toMatchObject({
      timeZone: 'Asia/Shanghai',
      hours: [{ start: '09:00' }, { start: '13:30' }],
    });
    expect(cn.json().makeUpDays).toContainEqual({ date: '2026-02-28', name: '春节调休' });
  });

  it('lets an admin create, change and delete a calendar, and nobody else', async () => {
    // staff may not
    expect(
      (await t.call(sam, { method: 'PUT', url: '/api/calendars/berlin', payload: berlin })).statusCode,
    ).toBe(403);
    // an admin creates it, then changes it (the version counts up)
    const created = await t.call(ada, { method: 'PUT', url: '/api/calendars/berlin', payload: berlin });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({
      id: 'berlin',
      version: 1,
      updatedBy: 'ada',
      holidays: berlin.holidays,
    });
    const changed = await t.call(ada, {
      method: 'PUT',
      url: '/api/calendars/berlin',
      payload: { ...berlin, makeUpDays: [{ date: '2026-12-19' }] },
    });
    expect(changed.json()).toMatchObject({ version: 2, makeUpDays: [{ date: '2026-12-19' }] });
    expect((await t.call(sam, { method: 'DELETE', url: '/api/calendars/berlin' })).statusCode).toBe(403);
    expect((await t.call(ada, { method: 'DELETE', url: '/api/calendars/berlin' })).statusCode).toBe(204);
    const gone = await t.call(sam, { method: 'GET', url: '/api/calendars/berlin' });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('CALENDAR_NOT_FOUND');
  });

  it('answers bad input with 400 and JSON pointers: 25:00, an unknown zone, a shape error', async () => {
    const bad = await t.call(ada, {
      method: 'PUT',
      url: '/api/calendars/bad',
      payload: {
        ...berlin,
        timeZone: 'Europe/Atlantis',
        hours: [{ start: '09:00', end: '25:00' }],
        holidays: [{ date: '2026-02-30' }],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('CALENDAR_INVALID');
    expect(bad.json().errors.map((error: { pointer: string }) => error.pointer)).toEqual([
      '/timeZone',
      '/hours/0/end',
      '/holidays/0/date',
    ]);
    const shape = await t.call(ada, {
      method: 'PUT',
      url: '/api/calendars/bad',
      payload: { ...berlin, workingDays: [9] },
    });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().errors[0].pointer).toBe('/workingDays/0');
    // a budget: more holidays than a calendar may hold
    const many = await t.call(ada, {
      method: 'PUT',
      url: '/api/calendars/bad',
      payload: {
        ...berlin,
        holidays: Array.from({ length: 2001 }, (_, i) => ({
          date: `2026-01-${String((i % 28) + 1).padStart(2, '0')}`,
        })),
      },
    });
    expect(many.statusCode).toBe(400);
    expect(many.json().errors[0].pointer).toBe('/holidays');
    const id = await t.call(ada, { method: 'PUT', url: '/api/calendars/Not%20An%20Id', payload: berlin });
    expect(id.statusCode).toBe(400);
    expect((await t.call(ada, { method: 'GET', url: '/api/calendars/bad' })).statusCode).toBe(404);
  });

  it("lets an admin set and clear a group's calendar, refuses an unknown one with a pointer, and nobody else", async () => {
    const made = await t.call(ada, { method: 'POST', url: '/api/groups', payload: { name: 'support' } });
    expect(made.statusCode).toBe(201);
    // a staff member may not
    const denied = await t.call(sam, {
      method: 'PUT',
      url: '/api/groups/support/calendar',
      payload: { calendarId: 'cn' },
    });
    expect(denied.statusCode).toBe(403);
    // an unknown calendar, or a body without calendarId, is a 400 with a pointer
    const unknown = await t.call(ada, {
      method: 'PUT',
      url: '/api/groups/support/calendar',
      payload: { calendarId: 'atlantis' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/calendarId']);
    const empty = await t.call(ada, { method: 'PUT', url: '/api/groups/support/calendar', payload: {} });
    expect(empty.statusCode).toBe(400);
    const malformed = await t.call(ada, {
      method: 'PUT',
      url: '/api/groups/support/calendar',
      payload: { calendarId: 'Not An Id\u0000' },
    });
    expect(malformed.statusCode).toBe(400);
    expect(JSON.stringify(malformed.json().errors)).toContain('/calendarId');
    // an unknown group is a 404
    const noGroup = await t.call(ada, {
      method: 'PUT',
      url: '/api/groups/nobody-here/calendar',
      payload: { calendarId: 'cn' },
    });
    expect(noGroup.statusCode).toBe(404);
    // the admin sets it, and the engine has it; null clears it
    const set = await t.call(ada, {
      method: 'PUT',
      url: '/api/groups/support/calendar',
      payload: { calendarId: 'cn' },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ group: 'support', calendarId: 'cn' });
    expect((await t.engine.listGroupCalendars()).get('support')).toBe('cn');
    const cleared = await t.call(ada, {
      method: 'PUT',
      url: '/api/groups/support/calendar',
      payload: { calendarId: null },
    });
    expect(cleared.statusCode).toBe(200);
    expect((await t.engine.listGroupCalendars()).has('support')).toBe(false);
    // and deleting a calendar a group has leaves the group without one, not a failed delete
    expect(
      (await t.call(ada, { method: 'PUT', url: '/api/calendars/berlin-support', payload: berlin }))
        .statusCode,
    ).toBe(200);
    await t.call(ada, {
      method: 'PUT',
      url: '/api/groups/support/calendar',
      payload: { calendarId: 'berlin-support' },
    });
    expect((await t.engine.listGroupCalendars()).get('support')).toBe('berlin-support');
    expect((await t.call(ada, { method: 'DELETE', url: '/api/calendars/berlin-support' })).statusCode).toBe(
      204,
    );
    expect((await t.engine.listGroupCalendars()).has('support')).toBe(false);
  });
});
