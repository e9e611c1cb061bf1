import { inMigrationTransaction } from '@baton/engine';
import { type Kysely, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';

/** Numbered, forward-only. Never edit a released migration: add the next one. */
export const serverMigrations: Readonly<Record<string, Migration>> = {
  '0001_users_groups_sessions_tokens_forms': {
    async up(db) {
      await sql`create table users (
        id uuid primary key,
        username text not null,
        display_name text not null,
        password_hash text not null,
        roles text[] not null default '{}',
        locale text not null default 'en',
        created_at timestamptz not null default now(),
        deleted_at timestamptz
      )`.execute(db);
      // Usernames are unique among live users; a deleted user's name may be reused.
      await sql`create unique index users_username_live on users (username) where deleted_at is null`.execute(
        db,
      );
      await sql`create table groups (
        id uuid primary key,
        name text not null unique,
        display_name text not null,
        created_at timestamptz not null default now()
      )`.execute(db);
      await sql`create table memberships (
        group_id uuid not null references groups(id) on delete cascade,
        user_id uuid not null references users(id) on delete cascade,
        primary key (group_id, user_id)
      )`.execute(db);
      await sql`create index memberships_user on memberships (user_id)`.execute(db);
      await sql`create table sessions (
        id text primary key,
        user_id uuid not null references users(id) on delete cascade,
        csrf text not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null
      )`.execute(db);
      await sql`create index sessions_user on sessions (user_id)`.execute(db);
      await sql`create table api_tokens (
        id uuid primary key,
        user_id uuid not null references users(id) on delete cascade,
        name text not null,
        token_hash text not null unique,
        created_at timestamptz not null default now(),
        last_used_at timestamptz
      )`.execute(db);
      await sql`create index api_tokens_user on api_tokens (user_id)`.execute(db);
      await sql`create table forms (
        form_id text not null,
        version integer not null,
        name jsonb not null,
        schema jsonb not null,
        ui_schema jsonb not null,
        i18n jsonb,
        created_at timestamptz not null default now(),
        created_by text,
        primary key (form_id, version)
      )`.execute(db);
    },
  },
  '0002_notifications_process_access': {
    async up(db) {
      await sql`create table notifications (
        id uuid primary key,
        user_id uuid not null references users(id) on delete cascade,
        subject text not null,
        body text,
        data jsonb not null default '{}',
        instance_id uuid,
        job_id uuid,
        created_at timestamptz not null default now(),
        read_at timestamptz
      )`.execute(db);
      // A handler runs at least once: a job's second run must not notify anyone twice.
      await sql`create unique index notifications_job_user on notifications (job_id, user_id)`.execute(db);
      await sql`create index notifications_user on notifications (user_id, created_at desc, id)`.execute(db);
      // Group names, not ids: BPMN names groups too, and a group created later takes effect at once.
      await sql`create table process_managers (
        process_id text not null,
        group_name text not null,
        primary key (process_id, group_name)
      )`.execute(db);
      await sql`create table process_starters (
        process_id text not null,
        group_name text not null,
        primary key (process_id, group_name)
      )`.execute(db);
    },
  },
  '0003_credentials': {
    async up(db) {
      // Tasks, instances and history name users by username: a name once used is never given to
      // anyone else. A deleted user that shares its name with a later account keeps its id in its
      // name (`name#1a2b3c4d`), so the unique index can cover every row.
      await sql`update users u set username = u.username || '#' || left(u.id::text, 8)
        where u.deleted_at is not null
          and exists (select 1 from users o where o.username = u.username and o.id <> u.id
            and (o.deleted_at is null or o.deleted_at > u.deleted_at))`.execute(db);
      await sql`drop index users_username_live`.execute(db);
      await sql`create unique index users_username on users (username)`.execute(db);
      await sql`alter table users add column deactivated_at timestamptz`.execute(db);
      await sql`alter table api_tokens
        add column scopes text[] not null default '{}',
        add column keep_on_credential_change boolean not null default false`.execute(db);
      // Tokens made before scopes existed acted as their user: they keep read, tasks and start,
      // as far as the owner's roles allow each (see schemas/src/scopes.ts).
      await sql`update api_tokens t set scopes = array(
          select s from unnest(array['read', 'tasks', 'start']) with ordinality as x(s, n)
          where 'admin' = any(u.roles)
            or (s = 'read' and u.roles && array['staff', 'designer', 'manager', 'worker'])
            or (s in ('tasks', 'start') and u.roles && array['staff', 'designer', 'manager'])
          order by n)
        from users u where u.id = t.user_id`.execute(db);
      // Login attempts per key (hashed address, account, or both) in a fixed window, shared by
      // every server process on the database.
      await sql`create table login_attempts (
        key text primary key,
        window_start timestamptz not null,
        count integer not null
      )`.execute(db);
      await sql`create index login_attempts_window on login_attempts (window_start)`.execute(db);
    },
  },
  // The engine's policy reads who manages and who may start a process in the transaction of the
  // command it checks, so the lists move to the engine's table.
  '0004_process_access_in_engine': {
    async up(db) {
      // The same table as the engine's own migration creates (either may run first).
      await sql`create table if not exists process_access (
        process_id text not null,
        list text not null check (list in ('managers', 'starters')),
        group_name text not null,
        primary key (process_id, list, group_name)
      )`.execute(db);
      await sql`insert into process_access (process_id, list, group_name)
        select process_id, 'managers', group_name from process_managers
        union all select process_id, 'starters', group_name from process_starters
        on conflict do nothing`.execute(db);
      await sql`drop table process_managers`.execute(db);
      await sql`drop table process_starters`.execute(db);
    },
  },
  // Uploaded files, bytes included: one database holds everything, so one backup restores the
  // instances with the files they refer to (see docs/TEAMS.md, "Files").
  '0005_files': {
    async up(db) {
      await sql`create table files (
        id uuid primary key,
        name text not null,
        type text not null,
        size integer not null check (size >= 0),
        sha256 text not null,
        bytes bytea not null,
        uploaded_by text not null,
        instance_id uuid,
        created_at timestamptz not null,
        attached_at timestamptz
      )`.execute(db);
      await sql`create index files_instance on files (instance_id) where instance_id is not null`.execute(db);
      // Unattached uploads expire: the purge reads them by age.
      await sql`create index files_unattached on files (created_at) where instance_id is null`.execute(db);
    },
  },
  // E-mail: each user's address and preference, a durable outbox the notification's own
  // transaction fills, and the people a comment mentioned (they may read the task).
  '0006_mail_outbox_task_watchers': {
    async up(db) {
      await sql`create table user_mail (
        user_id uuid primary key references users(id) on delete cascade,
        email text,
        mode text not null default 'off' check (mode in ('off', 'each', 'daily')),
        language text check (language in ('en', 'zh'))
      )`.execute(db);
      await sql`create table mail_outbox (
        id uuid primary key,
        user_id uuid not null references users(id) on delete cascade,
        notification_id uuid not null references notifications(id) on delete cascade,
        kind text not null check (kind in ('each', 'digest')),
        due_at timestamptz not null,
        attempts integer not null default 0,
        locked_by text,
        locked_until timestamptz,
        last_error text,
        sent_at timestamptz,
        failed_at timestamptz,
        created_at timestamptz not null
      )`.execute(db);
      // The sender's claim reads only what is still to send, oldest due first.
      await sql`create index mail_outbox_pending on mail_outbox (kind, due_at)
        where sent_at is null and failed_at is null`.execute(db);
      await sql`create table task_watchers (
        task_id uuid not null,
        username text not null,
        added_by text not null,
        created_at timestamptz not null,
        primary key (task_id, username)
      )`.execute(db);
    },
  }, // Saved inbox views: a named filter of its owner's, optionally shared (read-only) with one group.
  '0007_saved_inbox_views': {
    async up(db) {
      await sql`create table inbox_views (
        id uuid primary key,
        owner_id uuid not null references users(id) on delete cascade,
        name text not null,
        filter jsonb not null,
        shared_group_id uuid references groups(id) on delete set null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`.execute(db);
      await sql`create index inbox_views_owner on inbox_views (owner_id)`.execute(db);
      await sql`create index inbox_views_shared on inbox_views (shared_group_id) where shared_group_id is not null`.execute(
        db,
      );
    },
  },
};

/**
 * Brings the server's tables to the latest version (or to the migration named `to`, for tests of
 * a migration); safe to run from several processes at once.
 */
export async function migrateServer(db: Kysely<unknown>, to?: string): Promise<void> {
  await inMigrationTransaction(db, SERVER_MIGRATION_LOCK, (trx) => {
    const migrator = new Migrator({
      db: trx,
      provider: { getMigrations: async () => ({ ...serverMigrations }) },
      migrationTableName: 'baton_server_migration',
      migrationLockTableName: 'baton_server_migration_lock',
    });
    return to === undefined ? migrator.migrateToLatest() : migrator.migrateTo(to);
  });
}

/** The server's migration lock key (the engine's is another). */
const SERVER_MIGRATION_LOCK = 0x6261746f6e02;
