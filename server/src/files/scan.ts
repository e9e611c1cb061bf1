import { spawn } from 'node:child_process';

/** What the scanner said: clean or infected. A scanner that fails throws `ScanFailed`. */
export type ScanVerdict = 'clean' | 'infected';

/** The scanner could not give a verdict (crashed, timed out, exited with another code). */
export class ScanFailed extends Error {
  override readonly name = 'ScanFailed';
}

/**
 * Runs the scan command (no shell) with the bytes on stdin, as `clamdscan -` expects: exit 0 is
 * clean, 1 infected; anything else, or no exit within `timeoutMs`, is a failure, so an upload is
 * never accepted unscanned when a scanner is configured.
 */
export function scanBytes(
  command: readonly string[],
  bytes: Uint8Array,
  timeoutMs: number,
): Promise<ScanVerdict> {
  const [program, ...args] = command;
  if (!program) return Promise.resolve('clean');
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new ScanFailed(`The virus scan did not answer within ${timeoutMs} ms`)));
    }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 2000) stderr += d.toString('utf8');
    });
    child.on('error', (err) =>
      finish(() => reject(new ScanFailed(`The virus scan could not run: ${err.message}`))),
    );
    child.on('close', (code) => {
      if (code === 0) finish(() => resolve('clean'));
      else if (code === 1) finish(() => resolve('infected'));
      else
        finish(() =>
          reject(new ScanFailed(`The virus scan failed (exit ${code}): ${stderr.trim().slice(0, 200)}`)),
        );
    });
    // A scanner that stops reading early (it has seen enough) closes stdin: not our failure.
    child.stdin.on('error', () => {});
    child.stdin.end(bytes);
  });
}
