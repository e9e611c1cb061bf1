import type { Role } from '@baton/schemas';
import { passwordWeakness } from '../auth/password-policy.js';
import { hashPassword } from '../auth/passwords.js';
import { SettingError } from '../config.js';
import { generatePassword } from '../auth/secrets.js';
import { HttpProblem } from '../errors.js';
import type { Store } from '../persistence/store.js';

/** The demo team: one person per role, in the groups the built-in templates use. */
export const DEMO_TEAM: readonly {
  username: string;
  displayName: string;
  roles: Role[];
  groups: string[];
}[] = [
  { username: 'dana', displayName: 'Dana (designer)', roles: ['designer'], groups: [] },
  { username: 'maya', displayName: 'Maya (manager)', roles: ['manager'], groups: ['managers'] },
  { username: 'lee', displayName: 'Lee (team lead)', roles: ['staff'], groups: ['leads'] },
  { username: 'sam', displayName: 'Sam', roles: ['staff'], groups: ['staff'] },
  { username: 'kim', displayName: 'Kim', roles: ['staff'], groups: ['staff'] },
  { username: 'mia', displayName: 'Mia (mediator)', roles: ['staff'], groups: ['mediators'] },
];

/**
 * Printed with the first start's accounts. The admin account is committed before its password is
 * printed; if the process dies in between (or the output is lost), this is the way back.
 */
export const RESET_ADMIN_HINT = 'Lost the admin password? Stop Baton and run: npm start -- reset-admin';

/** The template groups, created even when no demo team is. */
export const TEMPLATE_GROUPS = ['staff', 'leads', 'managers', 'mediators'] as const;

export interface FirstStartResult {
  /** false when users existed already (nothing was created). */
  readonly firstStart: boolean;
  /** Set when the admin's password was generated (printed once, never stored in clear). */
  readonly generatedAdminPassword?: string;
  readonly demoUsers: readonly { username: string; password: string; roles: Role[]; groups: string[] }[];
}

/**
 * On an empty user table: creates `admin` (password given or generated) and, when asked, the demo
 * team with generated passwords. Does nothing when any user exists.
 *
 * `admin` comes first, so any interruption after it leaves an administrator that
 * `reset-admin` can recover; the administrator can create whatever a killed first start missed.
 */
export async function ensureFirstStart(
  store: Store,
  opts: { adminPassword?: string; demo: boolean },
): Promise<FirstStartResult> {
  if ((await store.users.count()) > 0) return { firstStart: false, demoUsers: [] };
  // The one password that does not come through the API: the same policy holds for it.
  const weakness = opts.adminPassword ? passwordWeakness(opts.adminPassword, { username: 'admin' }) : null;
  if (weakness) throw new SettingError(`BATON_ADMIN_PASSWORD is refused: ${weakness}`);
  const adminPassword = opts.adminPassword || generatePassword();
  try {
    await store.users.create({
      username: 'admin',
      displayName: 'Administrator',
      passwordHash: await hashPassword(adminPassword),
      roles: ['admin'],
      locale: 'en',
    });
  } catch (err) {
    // Another process on the same database won the first start; it creates the rest.
    if (err instanceof HttpProblem && err.code === 'USERNAME_TAKEN')
      return { firstStart: false, demoUsers: [] };
    throw err;
  }
  for (const name of TEMPLATE_GROUPS) {
    if (!(await store.groups.get(name))) await store.groups.create({ name });
  }
  const demoUsers: FirstStartResult['demoUsers'][number][] = [];
  if (opts.demo) {
    for (const member of DEMO_TEAM) {
      const password = generatePassword();
      await store.users.create({ ...member, passwordHash: await hashPassword(password), locale: 'en' });
      demoUsers.push({ username: member.username, password, roles: member.roles, groups: member.groups });
    }
  }
  return {
    firstStart: true,
    generatedAdminPassword: opts.adminPassword ? undefined : adminPassword,
    demoUsers,
  };
}
