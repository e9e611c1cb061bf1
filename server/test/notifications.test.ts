import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyHandler } from '../src/notifications/notify-handler.js';
import { announceProcess } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { readUntil } from './support/sse.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';
import { SYSTEM, systemIdentity } from '@baton/engine';

describe.each(dialects())('notifications on %s', (dialect) => {
  let t: TestApp;
  let sam: Session;
  let lee: Session;
  let kim: Session;
  let admin: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    sam = await t.userSession('sam', ['staff'], ['staff']);
    lee = await t.userSession('lee', ['staff'], ['leads']);
    kim = await t.userSession('kim', ['staff'], ['leads', 'staff']);
    admin = await t.userSession('ada', ['admin']);
    await t.engine.deploy(announceProcess());
  });
  afterAll(async () => t?.close());

  async function announce(): Promise<string> {
    const started = await t.call(admin, {
      method: 'POST',
      url: '/api/instances',
      payload: { processId: 'announce' },
    });
    expect(started.statusCode, started.body).toBe(201);
    await t.engine.runDueJobs();
    return started.json().id as string;
  }

  it('records one notification per recipient, groups expanded, and lets the token move on', async () => {
    // when
    const instanceId = await announce();
    // then: sam by name, lee and kim through "leads"; the unknown "ghost" is skipped
    const sent = await t.store.notifications.forInstance(instanceId);
    expect(sent.map((n) => n.username).sort()).toEqual(['kim', 'lee', 'sam']);
    expect(sent[0]).toMatchObject({ subject: 'The plan is out', data: { elementId: 'notifyAll' } });
    const instance = (await t.call(admin, { method: 'GET', url: `/api/instances/${instanceId}` })).json();
    expect(Object.keys(instance.activeElements)).toEqual(['read']);
    expect(instance.completedElementIds).toContain('notifyAll');
  });

  it('lists only the caller’s own notifications, newest first, with the unread count', async () => {
    // given: a second announcement, a minute after the first
    t.clock.advance(60_000);
    const instanceId = await announce();
    // when
    const mine = await t.call(lee, { method: 'GET', url: '/api/notifications?limit=1' });
    const admins = await t.call(admin, { method: 'GET', url: '/api/notifications' });
    // then
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ total: 2, unread: 2, limit: 1, offset: 0 });
    expect(mine.json().items).toHaveLength(1);
    expect(mine.json().items[0]).toMatchObject({ subject: 'The plan is out', instanceId, readAt: null });
    expect(admins.json()).toMatchObject({ items: [], total: 0, unread: 0 });
  });

  it('marks a notification read, keeps the first read time, and filters unread ones', async () => {
    // given
    const [first] = (await t.call(kim, { method: 'GET', url: '/api/notifications' })).json().items;
    // when
    const read = await t.call(kim, { method: 'POST', url: `/api/notifications/${first.id}/read` });
    t.clock.advance(60_000);
    const again = await t.call(kim, { method: 'POST', url: `/api/notifications/${first.id}/read` });
    const unread = await t.call(kim, { method: 'GET', url: '/api/notifications?unread=true' });
    // then
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).toEqual(expect.any(String));
    expect(again.json().readAt).toBe(read.json().readAt);
    expect(unread.json().items.map((n: { id: string }) => n.id)).not.toContain(first.id);
    expect(unread.json().unread).toBe(unread.json().total);
  });

  it('answers 404 for someone else’s notification and leaves it unread', async () => {
    // given
    const [samsOwn] = (await t.call(sam, { method: 'GET', url: '/api/notifications?unread=true' })).json()
      .items;
    // when
    const res = await t.call(lee, { method: 'POST', url: `/api/notifications/${samsOwn.id}/read` });
    // then
    expect(res.statusCode).toBe(404);
    const still = (await t.call(sam, { method: 'GET', url: '/api/notifications?unread=true' })).json();
    expect(still.items.map((n: { id: string }) => n.id)).toContain(samsOwn.id);
  });

  it('notifies nobody twice when a job runs again', async () => {
    // given: the job of a send task, run once already
    const started = await t.engine.startInstance({ processId: 'announce' }, systemIdentity('ada'));
    const [job] = await t.engine.fetchAndLock({ type: 'baton.notify', workerId: 'w', maxJobs: 1 }, SYSTEM);
    expect(job?.instanceId).toBe(started.id);
    const handler = notifyHandler({ store: t.store, live: t.app.live, now: () => t.clock.now() });
    await handler(job!);
    // when: a retry runs it again (handlers are at least once)
    await handler(job!);
    // then
    expect((await t.store.notifications.forInstance(started.id)).map((n) => n.username).sort()).toEqual([
      'kim',
      'lee',
      'sam',
    ]);
    await t.engine.completeJob(job!.id, 'w', {}, SYSTEM);
  });
});

describe('notifications on the event stream', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp();
    await t.createUser({ username: 'sam', roles: ['staff'], groups: ['staff'] });
    await t.createUser({ username: 'lee', roles: ['staff'], groups: ['staff'] });
    await t.engine.deploy(announceProcess('announce', '=["sam"]', '=[]'));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => t?.close());

  it('sends event: notification to the recipient only', async () => {
    // given
    const open = async (username: string) => {
      const s = await t.login(username);
      const res = await fetch(`${base}/api/events`, { headers: { cookie: s.headers.cookie ?? '' } });
      return res.body!.getReader();
    };
    const samStream = await open('sam');
    const leeStream = await open('lee');
    // when
    await t.engine.startInstance({ processId: 'announce' }, systemIdentity('sam'));
    await t.engine.runDueJobs();
    // then
    const samText = await readUntil(samStream, 'event: notification', 3000);
    const leeText = await readUntil(leeStream, 'event: notification', 500);
    expect(samText).toContain('"subject":"The plan is out"');
    expect(leeText).not.toContain('event: notification');
    await samStream.cancel();
    await leeStream.cancel();
  });
});
