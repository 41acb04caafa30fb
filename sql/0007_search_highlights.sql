-- Up Migration
-- Highlights without re-parsing at query time. ts_headline parses the text it is given (about 0.25 µs a
-- character), and a page of 20 hits spent more time there than in finding and ranking them. The parse does not
-- depend on the query: each bill keeps, for its title and for the start of its summary (the 4,000 characters
-- snippets are taken from), where every word is and the lexeme the 'english' configuration makes of it, as
-- ts_headline would see them. The query service marks the words whose lexeme matches a query operand (equal, or
-- starting with a prefix operand), as ts_headline does.
--
-- The map is text: entries `lexeme US start,end[,start,end...]` joined by RS (U+001E; US is U+001F), offsets in
-- characters, end exclusive. Tokens are the default parser's (ts_parse), lexemes its configuration's dictionary
-- for the token type (english_stem for words and hyphenated parts, simple for numbers, hosts, paths...). Not
-- listed: spaces, tags, protocols and entities (no dictionary), and the wholes of hyphenated words and URLs
-- (ts_headline prints their parts instead). In public, with pg_trgm, so that renaming rm during a rebuild does
-- not take it along.
CREATE FUNCTION public.openpolicy_highlight_map(body text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT string_agg(lexeme || E'\x1F' || spans, E'\x1E' ORDER BY lexeme)
  FROM (
    SELECT x.lexeme, string_agg(t.start || ',' || t.start + length(t.token), ',' ORDER BY t.start) AS spans
    FROM (
      SELECT p.tokid, p.token,
             -- The wholes of compound tokens (url 5, numhword 15, asciihword 16, hword 17) overlap their parts.
             coalesce(sum(CASE WHEN p.tokid IN (5, 15, 16, 17) THEN 0 ELSE length(p.token) END)
               OVER (ORDER BY p.ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS start
      FROM ts_parse(3722, body) WITH ORDINALITY AS p(tokid, token, ord)
    ) t
    CROSS JOIN LATERAL unnest(CASE WHEN t.tokid IN (1, 2, 10, 11)
                                   THEN ts_lexize('english_stem'::regdictionary, t.token)
                                   ELSE ts_lexize('simple'::regdictionary, t.token) END) AS x(lexeme)
    -- Not printed apart (5, 15, 16, 17) or without a dictionary (blank 12, tag 13, protocol 14, entity 23).
    WHERE t.tokid NOT IN (5, 15, 16, 17, 12, 13, 14, 23)
    GROUP BY x.lexeme
  ) g
$$;

-- One row per bill_search row, written by the projector with it when its title or summary changes (a table of its
-- own so that the bill_search rows a broad query visits stay as narrow as they are). The texts as the query
-- service highlights them: the private-use marker characters removed, the summary cut at the snippet source
-- length.
CREATE TABLE rm.bill_highlights (
  id          text PRIMARY KEY,
  title_map   text,
  summary_map text
);
INSERT INTO rm.bill_highlights (id, title_map, summary_map)
SELECT id, public.openpolicy_highlight_map(translate(title, E'\uE000\uE001', '')),
       public.openpolicy_highlight_map(translate(left(summary, 4000), E'\uE000\uE001', ''))
FROM rm.bill_search;

-- The spelling dictionary's trigram index without a pending list, as the document index (0006): after a bulk
-- load the projector's word upserts left thousands of entries there, which every misspelling lookup scans
-- linearly (measured: 54 ms against 1 ms for "infrastucture" with 4,710 pending entries). Entries already
-- pending are merged now.
ALTER INDEX rm.search_words_trgm_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('rm.search_words_trgm_idx'::regclass);
