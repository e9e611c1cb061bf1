import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The file in a PGlite data directory that names the process owning it. */
export const LOCK_FILE = 'baton.lock';
/** Held only while a stale lock is being replaced, so two starters never both take it over. */
const TAKEOVER_FILE = 'baton.lock.takeover';

/** Who holds a data directory: written into the lock file as JSON. */
export interface DataDirectoryOwner {
  readonly pid: number;
  readonly host: string;
  /** When the owner took the lock (ISO 8601). */
  readonly since: string;
}

interface LockContent extends DataDirectoryOwner {
  /** Tells this lock apart from a later one by the same pid (containers reuse pid 1). */
  readonly token: string;
}

/**
 * A second process tried to open a PGlite data directory that another live process holds. Two
 * processes on one data directory each keep their own copy of the database in memory and
 * overwrite each other's files: what one of them wrote is lost at the next restart.
 */
export class DataDirectoryLockedError extends Error {
  override readonly name = 'DataDirectoryLockedError';
  readonly code = 'DATA_DIRECTORY_LOCKED';
  constructor(
    readonly dataDir: string,
    readonly owner: DataDirectoryOwner,
    readonly lockFile: string,
  ) {
    const sameHost = owner.host === hostname();
    super(
      `The data directory ${dataDir} is in use by another process (pid ${owner.pid} on host ${owner.host}, since ${owner.since}). ` +
        'Stop that process first; only one process may open an embedded database. ' +
        (sameHost
          ? 'To run several server processes, use PostgreSQL (DATABASE_URL).'
          : `If host ${owner.host} no longer runs it, delete ${lockFile}.`),
    );
  }
}

/** Processes of this host that hold a lock through this module (a pid alone cannot tell us). */
const heldHere = new Set<string>();

/** True when `pid` names a running process on this host. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockContent | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockContent>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return {
        pid: parsed.pid,
        host: parsed.host,
        since: typeof parsed.since === 'string' ? parsed.since : 'an unknown time',
        token: typeof parsed.token === 'string' ? parsed.token : '',
      };
    }
  } catch {
    // Not ours or damaged: treated as a lock without a live owner (see isStale).
  }
  return { pid: 0, host: hostname(), since: 'an unknown time', token: '' };
}

/**
 * A lock is stale when its owner is gone: a dead pid on this host, or this very pid when this
 * process does not hold it (the process restarted under the same pid, as pid 1 in a container).
 * A lock from another host is never stale: we cannot see its processes.
 */
function isStale(lock: LockContent): boolean {
  if (lock.host !== hostname()) return false;
  if (lock.pid === process.pid) return !heldHere.has(lock.token);
  return lock.pid <= 0 || !isAlive(lock.pid);
}

/**
 * Creates `path` holding `content`, atomically: the content is written to a private file first
 * and hard-linked into place, which fails with EEXIST when the path exists. A reader therefore
 * never sees a half-written lock.
 */
function createExclusive(path: string, content: string): boolean {
  const temp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}`;
  writeFileSync(temp, content, { flag: 'wx' });
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

function removeIfSame(path: string, token: string): void {
  const current = readLock(path);
  if (current && current.token === token) unlinkSync(path);
}

/** A held data-directory lock. */
export interface DataDirectoryLock {
  readonly file: string;
  readonly owner: DataDirectoryOwner;
  /** Removes the lock file (only if it is still ours). Safe to call twice. */
  release(): void;
}

/**
 * Takes the lock of a PGlite data directory (creating the directory), or throws
 * DataDirectoryLockedError naming the live owner. A stale lock (its process died on this host)
 * is taken over. The lock is also removed when the process exits without releasing it.
 *
 * ```ts
 * const lock = lockDataDirectory('./data');
 * try { ... } finally { lock.release(); }
 * ```
 */
export function lockDataDirectory(dataDir: string): DataDirectoryLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  const guard = join(dataDir, TAKEOVER_FILE);
  const mine: LockContent = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    token: randomUUID(),
  };
  const content = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; attempt < 20; attempt++) {
    if (createExclusive(file, content)) return held(file, mine);
    const current = readLock(file);
    if (!current) continue; // released between our attempt and the read
    if (!isStale(current)) throw new DataDirectoryLockedError(dataDir, current, file);
    // Stale: replace it under the takeover guard, so that of two processes that both saw the
    // same stale lock only one replaces it; the other retries and finds the new, live owner.
    if (!createExclusive(guard, content)) {
      const guardOwner = readLock(guard);
      // A starter that died while taking over leaves its guard behind.
      if (guardOwner && isStale(guardOwner)) removeIfSame(guard, guardOwner.token);
      continue;
    }
    try {
      const again = readLock(file);
      if (again && again.token === current.token) unlinkSync(file);
    } finally {
      unlinkSync(guard);
    }
  }
  const current = readLock(file);
  throw new DataDirectoryLockedError(dataDir, current ?? mine, file);
}

function held(file: string, mine: LockContent): DataDirectoryLock {
  heldHere.add(mine.token);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    heldHere.delete(mine.token);
    try {
      removeIfSame(file, mine.token);
    } catch {
      // The directory is gone or read-only: the next owner sees a dead pid and takes over.
    }
  };
  process.on('exit', release);
  const { token: _token, ...owner } = mine;
  return { file, owner, release };
}
