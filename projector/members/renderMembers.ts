import type pg from 'pg';
import type { MemberRecorded } from '../../command/member/member.ts';
import { toDoc } from '../document.ts';
import { jsonRows } from '../sql.ts';
import { type Dissent, type LastSeen, memberDocument, type VoterStats } from './memberDocument.ts';

const ZERO: VoterStats = {
  ballots: 0,
  yea: 0,
  nay: 0,
  present: 0,
  not_voting: 0,
  paired: 0,
  other: 0,
  with_party: 0,
  against_party: 0,
};

/**
 * Re-renders the members behind the given voter keys and member ids. A voter key no member claims yet
 * (a senator's LIS id before the legislators file arrives) gets a stub document under that key.
 */
export const renderMembers = async (client: pg.ClientBase, keys: readonly string[], position: string) => {
  if (keys.length === 0) return;
  const { rows } = await client.query<{
    id: string;
    profile: MemberRecorded['data'] | null;
    aliases: string[];
    stats: VoterStats | null;
    dissents: Dissent[];
    last_seen: LastSeen;
  }>(
    `WITH ids AS (
       SELECT DISTINCT coalesce(a.member_id, k.key) AS id
       FROM unnest($1::text[]) AS k(key) LEFT JOIN member_aliases a ON a.alias = k.key
     ), keyed AS (
       SELECT ids.id, array(SELECT DISTINCT x FROM unnest(array_append(
                (SELECT array_agg(alias) FROM member_aliases WHERE member_id = ids.id), ids.id)) AS x) AS aliases
       FROM ids
     )
     SELECT k.id, s.profile, k.aliases,
       (SELECT jsonb_build_object('ballots', sum(ballots), 'yea', sum(yea), 'nay', sum(nay), 'present', sum(present),
                 'not_voting', sum(not_voting), 'paired', sum(paired), 'other', sum(other),
                 'with_party', sum(with_party), 'against_party', sum(against_party))
          FROM voter_stats WHERE voter = ANY(k.aliases) HAVING count(*) > 0) AS stats,
       coalesce((SELECT jsonb_agg(d ORDER BY d.date DESC, d."voteId" DESC) FROM (
          SELECT b.vote_id AS "voteId", b.voted_at AS date, b.position, b.party, v.summary->>'question' AS question
          FROM ballots b JOIN votes v ON v.id = b.vote_id
          WHERE b.voter = ANY(k.aliases) AND b.with_party = false
          ORDER BY b.voted_at DESC, b.vote_id DESC LIMIT 10) d), '[]'::jsonb) AS dissents,
       (SELECT jsonb_build_object('name', s.last_name, 'party', s.last_party, 'region', s.last_region)
          FROM voter_stats s WHERE s.voter = ANY(k.aliases) AND s.last_voted_at IS NOT NULL
          ORDER BY s.last_voted_at DESC, s.last_vote_id DESC LIMIT 1) AS last_seen
     FROM keyed k LEFT JOIN member_state s ON s.id = k.id`,
    [keys],
  );
  const out = jsonRows({
    id: 'text',
    stub: 'boolean',
    body: 'text',
    etag: 'text',
    position: 'text',
    aliases: 'text[]',
  });
  for (const r of rows) {
    if (!r.profile && !r.stats) continue;
    const doc = toDoc(memberDocument(r.id, r.profile, r.aliases, r.stats ?? ZERO, r.dissents, r.last_seen));
    out.push([r.id, r.profile === null, doc.body, doc.etag, position, r.aliases]);
  }
  await client.query(
    `INSERT INTO members (id, stub, body, etag, position, aliases)
     SELECT ${out.columns()} FROM ${out.source(1)}
     ON CONFLICT (id) DO UPDATE SET stub = EXCLUDED.stub, body = EXCLUDED.body, etag = EXCLUDED.etag,
       position = EXCLUDED.position, aliases = EXCLUDED.aliases`,
    [out.param()],
  );
};
