import type { TestProject } from 'vitest/node';
import { createPostgresTemplate } from './test/support/databases.js';

/**
 * With DATABASE_URL, migrates one PostgreSQL database for the whole run, named for this run and
 * dropped at its end; each test's migrated database is a copy of it (see openTestDatabase).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const base = process.env.DATABASE_URL;
  if (!base) return async () => {};
  const template = await createPostgresTemplate(base);
  project.provide('batonPostgresTemplate', template.name);
  return () => template.drop();
}
