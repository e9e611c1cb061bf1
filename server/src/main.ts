// The entry point: `node dist/main.js [serve | reset-admin [username] | help]`. It checks the Node
// version before anything else loads (a dependency that needs a newer Node fails at import, with
// a message nobody can act on), so everything else is imported dynamically.
import { nodeVersionProblem } from './cli/node-version.js';

const USAGE = `Usage: node server/dist/main.js [command]   (or: npm start -- [command])
  serve                  start the server (the default)
  reset-admin [username] give the administrator (default: admin) a new password, print it once,
                         and end their sessions; uses DATA_DIR or DATABASE_URL like the server
  help                   show this`;

function fail(prefix: string, err: unknown): never {
  // Errors the person can act on get their message; anything else its stack, for a bug report.
  const known =
    err instanceof Error &&
    ['DataDirectoryLockedError', 'SettingError', 'UsageError', 'StoreUnavailableError'].includes(err.name);
  const text = err instanceof Error ? (known ? err.message : (err.stack ?? err.message)) : String(err);
  process.stderr.write(`${prefix}: ${text}\n`);
  process.exit(err instanceof Error && err.name === 'UsageError' ? 2 : 1);
}

async function run(): Promise<void> {
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  const [command = 'serve', ...args] = process.argv.slice(2);
  switch (command) {
    case 'serve': {
      const { serve } = await import('./cli/serve.js');
      await serve(process.env).catch((err: unknown) => fail('Baton failed to start', err));
      return;
    }
    case 'reset-admin': {
      const { resetAdmin } = await import('./cli/reset-admin.js');
      await resetAdmin(process.env, args[0] ?? 'admin', (line) => process.stdout.write(`${line}\n`)).catch(
        (err: unknown) => fail('Baton reset-admin', err),
      );
      process.exit(0);
      return;
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      process.stderr.write(`Unknown command '${command}'.\n${USAGE}\n`);
      process.exit(2);
  }
}

void run();
