import { sql } from 'slonik';
import { z } from 'zod';
import type { ReadPool } from '../db.ts';

export const BILL_SORTS = ['latest', 'introduced', 'votes'] as const;
export type BillSort = (typeof BILL_SORTS)[number];

export type BillFilters = Readonly<{
  chamber?: string;
  session?: string;
  status?: string;
  sponsor?: string;
  subject?: string;
  policyArea?: string;
  introducedFrom?: string;
  introducedTo?: string;
}>;

/** The keyset position after the last row of a page: its sort value and id. */
export type BillKey = Readonly<{ value: string | number; id: string }>;

// Each sort's key expression matches one index in sql/0002 and sql/0004, so a page is one index range scan.
const SORT_KEY = {
  latest: sql.fragment`coalesce(latest_action_date, '0001-01-01'::date)`,
  introduced: sql.fragment`coalesce(introduced_date, '0001-01-01'::date)`,
  votes: sql.fragment`vote_count`,
} as const;

const Row = z.object({
  id: z.string(),
  sort_value: z.union([z.string(), z.number()]),
  list_item: z.string(),
});

const conditions = (f: BillFilters) => {
  const c = [sql.fragment`NOT stub`];
  if (f.chamber) c.push(sql.fragment`origin_chamber = ${f.chamber}`);
  if (f.session) c.push(sql.fragment`session = ${f.session}`);
  if (f.status) c.push(sql.fragment`status = ${f.status}`);
  // Any of the sponsor's ids, as /members/:id takes them (a senator's LIS id, a bioguide id...).
  if (f.sponsor)
    c.push(
      sql.fragment`sponsor_id = coalesce((SELECT member_id FROM rm.member_aliases WHERE alias = ${f.sponsor}), ${f.sponsor})`,
    );
  if (f.subject) c.push(sql.fragment`subjects @> ${sql.array([f.subject], 'text')}`);
  if (f.policyArea) c.push(sql.fragment`policy_area = ${f.policyArea}`);
  if (f.introducedFrom) c.push(sql.fragment`introduced_date >= ${f.introducedFrom}::date`);
  if (f.introducedTo) c.push(sql.fragment`introduced_date <= ${f.introducedTo}::date`);
  return c;
};

/** One page of bill list entries: filtered, sorted descending, after a keyset position. */
export const billList = (pool: ReadPool) => ({
  billPage: (filters: BillFilters, sort: BillSort, after: BillKey | null, limit: number) => {
    const key = SORT_KEY[sort];
    const where = conditions(filters);
    if (after) {
      const value =
        sort === 'votes'
          ? sql.fragment`${Number(after.value)}::int`
          : sql.fragment`${String(after.value)}::date`;
      where.push(sql.fragment`(${key}, id) < (${value}, ${after.id})`);
    }
    return pool.any(
      sql.type(Row)`
        SELECT id, ${sort === 'votes' ? key : sql.fragment`to_char(${key}, 'YYYY-MM-DD')`} AS sort_value, list_item
        FROM rm.bills
        WHERE ${sql.join(where, sql.fragment` AND `)}
        ORDER BY ${key} DESC, id DESC
        LIMIT ${limit + 1}`,
    );
  },
});
