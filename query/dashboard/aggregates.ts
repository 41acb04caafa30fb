import { sql } from 'slonik';
import { z } from 'zod';
import type { ReadPool } from '../db.ts';

const Refresh = z.object({ position: z.string(), refreshed_at: z.string() });

/** Reads of the materialized views: the dashboard row and the bills summary, with when they were refreshed. */
export const aggregates = (pool: ReadPool) => ({
  dashboard: () =>
    pool.maybeOne(sql.type(z.object({ body: z.string() }))`SELECT body FROM rm.dashboard_mv WHERE id = 1`),
  billSummary: (status: string | undefined, limit: number) =>
    pool.any(
      sql.type(z.object({ item: z.string() }))`
        SELECT item FROM rm.bill_summary_mv
        ${status ? sql.fragment`WHERE status = ${status}` : sql.fragment``}
        ORDER BY latest_action_date DESC NULLS LAST, id
        LIMIT ${limit}`,
    ),
  viewRefresh: (view: string) =>
    pool.maybeOne(
      sql.type(Refresh)`
        SELECT position, to_char(refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS refreshed_at
        FROM rm.view_refresh WHERE view_name = ${view}`,
    ),
});
