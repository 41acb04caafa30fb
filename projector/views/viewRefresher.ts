import type pg from 'pg';
import type { Logger } from 'pino';
import { inTransaction } from '../../infra/kernel/db.ts';
import { CHANGES_CHANNEL, SWITCH_LOCK } from '../runner/applyBatch.ts';

/** The wide aggregates kept as materialized views; each has the unique index CONCURRENTLY needs. */
export const VIEWS = ['bill_summary_mv', 'dashboard_mv'] as const;

export type RefreshResult = Readonly<{ view: string; position: string; ms: number }>;

/** Refreshes every view without blocking readers, records the log position it covers, and announces each. */
export const refreshViews = async (pool: pg.Pool, position: string): Promise<RefreshResult[]> => {
  const results: RefreshResult[] = [];
  for (const view of VIEWS) {
    const started = performance.now();
    await inTransaction(pool, async (client) => {
      // A rebuild's schema switch waits for this refresh rather than racing it.
      await client.query('SELECT pg_advisory_xact_lock_shared($1)', [SWITCH_LOCK]);
      // The view name is one of our constants; identifiers cannot be bound as parameters.
      await client.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY ${view}`);
      await client.query(
        `INSERT INTO view_refresh (view_name, position, refreshed_at, duration_ms) VALUES ($1, $2, clock_timestamp(), $3)
         ON CONFLICT (view_name) DO UPDATE SET position = EXCLUDED.position, refreshed_at = EXCLUDED.refreshed_at,
           duration_ms = EXCLUDED.duration_ms`,
        [view, position, Math.round(performance.now() - started)],
      );
      // Announced with the commit of its row: the query services report each view's own refresh (its
      // rm.view_refresh row) and must not see a refreshed row long before the cached answers are dropped.
      await client.query('SELECT pg_notify($1, $2)', [
        CHANGES_CHANNEL,
        JSON.stringify({ position, views: [view] }),
      ]);
    });
    const ms = Math.round(performance.now() - started);
    results.push({ view, position, ms });
  }
  return results;
};

/**
 * The read models' position if a view was not refreshed up to it: a projector killed between a batch and the
 * refresh it triggered must refresh on restart, since no new event may ever come to trigger one.
 */
export const viewsBehind = async (pool: pg.Pool): Promise<string | null> => {
  const r = await pool.query<{ position: string }>(
    `SELECT f.position FROM freshness f WHERE f.read_model = 'votes'
       AND (SELECT count(*) FROM view_refresh v WHERE v.view_name = ANY($1::text[]) AND v.position = f.position) < $2`,
    [VIEWS, VIEWS.length],
  );
  return r.rows[0]?.position ?? null;
};

/**
 * Debounced refresh: batches only mark the views stale; at most one refresh runs at a time, no sooner than
 * `debounceMs` after the last change and no later than `maxDelayMs` after the first unrefreshed one.
 */
export const createViewRefresher = (o: {
  pool: pg.Pool;
  logger: Logger;
  debounceMs: number;
  maxDelayMs: number;
  onRefresh?: (r: RefreshResult[]) => void;
}) => {
  let pendingPosition: string | null = null;
  let firstDirtyAt = 0;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  const run = async () => {
    timer = null;
    if (running || pendingPosition === null || stopped) return;
    const position = pendingPosition;
    pendingPosition = null;
    running = refreshViews(o.pool, position)
      .then((r) => o.onRefresh?.(r))
      .catch((err) => {
        o.logger.warn({ err }, 'materialized view refresh failed; will retry on the next change');
        pendingPosition ??= position;
      })
      .finally(() => {
        running = null;
        if (pendingPosition !== null) schedule();
      });
  };

  let behind = false;
  const schedule = () => {
    if (stopped) return;
    const untilMax = firstDirtyAt + o.maxDelayMs - Date.now();
    // While a backlog drains, batches come back to back: refresh once per maxDelayMs rather than between batches.
    const wait = Math.max(0, behind ? untilMax : Math.min(o.debounceMs, untilMax));
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, wait);
  };

  return {
    /** `backlog`: more batches are about to follow (the refresh waits up to maxDelayMs for them). */
    markStale(position: string, backlog = false) {
      if (pendingPosition === null) firstDirtyAt = Date.now();
      pendingPosition = position;
      behind = backlog;
      schedule();
    },
    /**
     * The backlog a batch announced turned out to be over (its batch was exactly full and the next read found
     * nothing): refresh after the debounce instead of waiting out the max delay.
     */
    caughtUp() {
      if (!behind) return;
      behind = false;
      if (pendingPosition !== null && !running) schedule();
    },
    /** Waits for the refresh in flight (if any); used by tests and shutdown. */
    async idle() {
      while (running || timer) {
        if (running) await running;
        else await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
};
