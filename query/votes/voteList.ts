import { sql } from 'slonik';
import { z } from 'zod';
import type { ReadPool } from '../db.ts';

export type VoteFilters = Readonly<{
  chamber?: 'lower' | 'upper' | 'joint';
  session?: string;
  category?: string;
  result?: string;
  bill?: string;
  from?: string;
  to?: string;
}>;

export type VoteKey = Readonly<{ date: string; id: string }>;

const Row = z.object({ id: z.string(), voted_at: z.string(), list_item: z.string() });

/** Votes newest first, filtered; keyset on (voted_at, id) as indexed in sql/0002 and sql/0004. */
export const voteList = (pool: ReadPool) => ({
  votePage: (f: VoteFilters, after: VoteKey | null, limit: number) => {
    const c = [sql.fragment`true`];
    if (f.chamber) c.push(sql.fragment`chamber = ${f.chamber}`);
    if (f.session) c.push(sql.fragment`session = ${f.session}`);
    if (f.category) c.push(sql.fragment`category = ${f.category}`);
    if (f.result) c.push(sql.fragment`result = ${f.result}`);
    if (f.bill) c.push(sql.fragment`bill_id = ${f.bill}`);
    // The day in the legislature's own time (vote_date); the bounds on voted_at, a day wider than any UTC offset,
    // keep the scan on the (voted_at, id) index.
    if (f.from)
      c.push(sql.fragment`vote_date >= ${f.from}::date AND voted_at >= ${f.from}::date - interval '1 day'`);
    if (f.to)
      c.push(sql.fragment`vote_date <= ${f.to}::date AND voted_at < ${f.to}::date + interval '2 days'`);
    if (after) c.push(sql.fragment`(voted_at, id) < (${after.date}::timestamptz, ${after.id})`);
    return pool.any(
      sql.type(Row)`
        SELECT id, to_char(voted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS voted_at, list_item
        FROM rm.votes
        WHERE ${sql.join(c, sql.fragment` AND `)}
        ORDER BY voted_at DESC, id DESC
        LIMIT ${limit + 1}`,
    );
  },
});
