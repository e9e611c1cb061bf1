import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateServer, serverMigrations } from '../src/persistence/migrations.js';
import { dialects, openTestDatabase } from './support/databases.js';
import { createTestApp, type Session, type TestApp } from './support/test-app.js';

const bearer = (token: string): Session => ({
  username: 'token',
  csrfToken: null,
  headers: { authorization: `Bearer ${token}` },
});

describe.each(dialects())('API token scopes on %s', (dialect) => {
  let t: TestApp;
  let staff: Session;
  let worker: Session;
  let designer: Session;
  let admin: Session;
  let staffId: string;

  const mint = (who: Session, payload: Record<string, unknown>) =>
    t.call(who, { method: 'POST', url: '/api/tokens', payload });

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    staffId = (await t.createUser({ username: 'sam', roles: ['staff'], groups: ['staff'] })).id;
    staff = await t.login('sam');
    worker = await t.userSession('wes', ['worker']);
    designer = await t.userSession('dana', ['designer']);
    admin = await t.userSession('ada', ['admin']);
  });
  afterAll(async () => t?.close());

  it('refuses a staff member a job-worker scope, naming the offending scope', async () => {
    // when
    const res = await mint(staff, { name: 'sneaky', scopes: ['read', 'jobs:*'] });
    // then
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      code: 'SCOPE_NOT_GRANTABLE',
      errors: [{ pointer: '/scopes/1' }],
    });
    expect(res.json().detail).toContain('jobs:*');
    const listed = await t.call(staff, { method: 'GET', url: '/api/tokens' });
    expect(listed.json().items).toEqual([]);
  });

  it('lets a worker mint a job-worker token, listed with its scopes', async () => {
    // when
    const res = await mint(worker, { name: 'billing', scopes: ['jobs:billing.*', 'read'] });
    const listed = await t.call(worker, { method: 'GET', url: '/api/tokens' });
    // then
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ scopes: ['jobs:billing.*', 'read'], keepOnCredentialChange: false });
    expect(listed.json().items).toEqual([
      expect.objectContaining({ name: 'billing', scopes: ['jobs:billing.*', 'read'] }),
    ]);
    expect(JSON.stringify(listed.json())).not.toContain(res.json().token);
  });

  it('lets a read token read but not write, where a deploy token may write', async () => {
    // given
    const reader = bearer((await mint(designer, { name: 'r', scopes: ['read'] })).json().token);
    const deployer = bearer((await mint(designer, { name: 'd', scopes: ['deploy'] })).json().token);
    const form = { formId: 'scoped-form', name: 'S', schema: { type: 'object' } };
    // when
    const read = await t.call(reader, { method: 'GET', url: '/api/forms' });
    const write = await t.call(reader, { method: 'POST', url: '/api/forms', payload: form });
    const deployWrite = await t.call(deployer, { method: 'POST', url: '/api/forms', payload: form });
    const deployRead = await t.call(deployer, { method: 'GET', url: '/api/forms' });
    // then
    expect(read.statusCode).toBe(200);
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('TOKEN_SCOPE');
    expect(deployWrite.statusCode).toBe(201);
    expect(deployRead.statusCode).toBe(403);
    expect(deployRead.json().detail).toContain("'read'");
  });

  it('refuses tokens every method but reading on a route that declares no scope', async () => {
    // given
    const token = bearer(
      (await mint(staff, { name: 'all', scopes: ['read', 'tasks', 'start'] })).json().token,
    );
    // when
    const logout = await t.call(token, { method: 'POST', url: '/api/auth/logout' });
    const me = await t.call(token, { method: 'GET', url: '/api/auth/me' });
    // then
    expect(logout.statusCode).toBe(403);
    expect(logout.json().code).toBe('TOKEN_SCOPE');
    expect(me.statusCode).toBe(200);
    expect(me.json().scopes).toEqual(['read', 'tasks', 'start']);
  });

  it('never lets a token mint or revoke tokens', async () => {
    // given
    const created = (await mint(admin, { name: 'root', scopes: ['admin', 'read'] })).json();
    const token = bearer(created.token);
    // when
    const minted = await mint(token, { name: 'child', scopes: ['read'] });
    const revoked = await t.call(token, { method: 'DELETE', url: `/api/tokens/${created.id}` });
    // then
    expect(minted.statusCode).toBe(403);
    expect(minted.json().code).toBe('TOKEN_SCOPE');
    expect(revoked.statusCode).toBe(403);
    expect((await t.call(token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
  });

  it("lets an admin mint a token for another user within that user's roles", async () => {
    // when
    const within = await mint(admin, { name: 'for-sam', scopes: ['read', 'tasks'], userId: staffId });
    const beyond = await mint(admin, { name: 'for-sam', scopes: ['read', 'deploy'], userId: staffId });
    const byStaff = await mint(designer, { name: 'for-sam', scopes: ['read'], userId: staffId });
    // then
    expect(within.statusCode).toBe(201);
    expect(within.json().userId).toBe(staffId);
    const me = await t.call(bearer(within.json().token), { method: 'GET', url: '/api/auth/me' });
    expect(me.json().user.username).toBe('sam');
    expect(beyond.statusCode).toBe(403);
    expect(beyond.json()).toMatchObject({ code: 'SCOPE_NOT_GRANTABLE', errors: [{ pointer: '/scopes/1' }] });
    expect(byStaff.statusCode).toBe(403);
    const samTokens = await t.call(admin, { method: 'GET', url: `/api/tokens?userId=${staffId}` });
    expect(samTokens.json().items).toContainEqual(
      expect.objectContaining({ name: 'for-sam', userId: staffId, scopes: ['read', 'tasks'] }),
    );
    const notAdmin = await t.call(staff, { method: 'GET', url: `/api/tokens?userId=${randomUUID()}` });
    expect(notAdmin.statusCode).toBe(403);
  });

  it('lets only an admin make a token survive credential changes', async () => {
    // when
    const byDesigner = await mint(designer, { name: 'k', scopes: ['read'], keepOnCredentialChange: true });
    const byAdmin = await mint(admin, {
      name: 'k',
      scopes: ['read'],
      userId: staffId,
      keepOnCredentialChange: true,
    });
    // then
    expect(byDesigner.statusCode).toBe(403);
    expect(byAdmin.statusCode).toBe(201);
    expect(byAdmin.json().keepOnCredentialChange).toBe(true);
  });

  it('refuses malformed scopes and empty or oversized scope lists as validation errors', async () => {
    // when
    const answers = await Promise.all([
      mint(staff, { name: 'x', scopes: [] }),
      mint(staff, { name: 'x', scopes: ['everything'] }),
      mint(staff, { name: 'x', scopes: ['jobs:'] }),
      mint(staff, { name: 'x', scopes: Array.from({ length: 21 }, (_, i) => `messages:m${i}`) }),
      mint(staff, { name: 'x' }),
    ]);
    // then
    for (const res of answers) {
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it("narrows a surviving token to what its owner's roles still allow", async () => {
    // given a designer's deploy token that survives credential changes
    const { id } = await t.createUser({ username: 'dee', roles: ['designer'] });
    const token = bearer(
      (
        await mint(admin, {
          name: 'ci',
          scopes: ['read', 'deploy'],
          userId: id,
          keepOnCredentialChange: true,
        })
      ).json().token,
    );
    const form = { formId: 'ci-form', name: 'C', schema: { type: 'object' } };
    expect((await t.call(token, { method: 'POST', url: '/api/forms', payload: form })).statusCode).toBe(201);
    // when the designer becomes staff
    const patched = await t.call(admin, {
      method: 'PATCH',
      url: `/api/users/${id}`,
      payload: { roles: ['staff'] },
    });
    // then the token lives on, but deploys no more
    expect(patched.statusCode).toBe(200);
    expect((await t.call(token, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    const again = await t.call(token, { method: 'POST', url: '/api/forms', payload: form });
    expect(again.statusCode).toBe(403);
    expect(again.json().code).toBe('TOKEN_SCOPE');
  });
});

describe.each(dialects())('the credentials migration on %s', (dialect) => {
  it("gives tokens made before scopes read, tasks and start, as far as the owner's roles allow", async () => {
    // given the server's tables as they were before scopes, with one token per kind of owner
    const { database, drop } = await openTestDatabase(dialect);
    try {
      const db = database.db;
      await migrateServer(db, '0002_notifications_process_access');
      const owners = { staff: ['staff'], worker: ['worker'], admin: ['admin'], nobody: [] as string[] };
      for (const [name, roles] of Object.entries(owners)) {
        const userId = randomUUID();
        await sql`insert into users (id, username, display_name, password_hash, roles)
          values (${userId}, ${name}, ${name}, 'x', ${roles}::text[])`.execute(db);
        await sql`insert into api_tokens (id, user_id, name, token_hash)
          values (${randomUUID()}, ${userId}, ${name}, ${`hash-${name}`})`.execute(db);
      }
      // and a username used twice: once by a deleted account, then by a live one
      await sql`insert into users (id, username, display_name, password_hash, deleted_at)
        values (${randomUUID()}, 'staff', 'old staff', 'x', now() - interval '1 day')`.execute(db);
      // when
      await migrateServer(db);
      // then
      const rows = await sql<{ name: string; scopes: string[] }>`
        select name, scopes from api_tokens order by name`.execute(db);
      expect(Object.fromEntries(rows.rows.map((r) => [r.name, r.scopes]))).toEqual({
        admin: ['read', 'tasks', 'start'],
        nobody: [],
        staff: ['read', 'tasks', 'start'],
        worker: ['read'],
      });
      const names = await sql<{ username: string }>`
        select username from users where display_name in ('staff', 'old staff') order by display_name`.execute(
        db,
      );
      expect(names.rows[0]?.username).toMatch(/^staff#[0-9a-f]{8}$/);
      expect(names.rows[1]?.username).toBe('staff');
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => ({ ...serverMigrations }) },
        migrationTableName: 'baton_server_migration',
        migrationLockTableName: 'baton_server_migration_lock',
      });
      expect((await migrator.getMigrations()).every((m) => m.executedAt !== undefined)).toBe(true);
    } finally {
      await drop();
    }
  });
});
