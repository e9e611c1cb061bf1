import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingError } from '../src/config.js';
import { migrateServer } from '../src/persistence/migrations.js';
import { createStore, type Store } from '../src/persistence/store.js';
import { ensureFirstStart } from '../src/setup/first-start.js';
import { dialects, openTestDatabase } from './support/databases.js';

describe.each(dialects())('the first start on %s', (dialect) => {
  let store: Store;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openTestDatabase(dialect);
    drop = opened.drop;
    await migrateServer(opened.database.db);
    store = createStore(opened.database.db);
  });
  afterAll(async () => drop?.());

  it('refuses a BATON_ADMIN_PASSWORD the password policy refuses, and creates no one', async () => {
    await expect(ensureFirstStart(store, { adminPassword: 'password1234', demo: false })).rejects.toThrow(
      SettingError,
    );
    await expect(ensureFirstStart(store, { adminPassword: 'admin12345', demo: false })).rejects.toThrow(
      /BATON_ADMIN_PASSWORD is refused/,
    );
    expect(await store.users.count()).toBe(0);
  });

  it('takes a strong one', async () => {
    const result = await ensureFirstStart(store, { adminPassword: 'quiet orchard lantern 47', demo: false });
    expect(result.firstStart).toBe(true);
    expect(await store.users.count()).toBe(1);
  });
});
