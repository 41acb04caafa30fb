import type { Logger } from 'pino';
import { sql } from 'slonik';
import { z } from 'zod';
import type { ReadPool } from '../db.ts';
import type { Freshness, FreshnessRow } from './freshness.ts';
import { throttledLog } from './throttledLog.ts';

const Row = z.object({
  read_model: z.string(),
  position: z.string(),
  applied_at: z.number(),
  event_time: z.number().nullable(),
});

/**
 * rm.freshness and each materialized view's refresh (read model `view:<name>`, see freshness.ts), times as epoch
 * milliseconds. One statement, so both come from one snapshot.
 */
export const readFreshness = async (pool: ReadPool): Promise<FreshnessRow[]> =>
  (
    await pool.any(sql.type(Row)`
      SELECT read_model, position,
             (extract(epoch FROM applied_at) * 1000)::float8 AS applied_at,
             (extract(epoch FROM event_time) * 1000)::float8 AS event_time
      FROM rm.freshness
      UNION ALL
      SELECT 'view:' || view_name, position, (extract(epoch FROM refreshed_at) * 1000)::float8, NULL
      FROM rm.view_refresh`)
  ).map((r) => ({
    readModel: r.read_model,
    position: r.position,
    appliedAt: r.applied_at,
    eventTime: r.event_time,
  }));

/**
 * Keeps `freshness` filled from rm.freshness: one read per notification at most (reads never overlap; a
 * request during a read queues exactly one more), a retry each second while not caught up, and no read
 * whose answer predates the last (re)connect of the listener.
 */
export const createFreshnessSync = (o: {
  read: () => Promise<FreshnessRow[]>;
  freshness: Freshness;
  logger: Logger;
  retryMs?: number;
}) => {
  const warn = throttledLog(o.logger);
  let running: Promise<void> | null = null;
  let again = false;
  let generation = 0;

  const loop = async () => {
    do {
      again = false;
      const at = generation;
      try {
        const rows = await o.read();
        if (at === generation) o.freshness.offer(rows);
        else again = true;
      } catch (err) {
        warn(err, 'reading rm.freshness failed; freshness headers keep their last value');
      }
    } while (again);
  };

  const request = () => {
    if (running) {
      again = true;
      return running;
    }
    running = loop().finally(() => {
      running = null;
    });
    return running;
  };

  const timer = setInterval(() => {
    if (!o.freshness.caughtUp()) void request();
  }, o.retryMs ?? 1_000);
  timer.unref();

  return {
    request,
    /** The listener (re)connected: answers to reads started before are not a baseline. */
    restart() {
      generation++;
      return request();
    },
    stop: () => clearInterval(timer),
  };
};
