import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/**
 * The PostgreSQL cluster the outage test stops and starts. By default a dedicated cluster on its
 * own port, so stopping it never disturbs anything else using the main one;
 * `BATON_OUTAGE_CLUSTER=main` stops the main cluster instead (what CI on a private machine may do).
 */
export interface OutageCluster {
  readonly url: string;
  stop(): void;
  start(): void;
  /** Starts it if stopped; drops a dedicated cluster. Safe to call twice. */
  cleanUp(): void;
}

const DEDICATED = 'baton_faults';
const DEDICATED_PORT = 5439;

function version(): string {
  const versions = readdirSync('/etc/postgresql').sort();
  const latest = versions[versions.length - 1];
  if (!latest) throw new Error('no PostgreSQL cluster configuration in /etc/postgresql');
  return latest;
}

function ctl(v: string, name: string, action: 'start' | 'stop'): void {
  const args = ['--skip-systemctl-redirect', v, name, action, ...(action === 'stop' ? ['-m', 'fast'] : [])];
  execFileSync('pg_ctlcluster', args, { stdio: 'pipe' });
}

function isOnline(v: string, name: string): boolean {
  const out = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
  return out.split('\n').some((line) => {
    const [ver, cluster, , status] = line.trim().split(/\s+/);
    return ver === v && cluster === name && status === 'online';
  });
}

function dropDedicated(v: string): void {
  try {
    execFileSync('pg_dropcluster', ['--stop', v, DEDICATED], { stdio: 'pipe' });
  } catch {
    // not there: nothing to drop
  }
}

export function openOutageCluster(): OutageCluster {
  const v = version();
  const useMain = process.env.BATON_OUTAGE_CLUSTER === 'main';
  const name = useMain ? 'main' : DEDICATED;
  if (!useMain) dropDedicated(v); // a leftover of an interrupted run
  return setUp();

  function setUp(): OutageCluster {
    if (!useMain) {
      execFileSync(
        'pg_createcluster',
        [v, DEDICATED, '-p', String(DEDICATED_PORT), '--start', '--', '--auth=trust'],
        {
          stdio: 'pipe',
        },
      );
    }
    const url = useMain
      ? (process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
      : `postgres://postgres@127.0.0.1:${DEDICATED_PORT}/postgres`;
    let cleaned = false;
    return {
      url,
      stop: () => ctl(v, name, 'stop'),
      start: () => ctl(v, name, 'start'),
      cleanUp() {
        if (cleaned) return;
        cleaned = true;
        if (!isOnline(v, name)) ctl(v, name, 'start');
        if (!useMain) dropDedicated(v);
      },
    };
  }
}
