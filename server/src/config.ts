import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `buildApp` needs to know beyond its collaborators. */
export interface ServerConfig {
  /**
   * Always mark the session cookie `Secure`. Even when false, it is `Secure` whenever the request
   * came over HTTPS (as `trustProxy` lets fastify see it).
   */
  readonly secureCookies: boolean;
  /**
   * Fastify's `trustProxy`: whom to believe about the client address and protocol
   * (`X-Forwarded-For`, `X-Forwarded-Proto`): true for any, or proxy addresses/CIDRs. false (the
   * default) believes no one.
   */
  readonly trustProxy: boolean | string | readonly string[];
  readonly sessionTtlMs: number;
  /**
   * Login attempts allowed per client address and username in `timeWindowMs`; per address (any
   * username) and per username (any address) `maxPerAddress` and `maxPerAccount`, by default ten
   * times `max`. Counted before the password is checked; a successful attempt is taken back.
   */
  readonly loginRateLimit: {
    readonly max: number;
    readonly timeWindowMs: number;
    readonly maxPerAddress?: number;
    readonly maxPerAccount?: number;
  };
  /** Open event streams per session or API token (per server process); one more gets 429. */
  readonly maxStreamsPerCredential: number;
  /** How often an open event stream re-checks that its session or token still holds. */
  readonly streamRecheckMs: number;
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
    trustProxy: false,
    sessionTtlMs: 7 * 24 * 3600_000,
    loginRateLimit: { max: 10, timeWindowMs: 60_000 },
    maxStreamsPerCredential: 5,
    streamRecheckMs: 20_000,
    staticDir: null,
    bodyLimit: 1024 * 1024,
    deployBodyLimit: 5 * 1024 * 1024,
    ...overrides,
  };
}

/**
 * The credential settings from the environment: `BATON_SECURE_COOKIES=1` or `NODE_ENV=production`
 * always mark the cookie `Secure`; `BATON_TRUST_PROXY` is `true` or a comma-separated
 * list of proxy addresses/CIDRs; `BATON_MAX_STREAMS` caps event streams per
 * credential.
 */
export function credentialSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Partial<ServerConfig> {
  const settings: { -readonly [K in keyof ServerConfig]?: ServerConfig[K] } = {
    secureCookies: env.BATON_SECURE_COOKIES === '1' || env.NODE_ENV === 'production',
  };
  const proxy = env.BATON_TRUST_PROXY?.trim();
  if (proxy === 'true' || proxy === '1') settings.trustProxy = true;
  else if (proxy && proxy !== 'false' && proxy !== '0')
    settings.trustProxy = proxy.split(',').map((p) => p.trim());
  const streams = Number(env.BATON_MAX_STREAMS);
  if (Number.isInteger(streams) && streams > 0) settings.maxStreamsPerCredential = streams;
  return settings;
}
