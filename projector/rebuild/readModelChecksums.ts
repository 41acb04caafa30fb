import type pg from 'pg';

/** Every table the projector writes (documents and the state they are rendered from). */
export const READ_MODEL_TABLES = [
  'ballots',
  'bill_highlights',
  'bill_search',
  'bill_state',
  'bills',
  'member_aliases',
  'member_state',
  'members',
  'party_stats',
  'search_words',
  'voter_stats',
  'votes',
] as const;

/**
 * One digest per read-model table, ignoring the log position a row came from (it differs between Kafka and
 * the embedded log, and between runs); two read models with equal digests serve identical answers.
 */
export const readModelChecksums = async (client: pg.Pool | pg.ClientBase, schema = 'rm') => {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema ${schema}`);
  const out: Record<string, string> = {};
  for (const table of READ_MODEL_TABLES) {
    const r = await client.query<{ rows: number; digest: string }>(
      `SELECT count(*)::int AS rows,
              md5(coalesce(string_agg((to_jsonb(t) - 'position')::text, '|' ORDER BY (to_jsonb(t) - 'position')::text), '')) AS digest
       FROM ${schema}.${table} t`,
    );
    out[table] = `${r.rows[0]!.rows}:${r.rows[0]!.digest}`;
  }
  return out;
};
