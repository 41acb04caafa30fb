import type { MemberRecorded } from '../../command/member/member.ts';
import { memberAliases } from '../../command/member/member.ts';
import { type Sql, sql } from '../sql.ts';

/**
 * MemberRecorded -> profile state and every alias (bioguide, LIS, ...) pointing at the one member id.
 * A stub document made earlier from ballots under an alias is dropped: the member's own document replaces it.
 */
export const evolveMembers = (events: readonly MemberRecorded[]) => {
  const latest = new Map<string, MemberRecorded['data']>();
  for (const e of events) latest.set(e.data.memberId, e.data);
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
       ON CONFLICT (id) DO UPDATE SET profile = EXCLUDED.profile`,
      [JSON.stringify([...latest.entries()].map(([id, profile]) => ({ id, profile })))],
    ),
    sql(
      `INSERT INTO member_aliases (alias, member_id) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (alias) DO UPDATE SET member_id = EXCLUDED.member_id`,
      aliasRows,
    ),
    sql(
      `DELETE FROM members m USING unnest($1::text[], $2::text[]) AS a(alias, member_id)
       WHERE m.id = a.alias AND m.id <> a.member_id`,
      aliasRows,
    ),
  );
  return { statements, dirtyMembers, aliases: aliasRows[0] };
};
