import type { DatabaseTimeouts } from '@baton/engine';
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
  /** Default request body limit in bytes (task data, messages, everything without its own). */
  readonly bodyLimit: number;
  /** Body limit of BPMN uploads and validation (`/api/definitions`, `/api/definitions/validate`). */
  readonly deployBodyLimit: number;
  /** `/ready` answers 503 when the database has not answered its ping within this. */
  readonly readyTimeoutMs: number;
  /** Body limit of a form save (`POST /api/forms`). */
  readonly formBodyLimit: number;
  /** E-mail (`mailSettingsFromEnv`); absent: no mail is sent or received. */
  readonly mail?: MailSettings;
}

const MiB = 1024 * 1024;

/** The environment variable of each body limit; the value is a number of bytes. */
export const BODY_LIMIT_VARIABLES = {
  bodyLimit: 'BATON_BODY_LIMIT',
  deployBodyLimit: 'BATON_DEPLOY_BODY_LIMIT',
  formBodyLimit: 'BATON_FORM_BODY_LIMIT',
} as const;

type BodyLimits = Pick<ServerConfig, keyof typeof BODY_LIMIT_VARIABLES>;

/**
 * Body limits from the environment, over the defaults (1 MiB, BPMN 5 MiB, forms 1 MiB). A value
 * that is not a whole number of bytes from 1 KiB to 1 GiB stops the start with a clear message
 * rather than leaving the server without a limit.
 */
export function bodyLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): BodyLimits {
  const read = (name: string, fallback: number): number => {
    const text = env[name]?.trim();
    if (!text) return fallback;
    const bytes = Number(text);
    if (!/^\d+$/.test(text) || bytes < 1024 || bytes > 1024 * MiB) {
      throw new Error(`${name} must be a number of bytes from 1024 to ${1024 * MiB}, not '${text}'`);
    }
    return bytes;
  };
  return {
    bodyLimit: read(BODY_LIMIT_VARIABLES.bodyLimit, MiB),
    deployBodyLimit: read(BODY_LIMIT_VARIABLES.deployBodyLimit, 5 * MiB),
    formBodyLimit: read(BODY_LIMIT_VARIABLES.formBodyLimit, MiB),
  };
}

/** The designer's build beside this package in the monorepo, when it has been built. */
export function defaultStaticDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = resolve(here, '../../designer/dist');
  return existsSync(resolve(dir, 'index.html')) ? dir : null;
}

/** Defaults (body limits from the environment, see `bodyLimitsFromEnv`), overridable piecewise. */
export function serverConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    secureCookies: false,
    trustProxy: false,
    sessionTtlMs: 7 * 24 * 3600_000,
    loginRateLimit: { max: 10, timeWindowMs: 60_000 },
    maxStreamsPerCredential: 5,
    streamRecheckMs: 20_000,
    staticDir: null,
    readyTimeoutMs: 1_500,
    ...bodyLimitsFromEnv(process.env),
    ...overrides,
  };
}

/** Where the database is and how long to wait for it, from the environment. */
export interface DatabaseSettings {
  /** PostgreSQL connection string; when absent, the embedded PGlite in `dataDir`. */
  readonly url?: string;
  readonly dataDir: string;
  readonly timeouts: DatabaseTimeouts;
  /** `BATON_DB_POOLER=transaction`: DATABASE_URL is a pooler in transaction mode (see the engine's `openDatabase`). */
  readonly pooler?: 'transaction';
  /**
   * Where live updates LISTEN: `BATON_LISTEN_DATABASE_URL`, else DATABASE_URL. LISTEN needs a
   * session of its own, which a transaction-mode pooler does not keep: give it a direct connection.
   */
  readonly listenUrl?: string;
  /**
   * `DATABASE_REPLICA_URL`: a read replica of DATABASE_URL (a streaming standby) for the lists that
   * tolerate its delay; opened read-only with the same timeouts and pooler setting. Only with
   * DATABASE_URL: the embedded database has no replica (see `replicaIgnored`).
   */
  readonly replicaUrl?: string;
  /** DATABASE_REPLICA_URL was set without DATABASE_URL, and is ignored: start-up says so. */
  readonly replicaIgnored: boolean;
}

/** The environment variables of the PostgreSQL timeouts (milliseconds), and the option each sets. */
export const DATABASE_TIMEOUT_VARIABLES = {
  BATON_DB_CONNECT_TIMEOUT_MS: 'connectMs',
  BATON_DB_STATEMENT_TIMEOUT_MS: 'statementMs',
  BATON_DB_IDLE_TIMEOUT_MS: 'idleMs',
  BATON_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: 'idleInTransactionMs',
} as const satisfies Record<string, keyof DatabaseTimeouts>;

/** A setting in the environment that cannot be used; start-up stops with its message. */
export class SettingError extends Error {
  override readonly name = 'SettingError';
}

/**
 * Reads DATABASE_URL, DATABASE_REPLICA_URL, DATA_DIR and the timeout variables. A timeout that is not a positive whole
 * number of milliseconds is a SettingError (a typo must not silently mean "no timeout").
 */
export function databaseSettings(env: NodeJS.ProcessEnv): DatabaseSettings {
  const timeouts: { -readonly [K in keyof DatabaseTimeouts]: DatabaseTimeouts[K] } = {};
  for (const [variable, option] of Object.entries(DATABASE_TIMEOUT_VARIABLES)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const ms = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(ms) || ms <= 0)
      throw new SettingError(`${variable} must be a positive number of milliseconds, not '${raw}'`);
    timeouts[option] = ms;
  }
  const replica = env.DATABASE_REPLICA_URL?.trim() || undefined;
  const pooler = env.BATON_DB_POOLER?.trim();
  if (pooler && pooler !== 'transaction')
    throw new SettingError(
      `BATON_DB_POOLER must be 'transaction' (a pooler in transaction mode) or unset, not '${pooler}'`,
    );
  return {
    url: env.DATABASE_URL || undefined,
    dataDir: resolve(env.DATA_DIR ?? './data'),
    timeouts,
    ...(pooler ? { pooler: 'transaction' as const } : {}),
    listenUrl: env.DATABASE_URL ? env.BATON_LISTEN_DATABASE_URL || env.DATABASE_URL : undefined,
    ...(env.DATABASE_URL && replica ? { replicaUrl: replica } : {}),
    replicaIgnored: !env.DATABASE_URL && replica !== undefined,
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

/** E-mail out (SMTP) and in (replies to notification mails); see docs/TEAMS.md, "E-mail". */
export interface MailSettings {
  /** `BATON_SMTP_URL`, e.g. `smtp://127.0.0.1:2525` or `smtps://user:pass@host:465`. */
  readonly smtpUrl: string;
  /** `BATON_MAIL_FROM`, e.g. `Baton <baton@example.com>`. */
  readonly from: string;
  /** `BATON_PUBLIC_URL`: where people open the web app; mails link to tasks under it. */
  readonly publicUrl: string;
  /** `BATON_MAIL_DIGEST_HOUR`: the hour (UTC, 0-23) daily digests go out; default 7. */
  readonly digestHourUtc: number;
  /**
   * `BATON_MAIL_SECRET`: the key reply addresses are signed with (HMAC-SHA256); every server
   * process must share it. Without it mails carry no reply address.
   */
  readonly replySecret: string | null;
  /** The domain of reply addresses (`BATON_MAIL_REPLY_DOMAIN`, else that of `from`). */
  readonly replyDomain: string;
  /** `BATON_SMTP_INBOUND_PORT` (and `_HOST`, default 127.0.0.1): receive replies; off when unset. */
  readonly inbound: { readonly port: number; readonly host: string; readonly maxBytes: number } | null;
  /** How often the sender looks for mail to send (`BATON_MAIL_POLL_MS`, default 5000). */
  readonly pollMs: number;
}

/**
 * Mail settings from the environment, or undefined when `BATON_SMTP_URL` is unset (mail off).
 * A value that cannot be used stops the start with a SettingError.
 */
export function mailSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): MailSettings | undefined {
  const smtpUrl = env.BATON_SMTP_URL?.trim();
  if (!smtpUrl) return undefined;
  if (!/^smtps?:\/\//.test(smtpUrl))
    throw new SettingError(`BATON_SMTP_URL must start with smtp:// or smtps://, not '${smtpUrl}'`);
  const from = env.BATON_MAIL_FROM?.trim();
  if (!from) throw new SettingError('BATON_MAIL_FROM must be set when BATON_SMTP_URL is');
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1];
  const whole = (name: string, fallback: number, min: number, max: number): number => {
    const text = env[name]?.trim();
    if (!text) return fallback;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max)
      throw new SettingError(`${name} must be a whole number from ${min} to ${max}, not '${text}'`);
    return n;
  };
  const secret = env.BATON_MAIL_SECRET?.trim() || null;
  if (secret !== null && secret.length < 32)
    throw new SettingError('BATON_MAIL_SECRET must be at least 32 characters');
  const port = env.BATON_SMTP_INBOUND_PORT?.trim();
  if (port && !secret) throw new SettingError('BATON_SMTP_INBOUND_PORT needs BATON_MAIL_SECRET');
  const replyDomain = env.BATON_MAIL_REPLY_DOMAIN?.trim() || domain;
  if (!replyDomain) throw new SettingError(`BATON_MAIL_FROM must hold an address, not '${from}'`);
  return {
    smtpUrl,
    from,
    publicUrl: (env.BATON_PUBLIC_URL?.trim() || 'http://localhost:3000').replace(/\/+$/, ''),
    digestHourUtc: whole('BATON_MAIL_DIGEST_HOUR', 7, 0, 23),
    replySecret: secret,
    replyDomain,
    inbound: port
      ? {
          port: whole('BATON_SMTP_INBOUND_PORT', 0, 1, 65535),
          host: env.BATON_SMTP_INBOUND_HOST?.trim() || '127.0.0.1',
          maxBytes: whole('BATON_SMTP_INBOUND_MAX_BYTES', 256 * 1024, 1024, 10 * MiB),
        }
      : null,
    pollMs: whole('BATON_MAIL_POLL_MS', 5_000, 100, 3_600_000),
  };
}
