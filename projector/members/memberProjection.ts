import type { MemberRecorded } from '../../command/member/member.ts';
import { memberAliases } from '../../command/member/member.ts';
import { type Sql, sql } from '../sql.ts';

/**
 * MemberRecorded -> profile state and every alias (bioguide, LIS, ...) pointing at the one member id.
 * A stub document made earlier from ballots under an alias is dropped: the member's own document replaces it.
 */
type Profile = MemberRecorded['data'];

/**
 * The profile after `next`: each record replaces the one before, except that a record without terms (the
 * legislators CSV has only an undated latest term) keeps the dated terms another source gave, so loading the CSV
 * after the YAML does not erase a member's history. The upsert below applies the same rule to stored profiles.
 */
export const mergeProfile = (previous: Profile | undefined, next: Profile): Profile =>
  previous && next.terms.length === 0 && previous.terms.length > 0
    ? { ...next, terms: previous.terms, latestTerm: previous.latestTerm ?? next.latestTerm }
    : next;

export const evolveMembers = (events: readonly MemberRecorded[], position: string) => {
  const latest = new Map<string, Profile>();
  for (const e of events) latest.set(e.data.memberId, mergeProfile(latest.get(e.data.memberId), e.data));
  const statements: Sql[] = [];
  const dirtyMembers = new Set<string>();
  const aliasRows: [string[], string[]] = [[], []];
  for (const [id, data] of latest) {
    dirtyMembers.add(id);
    for (const alias of memberAliases(data)) {
      aliasRows[0].push(alias);
      aliasRows[1].push(id);
    }
  }
  if (latest.size === 0) return { statements, dirtyMembers, aliases: [] as string[] };
  statements.push(
    sql(
      `INSERT INTO member_state (id, profile) SELECT r.id, r.profile FROM json_to_recordset($1::json) AS r(id text, profile jsonb)
       ON CONFLICT (id) DO UPDATE SET profile = CASE
         WHEN jsonb_array_length(coalesce(EXCLUDED.profile -> 'terms', '[]')) = 0
          AND jsonb_array_length(coalesce(member_state.profile -> 'terms', '[]')) > 0
         THEN EXCLUDED.profile || jsonb_build_object('terms', member_state.profile -> 'terms',
           'latestTerm', coalesce(nullif(member_state.profile -> 'latestTerm', 'null'), EXCLUDED.profile -> 'latestTerm'))
         ELSE EXCLUDED.profile END`,
      [JSON.stringify([...latest.entries()].map(([id, profile]) => ({ id, profile })))],
    ),
    // An alias another member held moves here: that member's document listed it, so it is queued for a render
    // too (in this transaction, like every other key the batch queues).
    sql(
      `WITH incoming AS (SELECT * FROM unnest($1::text[], $2::text[]) AS n(alias, member_id)),
       moved AS (
         INSERT INTO member_dirty (key, position)
         SELECT DISTINCT a.member_id, $3::text FROM member_aliases a JOIN incoming n USING (alias)
         WHERE a.member_id <> n.member_id
         ON CONFLICT (key) DO UPDATE SET position = EXCLUDED.position, queued_at = EXCLUDED.queued_at)
       INSERT INTO member_aliases (alias, member_id) SELECT alias, member_id FROM incoming
       ON CONFLICT (alias) DO UPDATE SET member_id = EXCLUDED.member_id`,
      [...aliasRows, position],
    ),
    sql(
      `DELETE FROM members m USING unnest($1::text[], $2::text[]) AS a(alias, member_id)
       WHERE m.id = a.alias AND m.id <> a.member_id`,
      aliasRows,
    ),
  );
  return { statements, dirtyMembers, aliases: aliasRows[0] };
};
