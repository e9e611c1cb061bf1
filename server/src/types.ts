import type { Engine } from '@baton/engine';
import type { Role } from '@baton/schemas';
import type { ServerConfig } from './config.js';
import type { FormValidators } from './forms/form-validation.js';
import type { LiveFeed } from './live/live-feed.js';
import type { Store } from './persistence/store.js';

/** The caller of a request, resolved from the session cookie or the bearer token. */
export interface RequestUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly groups: readonly string[];
  readonly locale: string;
}

/**
 * How the caller proved who they are. A session may do what its user's roles allow; a token only
 * what both its scopes and its user's roles allow (`allowsScope` in `@baton/schemas`).
 */
export type RequestAuth =
  | { readonly kind: 'session'; readonly sessionId: string; readonly csrfToken: string }
  | { kind: 'token'; tokenId: string; name: string; scopes: readonly string[] };

/**
 * What a route needs of an API token caller (sessions are never gated by scopes): a simple scope,
 * or `engine` when the route hands the caller's identity to the engine, whose policy checks the
 * scopes itself. A route that declares none lets tokens GET/HEAD with `read` and refuses them
 * every other method.
 */
export type RouteScope = 'read' | 'tasks' | 'start' | 'manage' | 'deploy' | 'admin' | 'engine';

declare module 'fastify' {
  interface FastifyRequest {
    user: RequestUser | null;
    auth: RequestAuth | null;
  }
  interface FastifyInstance {
    engine: Engine;
    store: Store;
    config: ServerConfig;
    formValidators: FormValidators;
    /** Live events for the event stream: engine changes and notifications, from every server process. */
    live: LiveFeed;
    /** Every route registered, for the permission matrix test and diagnostics. */
    routeList: readonly { method: string; url: string }[];
  }
  interface FastifyContextConfig {
    /** false: this route takes unsafe methods without a CSRF token (login). */
    csrf?: boolean;
    /** What an API token needs for this route (see `RouteScope`). */
    scope?: RouteScope;
  }
}
