import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { initialisedDataDirectory, serverBuilt } from './test/e2e/harness.js';

/** Initialises one data directory for the whole run; each file's server starts on a copy. */
export default async function setup(project: TestProject): Promise<() => void> {
  if (!serverBuilt) return () => {};
  const dataDir = await initialisedDataDirectory();
  project.provide('batonDataDirectory', dataDir);
  return () => rmSync(dataDir, { recursive: true, force: true });
}
