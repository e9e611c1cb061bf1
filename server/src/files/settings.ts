/** How uploads are limited and checked; read once at start-up (`fileSettingsFromEnv`). */
export interface FileSettings {
  /** Largest upload in bytes (`BATON_UPLOAD_LIMIT`, default 10 MiB); one byte more is a 413. */
  readonly uploadLimit: number;
  /**
   * The virus scanner (`BATON_SCAN_COMMAND`): a program and its arguments, split on spaces, run
   * without a shell. It gets the bytes on stdin; exit 0 = clean, 1 = infected, anything else (or
   * no answer within `scanTimeoutMs`) = the scan failed, and the upload is refused (503).
   */
  readonly scanCommand: readonly string[] | null;
  readonly scanTimeoutMs: number;
  /** An upload no form attached within this long is removed (`BATON_UPLOAD_EXPIRY_HOURS`, default 24). */
  readonly expiryMs: number;
}

const MiB = 1024 * 1024;

/** A setting that cannot be used stops the start with its message. */
export function fileSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): FileSettings {
  const whole = (name: string, fallback: number, min: number, max: number): number => {
    const text = env[name]?.trim();
    if (!text) return fallback;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max)
      throw new Error(`${name} must be a whole number from ${min} to ${max}, not '${text}'`);
    return n;
  };
  const command = env.BATON_SCAN_COMMAND?.trim();
  return {
    uploadLimit: whole('BATON_UPLOAD_LIMIT', 10 * MiB, 1024, 512 * MiB),
    scanCommand: command ? command.split(/\s+/) : null,
    scanTimeoutMs: whole('BATON_SCAN_TIMEOUT_MS', 30_000, 100, 600_000),
    expiryMs: whole('BATON_UPLOAD_EXPIRY_HOURS', 24, 1, 24 * 365) * 3600_000,
  };
}
