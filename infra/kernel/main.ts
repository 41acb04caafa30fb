import { pathToFileURL } from 'node:url';

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
