import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirectoryLockedError, LOCK_FILE, lockDataDirectory } from '../src/data-dir-lock.js';
import { openDatabase } from '../src/database.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-lock-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

function writeLock(dir: string, owner: { pid: number; host: string; since?: string; token?: string }): void {
  writeFileSync(
    join(dir, LOCK_FILE),
    JSON.stringify({ since: '2026-01-01T00:00:00.000Z', token: 'x', ...owner }),
  );
}

describe('one owner per PGlite data directory', () => {
  const dataDir = join(tempDir(), 'data');

  it('refuses a second open of the same data directory and names the owner, until the first closes', async () => {
    // given a database open on a data directory, with a row written
    const first = await openDatabase({ dataDir });
    await sql`create table t (v int)`.execute(first.db);
    await sql`insert into t values (1)`.execute(first.db);

    // when the same directory is opened again
    const second = openDatabase({ dataDir });

    // then the second open fails, naming the directory and this process as the owner
    const error = await second.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataDirectoryLockedError);
    const locked = error as DataDirectoryLockedError;
    expect(locked.owner.pid).toBe(process.pid);
    expect(locked.owner.host).toBe(hostname());
    expect(locked.dataDir).toBe(dataDir);
    expect(locked.message).toContain(dataDir);
    expect(locked.message).toContain(`pid ${process.pid}`);
    expect(locked.message).toContain(locked.owner.since);

    // and after the first closes, the lock is gone and a new open sees the row
    await first.close();
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    const third = await openDatabase({ dataDir });
    const rows = await sql<{ v: number }>`select v from t`.execute(third.db);
    expect(rows.rows).toEqual([{ v: 1 }]);
    await third.close();
  });

  it('takes over a lock left by a process that died on this host', async () => {
    // given a lock file whose owner pid no longer runs
    const pid = deadPid();
    writeLock(dataDir, { pid, host: hostname() });

    // when the directory is opened
    const database = await openDatabase({ dataDir });

    // then this process owns the lock now
    const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(process.pid);
    await database.close();
  });

  it('takes over a lock that names this pid but that this process does not hold (a restarted container)', () => {
    // given a lock from an earlier process that ran under the same pid (pid 1 in a container)
    const dir = tempDir();
    writeLock(dir, { pid: process.pid, host: hostname(), token: 'from-an-earlier-run' });

    // when the lock is taken
    const lock = lockDataDirectory(dir);

    // then it is ours, and released it leaves nothing behind
    expect(lock.owner.pid).toBe(process.pid);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a lock held on another host and says which file to delete if that host is gone', () => {
    // given a lock written by a process on another machine (a shared volume)
    const dir = tempDir();
    writeLock(dir, { pid: deadPid(), host: 'another-host.example' });

    // when / then
    expect(() => lockDataDirectory(dir)).toThrow(DataDirectoryLockedError);
    expect(() => lockDataDirectory(dir)).toThrow(/another-host\.example.*delete .*baton\.lock/);
  });

  it('refuses a lock held by a live process, however often asked', () => {
    // given a lock held by a running process (this test's parent: alive for sure)
    const dir = tempDir();
    writeLock(dir, { pid: process.ppid, host: hostname() });

    // when / then
    for (let i = 0; i < 3; i++) expect(() => lockDataDirectory(dir)).toThrow(`pid ${process.ppid}`);
  });
});
