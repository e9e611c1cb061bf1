import type { FastifyPluginAsync } from 'fastify';

/**
 * Marks a plugin so its hooks and decorators apply to the whole app instead of its own
 * encapsulated context (what `fastify-plugin` does, without the extra dependency).
 */
export function shared<T extends FastifyPluginAsync>(plugin: T): T {
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}
