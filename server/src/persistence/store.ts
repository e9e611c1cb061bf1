import { type Kysely, sql } from 'kysely';
import { apiTokenQueries } from './api-tokens.js';
import { formQueries } from './forms.js';
import { groupQueries } from './groups.js';
import { loginAttemptQueries } from './login-attempts.js';
import { mailQueries, watcherQueries } from './mail.js';
import { notificationQueries } from './notifications.js';
import { sessionQueries } from './sessions.js';
import type { ServerTables } from './tables.js';
import { userQueries } from './users.js';

/** The server's own data, one query module per table; routes never hold SQL. */
export function createStore(db: Kysely<unknown>) {
  const typed = db as unknown as Kysely<ServerTables>;
  return {
    users: userQueries(typed),
    groups: groupQueries(typed),
    sessions: sessionQueries(typed),
    apiTokens: apiTokenQueries(typed),
    loginAttempts: loginAttemptQueries(typed),
    forms: formQueries(typed),
    notifications: notificationQueries(typed),
    mail: mailQueries(typed),
    watchers: watcherQueries(typed),
    /** Readiness: one round trip. */
    async ping(): Promise<void> {
      await sql`select 1`.execute(typed);
    },
  };
}

export type Store = ReturnType<typeof createStore>;
