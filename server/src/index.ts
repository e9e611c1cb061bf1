/** @baton/server: the HTTP API. `buildApp` for embedding and tests; `main.ts` runs it. */
export { type AppDeps, buildApp } from './app.js';
export { defaultStaticDir, type ServerConfig, serverConfig } from './config.js';
export { ENGINE_ERROR_STATUS } from './plugins/errors.js';
export { migrateServer } from './persistence/migrations.js';
export { createStore, type Store } from './persistence/store.js';
export { DEMO_TEAM, ensureFirstStart, TEMPLATE_GROUPS } from './setup/first-start.js';
export { builtInTemplates, installTemplates, type TemplateBundle } from './setup/templates.js';
export type { RequestUser } from './types.js';
