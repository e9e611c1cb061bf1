import type { Kysely } from 'kysely';
import { type FileTables, fileQueries } from '../files/file-store.js';
import { startRetentionSweeps, sweepIntervalFromEnv } from '../retention.js';
import { randomUUID } from 'node:crypto';
import { createEngine, openDatabase } from '@baton/engine';
import pino from 'pino';
import { buildApp } from '../app.js';
import {
  credentialSettingsFromEnv,
  databaseSettings,
  defaultStaticDir,
  mailSettingsFromEnv,
  serverConfig,
} from '../config.js';
import { type RunningMail, startMail } from '../mail/index.js';
import { migrateServer } from '../persistence/migrations.js';
import { createStore } from '../persistence/store.js';
import { ensureFirstStart, type FirstStartResult, RESET_ADMIN_HINT } from '../setup/first-start.js';
import { builtInTemplates, installTemplates } from '../setup/templates.js';
import { serverTeamDirectory } from '../persistence/team-directory.js';

/** Progress lines for the person starting the server (the structured log goes to pino). */
function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function printAccounts(setup: FirstStartResult): void {
  say('First start: accounts created.');
  if (setup.generatedAdminPassword)
    say(`  admin password: ${setup.generatedAdminPassword}   (shown once; change it)`);
  else say('  admin password: the one in BATON_ADMIN_PASSWORD');
  for (const u of setup.demoUsers) {
    say(
      `  ${u.username.padEnd(6)} ${u.password}   roles: ${u.roles.join(',')}; groups: ${u.groups.join(',') || '-'}`,
    );
  }
  say(`Log in with username "admin" (or a demo user above).`);
  say(`  ${RESET_ADMIN_HINT}`);
}

/**
 * Starts the server: env -> database -> engine -> first start -> templates -> app -> listen ->
 * job executor. Resolves once it listens; SIGINT/SIGTERM shut it down.
 */
export async function serve(env: NodeJS.ProcessEnv): Promise<void> {
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? '127.0.0.1';
  const settings = databaseSettings(env);
  const { url, dataDir } = settings;
  const logger = pino({ level: env.LOG_LEVEL ?? 'warn' });

  say(
    url ? 'Baton: opening PostgreSQL (DATABASE_URL)…' : `Baton: opening the embedded database in ${dataDir}…`,
  );
  const pooled = settings.pooler ? { pooler: settings.pooler } : {};
  const database = await openDatabase(url ? { url, timeouts: settings.timeouts, ...pooled } : { dataDir });
  if (settings.replicaIgnored)
    say('Baton: DATABASE_REPLICA_URL ignored: a read replica needs PostgreSQL (DATABASE_URL).');
  // Opening a pool connects lazily: a replica that is down does not stop the start (lists fall
  // back to the primary; /ready reports it).
  const replica = settings.replicaUrl
    ? await openDatabase({ url: settings.replicaUrl, timeouts: settings.timeouts, ...pooled, readOnly: true })
    : undefined;
  if (replica) say('Baton: lists read from the replica (DATABASE_REPLICA_URL).');
  const engine = await createEngine({
    database,
    ...(replica ? { replica } : {}),
    workerId: `server-${randomUUID().slice(0, 8)}`,
    logger,
    directory: serverTeamDirectory,
  });
  await migrateServer(database.db);
  const store = createStore(database.db);

  const demo = env.BATON_DEMO === '1' || (database.kind === 'pglite' && env.BATON_DEMO !== '0');
  const setup = await ensureFirstStart(store, { adminPassword: env.BATON_ADMIN_PASSWORD, demo });
  // At once, not after listening: the accounts exist from here on, and a crash or a kill before
  // this line would lose the generated passwords (reset-admin is the way back then).
  if (setup.firstStart) printAccounts(setup);

  const templates = builtInTemplates();
  const outcomes = await installTemplates(engine, store, templates);
  for (const o of outcomes) {
    if (o.error) say(`  template ${o.id}: NOT installed: ${o.error}`);
    else if (o.deployed.some((d) => d.isNew)) say(`  template ${o.id}: installed`);
  }

  const sweepMs = sweepIntervalFromEnv(env);
  const app = await buildApp({
    engine,
    db: database.db,
    config: serverConfig({
      ...credentialSettingsFromEnv(env),
      staticDir: defaultStaticDir(),
      mail: mailSettingsFromEnv(env),
    }),
    templates,
    loggerInstance: logger,
    databaseUrl: settings.listenUrl,
    builtInHandlers: true,
  });
  // Handlers first: a signal that arrives right after start-up must still shut down cleanly.
  let executorOn = false;
  let stopSweeps = async () => {};
  let mail: RunningMail | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`Baton: ${signal} received, shutting down…`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await mail?.stop();
      await app.close();
      await stopSweeps();
      if (executorOn) await engine.stopExecutor();
      await engine.close();
      await database.close();
      await replica?.close();
      say('Baton: stopped.');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port, host });
  mail = await startMail(app);
  const executor = env.BATON_NO_EXECUTOR !== '1';
  if (executor) {
    engine.startExecutor();
    executorOn = true;
    // Background work runs where the executor runs; finished instances past their time to live go.
    stopSweeps = startRetentionSweeps(engine, app.log, sweepMs, (ids) =>
      fileQueries(database.db as Kysely<FileTables>).removeOfInstances(ids),
    );
  }
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const address = `http://${shown}:${(app.server.address() as { port: number }).port}`;

  // The "running at" line comes last: whoever waits for it has every login line already.
  say(`Baton is running at ${address}  (API docs: ${address}/docs; job executor ${executor ? 'on' : 'off'})`);
}
