import { systemIdentity } from '@baton/engine';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailSettings, mailSettingsFromEnv, SettingError } from '../src/config.js';
import { type InboundMail, replyText, startInbound } from '../src/mail/inbound.js';
import { startMail } from '../src/mail/index.js';
import { MailSender, smtpTransport } from '../src/mail/mail-sender.js';
import { replyAddress, verifyReplyAddress } from '../src/mail/reply-token.js';
import { announceProcess } from './fixtures/bpmn.js';
import { dialects } from './support/databases.js';
import { type ReceivedMail, startSmtpSink } from './support/smtp-sink.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

/** "review", assigned to ann. */
const reviewProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-mail" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="mail-review" name="Mail review" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="review" name="Review the offer">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition assignee="ann" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

const SECRET = 'a-test-secret-of-at-least-32-characters!';

describe.each(dialects())('e-mail notifications on %s', (dialect) => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let sender: MailSender;
  const people: Record<string, Session> = {};

  const mailSettings = (smtpUrl: string): MailSettings => ({
    smtpUrl,
    from: 'Baton <baton@baton.test>',
    publicUrl: 'http://baton.test',
    digestHourUtc: 7,
    replySecret: SECRET,
    replyDomain: 'baton.test',
    inbound: null,
    pollMs: 1000,
  });
  const newSender = (owner: string) =>
    new MailSender({
      store: t.store,
      transport: smtpTransport(sink.url),
      settings: mailSettings(sink.url),
      now: () => t.clock.now(),
      owner,
    });

  async function setMail(username: string, mail: string, language: string | null) {
    const res = await t.call(people[username]!, {
      method: 'PUT',
      url: '/api/mail-settings',
      payload: { email: `${username}@people.test`, mail, language },
    });
    expect(res.statusCode).toBe(200);
  }

  async function reviewTask(): Promise<string> {
    const instance = await t.engine.startInstance({ processId: 'mail-review' }, systemIdentity('ann'));
    return (await t.engine.listTasks({ instanceId: instance.id })).items[0]!.id;
  }

  const mailsTo = (username: string): ReceivedMail[] =>
    sink.mails.filter((m) => m.to.includes(`${username}@people.test`));

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await createTestApp({ dialect, config: { mail: mailSettings(sink.url) } });
    for (const name of ['ann', 'bob', 'chen', 'dave', 'erin'])
      people[name] = await t.userSession(name, ['staff']);
    await t.createUser({ username: 'gone', roles: ['staff'] });
    await setMail('ann', 'each', 'en');
    await setMail('chen', 'each', 'zh');
    await setMail('dave', 'daily', null);
    await setMail('erin', 'off', null);
    await t.engine.deploy(reviewProcess);
    sender = newSender('sender-a');
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('mails a hand-off to the new assignee in their language, with a link to the task', async () => {
    // given
    const taskId = await reviewTask();
    // when
    const res = await t.call(people.ann!, {
      method: 'POST',
      url: `/api/tasks/${taskId}/handoff`,
      payload: { toUser: 'chen', reason: 'You know the client' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const report = await sender.runOnce();
    // then
    expect(report).toEqual({ sent: 1, failed: 0, skipped: 0 });
    const [mail] = mailsTo('chen');
    expect(mail?.subject).toBe('[Baton] ann 把「Review the offer」转交给了你');
    expect(mail?.language).toBe('zh-CN');
    expect(mail?.text).toContain(`http://baton.test/tasks/${taskId}`);
    expect(mail?.text).toContain('回复此邮件');
    expect(mail?.replyTo && verifyReplyAddress(SECRET, mail.replyTo)).toBeTruthy();
    expect(sink.mails).toHaveLength(1);
  });

  it('mails an assignment by a manager to the assignee', async () => {
    const taskId = await reviewTask();
    const admin = await t.userSession('ada', ['admin']);
    const res = await t.call(admin, {
      method: 'POST',
      url: `/api/tasks/${taskId}/assign`,
      payload: { user: 'chen' },
    });
    expect(res.statusCode, res.body).toBe(200);
    await sender.runOnce();
    expect(mailsTo('chen').at(-1)?.subject).toBe('[Baton] ada 把「Review the offer」分配给了你');
  });

  it('mails a baton.notify announcement in English to those who asked for mail, and only to them', async () => {
    // given: ann (each), erin (off) and bob (no address) are told by the process
    await t.engine.deploy(announceProcess('mail-announce', '=["ann", "erin", "bob"]', '=[]'));
    const instance = await t.engine.startInstance({ processId: 'mail-announce' }, systemIdentity('ann'));
    await t.engine.runDueJobs();
    expect(await t.store.notifications.forInstance(instance.id)).toHaveLength(3);
    const before = sink.mails.length;
    // when
    expect(await sender.runOnce()).toEqual({ sent: 1, failed: 0, skipped: 0 });
    // then
    expect(sink.mails.slice(before).map((m) => m.to)).toEqual([['ann@people.test']]);
    const mail = mailsTo('ann').at(-1);
    expect(mail?.subject).toBe('[Baton] The plan is out');
    expect(mail?.text).toContain(`http://baton.test/instances/${instance.id}`);
    expect(mail?.language).toBe('en');
  });

  it('sends nothing to someone who turned mail off after it was queued', async () => {
    await setMail('bob', 'each', 'en');
    await t.store.notifications.record({
      usernames: ['bob'],
      groups: [],
      subject: 'For bob',
      body: null,
      data: {},
      instanceId: null,
      jobId: null,
      now: t.clock.now(),
    });
    await setMail('bob', 'off', 'en');
    expect(await sender.runOnce()).toEqual({ sent: 0, failed: 0, skipped: 1 });
    expect(mailsTo('bob')).toEqual([]);
  });

  it('tries again after the SMTP server refuses, with backoff', async () => {
    // given
    sink.refuse(1);
    const [n] = await t.store.notifications.record({
      usernames: ['ann'],
      groups: [],
      subject: 'Second try',
      body: null,
      data: {},
      instanceId: null,
      jobId: null,
      now: t.clock.now(),
    });
    // when: refused, and not due again before the backoff
    expect(await sender.runOnce()).toEqual({ sent: 0, failed: 1, skipped: 0 });
    expect(await sender.runOnce()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    t.clock.advance(31_000);
    // then
    expect(await sender.runOnce()).toEqual({ sent: 1, failed: 0, skipped: 0 });
    expect(mailsTo('ann').filter((m) => m.subject === '[Baton] Second try')).toHaveLength(1);
    const [row] = await t.store.mail.outboxOf([n!.id]);
    expect(row?.attempts).toBe(1);
    expect(row?.sent_at).not.toBeNull();
  });

  it('sends each mail once though two senders run at the same time', async () => {
    // given
    const before = sink.mails.length;
    for (let i = 0; i < 12; i++) {
      await t.store.notifications.record({
        usernames: ['ann', 'chen'],
        groups: [],
        subject: `Batch ${i}`,
        body: null,
        data: {},
        instanceId: null,
        jobId: null,
        now: t.clock.now(),
      });
    }
    const other = newSender('sender-b');
    // when
    const [a, b] = await Promise.all([sender.runOnce(), other.runOnce()]);
    // then
    expect(a.sent + b.sent).toBe(24);
    const got = sink.mails.slice(before);
    expect(got).toHaveLength(24);
    expect(new Set(got.map((m) => m.messageId)).size).toBe(24);
  });

  it('gathers a daily digest into one mail at the digest hour', async () => {
    // given: three notifications for dave (daily, in the language of his account)
    for (const subject of ['First', 'Second', 'Third']) {
      await t.store.notifications.record({
        usernames: ['dave'],
        groups: [],
        subject,
        body: null,
        data: {},
        instanceId: null,
        jobId: null,
        now: t.clock.now(),
      });
      t.clock.advance(1000);
    }
    // when: not before the digest hour (07:00 UTC the next day)
    expect(await sender.runOnce()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    t.clock.advance(23 * 3600_000);
    const report = await sender.runOnce();
    // then
    expect(report).toEqual({ sent: 1, failed: 0, skipped: 0 });
    const digests = mailsTo('dave');
    expect(digests).toHaveLength(1);
    expect(digests[0]?.subject).toBe('[Baton] 3 notifications');
    expect(digests[0]?.text).toMatch(/First[\s\S]*Second[\s\S]*Third/);
  });

  it('notifies a mentioned user, who may then read the task but not complete it', async () => {
    // given: a task bob cannot see
    const taskId = await reviewTask();
    expect((await t.call(people.bob!, { method: 'GET', url: `/api/tasks/${taskId}` })).statusCode).toBe(404);
    await setMail('bob', 'each', 'en');
    // when
    const res = await t.call(people.ann!, {
      method: 'POST',
      url: `/api/tasks/${taskId}/comments`,
      payload: { text: 'What do you think, @bob? (cc @nobody, @gone, mail ann@example.com, and @ann)' },
    });
    expect(res.statusCode).toBe(204);
    // then
    const list = await t.call(people.bob!, { method: 'GET', url: '/api/notifications' });
    const mention = list.json().items[0];
    expect(mention.data).toMatchObject({
      kind: 'task.mentioned',
      taskId,
      by: 'ann',
      task: 'Review the offer',
    });
    expect((await t.call(people.bob!, { method: 'GET', url: `/api/tasks/${taskId}` })).statusCode).toBe(200);
    const complete = await t.call(people.bob!, {
      method: 'POST',
      url: `/api/tasks/${taskId}/complete`,
      payload: { variables: {} },
    });
    expect([403, 404]).toContain(complete.statusCode);
    expect((await t.engine.getTask(taskId)).state).toBe('created');
    // ann mentioned herself and an address: nobody else was told
    const annList = await t.call(people.ann!, { method: 'GET', url: '/api/notifications' });
    expect(
      annList.json().items.some((n: { data: { kind?: string } }) => n.data.kind === 'task.mentioned'),
    ).toBe(false);
    await sender.runOnce();
    const mentionMail = mailsTo('bob').at(-1);
    expect(mentionMail?.subject).toBe('[Baton] ann mentioned you on "Review the offer"');
    expect(mentionMail?.text).toContain('What do you think, @bob?');
    // Read-only: no reply address, so no promise that a reply becomes a comment.
    expect(mentionMail?.replyTo).toBeNull();
  });

  it('runs a sender beside the server when mail is set up, and stops it', async () => {
    // given
    const running = await startMail(t.app);
    const before = mailsTo('ann').length;
    // when
    await t.store.notifications.record({
      usernames: ['ann'],
      groups: [],
      subject: 'Sent in the background',
      body: null,
      data: {},
      instanceId: null,
      jobId: null,
      now: t.clock.now(),
    });
    // then: the sender polls every second
    for (let i = 0; i < 50 && mailsTo('ann').length === before; i++)
      await new Promise((r) => setTimeout(r, 100));
    await running.stop();
    expect(
      mailsTo('ann')
        .slice(before)
        .map((m) => m.subject),
    ).toEqual(['[Baton] Sent in the background']);
  });

  describe('replies by mail', () => {
    let inbound: InboundMail;
    let taskId: string;
    const send = (to: string, text: string) =>
      nodemailer
        .createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true })
        .sendMail({ from: 'chen@people.test', to, subject: 'Re: task', text });

    beforeAll(async () => {
      inbound = await startInbound(t.app, { port: 0, host: '127.0.0.1', maxBytes: 4096, secret: SECRET });
      taskId = await reviewTask();
      await t.call(people.ann!, {
        method: 'POST',
        url: `/api/tasks/${taskId}/handoff`,
        payload: { toUser: 'chen', reason: 'You know the client' },
      });
      await sender.runOnce();
    });
    afterAll(async () => inbound?.close());

    const replyToOfTask = () => {
      const mail = mailsTo('chen').find((m) => m.text.includes(`/tasks/${taskId}`));
      expect(mail?.replyTo).toBeTruthy();
      return mail!.replyTo!;
    };
    const comments = async () =>
      (await t.engine.getHistory((await t.engine.getTask(taskId)).instanceId))
        .filter((e) => e.type === 'task.commented' && e.taskId === taskId)
        .map((e) => ({ by: e.actor, text: (e.data as { text: string }).text }));

    it('adds the reply, without the quoted history, as a comment by the user', async () => {
      await send(
        replyToOfTask(),
        'Looks good to me.\n\nOn Mon, 2 Mar 2026 at 09:00, Baton wrote:\n> ann handed it over',
      );
      expect(await comments()).toEqual([{ by: 'chen', text: 'Looks good to me.' }]);
    });

    it('refuses a forged or altered reply address', async () => {
      const real = replyToOfTask();
      const forged = replyAddress('another-secret-of-at-least-32-characters', 'baton.test', taskId);
      const altered = real.replace(/\.([0-9a-f])/, (_m, c: string) => `.${c === '0' ? '1' : '0'}`);
      for (const to of [forged, altered, 'reply+nothing@baton.test']) {
        await expect(send(to, 'sneaky')).rejects.toMatchObject({ responseCode: 550 });
      }
      expect((await comments()).map((c) => c.text)).not.toContain('sneaky');
    });

    it('drops an automatic answer (out of office) without a comment or a bounce', async () => {
      await nodemailer
        .createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true })
        .sendMail({
          from: 'chen@people.test',
          to: replyToOfTask(),
          subject: 'Out of office',
          text: 'I am away until Monday.',
          headers: { 'Auto-Submitted': 'auto-replied' },
        });
      expect((await comments()).map((c) => c.text)).not.toContain('I am away until Monday.');
    });

    it('tells the people a mailed reply mentions', async () => {
      await send(replyToOfTask(), '@dave please check the figures.');
      expect((await comments()).at(-1)).toEqual({ by: 'chen', text: '@dave please check the figures.' });
      const dave = await t.call(people.dave!, { method: 'GET', url: '/api/notifications' });
      expect(dave.json().items[0].data).toMatchObject({ kind: 'task.mentioned', taskId, by: 'chen' });
      expect((await t.call(people.dave!, { method: 'GET', url: `/api/tasks/${taskId}` })).statusCode).toBe(
        200,
      );
    });

    it('refuses a reply larger than the limit', async () => {
      const before = (await comments()).length;
      await expect(send(replyToOfTask(), 'x'.repeat(8000))).rejects.toMatchObject({ responseCode: 552 });
      expect(await comments()).toHaveLength(before);
    });
  });

  it('forgets sent mails after 30 days, keeping the notifications', async () => {
    const [n] = await t.store.notifications.record({
      usernames: ['ann'],
      groups: [],
      subject: 'Old news',
      body: null,
      data: {},
      instanceId: null,
      jobId: null,
      now: t.clock.now(),
    });
    await sender.runOnce();
    expect(await t.store.mail.outboxOf([n!.id])).toHaveLength(1);
    t.clock.advance(31 * 24 * 3600_000);
    await sender.runOnce();
    expect(await t.store.mail.outboxOf([n!.id])).toEqual([]);
    expect(
      (await t.call(people.ann!, { method: 'GET', url: '/api/notifications' })).json().items,
    ).toContainEqual(expect.objectContaining({ id: n!.id }));
  });
});

describe.each(dialects())('mail settings on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let sam: Session;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    admin = await t.userSession('ada', ['admin']);
    sam = await t.userSession('sam', ['staff']);
  });
  afterAll(async () => t?.close());

  it('starts off, and says when the server sends no mail', async () => {
    const res = await t.call(sam, { method: 'GET', url: '/api/mail-settings' });
    expect(res.json()).toEqual({ email: null, mail: 'off', language: null, available: false });
  });

  it('refuses a malformed address and mail to no address with stable codes', async () => {
    const bad = await t.call(sam, {
      method: 'PUT',
      url: '/api/mail-settings',
      payload: { email: 'not an address', mail: 'each', language: 'en' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ pointer: '/email' }] });
    const none = await t.call(sam, {
      method: 'PUT',
      url: '/api/mail-settings',
      payload: { email: null, mail: 'daily', language: null },
    });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ code: 'MAIL_ADDRESS_REQUIRED', errors: [{ pointer: '/email' }] });
    const lang = await t.call(sam, {
      method: 'PUT',
      url: '/api/mail-settings',
      payload: { email: 'sam@people.test', mail: 'each', language: 'fr' },
    });
    expect(lang.statusCode).toBe(400);
  });

  it("lets an admin set someone's address, and answers 404 for an unknown user", async () => {
    const samId = (await t.store.users.getByUsername('sam'))!.id;
    const set = await t.call(admin, {
      method: 'PUT',
      url: `/api/users/${samId}/mail-settings`,
      payload: { email: 'sam@people.test', mail: 'daily', language: 'zh' },
    });
    expect(set.statusCode).toBe(200);
    const own = await t.call(sam, { method: 'GET', url: '/api/mail-settings' });
    expect(own.json()).toMatchObject({ email: 'sam@people.test', mail: 'daily', language: 'zh' });
    const missing = await t.call(admin, {
      method: 'GET',
      url: '/api/users/00000000-0000-4000-8000-000000000000/mail-settings',
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('mail settings from the environment', () => {
  const base = { BATON_SMTP_URL: 'smtp://127.0.0.1:2525', BATON_MAIL_FROM: 'Baton <baton@example.com>' };

  it('is off without BATON_SMTP_URL, and reads the rest with defaults', () => {
    expect(mailSettingsFromEnv({})).toBeUndefined();
    expect(mailSettingsFromEnv(base)).toMatchObject({
      smtpUrl: 'smtp://127.0.0.1:2525',
      replyDomain: 'example.com',
      replySecret: null,
      inbound: null,
      digestHourUtc: 7,
    });
    expect(
      mailSettingsFromEnv({ ...base, BATON_MAIL_SECRET: SECRET, BATON_SMTP_INBOUND_PORT: '2526' })?.inbound,
    ).toEqual({ port: 2526, host: '127.0.0.1', maxBytes: 256 * 1024 });
  });

  it('stops the start on a setting it cannot use', () => {
    expect(() => mailSettingsFromEnv({ BATON_SMTP_URL: 'http://x' })).toThrow(SettingError);
    expect(() => mailSettingsFromEnv({ BATON_SMTP_URL: 'smtp://x' })).toThrow(/BATON_MAIL_FROM/);
    expect(() => mailSettingsFromEnv({ ...base, BATON_SMTP_INBOUND_PORT: '2526' })).toThrow(
      /BATON_MAIL_SECRET/,
    );
    expect(() => mailSettingsFromEnv({ ...base, BATON_MAIL_SECRET: 'short' })).toThrow(/32/);
    expect(() => mailSettingsFromEnv({ ...base, BATON_MAIL_DIGEST_HOUR: '24' })).toThrow(SettingError);
  });
});

describe('reply text', () => {
  it('keeps only what was written above the quoted mail', () => {
    expect(replyText('Yes.\r\n\r\n> quoted\r\n')).toBe('Yes.');
    expect(replyText('OK\n\nOn Tue, Mar 3, 2026 at 9:00 AM Baton <baton@baton.test>\nwrote:\n> old')).toBe(
      'OK',
    );
    expect(replyText('好的\n\n在 2026年3月2日 09:00，Baton 写道：\n> 旧')).toBe('好的');
    expect(replyText('Fine\n-----Original Message-----\nFrom: Baton')).toBe('Fine');
    expect(replyText('Fine\n-- \nAnn, Sales')).toBe('Fine');
  });
});
