-- Up Migration
-- Recent dissents per member are read on every member render: a partial index makes that a short range scan
-- instead of a walk over all of the member's ballots (chosen from the projector's measured batch profile).
CREATE INDEX ballots_dissent_idx ON rm.ballots (voter, voted_at DESC, vote_id) WHERE with_party = false;

-- The latest ballot of each voter (name, party and region as the roll call printed them): a stub member's
-- name and party come from here instead of a scan over all of their ballots on every render.
ALTER TABLE rm.voter_stats
  ADD COLUMN last_voted_at timestamptz,
  ADD COLUMN last_vote_id  text,
  ADD COLUMN last_name     text,
  ADD COLUMN last_party    text,
  ADD COLUMN last_region   text;
