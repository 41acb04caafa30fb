import type { MemberRecorded } from '../../command/member/member.ts';
import { memberAliases } from '../../command/member/member.ts';
import { type Sql, sql } from '../sql.ts';

/**
 * MemberRecorded -> profile state and every alias (bioguide, LIS, ...) pointing at the one member id.
 * A stub document made earlier from ballots under an alias is dropped: the member's own document replaces it.
 */
type Profile = MemberRecorded['data'];

/**
 * Which kind of source a record comes from: one with dated terms (the legislators YAML) or one without (the CSV,
 * which has only an undated latest term). The two are kept apart so neither erases what only the other knows.
 */
export type SourceKind = 'dated' | 'undated';
export const sourceKind = (p: Profile): SourceKind => (p.terms.length > 0 ? 'dated' : 'undated');

/**
 * The stored profile: the member's record from each kind of source (a newer record of the same kind replaces the
 * older, so a corrected file still corrects) under `sources`, and the two merged at the top level, which is what
 * renders read. The merge depends only on the two records, never on which arrived first (a rebuild compares read
 * models, and loading the CSV before or after the YAML must give the same member):
 * - every field is the dated source's unless it is null there, then the undated source's; `name` field by field;
 *   so `terms` and `latestTerm` come from the YAML, as do the names of the richer file;
 * - `ids` are the dated source's, then those of schemes only the undated source names (the YAML has wikidata,
 *   pictorial, house_history, maplight; the CSV none of its own). A scheme both name keeps the dated source's
 *   values: the CSV is generated from the YAML, so a disagreement is a stale file, and listing both would give a
 *   member two ids in a scheme that has one per person (LIS). Both records' ids stay aliases of the member.
 * Profiles stored before `sources` existed count as the one record of the kind their terms say.
 */
const UPSERT = `
  WITH incoming AS (SELECT r.id, r.sources FROM json_to_recordset($1::json) AS r(id text, sources jsonb)),
  merged AS (
    SELECT n.id, CASE
        WHEN s.profile IS NULL THEN '{}'::jsonb
        WHEN s.profile ? 'sources' THEN s.profile -> 'sources'
        WHEN jsonb_array_length(coalesce(s.profile -> 'terms', '[]')) > 0 THEN jsonb_build_object('dated', s.profile)
        ELSE jsonb_build_object('undated', s.profile) END || n.sources AS sources
    FROM incoming n LEFT JOIN member_state s USING (id)),
  parts AS (
    SELECT id, sources, coalesce(sources -> 'dated', '{}') AS d, coalesce(sources -> 'undated', '{}') AS u
    FROM merged)
  INSERT INTO member_state (id, profile)
  SELECT id,
    d || u || (SELECT coalesce(jsonb_object_agg(key, value), '{}') FROM jsonb_each(d) WHERE value <> 'null')
      || jsonb_build_object(
        'name', coalesce(d -> 'name', '{}') || coalesce(u -> 'name', '{}') || jsonb_strip_nulls(coalesce(d -> 'name', '{}')),
        'ids', (SELECT coalesce(jsonb_agg(ref ORDER BY kind, ord), '[]') FROM (
                  SELECT ref, 0 AS kind, ord FROM jsonb_array_elements(coalesce(d -> 'ids', '[]')) WITH ORDINALITY AS x(ref, ord)
                  UNION ALL
                  SELECT ref, 1, ord FROM jsonb_array_elements(coalesce(u -> 'ids', '[]')) WITH ORDINALITY AS x(ref, ord)
                  WHERE NOT coalesce(d -> 'ids', '[]') @> jsonb_build_array(jsonb_build_object('scheme', ref -> 'scheme'))) i),
        'sources', sources)
  FROM parts
  ON CONFLICT (id) DO UPDATE SET profile = EXCLUDED.profile`;

export const evolveMembers = (events: readonly MemberRecorded[], position: string) => {
  // The last record of each kind per member: what the same events one per batch leave in `sources`.
  const latest = new Map<string, Partial<Record<SourceKind, Profile>>>();
  // Every record's aliases in log order, the last owner of each winning, as one batch per event would leave them
  // (one row per alias: an upsert cannot touch a row twice).
  const owners = new Map<string, string>();
  for (const e of events) {
    const id = e.data.memberId;
    latest.set(id, { ...latest.get(id), [sourceKind(e.data)]: e.data });
    for (const alias of memberAliases(e.data)) owners.set(alias, id);
  }
  const statements: Sql[] = [];
  const dirtyMembers = new Set(latest.keys());
  const aliasRows: [string[], string[]] = [[...owners.keys()], [...owners.values()]];
  if (latest.size === 0) return { statements, dirtyMembers, aliases: [] as string[] };
  statements.push(
    sql(UPSERT, [JSON.stringify([...latest.entries()].map(([id, sources]) => ({ id, sources })))]),
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
