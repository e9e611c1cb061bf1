import { randomUUID } from 'node:crypto';
import type { Engine } from '@baton/engine';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { ServerConfig } from './config.js';
import { createFormValidators } from './forms/form-validation.js';
import { LiveFeed } from './live/live-feed.js';
import { startPgRelay } from './live/pg-relay.js';
import { PRESENT_JOB_TYPE, presentHandler } from './handlers/present-handler.js';
import { NOTIFY_JOB_TYPE, notifyHandler } from './notifications/notify-handler.js';
import { registerTaskNotifications } from './notifications/task-notifications.js';
import { createStore } from './persistence/store.js';
import { authPlugin, withRouteScope } from './plugins/auth.js';
import { registerErrorHandling, sendProblem } from './plugins/errors.js';
import { createHttpMetrics, registerMetricsHook } from './plugins/metrics.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerSchemas } from './plugins/schemas.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { registerStaticApp } from './plugins/static-app.js';
import { authRoutes } from './routes/auth/index.js';
import { batchRoutes } from './routes/batches/index.js';
import { decisionRoutes } from './routes/decisions/index.js';
import { definitionRoutes } from './routes/definitions/index.js';
import { eventRoutes } from './routes/events/index.js';
import { filesPlugin } from './routes/files/index.js';
import { formRoutes } from './routes/forms/index.js';
import { groupRoutes } from './routes/groups/index.js';
import { instanceRoutes } from './routes/instances/index.js';
import { jobRoutes } from './routes/jobs/index.js';
import { messageRoutes } from './routes/messages/index.js';
import { conditionRoutes } from './routes/conditions/index.js';
import { migrationRoutes } from './routes/migrations/index.js';
import { adHocRoutes } from './routes/adhoc/index.js';
import { notificationRoutes } from './routes/notifications/index.js';
import { processAccessRoutes } from './routes/processes/index.js';
import { absenceRoutes } from './routes/absences/index.js';
import { calendarRoutes } from './routes/calendars/index.js';
import { teamLoadRoutes } from './routes/team-load/index.js';
import { requestRoutes } from './routes/requests/index.js';
import { retentionRoutes } from './routes/retention/index.js';
import { systemRoutes } from './routes/system/index.js';
import { taskRoutes } from './routes/tasks/index.js';
import { templateRoutes } from './routes/templates/index.js';
import { tokenRoutes } from './routes/tokens/index.js';
import { userRoutes } from './routes/users/index.js';
import { viewRoutes } from './routes/views/index.js';
import type { TemplateBundle } from './setup/templates.js';
import './types.js';

/** What the app is built from; the caller owns their lifecycles (the app never closes the engine or db). */
export interface AppDeps {
  readonly engine: Engine;
  /** The database the engine uses; the server's tables live beside the engine's. */
  readonly db: Kysely<unknown>;
  readonly config: ServerConfig;
  readonly templates?: readonly TemplateBundle[];
  /** Pino options or false; defaults to silent. */
  readonly logger?: FastifyServerOptions['logger'];
  /** An existing pino logger (takes precedence over `logger`). */
  readonly loggerInstance?: FastifyBaseLogger;
  readonly version?: string;
  /**
   * The PostgreSQL connection string, when the database is PostgreSQL: live updates then reach
   * the event streams of every server process on it (LISTEN/NOTIFY on a dedicated connection).
   * Without it the stream shows this process's changes only, which is all there is on PGlite.
   */
  readonly databaseUrl?: string;
  /**
   * Registers the server's own job handlers on the engine: `baton.notify` records notifications,
   * `baton.present` leaves the members who are away out of a list (`handlers/present-handler.ts`).
   * Off unless asked, so that an embedding host's own handler for the type is never replaced.
   */
  readonly builtInHandlers?: boolean;
}

/** Builds the HTTP app (never listens): plugins, then one encapsulated plugin per resource. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.loggerInstance ? { loggerInstance: deps.loggerInstance } : { logger: deps.logger ?? false }),
    bodyLimit: deps.config.bodyLimit,
    // Whom to believe about the client address and protocol (login throttling, Secure cookies).
    trustProxy:
      typeof deps.config.trustProxy === 'object' ? [...deps.config.trustProxy] : deps.config.trustProxy,
    // Generated ids in logs; ids in URLs are UUIDs, so case-sensitive routing is fine.
    requestIdHeader: false,
    ajv: { customOptions: { allowUnionTypes: true } },
    // Malformed URLs fail before routing; they still get a problem+json 400.
    frameworkErrors: (err, _req, reply) => {
      sendProblem(reply, err);
    },
  });
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  app.decorate('routeList', routes);
  app.decorate('engine', deps.engine);
  app.decorate('store', createStore(deps.db));
  app.decorate('config', deps.config);
  app.decorate(
    'formValidators',
    createFormValidators(() => deps.engine.clock.now()),
  );
  app.decorate('templates', deps.templates ?? []);
  const live = new LiveFeed(deps.engine);
  app.decorate('live', live);
  app.addHook('onClose', async () => live.close());
  if (deps.databaseUrl) {
    live.useRelay(
      await startPgRelay({
        url: deps.databaseUrl,
        db: deps.db,
        feed: live,
        origin: randomUUID(),
        logger: app.log,
      }),
    );
  }
  if (deps.builtInHandlers) {
    deps.engine.registerHandler(
      NOTIFY_JOB_TYPE,
      notifyHandler({
        store: app.store,
        live,
        now: () => deps.engine.clock.now(),
        digestHourUtc: deps.config.mail?.digestHourUtc,
      }),
    );
    deps.engine.registerHandler(PRESENT_JOB_TYPE, presentHandler({ engine: deps.engine }));
  }

  registerSchemas(app);
  const notFound = await registerStaticApp(app, deps.config.staticDir);
  registerErrorHandling(app, notFound);
  registerSecurityHeaders(app);
  const metrics = createHttpMetrics();
  registerMetricsHook(app, metrics);
  registerTaskNotifications(app);
  await registerOpenApi(app, deps.version ?? '0.1.0');
  await app.register(cookie);
  await app.register(authPlugin);

  await app.register(systemRoutes, { metrics });
  await app.register(authRoutes);
  await app.register(userRoutes);
  await app.register(groupRoutes);
  await app.register(tokenRoutes);
  await app.register(formRoutes);
  await app.register(filesPlugin, { db: deps.db });
  await app.register(definitionRoutes);
  await app.register(decisionRoutes);
  await app.register(processAccessRoutes);
  // These pass the caller, with a token's scopes, to the engine: its policy checks them.
  await app.register(withRouteScope(instanceRoutes, 'engine'));
  await app.register(withRouteScope(taskRoutes, 'engine'));
  await app.register(withRouteScope(messageRoutes, 'engine'));
  await app.register(withRouteScope(conditionRoutes, 'engine'));
  await app.register(withRouteScope(jobRoutes, 'engine'));
  await app.register(withRouteScope(migrationRoutes, 'engine'));
  await app.register(withRouteScope(adHocRoutes, 'engine'));
  await app.register(withRouteScope(retentionRoutes, 'engine'));
  await app.register(withRouteScope(absenceRoutes, 'engine'));
  await app.register(withRouteScope(calendarRoutes, 'engine'));
  await app.register(withRouteScope(teamLoadRoutes, 'engine'));
  await app.register(withRouteScope(batchRoutes, 'engine'));
  await app.register(viewRoutes, { db: deps.db });
  await app.register(requestRoutes);
  await app.register(templateRoutes);
  await app.register(notificationRoutes);
  await app.register(eventRoutes);
  return app;
}
