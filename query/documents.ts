import { sql } from 'slonik';
import { z } from 'zod';
import { billList } from './bills/billList.ts';
import { aggregates } from './dashboard/aggregates.ts';
import type { ReadPool } from './db.ts';
import { votingRecord } from './members/votingRecord.ts';
import { voteList } from './votes/voteList.ts';

const DocRow = z.object({ body: z.string(), etag: z.string(), position: z.string() });
export type DocRow = z.infer<typeof DocRow>;

/** Lookups by primary key of precomputed documents: one indexed row, no joins, no aggregates. */
export const createDocuments = (pool: ReadPool) => ({
  ...billList(pool),
  ...voteList(pool),
  ...votingRecord(pool),
  ...aggregates(pool),
  bill: (id: string) =>
    pool.maybeOne(sql.type(DocRow)`SELECT body, etag, position FROM rm.bills WHERE id = ${id}`),
  vote: (id: string) =>
    pool.maybeOne(sql.type(DocRow)`SELECT body, etag, position FROM rm.votes WHERE id = ${id}`),
  /** Accepts the member id or any alias (a senator's LIS id, a bioguide id...). */
  member: (id: string) =>
    pool.maybeOne(sql.type(DocRow)`
      SELECT body, etag, position FROM rm.members
      WHERE id = coalesce((SELECT member_id FROM rm.member_aliases WHERE alias = ${id}), ${id})`),
  bills: (ids: readonly string[]) =>
    pool.any(
      sql.type(z.object({ id: z.string(), body: z.string() }))`
        SELECT id, body FROM rm.bills WHERE id = ANY(${sql.array(ids, 'text')})`,
    ),
  freshness: () =>
    pool.any(
      sql.type(z.object({ read_model: z.string(), position: z.string(), applied_at: z.number() }))`
        SELECT read_model, position, (extract(epoch FROM applied_at) * 1000)::float8 AS applied_at FROM rm.freshness`,
    ),
});

export type Documents = ReturnType<typeof createDocuments>;
