import type { Logger } from 'pino';

/**
 * Logs a recurring failure at most once per `everyMs`, counting what it left out: an unreachable Redis
 * fails every request, and one line per request would drown the log.
 */
export const throttledLog = (logger: Logger, everyMs = 10_000, now = () => Date.now()) => {
  let last = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (err: unknown, msg: string) => {
    const t = now();
    if (t - last < everyMs) {
      suppressed++;
      return;
    }
    logger.warn({ err, suppressed }, msg);
    last = t;
    suppressed = 0;
  };
};
