import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { SEED_CALENDARS } from '../calendar/seeds.js';
import { UUID_OR_NULL } from './history.js';

/**
 * Numbered, forward-only migrations, kept inline so they run the same from `src` (vitest) and
 * from `dist` without file globbing. Never edit a released migration: add the next number.
 */
const migrations: Record<string, Migration> = {
  '0001_engine_tables': {
    async up(db: Kysely<unknown>) {
      await runStatements(
        db,
        `
        CREATE TABLE definitions (
          id uuid PRIMARY KEY,
          process_id text NOT NULL,
          version int NOT NULL,
          name text,
          hash text NOT NULL,
          xml text NOT NULL,
          form_ids text[] NOT NULL DEFAULT '{}',
          deployed_at timestamptz NOT NULL,
          deployed_by text,
          UNIQUE (process_id, version)
        );
        CREATE INDEX definitions_process_hash ON definitions (process_id, hash);

        CREATE TABLE instances (
          id uuid PRIMARY KEY,
          definition_id uuid NOT NULL REFERENCES definitions (id),
          process_id text NOT NULL,
          definition_version int NOT NULL,
          status text NOT NULL,
          version int NOT NULL,
          history_seq int NOT NULL DEFAULT 0,
          state jsonb NOT NULL,
          business_key text,
          started_at timestamptz NOT NULL,
          started_by text,
          ended_at timestamptz,
          parent_instance_id uuid,
          parent_token_id text
        ) WITH (fillfactor = 80);
        -- fillfactor leaves room on each page so state updates stay HOT (no index writes).
        CREATE INDEX instances_process_status ON instances (process_id, status);
        CREATE INDEX instances_started_at ON instances (started_at);
        CREATE INDEX instances_parent ON instances (parent_instance_id) WHERE parent_instance_id IS NOT NULL;

        CREATE TABLE user_tasks (
          id uuid PRIMARY KEY,
          instance_id uuid NOT NULL,
          definition_id uuid NOT NULL,
          process_id text NOT NULL,
          element_id text NOT NULL,
          token_id text NOT NULL,
          name text NOT NULL,
          state text NOT NULL,
          assignee text,
          owner text,
          delegated boolean NOT NULL DEFAULT false,
          candidate_users text[] NOT NULL DEFAULT '{}',
          candidate_groups text[] NOT NULL DEFAULT '{}',
          due_at timestamptz,
          follow_up_at timestamptz,
          priority int NOT NULL DEFAULT 50,
          form_id text,
          variables jsonb NOT NULL DEFAULT '{}',
          draft jsonb,
          created_at timestamptz NOT NULL,
          completed_at timestamptz,
          completed_by text,
          -- Creation order, for stable sorting of tasks created in the same instant.
          seq bigserial NOT NULL
        );
        CREATE INDEX user_tasks_inbox ON user_tasks (assignee, state, due_at);
        CREATE INDEX user_tasks_state_due ON user_tasks (state, due_at);
        CREATE INDEX user_tasks_groups ON user_tasks USING gin (candidate_groups);
        CREATE INDEX user_tasks_instance ON user_tasks (instance_id);

        CREATE TABLE jobs (
          id uuid PRIMARY KEY,
          instance_id uuid,
          definition_id uuid NOT NULL,
          element_id text NOT NULL,
          token_id text,
          kind text NOT NULL,
          job_type text,
          due_at timestamptz NOT NULL,
          retries int NOT NULL,
          max_retries int NOT NULL,
          attempts int NOT NULL DEFAULT 0,
          locked_by text,
          locked_until timestamptz,
          last_error text,
          variables jsonb NOT NULL DEFAULT '{}',
          headers jsonb NOT NULL DEFAULT '{}',
          cycle jsonb,
          created_at timestamptz NOT NULL
        );
        -- Only claimable jobs are indexed for the claim query; exhausted ones wait for an incident retry.
        CREATE INDEX jobs_claim ON jobs (kind, job_type, due_at) WHERE retries > 0;
        CREATE INDEX jobs_instance ON jobs (instance_id);

        CREATE TABLE message_subscriptions (
          id uuid PRIMARY KEY,
          instance_id uuid NOT NULL,
          message_name text NOT NULL,
          correlation_key text,
          element_id text NOT NULL,
          token_id text NOT NULL,
          created_at timestamptz NOT NULL
        );
        CREATE INDEX message_subscriptions_name_key ON message_subscriptions (message_name, correlation_key);
        CREATE INDEX message_subscriptions_instance ON message_subscriptions (instance_id);

        CREATE TABLE signal_subscriptions (
          id uuid PRIMARY KEY,
          instance_id uuid NOT NULL,
          signal_name text NOT NULL,
          element_id text NOT NULL,
          token_id text NOT NULL,
          created_at timestamptz NOT NULL
        );
        CREATE INDEX signal_subscriptions_name ON signal_subscriptions (signal_name);
        CREATE INDEX signal_subscriptions_instance ON signal_subscriptions (instance_id);

        CREATE TABLE start_subscriptions (
          definition_id uuid NOT NULL,
          process_id text NOT NULL,
          element_id text NOT NULL,
          kind text NOT NULL,
          name text NOT NULL,
          PRIMARY KEY (definition_id, element_id)
        );
        CREATE INDEX start_subscriptions_kind_name ON start_subscriptions (kind, name);

        CREATE TABLE incidents (
          id uuid PRIMARY KEY,
          instance_id uuid NOT NULL,
          element_id text NOT NULL,
          token_id text,
          type text NOT NULL,
          message text NOT NULL,
          job_id uuid,
          created_at timestamptz NOT NULL,
          resolved_at timestamptz
        );
        CREATE INDEX incidents_instance ON incidents (instance_id);
        CREATE INDEX incidents_open ON incidents (created_at) WHERE resolved_at IS NULL;

        CREATE TABLE history (
          id bigserial PRIMARY KEY,
          instance_id uuid NOT NULL,
          seq int NOT NULL,
          at timestamptz NOT NULL,
          type text NOT NULL,
          element_id text,
          token_id text,
          task_id uuid,
          actor text,
          data jsonb,
          UNIQUE (instance_id, seq)
        );
      `,
      );
    },
  },
  '0002_job_crash_count': {
    async up(db: Kysely<unknown>) {
      // Lease expiries seen by the in-process executor: a run that neither finished nor failed.
      await runStatements(db, 'ALTER TABLE jobs ADD COLUMN crash_count int NOT NULL DEFAULT 0');
    },
  },
  // Who manages and who may start a process: the engine's policy reads these in the transaction
  // of the command it checks. Group names, as BPMN names groups.
  '0003_process_access': {
    async up(db: Kysely<unknown>) {
      await runStatements(
        db,
        `
        CREATE TABLE IF NOT EXISTS process_access (
          process_id text NOT NULL,
          list text NOT NULL CHECK (list IN ('managers', 'starters')),
          group_name text NOT NULL,
          PRIMARY KEY (process_id, list, group_name)
        );
      `,
      );
    },
  },
  // Embedding API: who returned a task (驳回) and why, on the task created by the return; tasks
  // found by element id (the instance's own index serves lookups within one instance).
  '0004_task_return_reason_and_lookups': {
    async up(db: Kysely<unknown>) {
      await runStatements(
        db,
        `
        ALTER TABLE user_tasks ADD COLUMN IF NOT EXISTS returned_from jsonb;
        CREATE INDEX IF NOT EXISTS user_tasks_process_element ON user_tasks (process_id, element_id);
      `,
      );
    },
  },
  // Team operations (docs/TEAMS.md): who is away when, and who stands in; and where round-robin
  // assignment left off per task element. Read by the command that creates a task, in its
  // transaction. Times are the engine clock's: an absence ends by itself when `ends_at` passes.
  '0005_team_absences': {
    async up(db: Kysely<unknown>) {
      await runStatements(
        db,
        `
        CREATE TABLE absences (
          id uuid PRIMARY KEY,
          user_id text NOT NULL,
          starts_at timestamptz NOT NULL,
          ends_at timestamptz NOT NULL,
          substitute text,
          note text,
          created_by text,
          created_at timestamptz NOT NULL,
          CHECK (starts_at < ends_at),
          CHECK (substitute IS NULL OR substitute <> user_id)
        );
        -- The write path asks "is any of these users away at t": user first, then the window.
        CREATE INDEX absences_user_window ON absences (user_id, ends_at, starts_at);
        CREATE INDEX absences_substitute ON absences (substitute, ends_at) WHERE substitute IS NOT NULL;

        CREATE TABLE assignment_rotation (
          process_id text NOT NULL,
          element_id text NOT NULL,
          last_user text NOT NULL,
          PRIMARY KEY (process_id, element_id)
        );
        -- Least-open and the team load count open tasks per assignee with user_tasks_inbox
        -- (assignee, state, due_at): no further index on the hot insert path.
      `,
      );
    },
  },
  // How long a process's finished instances are kept (default: for ever), and the index the
  // retention sweep walks: finished instances by end time.
  '0006_process_retention': {
    async up(db: Kysely<unknown>) {
      await runStatements(
        db,
        `
        CREATE TABLE IF NOT EXISTS process_retention (
          process_id text PRIMARY KEY,
          ttl_days int NOT NULL CHECK (ttl_days > 0),
          updated_at timestamptz NOT NULL,
          updated_by text
        );
        CREATE INDEX IF NOT EXISTS instances_finished ON instances (process_id, ended_at) WHERE ended_at IS NOT NULL;
      `,
      );
    },
  },
  // DMN decisions, versioned per decision id like processes per process id. A row per decision of
  // a deployed file; `xml` is the whole file, since a decision runs with the decisions it requires
  // from the same file (its decision requirements graph).
  '0007_decisions': {
    async up(db: Kysely<unknown>) {
      await runStatements(
        db,
        `
        CREATE TABLE IF NOT EXISTS decisions (
          id uuid PRIMARY KEY,
          decision_id text NOT NULL,
          version int NOT NULL,
          name text,
          decision_requirements_id text NOT NULL,
          hash text NOT NULL,
          xml text NOT NULL,
          deployed_at timestamptz NOT NULL,
          deployed_by text,
          UNIQUE (decision_id, version)
        );
      `,
      );
    },
  },
  '0008_business_calendars': {
    async up(db: Kysely<unknown>) {
      // Business calendars (docs/TEAMS.md, "Working hours"); `definition` holds working days,
      // hours, holidays and make-up days. The seeds are data: admins edit or delete them.
      await runStatements(
        db,
        `
        CREATE TABLE IF NOT EXISTS business_calendars (
          id text PRIMARY KEY,
          name text NOT NULL,
          time_zone text NOT NULL,
          definition jsonb NOT NULL,
          version int NOT NULL DEFAULT 1,
          updated_at timestamptz NOT NULL DEFAULT now(),
          updated_by text
        );
      `,
      );
      for (const calendar of SEED_CALENDARS) {
        const { id, name, timeZone, ...definition } = calendar;
        await sql`INSERT INTO business_calendars (id, name, time_zone, definition)
          VALUES (${id}, ${name}, ${timeZone}, ${JSON.stringify(definition)}::jsonb)
          ON CONFLICT (id) DO NOTHING`.execute(db);
      }
    },
  },
  // Batch operations (engine/src/batches): a batch and one item per instance it selected. Items
  // are claimed FOR UPDATE SKIP LOCKED in the transaction that processes them, so an item is done
  // (or failed) exactly once, whichever engine process gets it.
  '0009_batches': {
    async up(db: Kysely<unknown>) {
      await runStatements(
        db,
        `
        CREATE TABLE IF NOT EXISTS batches (
          id uuid PRIMARY KEY,
          kind text NOT NULL CHECK (kind IN ('cancel', 'retry', 'migrate', 'variables')),
          filter jsonb NOT NULL,
          parameters jsonb NOT NULL,
          total int NOT NULL,
          done int NOT NULL DEFAULT 0,
          failed int NOT NULL DEFAULT 0,
          state text NOT NULL CHECK (state IN ('running', 'paused', 'cancelled', 'completed')),
          process_ids text[] NOT NULL DEFAULT '{}',
          created_by text,
          creator jsonb NOT NULL,
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL,
          ended_at timestamptz
        );
        CREATE INDEX IF NOT EXISTS batches_running ON batches (created_at) WHERE state = 'running';
        CREATE TABLE IF NOT EXISTS batch_items (
          batch_id uuid NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
          seq int NOT NULL,
          instance_id uuid NOT NULL,
          state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
          error_code text,
          error_message text,
          processed_at timestamptz,
          processed_by text,
          PRIMARY KEY (batch_id, instance_id)
        );
        -- The claim walks a running batch's pending items in order; failures are listed in order.
        CREATE INDEX IF NOT EXISTS batch_items_pending ON batch_items (batch_id, seq) WHERE state = 'pending';
        CREATE INDEX IF NOT EXISTS batch_items_failed ON batch_items (batch_id, seq) WHERE state = 'failed';
      `,
      );
    },
  },
  // The inbox at scale (docs/BENCHMARKS-INBOX.md). Open tasks by assignee and by owner, in the
  // inbox's order, so each part of the inbox is a short ordered index scan. Claimable tasks are
  // reached through `task_candidates`: one row per open, unassigned task and candidate
  // ('g:<group>' or 'u:<user>'), kept by a trigger in the statement that writes the task, so an
  // array column (which a B-tree cannot order within) becomes an ordered index per candidate.
  '0010_inbox_indexes': {
    async up(db: Kysely<unknown>) {
      const statements = [
        sql`CREATE INDEX IF NOT EXISTS user_tasks_open_assignee
          ON user_tasks (assignee, due_at, priority DESC, seq) WHERE state = 'created'`,
        sql`CREATE INDEX IF NOT EXISTS user_tasks_open_owner
          ON user_tasks (owner, due_at, priority DESC, seq) WHERE state = 'created' AND owner IS NOT NULL`,
        sql`CREATE TABLE IF NOT EXISTS task_candidates (
          task_id uuid NOT NULL REFERENCES user_tasks (id) ON DELETE CASCADE,
          candidate text NOT NULL,
          due_at timestamptz,
          priority int NOT NULL,
          seq bigint NOT NULL,
          PRIMARY KEY (task_id, candidate)
        )`,
        sql`CREATE INDEX IF NOT EXISTS task_candidates_inbox
          ON task_candidates (candidate, due_at, priority DESC, seq) INCLUDE (task_id)`,
        sql`CREATE OR REPLACE FUNCTION baton_sync_task_candidates() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' THEN
            DELETE FROM task_candidates WHERE task_id = OLD.id;
          END IF;
          IF NEW.state = 'created' AND NEW.assignee IS NULL THEN
            INSERT INTO task_candidates (task_id, candidate, due_at, priority, seq)
            SELECT NEW.id, k.candidate, NEW.due_at, NEW.priority, NEW.seq
            FROM (SELECT 'g:' || g AS candidate FROM unnest(NEW.candidate_groups) AS g
                  UNION SELECT 'u:' || u FROM unnest(NEW.candidate_users) AS u) AS k;
          END IF;
          RETURN NULL;
        END
        $$`,
        sql`DROP TRIGGER IF EXISTS user_tasks_candidates_insert ON user_tasks`,
        sql`CREATE TRIGGER user_tasks_candidates_insert AFTER INSERT ON user_tasks
          FOR EACH ROW WHEN (NEW.state = 'created' AND NEW.assignee IS NULL)
          EXECUTE FUNCTION baton_sync_task_candidates()`,
        sql`DROP TRIGGER IF EXISTS user_tasks_candidates_update ON user_tasks`,
        // Only writes that change what the table holds pay for it (a draft save does not).
        sql`CREATE TRIGGER user_tasks_candidates_update AFTER UPDATE ON user_tasks FOR EACH ROW
          WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.assignee IS DISTINCT FROM NEW.assignee
            OR OLD.candidate_groups IS DISTINCT FROM NEW.candidate_groups
            OR OLD.candidate_users IS DISTINCT FROM NEW.candidate_users
            OR OLD.due_at IS DISTINCT FROM NEW.due_at OR OLD.priority IS DISTINCT FROM NEW.priority)
          EXECUTE FUNCTION baton_sync_task_candidates()`,
        sql`INSERT INTO task_candidates (task_id, candidate, due_at, priority, seq)
          SELECT t.id, k.candidate, t.due_at, t.priority, t.seq FROM user_tasks t
          CROSS JOIN LATERAL (SELECT 'g:' || g AS candidate FROM unnest(t.candidate_groups) AS g
            UNION SELECT 'u:' || u FROM unnest(t.candidate_users) AS u) AS k
          WHERE t.state = 'created' AND t.assignee IS NULL
          ON CONFLICT DO NOTHING`,
      ];
      for (const statement of statements) await statement.execute(db);
    },
  },
  // Listener jobs (execution and task listeners) are worker jobs like any other; these say which
  // listener a job serves, so the job API shows it. A task whose completion waits for its
  // completing listeners is in state 'completing' (the column is free text).
  '0011_listener_jobs': {
    async up(db: Kysely<unknown>) {
      await runStatements(
        db,
        `
        ALTER TABLE jobs ADD COLUMN IF NOT EXISTS listener_kind text;
        ALTER TABLE jobs ADD COLUMN IF NOT EXISTS listener_event text
      `,
      );
    },
  },
  // A multiple start event subscribes to each of its messages and signals: one row per name.
  '0012_instantiate': {
    async up(db: Kysely<unknown>) {
      await runStatements(
        db,
        `
        ALTER TABLE start_subscriptions DROP CONSTRAINT IF EXISTS start_subscriptions_pkey;
        ALTER TABLE start_subscriptions ADD PRIMARY KEY (definition_id, element_id, kind, name);
      `,
      );
    },
  },
  '0013_group_calendars': {
    async up(db: Kysely<unknown>) {
      // A group's business calendar (docs/TEAMS.md, "Working hours"): the calendar of a user task
      // offered to the group when neither the element nor the process names one. Deleting the
      // calendar removes the group's choice with it.
      await runStatements(
        db,
        `
        CREATE TABLE IF NOT EXISTS group_calendars (
          group_name text PRIMARY KEY,
          calendar_id text NOT NULL REFERENCES business_calendars (id) ON DELETE CASCADE,
          updated_at timestamptz NOT NULL DEFAULT now(),
          updated_by text
        );
      `,
      );
    },
  },
  // Decisions evaluated on their own (engine.evaluateDecision, POST /api/decisions/evaluate): no
  // instance holds them, so they get their own rows; the retention sweep removes old ones by age.
  '0014_decision_evaluations': {
    async up(db: Kysely<unknown>) {
      await runStatements(
        db,
        `
        CREATE TABLE IF NOT EXISTS decision_evaluations (
          id uuid PRIMARY KEY,
          decision_key uuid NOT NULL,
          decision_id text NOT NULL,
          version int NOT NULL,
          evaluated_at timestamptz NOT NULL,
          evaluated_by text,
          matched_rule_ids jsonb NOT NULL,
          inputs jsonb NOT NULL,
          result jsonb NOT NULL,
          evaluations jsonb NOT NULL
        );
        CREATE INDEX IF NOT EXISTS decision_evaluations_by_decision ON decision_evaluations (decision_id, evaluated_at DESC);
        CREATE INDEX IF NOT EXISTS decision_evaluations_by_age ON decision_evaluations (evaluated_at);
      `,
      );
    },
  },
  // History partitioned by month (docs/OPERATIONS.md, "Retention"): retention drops a month whose
  // instances are all gone instead of deleting its rows. The `id` column goes (nothing reads it;
  // an event is named by instance and seq); the key must hold the partition column. `token_id`
  // becomes a uuid (16 bytes instead of 37; the engine makes token ids with randomUUID), which
  // with the id and its index makes a row about 40 bytes smaller (docs/BENCHMARKS.md). Every existing
  // row is copied into the month it belongs to; months outside the prepared ones land in the
  // default partition until `prepareHistoryMonths` makes theirs. `removed_instances` lists
  // instances removed by retention whose history rows are still stored (never shown; removed when
  // their month is dropped, or in batches later, see engine/src/retention.ts).
  '0015_history_partitions': {
    async up(db: Kysely<unknown>) {
      await runStatements(
        db,
        `
        CREATE TABLE history_partitioned (
          instance_id uuid NOT NULL,
          seq int NOT NULL,
          at timestamptz NOT NULL,
          type text NOT NULL,
          element_id text,
          token_id uuid,
          task_id uuid,
          actor text,
          data jsonb,
          CONSTRAINT history_partitioned_pkey PRIMARY KEY (instance_id, seq, at)
        ) PARTITION BY RANGE (at);
        CREATE TABLE history_default PARTITION OF history_partitioned DEFAULT
      `,
      );
      const { rows } = await sql<{ month: Date }>`
        SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month FROM history
      `.execute(db);
      for (const { month } of rows) {
        const start = new Date(month);
        await sql
          .raw(
            `CREATE TABLE ${historyMonthName(start)} PARTITION OF history_partitioned
              FOR VALUES FROM ('${start.toISOString()}') TO ('${nextMonth(start).toISOString()}')`,
          )
          .execute(db);
      }
      await runStatements(
        db,
        `
        INSERT INTO history_partitioned (instance_id, seq, at, type, element_id, token_id, task_id, actor, data)
          SELECT instance_id, seq, at, type, element_id, ${UUID_OR_NULL('token_id')}, task_id, actor, data FROM history;
        DROP TABLE history;
        ALTER TABLE history_partitioned RENAME TO history;
        ALTER INDEX history_partitioned_pkey RENAME TO history_pkey;
        CREATE TABLE IF NOT EXISTS removed_instances (
          instance_id uuid PRIMARY KEY,
          started_at timestamptz NOT NULL,
          removed_at timestamptz NOT NULL
        );
        CREATE INDEX IF NOT EXISTS removed_instances_removed_at ON removed_instances (removed_at)
      `,
      );
    },
  },
  // Parallel multiple process start events (docs/COVERAGE.md, their row in the events table): one
  // gathering per definition version, start event and gathering key (the message's correlation key
  // when the start event's messages declare one, else ''). The gathering row is the lock two
  // engines take before counting its triggers; each trigger is one row in arrival order (`seq`).
  // A new version of the process drops the old version's gatherings (deploy.ts).
  '0016_start_gatherings': {
    async up(db: Kysely<unknown>) {
      await runStatements(
        db,
        `
        CREATE TABLE IF NOT EXISTS start_gatherings (
          definition_id uuid NOT NULL REFERENCES definitions (id) ON DELETE CASCADE,
          element_id text NOT NULL,
          gathering_key text NOT NULL,
          next_seq bigint NOT NULL,
          opened_at timestamptz NOT NULL,
          PRIMARY KEY (definition_id, element_id, gathering_key)
        );
        CREATE TABLE IF NOT EXISTS start_gathering_triggers (
          definition_id uuid NOT NULL,
          element_id text NOT NULL,
          gathering_key text NOT NULL,
          seq bigint NOT NULL,
          definition_index int NOT NULL,
          kind text NOT NULL,
          name text,
          correlation_key text,
          variables jsonb NOT NULL,
          arrived_at timestamptz NOT NULL,
          PRIMARY KEY (definition_id, element_id, gathering_key, seq),
          FOREIGN KEY (definition_id, element_id, gathering_key)
            REFERENCES start_gatherings (definition_id, element_id, gathering_key) ON DELETE CASCADE
        )
      `,
      );
    },
  },
};

/** The partition of `history` for the UTC month that starts at `start`: `history_y2026m03`. */
export function historyMonthName(start: Date): string {
  return `history_y${start.getUTCFullYear()}m${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The first instant of the UTC month after the one `start` is in. */
export function nextMonth(start: Date): Date {
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** PGlite's extended protocol takes one statement per query, so a migration runs its statements in turn. */
async function runStatements(db: Kysely<unknown>, script: string): Promise<void> {
  const statements = script
    .split(/;\s*\n/)
    .map((statement) => statement.replace(/--.*$/gm, '').trim())
    .filter((statement) => statement !== '');
  for (const statement of statements) await sql.raw(statement).execute(db);
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Runs `work` (a migrator) in one transaction that first takes a transaction-level advisory lock,
 * so processes migrating at once run one after another, and the next sees what the first created.
 * Kysely's own migration lock is a session-level advisory lock taken outside the transaction: behind
 * a pooler in transaction mode its lock, its migrations and its unlock may each land on another
 * server connection. Inside one transaction they all stay on one.
 */
export async function inMigrationTransaction(
  db: Kysely<unknown>,
  lockKey: number,
  work: (trx: Kysely<unknown>) => Promise<{ readonly error?: unknown }>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${lockKey}::bigint)`.execute(trx);
    const { error } = await work(trx);
    if (error) throw error instanceof Error ? error : new Error(String(error));
  });
}

/** Keys of the migration locks (any fixed numbers; one per set of migrations). */
export const ENGINE_MIGRATION_LOCK = 0x6261746f6e01;

/**
 * Brings the engine's tables to migration `target` and no further: for tests of a migration,
 * which start from a database as the one before it left it.
 */
export async function migrateEngineTo(db: Kysely<unknown>, target: string): Promise<void> {
  await inMigrationTransaction(db, ENGINE_MIGRATION_LOCK, (trx) =>
    new Migrator({
      db: trx,
      provider,
      migrationTableName: 'baton_engine_migration',
      migrationLockTableName: 'baton_engine_migration_lock',
    }).migrateTo(target),
  );
}

/** Brings the engine's tables up to date; safe to call from several processes at once. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  await inMigrationTransaction(db, ENGINE_MIGRATION_LOCK, (trx) =>
    new Migrator({
      db: trx,
      provider,
      migrationTableName: 'baton_engine_migration',
      migrationLockTableName: 'baton_engine_migration_lock',
    }).migrateToLatest(),
  );
}
