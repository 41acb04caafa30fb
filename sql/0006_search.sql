-- Up Migration
-- Full-text search on the embedded default (Postgres). Everything a search needs is precomputed by the
-- projector: one row per bill with its filter columns, its hit (the JSON a result shows) and a weighted
-- tsvector; the query path is one GIN-indexed query. pg_trgm (in public, so that renaming rm during a
-- rebuild does not take it along) finds the intended word behind a misspelt one.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE TABLE rm.bill_search (
  id                 text PRIMARY KEY,
  session            text    NOT NULL,
  chamber            text,
  status             text    NOT NULL,
  policy_area        text,
  sponsor_party      text,
  became_law         boolean NOT NULL,
  introduced_date    date,
  latest_action_date date,
  vote_count         int     NOT NULL,
  -- "hr1319 hr 1319 H.R. 1319": the ways people type a bill number.
  keys               text    NOT NULL,
  title              text    NOT NULL,
  -- Short and popular titles ("CHIPS and Science Act" is a title of H.R. 4346, not its display title).
  other_titles       text    NOT NULL,
  summary            text,
  subjects           text    NOT NULL,
  hit                text    NOT NULL,
  -- Titles (A) above summary (B) above subjects and policy area (C), stemmed (English); D holds the title and
  -- summary words unstemmed, for prefix matching of a word still being typed and for the spelling dictionary.
  document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, keys || ' ' || title || ' ' || other_titles), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B') ||
    setweight(to_tsvector('english'::regconfig, subjects), 'C') ||
    setweight(to_tsvector('simple'::regconfig, title || ' ' || coalesce(summary, '')), 'D')
  ) STORED,
  -- Ranking reads this small vector (number, titles, subjects) rather than the whole document.
  rank_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, keys || ' ' || title || ' ' || other_titles), 'A') ||
    setweight(to_tsvector('english'::regconfig, subjects), 'C')
  ) STORED
);
-- A broad query touches thousands of rows for its count, facets and ranking: keep what those read in the
-- heap tuple (facet columns never compressed or moved out of line, the rank vector compressed in line) and
-- push the long texts and the document out to TOAST, so a row is read without a TOAST fetch per column
-- (measured on the 117th Congress: facets of a 14,000-bill match 130 ms -> 25 ms).
ALTER TABLE rm.bill_search
  ALTER COLUMN session SET STORAGE PLAIN,
  ALTER COLUMN chamber SET STORAGE PLAIN,
  ALTER COLUMN status SET STORAGE PLAIN,
  ALTER COLUMN policy_area SET STORAGE PLAIN,
  ALTER COLUMN sponsor_party SET STORAGE PLAIN,
  ALTER COLUMN rank_vector SET STORAGE MAIN,
  SET (toast_tuple_target = 256);
-- No pending list: a query would scan it linearly (25 ms after a bulk load, measured); the projector writes
-- in batches, so paying at insert time is the cheaper side.
CREATE INDEX bill_search_document_idx ON rm.bill_search USING gin (document) WITH (fastupdate = off);
-- Browsing without a query: newest activity first, as the bill list.
CREATE INDEX bill_search_latest_idx ON rm.bill_search ((coalesce(latest_action_date, '0001-01-01'::date)) DESC, id DESC);

-- The spelling dictionary: every word of four letters or more in bill titles and summaries, with the number of
-- bills using it (kept by deltas as bills change, so it always equals a fresh count). Trigram-indexed.
CREATE TABLE rm.search_words (
  word text PRIMARY KEY,
  ndoc int  NOT NULL
);
CREATE INDEX search_words_trgm_idx ON rm.search_words USING gin (word public.gin_trgm_ops);

-- Votes are searched by question, the bill title the roll call reported, and category.
ALTER TABLE rm.votes ADD COLUMN document tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english'::regconfig, coalesce(summary ->> 'question', '')), 'A') ||
  setweight(to_tsvector('english'::regconfig, coalesce(summary ->> 'billTitle', '')), 'B') ||
  setweight(to_tsvector('english'::regconfig, coalesce(category, '')), 'C') ||
  setweight(to_tsvector('simple'::regconfig,
    coalesce(summary ->> 'question', '') || ' ' || coalesce(summary ->> 'billTitle', '')), 'D')
) STORED;
CREATE INDEX votes_document_idx ON rm.votes USING gin (document) WITH (fastupdate = off);
