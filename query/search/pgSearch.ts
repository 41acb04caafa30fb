import pg from 'pg';
import type { BillSearchParams, SearchEngine, SearchPage, VoteSearchParams } from './engine.ts';
import { withHighlights } from './engine.ts';
import { highlightHtml, MARK_END, MARK_START } from './highlight.ts';
import { applyCorrections, parseSearchText } from './searchText.ts';
import { highlightAll, type Operands, snippet, tsqueryOperands } from './tokenHighlight.ts';

const TITLE_HEADLINE = `HighlightAll=true, StartSel=${MARK_START}, StopSel=${MARK_END}`;
/** Summary snippets: ts_headline's MaxFragments=2, MinWords=12, MaxWords=30, from the word maps. */
const SNIPPET = { maxFragments: 2, minWords: 12, maxWords: 30, delimiter: ' … ' } as const;
/**
 * Snippets come from the start of a summary (the projector maps the words of this many characters): the
 * longest summaries run to 60,000 characters (H.R. 3684).
 */
const SNIPPET_SOURCE_CHARS = 4_000;
/** Up to this many matches are ranked on their whole document (read from TOAST); beyond, on the rank vector. */
const FULL_RANK_MAX = 400;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const unmarked = (text: string) => `translate(${text}, ${lit(MARK_START + MARK_END)}, '')`;

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
  /**
   * The table of the projector's word maps of the title and summary, joined by id (highlights without parsing);
   * null: the title is highlighted by ts_headline (short texts).
   */
  maps: string | null;
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
 * The query: the websearch text ($1) and the word being typed as a prefix ($2), stemmed (English) and as typed
 * (simple), the second left out when both spell the same prefix (the common case: the GIN index would scan
 * every lexeme under that prefix twice, and the ranks are the same, ts_rank and ts_rank_cd counting an
 * operand once).
 */
const QUERY = `websearch_to_tsquery('english', $1) && coalesce(CASE
    WHEN to_tsquery('english', $2) = to_tsquery('simple', $2) THEN to_tsquery('english', $2)
    ELSE to_tsquery('english', $2) || to_tsquery('simple', $2) END, ''::tsquery)`;

/**
 * The statement for one table and mode, with every filter a parameter, so that it is prepared once per
 * connection and planned once (a custom plan of this statement took 9.5 ms against 29 ms to execute).
 * Parameters: $1 websearch text, $2 prefix (or null), filters from $3, then facets, limit, offset.
 * One statement answers a search: the matches (GIN index, each row read once and found again by its ctid),
 * their count, facet counts (the matches grouped by all facets at once, one hash lookup a match rather than
 * one per facet, then the few groups by GROUPING SETS: 7 ms -> 1.5 ms for 5,484 matches), a top-N sort of the
 * matches (never a full sort), and the page's texts with their word maps (or ts_headline titles) and the
 * query's text for the highlights.
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
    `CASE ${columns.map(([name, c]) => `WHEN GROUPING(k.${c}) = 0 THEN ${pick(name, c)}`).join(' ')} END`;
  const facetList = columns.map(([, c]) => c).join(', ');
  // Few matches: rank on the whole document, so a summary that holds the words together counts. Many: the small
  // rank vector only, or every match would be read from TOAST.
  const rank = query
    ? `CASE WHEN c.total <= ${FULL_RANK_MAX}
         THEN (SELECT ts_rank_cd(d.document, q.query, 1) FROM ${t.from} d WHERE d.ctid = m.tid) * m.boost
         ELSE m.rank END`
    : 'm.rank';
  const order = 'rank DESC, tie DESC, recent DESC, id';
  // The texts the highlights are made from, as columns of their own (not inside JSON: escaping 4,000 characters
  // of summary and its map for each of 20 hits cost as much as the ts_headline calls it replaces).
  const maps = query && t.maps;
  const texts = maps
    ? `${t.title} AS title, h.title_map, ${t.summary ? `left(${t.summary}, ${SNIPPET_SOURCE_CHARS})` : 'NULL::text'} AS summary, h.summary_map`
    : `${query ? `ts_headline('english', ${unmarked(t.title)}, q.query, ${lit(TITLE_HEADLINE)})` : t.title} AS title,
       NULL::text AS title_map, ${t.summary ? `left(${t.summary}, 240)` : 'NULL::text'} AS summary, NULL::text AS summary_map`;
  return `
    WITH q AS MATERIALIZED (SELECT ${query ? QUERY : 'NULL::tsquery'} AS query${query ? '' : ', $1::text, $2::text'}),
    m AS MATERIALIZED (
      SELECT s.ctid AS tid, s.id, ${columns.map(([, c]) => `s.${c}::text AS ${c}`).join(', ')},
             ${query ? `ts_rank(${t.rankVector}, q.query, 1) * ${t.boost}` : '0::real'} AS rank,
             ${t.boost} AS boost, ${t.tieBreak} AS tie, ${t.browseOrder} AS recent
      FROM ${t.from} s, q
      WHERE ${where}
    ),
    c AS MATERIALIZED (SELECT count(*)::int AS total FROM m),
    page AS MATERIALIZED (
      SELECT m.tid, m.id, m.tie, m.recent, ${rank} AS rank
      FROM m, q, c
      ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}
    )
    -- One row per hit in page order (one row with no hit for an empty page); total, terms and facets on the first.
    SELECT c.total, CASE WHEN x.ord IS NULL OR x.ord = 1 THEN (SELECT query::text FROM q) END AS terms,
      CASE WHEN x.ord IS NULL OR x.ord = 1 THEN (SELECT coalesce(json_object_agg(facet, vals), '{}') FROM (
         SELECT facet, json_agg(json_build_object('value', value, 'count', n) ORDER BY n DESC, value) AS vals
         FROM (SELECT ${which((name) => lit(name))} AS facet, ${which((_n, c) => `k.${c}`)} AS value, sum(k.n)::int AS n
               FROM (SELECT ${facetList}, count(*) AS n FROM m GROUP BY ${facetList}) k
               GROUP BY GROUPING SETS (${columns.map(([, c]) => `(k.${c})`).join(', ')})) c
         WHERE value IS NOT NULL AND facet = ANY(${facets}::text[])
         GROUP BY facet) g) END AS facets,
      x.hit, x.title, x.title_map, x.summary, x.summary_map
    FROM c LEFT JOIN LATERAL (
      SELECT row_number() OVER (ORDER BY p.${order.replace(/, /g, ', p.')}) AS ord, ${t.hit} AS hit, ${texts}
      FROM page p JOIN ${t.from} s ON s.ctid = p.tid${maps ? ` LEFT JOIN ${t.maps} h ON h.id = p.id` : ''}, q
    ) x ON true
    ORDER BY x.ord`;
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
  maps: 'rm.bill_highlights',
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
  maps: null,
  filters: [
    anyOf('s.chamber', (p) => p.chamber),
    anyOf('s.session', (p) => p.session),
    anyOf('s.result', (p) => p.result),
    anyOf('s.category', (p) => p.category),
    // The day in the legislature's own time (sql/0016), not the UTC day of voted_at.
    { sql: (n) => `(${n}::date IS NULL OR s.vote_date >= ${n}::date)`, value: (p) => p.from ?? null },
    { sql: (n) => `(${n}::date IS NULL OR s.vote_date <= ${n}::date)`, value: (p) => p.to ?? null },
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

/** One hit of a page (the first row also carries the total, the query's text and the facets). */
type Row = {
  total: number;
  /** The query's tsquery as text (null when browsing). */
  terms: string | null;
  facets: Record<string, { value: string; count: number }[]> | null;
  hit: string | null;
  title: string | null;
  title_map: string | null;
  summary: string | null;
  summary_map: string | null;
};

/** Without the private-use marker characters (the word maps are of the text without them). */
const unmarkedText = (text: string) =>
  /[\uE000\uE001]/.test(text) ? text.replace(/[\uE000\uE001]/g, '') : text;

/** One hit's highlights: marked by the word maps when the table has them, else as ts_headline marked them. */
const highlights = <P>(t: Table<P>, h: Row, ops: Operands | null) => {
  const mapped = ops && t.maps;
  const title =
    h.title === null
      ? null
      : highlightHtml(mapped ? highlightAll(unmarkedText(h.title), h.title_map, ops) : h.title);
  if (!t.summary) return { [t.titleField]: title };
  const summary =
    h.summary === null
      ? null
      : highlightHtml(mapped ? snippet(unmarkedText(h.summary), h.summary_map, ops, SNIPPET) : h.summary);
  return { [t.titleField]: title, summary };
};

/**
 * The Postgres full-text engine, on its own small pool of the query role: each connection prepares the four
 * search statements once and keeps one generic plan each, and always uses the GIN index (the planner prices
 * a seq scan lower for a broad word, but each row it reads fetches the whole document from TOAST: measured
 * 110 ms against 9 ms). No JIT: with seq scans priced out, a plan that must scan (browsing without a query)
 * costs enough to be compiled, which took about 80 ms of CPU per statement (measured), for nothing.
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
    options: '-c TimeZone=UTC -c enable_seqscan=off -c plan_cache_mode=force_generic_plan -c jit=off',
  });
  pool.on('error', () => undefined);

  const search = async <P extends { q: string; facets: readonly string[]; limit: number; offset: number }>(
    name: string,
    t: Table<P>,
    p: P,
  ): Promise<SearchPage> => {
    const texts = STATEMENTS.get(t as Table<never>)!;
    const run = async (q: string, browse = false) => {
      const parsed = parseSearchText(q);
      const mode = !browse && (parsed.head || parsed.prefix) ? 'query' : 'browse';
      const values = [
        parsed.head,
        parsed.prefix ? `${parsed.prefix}:*` : null,
        ...t.filters.map((f) => f.value(p)),
        p.facets,
        p.limit,
        p.offset,
      ];
      const r = await pool.query<Row>({ name: `search-${name}-${mode}`, text: texts[mode], values });
      return { rows: r.rows, words: parsed.words };
    };
    const first = await run(p.q);
    let result = first.rows;
    let corrected: string | null = null;
    // Only stop words or punctuation ("the ", "to be", "-"): no word to match, so the browse list, as for an empty
    // box (not nothing, which flickered while typing: "the" matched as a prefix, "the " nothing).
    if (result[0]!.terms === '') result = (await run(p.q, true)).rows;
    else if (result[0]!.total === 0 && first.words.length) {
      // Nothing found: replace words the corpus does not contain by the closest word it does (trigrams).
      const fixes = await pool.query<{ input: string; fix: string }>({
        name: 'search-corrections',
        text: CORRECTIONS,
        values: [first.words],
      });
      if (fixes.rows.length) {
        corrected = applyCorrections(p.q, new Map(fixes.rows.map((f) => [f.input, f.fix])));
        result = (await run(corrected)).rows;
      }
    }
    const head = result[0]!;
    const ops = head.terms === null ? null : tsqueryOperands(head.terms);
    return {
      total: head.total,
      facets: head.facets ?? {},
      corrected,
      hits: result.flatMap((h) => (h.hit === null ? [] : [withHighlights(h.hit, highlights(t, h, ops))])),
    };
  };

  return {
    name: 'postgres',
    bills: (p: BillSearchParams) => search('bills', BILLS, p),
    votes: (p: VoteSearchParams) => search('votes', VOTES, p),
    end: () => pool.end(),
  };
};
