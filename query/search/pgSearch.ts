import { type FragmentSqlToken, sql } from 'slonik';
import { z } from 'zod';
import type { ReadPool } from '../db.ts';
import type { BillSearchParams, SearchEngine, SearchPage, VoteSearchParams } from './engine.ts';
import { withHighlights } from './engine.ts';
import { highlightHtml, MARK_END, MARK_START } from './highlight.ts';
import { applyCorrections, parseSearchText } from './searchText.ts';

const TITLE_HEADLINE = `HighlightAll=true, StartSel=${MARK_START}, StopSel=${MARK_END}`;
const SNIPPET_HEADLINE = `MaxFragments=2, MinWords=12, MaxWords=30, FragmentDelimiter=" … ", StartSel=${MARK_START}, StopSel=${MARK_END}`;

/**
 * Snippets come from the start of a summary: ts_headline parses all the text it is given, and the longest
 * summaries (60,000 characters for H.R. 3684) cost more than the rest of the query.
 */
const SNIPPET_SOURCE_CHARS = 4_000;

/** Up to this many matches are ranked on their whole document (read from TOAST); beyond, on the rank vector. */
const FULL_RANK_MAX = 400;

/** The tsquery of a search box text, or null for an empty box (browse). */
const tsquery = (raw: string) => {
  const t = parseSearchText(raw);
  const parts: FragmentSqlToken[] = [];
  if (t.head) parts.push(sql.fragment`websearch_to_tsquery('english', ${t.head})`);
  if (t.prefix) {
    // Stemmed and unstemmed: "infrastru" matches the stem infrastructur, "reconcilia" the word reconciliation.
    const p = `${t.prefix}:*`;
    parts.push(sql.fragment`(to_tsquery('english', ${p}) || to_tsquery('simple', ${p}))`);
  }
  return { words: t.words, query: parts.length ? sql.join(parts, sql.fragment` && `) : null };
};

const anyOf = (column: FragmentSqlToken, values: readonly string[] | undefined) =>
  values?.length ? [sql.fragment`${column} = ANY(${sql.array(values, 'text')})`] : [];

const Result = z.object({
  total: z.number(),
  facets: z.record(z.array(z.object({ value: z.string(), count: z.number() }))),
  hits: z.array(z.object({ hit: z.string(), title: z.string().nullable(), summary: z.string().nullable() })),
});

type Table = Readonly<{
  /** The search table, the columns facets are counted over, and how a page is ordered when browsing. */
  from: FragmentSqlToken;
  facetColumns: FragmentSqlToken;
  rankVector: FragmentSqlToken;
  /** Importance multiplied into text relevance. */
  boost: FragmentSqlToken;
  tieBreak: FragmentSqlToken;
  browseOrder: FragmentSqlToken;
  hit: FragmentSqlToken;
  title: FragmentSqlToken;
  /** The name of the title's highlight in a hit. */
  titleField: 'title' | 'question';
  summary: FragmentSqlToken | null;
}>;

const FACET_COLUMNS: Readonly<Record<string, FragmentSqlToken>> = {
  chamber: sql.fragment`m.chamber`,
  status: sql.fragment`m.status`,
  policyArea: sql.fragment`m.policy_area`,
  sponsorParty: sql.fragment`m.sponsor_party`,
  session: sql.fragment`m.session`,
  becameLaw: sql.fragment`m.became_law`,
  result: sql.fragment`m.result`,
  category: sql.fragment`m.category`,
};

/**
 * Counts per value of each requested facet over the matches, in one pass (GROUPING SETS: one hash table per
 * facet) instead of one row per match and facet.
 */
const facetCounts = (facets: readonly string[]) => {
  const columns = facets.map((f) => [f, FACET_COLUMNS[f]!] as const);
  if (columns.length === 0) return sql.fragment`'{}'::json`;
  const which = (pick: (name: string, column: FragmentSqlToken) => FragmentSqlToken) =>
    sql.fragment`CASE ${sql.join(
      columns.map(([name, column]) => sql.fragment`WHEN GROUPING(${column}) = 0 THEN ${pick(name, column)}`),
      sql.fragment` `,
    )} END`;
  return sql.fragment`(SELECT coalesce(json_object_agg(facet, vals), '{}') FROM (
    SELECT facet, json_agg(json_build_object('value', value, 'count', n) ORDER BY n DESC, value) AS vals
    FROM (SELECT ${which((name) => sql.fragment`${name}`)} AS facet, ${which((_n, column) => column)} AS value,
                 count(*)::int AS n
          FROM m GROUP BY GROUPING SETS (${sql.join(
            columns.map(([, column]) => sql.fragment`(${column})`),
            sql.fragment`, `,
          )})) c
    WHERE value IS NOT NULL GROUP BY facet) g)`;
};

/**
 * One statement per search: the matching rows (GIN index), their count, facet counts over them and one page
 * ranked by the small rank vector, with `ts_headline` snippets for that page only.
 */
const runSearch = async (
  pool: ReadPool,
  table: Table,
  raw: string,
  filters: readonly FragmentSqlToken[],
  facets: readonly string[],
  limit: number,
  offset: number,
): Promise<SearchPage> => {
  const run = async (text: string) => {
    const { query } = tsquery(text);
    const where = [...(query ? [sql.fragment`s.document @@ q.query`] : []), ...filters];
    const statement = sql.type(Result)`
      WITH q AS MATERIALIZED (SELECT ${query ?? sql.fragment`NULL::tsquery`} AS query),
      m AS MATERIALIZED (
        SELECT s.id, ${table.facetColumns},
               ${query ? sql.fragment`ts_rank_cd(${table.rankVector}, q.query, 1) * ${table.boost}` : sql.fragment`0::real`} AS rank,
               ${table.boost} AS boost,
               ${table.tieBreak} AS tie, ${table.browseOrder} AS recent
        FROM ${table.from} s, q
        WHERE ${where.length ? sql.join(where, sql.fragment` AND `) : sql.fragment`true`}
      ),
      ranked AS (
        -- Few matches: rank on the whole document, so a summary that holds the words together counts. Many:
        -- the small rank vector only, or every match would be read from TOAST.
        SELECT m.id, m.tie, m.recent, CASE WHEN (SELECT count(*) FROM m) <= ${FULL_RANK_MAX} AND ${query ? sql.fragment`true` : sql.fragment`false`}
          THEN (SELECT ts_rank_cd(d.document, q.query, 1) FROM ${table.from} d WHERE d.id = m.id) * m.boost
          ELSE m.rank END AS rank
        FROM m, q
      ),
      page AS (
        SELECT id, row_number() OVER (ORDER BY rank DESC, tie DESC, recent DESC, id) AS ord
        FROM ranked ORDER BY rank DESC, tie DESC, recent DESC, id LIMIT ${limit} OFFSET ${offset}
      )
      SELECT
        (SELECT count(*) FROM m)::int AS total,
        ${facetCounts(facets)} AS facets,
        (SELECT coalesce(json_agg(json_build_object(
            'hit', ${table.hit},
            'title', ${query ? sql.fragment`ts_headline('english', translate(${table.title}, ${MARK_START + MARK_END}, ''), q.query, ${TITLE_HEADLINE})` : table.title},
            'summary', ${
              table.summary
                ? query
                  ? sql.fragment`ts_headline('english', translate(left(${table.summary}, ${SNIPPET_SOURCE_CHARS}), ${MARK_START + MARK_END}, ''), q.query, ${SNIPPET_HEADLINE})`
                  : sql.fragment`left(${table.summary}, 240)`
                : sql.fragment`NULL::text`
            }) ORDER BY p.ord), '[]')
         FROM page p JOIN ${table.from} s USING (id), q) AS hits`;
    // The planner prices a seq scan below the GIN index for a broad word, but each row it reads would fetch
    // and decompress the whole document from TOAST (measured: 110 ms against 9 ms): the index, always.
    return query
      ? pool.transaction(async (tx) => {
          await tx.query(sql.unsafe`SET LOCAL enable_seqscan = off`);
          return tx.one(statement);
        })
      : pool.one(statement);
  };

  const first = await run(raw);
  const { words } = tsquery(raw);
  let result = first;
  let corrected: string | null = null;
  if (first.total === 0 && words.length) {
    // Nothing found: replace words the corpus does not contain by the closest word it does (trigrams).
    const fixes = await pool.any(
      sql.type(z.object({ input: z.string(), fix: z.string() }))`
        SELECT w.input, x.word AS fix FROM unnest(${sql.array(words, 'text')}) AS w(input)
        CROSS JOIN LATERAL (
          SELECT d.word FROM rm.search_words d
          WHERE d.word OPERATOR(public.%) w.input
          ORDER BY public.similarity(d.word, w.input) DESC, d.ndoc DESC, d.word LIMIT 1) x
        WHERE length(w.input) >= 4 AND w.input ~ '^[a-z]+$'
          AND NOT EXISTS (SELECT 1 FROM rm.search_words e WHERE e.word = w.input)`,
    );
    if (fixes.length) {
      corrected = applyCorrections(raw, new Map(fixes.map((f) => [f.input, f.fix])));
      result = await run(corrected);
    }
  }
  return {
    total: result.total,
    facets: result.facets,
    corrected,
    hits: result.hits.map((h) =>
      withHighlights(h.hit, {
        [table.titleField]: h.title === null ? null : highlightHtml(h.title),
        ...(table.summary ? { summary: h.summary === null ? null : highlightHtml(h.summary) } : {}),
      }),
    ),
  };
};

const BILLS: Table = {
  from: sql.fragment`rm.bill_search`,
  facetColumns: sql.fragment`s.chamber, s.status, s.policy_area, s.sponsor_party, s.session,
    s.became_law::text AS became_law, NULL::text AS result, NULL::text AS category`,
  rankVector: sql.fragment`s.rank_vector`,
  // A law, or a bill the chamber voted on many times, above the hundred bills that only mention its words
  // (chosen on the 117th Congress: H.R. 3684 first for "infrastructure investment", H.R. 1319 for "american
  // rescue plan", where plain text rank put bills amending them first).
  boost: sql.fragment`(1 + s.became_law::int + 0.3 * ln(1 + s.vote_count))`,
  tieBreak: sql.fragment`s.became_law::int`,
  browseOrder: sql.fragment`coalesce(s.latest_action_date, '0001-01-01'::date)`,
  hit: sql.fragment`s.hit`,
  title: sql.fragment`s.title`,
  titleField: 'title',
  summary: sql.fragment`s.summary`,
};

const VOTES: Table = {
  from: sql.fragment`rm.votes`,
  facetColumns: sql.fragment`s.chamber, NULL::text AS status, NULL::text AS policy_area,
    NULL::text AS sponsor_party, s.session, NULL::text AS became_law, s.result, s.category`,
  // Votes are few and their vectors small: rank on the document itself.
  rankVector: sql.fragment`s.document`,
  boost: sql.fragment`1`,
  tieBreak: sql.fragment`0`,
  browseOrder: sql.fragment`s.voted_at`,
  hit: sql.fragment`(s.list_item::jsonb || jsonb_build_object('session', s.session))::text`,
  title: sql.fragment`coalesce(s.summary ->> 'question', '')`,
  titleField: 'question',
  summary: null,
};

export const createPgSearch = (pool: ReadPool): SearchEngine => ({
  name: 'postgres',
  bills: (p: BillSearchParams) =>
    runSearch(
      pool,
      BILLS,
      p.q,
      [
        ...anyOf(sql.fragment`s.chamber`, p.chamber),
        ...anyOf(sql.fragment`s.status`, p.status),
        ...anyOf(sql.fragment`s.policy_area`, p.policyArea),
        ...anyOf(sql.fragment`s.sponsor_party`, p.sponsorParty),
        ...anyOf(sql.fragment`s.session`, p.session),
        ...(p.becameLaw === undefined ? [] : [sql.fragment`s.became_law = ${p.becameLaw}`]),
        ...(p.introducedFrom ? [sql.fragment`s.introduced_date >= ${p.introducedFrom}::date`] : []),
        ...(p.introducedTo ? [sql.fragment`s.introduced_date <= ${p.introducedTo}::date`] : []),
      ],
      p.facets,
      p.limit,
      p.offset,
    ),
  votes: (p: VoteSearchParams) =>
    runSearch(
      pool,
      VOTES,
      p.q,
      [
        ...anyOf(sql.fragment`s.chamber`, p.chamber),
        ...anyOf(sql.fragment`s.session`, p.session),
        ...anyOf(sql.fragment`s.result`, p.result),
        ...anyOf(sql.fragment`s.category`, p.category),
        ...(p.from ? [sql.fragment`s.voted_at >= ${p.from}::date`] : []),
        ...(p.to ? [sql.fragment`s.voted_at < ${p.to}::date + 1`] : []),
      ],
      p.facets,
      p.limit,
      p.offset,
    ),
});
