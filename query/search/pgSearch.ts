import pg from 'pg';
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
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A filter: its SQL with the placeholder `$n`, and the parameter value from the request (null: no filter). */
type Filter<P> = Readonly<{ sql: (n: string) => string; value: (p: P) => unknown }>;

type Table<P> = Readonly<{
  from: string;
  facetColumns: Readonly<Record<string, string>>;
  rankVector: string;
  /** Importance multiplied into text relevance. */
  boost: string;
  tieBreak: string;
  browseOrder: string;
  hit: string;
  title: string;
  titleField: 'title' | 'question';
  summary: string | null;
  filters: readonly Filter<P>[];
}>;

const anyOf = <P>(column: string, value: (p: P) => readonly string[] | undefined): Filter<P> => ({
  sql: (n) => `(${n}::text[] IS NULL OR ${column} = ANY(${n}::text[]))`,
  value: (p) => {
    const v = value(p);
    return v?.length ? v : null;
  },
});

/**
 * The statement for one table and mode, with every filter a parameter, so that it is prepared once per
 * connection and planned once (a custom plan of this statement took 9.5 ms against 29 ms to execute).
 * Parameters: $1 websearch text, $2 prefix (or null), filters from $3, then facets, limit, offset.
 * One statement answers a search: the matches (GIN index), their count, facet counts in one GROUPING SETS
 * pass, and one ranked page with ts_headline snippets for that page only.
 */
const statement = <P>(t: Table<P>, mode: 'query' | 'browse') => {
  const n = (i: number) => `$${i}`;
  const at = t.filters.length + 3;
  const [facets, limit, offset] = [n(at), n(at + 1), n(at + 2)];
  const query = mode === 'query';
  const where = [
    ...(query ? ['s.document @@ q.query'] : []),
    ...t.filters.map((f, i) => f.sql(n(i + 3))),
  ].join(' AND ');
  const columns = Object.entries(t.facetColumns);
  const which = (pick: (name: string, column: string) => string) =>
    `CASE ${columns.map(([name, c]) => `WHEN GROUPING(m.${c}) = 0 THEN ${pick(name, c)}`).join(' ')} END`;
  const headline = (text: string, options: string) =>
    query
      ? `ts_headline('english', translate(${text}, ${lit(MARK_START + MARK_END)}, ''), q.query, ${lit(options)})`
      : text;
  return `
    WITH q AS MATERIALIZED (SELECT ${
      query
        ? `websearch_to_tsquery('english', $1) && coalesce(to_tsquery('english', $2) || to_tsquery('simple', $2), ''::tsquery)`
        : `NULL::tsquery AS query, $1::text AS head, $2::text`
    }${query ? ' AS query' : ''}),
    m AS MATERIALIZED (
      SELECT s.id, ${columns.map(([, c]) => `s.${c}::text AS ${c}`).join(', ')},
             ${query ? `ts_rank(${t.rankVector}, q.query, 1) * ${t.boost}` : '0::real'} AS rank,
             ${t.boost} AS boost, ${t.tieBreak} AS tie, ${t.browseOrder} AS recent
      FROM ${t.from} s, q
      WHERE ${where}
    ),
    ranked AS (
      -- Few matches: rank on the whole document, so a summary that holds the words together counts. Many:
      -- the small rank vector only, or every match would be read from TOAST.
      SELECT m.id, m.tie, m.recent, ${
        query
          ? `CASE WHEN (SELECT count(*) FROM m) <= ${FULL_RANK_MAX}
               THEN (SELECT ts_rank_cd(d.document, q.query, 1) FROM ${t.from} d WHERE d.id = m.id) * m.boost
               ELSE m.rank END`
          : 'm.rank'
      } AS rank
      FROM m, q
    ),
    page AS (
      SELECT id, row_number() OVER (ORDER BY rank DESC, tie DESC, recent DESC, id) AS ord
      FROM ranked ORDER BY rank DESC, tie DESC, recent DESC, id LIMIT ${limit} OFFSET ${offset}
    )
    SELECT
      (SELECT count(*) FROM m)::int AS total,
      (SELECT coalesce(json_object_agg(facet, vals), '{}') FROM (
         SELECT facet, json_agg(json_build_object('value', value, 'count', n) ORDER BY n DESC, value) AS vals
         FROM (SELECT ${which((name) => lit(name))} AS facet, ${which((_n, c) => `m.${c}`)} AS value, count(*)::int AS n
               FROM m GROUP BY GROUPING SETS (${columns.map(([, c]) => `(m.${c})`).join(', ')})) c
         WHERE value IS NOT NULL AND facet = ANY(${facets}::text[])
         GROUP BY facet) g) AS facets,
      (SELECT coalesce(json_agg(json_build_object(
          'hit', ${t.hit},
          'title', ${headline(t.title, TITLE_HEADLINE)},
          'summary', ${
            t.summary
              ? query
                ? headline(`left(${t.summary}, ${SNIPPET_SOURCE_CHARS})`, SNIPPET_HEADLINE)
                : `left(${t.summary}, 240)`
              : 'NULL::text'
          }) ORDER BY p.ord), '[]')
       FROM page p JOIN ${t.from} s USING (id), q) AS hits`;
};

const BILLS: Table<BillSearchParams> = {
  from: 'rm.bill_search',
  facetColumns: {
    chamber: 'chamber',
    status: 'status',
    policyArea: 'policy_area',
    sponsorParty: 'sponsor_party',
    session: 'session',
    becameLaw: 'became_law',
  },
  rankVector: 's.rank_vector',
  // A law, or a bill the chamber voted on many times, above the hundred bills that only mention its words
  // (chosen on the 117th Congress: H.R. 3684 first for "infrastructure investment", H.R. 1319 for "american
  // rescue plan", where plain text rank put bills amending them first).
  boost: '(1 + s.became_law::int + 0.3 * ln(1 + s.vote_count))',
  tieBreak: 's.became_law::int',
  browseOrder: "coalesce(s.latest_action_date, '0001-01-01'::date)",
  hit: 's.hit',
  title: 's.title',
  titleField: 'title',
  summary: 's.summary',
  filters: [
    anyOf('s.chamber', (p) => p.chamber),
    anyOf('s.status', (p) => p.status),
    anyOf('s.policy_area', (p) => p.policyArea),
    anyOf('s.sponsor_party', (p) => p.sponsorParty),
    anyOf('s.session', (p) => p.session),
    {
      sql: (n) => `(${n}::boolean IS NULL OR s.became_law = ${n}::boolean)`,
      value: (p) => p.becameLaw ?? null,
    },
    {
      sql: (n) => `(${n}::date IS NULL OR s.introduced_date >= ${n}::date)`,
      value: (p) => p.introducedFrom ?? null,
    },
    {
      sql: (n) => `(${n}::date IS NULL OR s.introduced_date <= ${n}::date)`,
      value: (p) => p.introducedTo ?? null,
    },
  ],
};

const VOTES: Table<VoteSearchParams> = {
  from: 'rm.votes',
  facetColumns: { chamber: 'chamber', result: 'result', category: 'category', session: 'session' },
  // Votes are few and their vectors small: rank on the document itself.
  rankVector: 's.document',
  boost: '1',
  tieBreak: '0',
  browseOrder: 's.voted_at',
  hit: "(s.list_item::jsonb || jsonb_build_object('session', s.session))::text",
  title: "coalesce(s.summary ->> 'question', '')",
  titleField: 'question',
  summary: null,
  filters: [
    anyOf('s.chamber', (p) => p.chamber),
    anyOf('s.session', (p) => p.session),
    anyOf('s.result', (p) => p.result),
    anyOf('s.category', (p) => p.category),
    { sql: (n) => `(${n}::date IS NULL OR s.voted_at >= ${n}::date)`, value: (p) => p.from ?? null },
    { sql: (n) => `(${n}::date IS NULL OR s.voted_at < ${n}::date + 1)`, value: (p) => p.to ?? null },
  ],
};

const STATEMENTS = new Map<Table<never>, Record<'query' | 'browse', string>>(
  ([BILLS, VOTES] as Table<never>[]).map((t) => [
    t,
    { query: statement(t, 'query'), browse: statement(t, 'browse') },
  ]),
);

const CORRECTIONS = `
  SELECT w.input, x.word AS fix FROM unnest($1::text[]) AS w(input)
  CROSS JOIN LATERAL (
    SELECT d.word FROM rm.search_words d
    WHERE d.word OPERATOR(public.%) w.input
    ORDER BY public.similarity(d.word, w.input) DESC, d.ndoc DESC, d.word LIMIT 1) x
  WHERE length(w.input) >= 4 AND w.input ~ '^[a-z]+$'
    AND NOT EXISTS (SELECT 1 FROM rm.search_words e WHERE e.word = w.input)`;

type Row = {
  total: number;
  facets: Record<string, { value: string; count: number }[]>;
  hits: { hit: string; title: string | null; summary: string | null }[];
};

/**
 * The Postgres full-text engine, on its own small pool of the query role: each connection prepares the four
 * search statements once and keeps one generic plan each, and always uses the GIN index (the planner prices
 * a seq scan lower for a broad word, but each row it reads fetches the whole document from TOAST: measured
 * 110 ms against 9 ms).
 */
export const createPgSearch = (
  connectionString: string,
  max = 4,
): SearchEngine & { end: () => Promise<void> } => {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: 'openpolicy-query-search',
    statement_timeout: 2_000,
    options: '-c TimeZone=UTC -c enable_seqscan=off -c plan_cache_mode=force_generic_plan',
  });
  pool.on('error', () => undefined);

  const search = async <P extends { q: string; facets: readonly string[]; limit: number; offset: number }>(
    name: string,
    t: Table<P>,
    p: P,
  ): Promise<SearchPage> => {
    const texts = STATEMENTS.get(t as Table<never>)!;
    const run = async (q: string) => {
      const parsed = parseSearchText(q);
      const mode = parsed.head || parsed.prefix ? 'query' : 'browse';
      const values = [
        parsed.head,
        parsed.prefix ? `${parsed.prefix}:*` : null,
        ...t.filters.map((f) => f.value(p)),
        p.facets,
        p.limit,
        p.offset,
      ];
      const r = await pool.query<Row>({ name: `search-${name}-${mode}`, text: texts[mode], values });
      return { row: r.rows[0]!, words: parsed.words };
    };
    const first = await run(p.q);
    let result = first.row;
    let corrected: string | null = null;
    if (result.total === 0 && first.words.length) {
      // Nothing found: replace words the corpus does not contain by the closest word it does (trigrams).
      const fixes = await pool.query<{ input: string; fix: string }>({
        name: 'search-corrections',
        text: CORRECTIONS,
        values: [first.words],
      });
      if (fixes.rows.length) {
        corrected = applyCorrections(p.q, new Map(fixes.rows.map((f) => [f.input, f.fix])));
        result = (await run(corrected)).row;
      }
    }
    return {
      total: result.total,
      facets: result.facets,
      corrected,
      hits: result.hits.map((h) =>
        withHighlights(h.hit, {
          [t.titleField]: h.title === null ? null : highlightHtml(h.title),
          ...(t.summary ? { summary: h.summary === null ? null : highlightHtml(h.summary) } : {}),
        }),
      ),
    };
  };

  return {
    name: 'postgres',
    bills: (p: BillSearchParams) => search('bills', BILLS, p),
    votes: (p: VoteSearchParams) => search('votes', VOTES, p),
    end: () => pool.end(),
  };
};
