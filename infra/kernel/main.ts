import { pathToFileURL } from 'node:url';
import { describeStartupError, type StartupFailure } from './startupErrors.ts';

/** True when the module is the process entry point (so service modules can also be imported). */
export const isMain = (metaUrl: string) =>
  process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === metaUrl;

/** Runs `stop` once on SIGINT/SIGTERM, then exits. */
export const onShutdown = (stop: () => Promise<void>) => {
  let stopping = false;
  const handler = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await stop();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
};

/**
 * Runs an entry point: a startup failure a user can fix (configuration, a port in use, no database) is printed
 * as one message and exits 2; anything else is a bug and keeps its stack (exit 1).
 */
export const runMain = async (
  main: () => Promise<void>,
  o: { portVariables?: string; hint?: (failure: StartupFailure) => string | null } = {},
) => {
  try {
    await main();
  } catch (err) {
    const known = describeStartupError(err, o.portVariables ? { portVariables: o.portVariables } : {});
    if (!known) throw err;
    const hint = o.hint?.(known);
    process.stderr.write(`${known.message}\n${hint ? `${hint}\n` : ''}`);
    process.exit(known.exitCode);
  }
};
