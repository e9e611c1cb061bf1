import { openDatabase } from '@baton/engine';
import { hashPassword } from '../auth/passwords.js';
import { generatePassword } from '../auth/secrets.js';
import { databaseSettings } from '../config.js';
import { migrateServer } from '../persistence/migrations.js';
import { createStore } from '../persistence/store.js';

/** A reason to stop with exit code 2: the command was asked for something that cannot be done. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * `reset-admin [username]`: gives an administrator (default `admin`) a new random password,
 * prints it once and ends their sessions. The recovery when the first start's password was lost
 * (the process was killed before printing it, or nobody kept it). Uses the same DATA_DIR or
 * DATABASE_URL as the server; on the embedded database the server must be stopped first (the
 * data directory's lock says so).
 */
export async function resetAdmin(
  env: NodeJS.ProcessEnv,
  username: string,
  say: (line: string) => void,
): Promise<void> {
  const settings = databaseSettings(env);
  const database = await openDatabase(
    settings.url
      ? { url: settings.url, poolSize: 2, timeouts: settings.timeouts }
      : { dataDir: settings.dataDir },
  );
  try {
    await migrateServer(database.db);
    const store = createStore(database.db);
    const user = await store.users.getByUsername(username);
    if (!user) {
      const { items } = await store.users.list({ limit: 1000, offset: 0 });
      const admins = items.filter((u) => u.roles.includes('admin')).map((u) => u.username);
      throw new UsageError(
        items.length === 0
          ? 'This database has no accounts yet: start Baton once, it creates them.'
          : `There is no user '${username}'.${admins.length > 0 ? ` Administrators: ${admins.join(', ')}.` : ''}`,
      );
    }
    if (!user.roles.includes('admin'))
      throw new UsageError(
        `'${username}' is not an administrator; an administrator resets other passwords in the web app.`,
      );
    const password = generatePassword();
    await store.users.update(user.id, { passwordHash: await hashPassword(password) });
    // As a password reset in the web app does: their sessions end, and so do their API tokens
    // (except those an admin marked to survive a password change). A running server on
    // PostgreSQL notices within its auth cache's lifetime (5 s).
    const sessions = await store.sessions.deleteForUser(user.id);
    const tokens = await store.apiTokens.deleteForUser(user.id, { keepProtected: true });
    say(`New password for ${username}: ${password}   (shown once; change it after logging in)`);
    say(`Ended ${sessions} session(s) and ${tokens} API token(s) of ${username}.`);
  } finally {
    await database.close();
  }
}
