-- Up Migration
-- A first load builds the ballots' voter indexes once at the end instead of row by row. Most of the cost of
-- inserting a ballot is keeping the two voter indexes (voter, voted_at, vote_id) in step: their keys arrive in
-- no order, while the primary key's (vote_id, voter) arrive grouped. When a batch brings many ballots into an
-- empty rm.ballots, the projector drops those indexes in that batch's transaction and records their definitions
-- here; the member renderer, which needs them, builds them again from these rows when the projector has caught
-- up (projector/votes/ballotIndexes.ts). Dropping an index needs the table's owner and creating one the right to
-- create in its schema, so the projector, which alone writes rm and already owns its materialized views, owns
-- rm.ballots and may create in rm.
CREATE TABLE rm.deferred_indexes (
  name        text PRIMARY KEY,
  definition  text        NOT NULL,
  deferred_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE rm.ballots OWNER TO openpolicy_projector;
GRANT CREATE ON SCHEMA rm TO openpolicy_projector;
GRANT SELECT, INSERT, UPDATE, DELETE ON rm.deferred_indexes TO openpolicy_projector;
