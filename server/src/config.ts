import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `buildApp` needs to know beyond its collaborators. */
export interface ServerConfig {
  /** Mark the session cookie `Secure` (behind HTTPS). */
  readonly secureCookies: boolean;
  readonly sessionTtlMs: number;
  /** Failed logins allowed per IP and username in `timeWindowMs` (successful ones never count). */
  readonly loginRateLimit: { readonly max: number; readonly timeWindowMs: number };
  /** The web app's build to serve at `/`, or null. */
  readonly staticDir: string | null;
  /** Default request body limit in bytes. */
  readonly bodyLimit: number;
  /** Body limit of BPMN uploads. */
  readonly deployBodyLimit: number;
}

/** The designer's build beside this package in the monorepo, when it has been built. */
export function defaultStaticDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = resolve(here, '../../designer/dist');
  return existsSync(resolve(dir, 'index.html')) ? dir : null;
}

/** Defaults, overridable piecewise (tests lower the limits). */
export function serverConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    secureCookies: false,
    sessionTtlMs: 7 * 24 * 3600_000,
    loginRateLimit: { max: 10, timeWindowMs: 60_000 },
    staticDir: null,
    bodyLimit: 1024 * 1024,
    deployBodyLimit: 5 * 1024 * 1024,
    ...overrides,
  };
}
