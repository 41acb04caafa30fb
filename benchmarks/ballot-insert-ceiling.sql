-- How fast can this machine's Postgres insert ballots at all? A storage ceiling for the freshness and ingest
-- targets: 500,000 rows shaped like rm.ballots (synthetic: ~430 voters per vote, ids of the same length) into a
-- table with rm.ballots' three indexes, in one INSERT ... SELECT, twice. No projector, counter or document.
--   psql -h 127.0.0.1 -U postgres -f benchmarks/ballot-insert-ceiling.sql      (needs infra/up.sh)
\timing on
DROP DATABASE IF EXISTS openpolicy_ballot_ceiling;
CREATE DATABASE openpolicy_ballot_ceiling;
\c openpolicy_ballot_ceiling
CREATE TABLE src AS
  SELECT 'us-117-2021-h' || (g / 430) AS vote_id,
         'us-' || chr(65 + (g % 430) % 26) || lpad(((g % 430) * 7919 % 1000000)::text, 6, '0') AS voter,
         'Name ' || g AS name, 'CA' AS region, 'Yea' AS position, 'yea' AS position_class, 'D' AS party,
         (g % 10 <> 0) AS with_party, now() - (g / 430) * interval '1 hour' AS voted_at
  FROM generate_series(1, 500000) g;
-- rm.ballots as in sql/0002 and sql/0005.
CREATE TABLE ballots (
  vote_id text NOT NULL, voter text NOT NULL, name text NOT NULL, region text, position text NOT NULL,
  position_class text NOT NULL, party text, with_party boolean, voted_at timestamptz NOT NULL,
  PRIMARY KEY (vote_id, voter)
);
CREATE INDEX ON ballots (voter, voted_at DESC, vote_id);
CREATE INDEX ON ballots (voter, voted_at DESC, vote_id) WHERE with_party = false;
CHECKPOINT;
\echo '== 500,000 ballots, run 1'
INSERT INTO ballots SELECT * FROM src;
TRUNCATE ballots;
CHECKPOINT;
\echo '== 500,000 ballots, run 2'
INSERT INTO ballots SELECT * FROM src;
\c postgres
DROP DATABASE openpolicy_ballot_ceiling;
