import type { ColumnType, Generated } from 'kysely';

/** The server's own tables (users, groups, sessions, tokens, forms, notifications, process access); the engine owns the rest. */
export interface ServerTables {
  users: {
    id: string;
    username: string;
    display_name: string;
    password_hash: string;
    roles: string[];
    locale: string;
    created_at: ColumnType<Date, never, never>;
    deleted_at: Date | null;
    deactivated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  };
  groups: { id: string; name: string; display_name: string; created_at: ColumnType<Date, never, never> };
  memberships: { group_id: string; user_id: string };
  sessions: {
    id: string;
    user_id: string;
    csrf: string;
    created_at: ColumnType<Date, never, never>;
    expires_at: Date;
  };
  api_tokens: {
    id: string;
    user_id: string;
    name: string;
    token_hash: string;
    scopes: string[];
    keep_on_credential_change: boolean;
    created_at: ColumnType<Date, never, never>;
    last_used_at: Date | null;
  };
  /** Login attempts per hashed key in a fixed window (see auth/login-throttle.ts). Internal. */
  login_attempts: { key: string; window_start: Date; count: number };
  forms: {
    form_id: string;
    version: number;
    name: unknown;
    schema: unknown;
    ui_schema: unknown;
    i18n: unknown;
    created_at: ColumnType<Date, never, never>;
    created_by: string | null;
  };
  notifications: {
    id: string;
    user_id: string;
    subject: string;
    body: string | null;
    data: unknown;
    instance_id: string | null;
    job_id: string | null;
    created_at: ColumnType<Date, Date | undefined, never>;
    read_at: Date | null;
  };
  /** A user's e-mail address and how they want notifications mailed (docs/TEAMS.md, "E-mail"). */
  user_mail: { user_id: string; email: string | null; mode: string; language: string | null };
  /** Mails to send, filled in the transaction that records a notification. Internal. */
  mail_outbox: {
    id: string;
    user_id: string;
    notification_id: string;
    kind: string;
    due_at: Date;
    attempts: ColumnType<number, number | undefined, number>;
    locked_by: string | null;
    locked_until: Date | null;
    last_error: string | null;
    sent_at: Date | null;
    failed_at: Date | null;
    created_at: Date;
  };
  /** People mentioned in a task's comments: they may read the task (auth/visibility.ts). */
  task_watchers: { task_id: string; username: string; added_by: string; created_at: Date };
  /** Only used by `ping`. */
  baton_server_migration: { name: string; timestamp: Generated<string> };
}
