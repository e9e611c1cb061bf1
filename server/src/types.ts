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

/** How the caller proved who they are. */
export type RequestAuth =
  | { readonly kind: 'session'; readonly sessionId: string; readonly csrfToken: string }
  | {
      readonly kind: 'token';
      readonly tokenId: string;
      readonly name: string;
      readonly scopes: readonly string[];
    };

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
  }
}
