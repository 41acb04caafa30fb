import { sql } from 'slonik';
import { z } from 'zod';
import type { ReadPool } from '../db.ts';

export type RecordKey = Readonly<{ date: string; voteId: string }>;

const Member = z.object({ id: z.string(), aliases: z.array(z.string()) });
const Ballot = z.object({
  vote_id: z.string(),
  voted_at: z.string(),
  position: z.string(),
  party: z.string().nullable(),
  with_party: z.boolean().nullable(),
});
const Item = z.object({ id: z.string(), list_item: z.string() });

/**
 * A member's voting record, newest first: one index range scan over the member's ballots (all aliases), then
 * the matching vote list entries by primary key. No join or aggregate at request time.
 */
export const votingRecord = (pool: ReadPool) => ({
  memberAliases: (id: string) =>
    pool.maybeOne(
      sql.type(Member)`
        SELECT id, aliases FROM rm.members
        WHERE id = coalesce((SELECT member_id FROM rm.member_aliases WHERE alias = ${id}), ${id})`,
    ),
  ballotPage: (aliases: readonly string[], after: RecordKey | null, limit: number) =>
    pool.any(
      sql.type(Ballot)`
        SELECT vote_id, to_char(voted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS voted_at, position,
               party, with_party
        FROM rm.ballots
        WHERE voter = ANY(${sql.array(aliases, 'text')})
          ${after ? sql.fragment`AND (voted_at, vote_id) < (${after.date}::timestamptz, ${after.voteId})` : sql.fragment``}
        ORDER BY voted_at DESC, vote_id DESC
        LIMIT ${limit + 1}`,
    ),
  voteItems: (ids: readonly string[]) =>
    pool.any(sql.type(Item)`SELECT id, list_item FROM rm.votes WHERE id = ANY(${sql.array(ids, 'text')})`),
});
