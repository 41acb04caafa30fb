-- Up Migration
-- Read models must not depend on how events were batched (a rebuild compares them). Three places did:
-- * The newest ballot of each voter (name, party, state shown on a stub member) was kept in voter_stats by
--   "keep the later ballot", so a correction of that same roll call, or the ballot's removal, never reached it
--   when it came in a later batch. The member renderer now reads it from rm.ballots (voter index, one row a voter).
-- * A voter or party whose only ballots were taken back kept a row of zeros (and the voter a stub member), which a
--   single batch never creates. The projector now deletes such rows and stubs, and so does this migration.
-- * A stub bill whose last roll call moved to another bill stayed, with no votes. Likewise.
ALTER TABLE rm.voter_stats
  DROP COLUMN last_voted_at,
  DROP COLUMN last_vote_id,
  DROP COLUMN last_name,
  DROP COLUMN last_party,
  DROP COLUMN last_region;
DELETE FROM rm.voter_stats WHERE ballots = 0;
DELETE FROM rm.party_stats WHERE ballots = 0;
DELETE FROM rm.members m WHERE m.stub AND NOT EXISTS (SELECT 1 FROM rm.voter_stats s WHERE s.voter = ANY(m.aliases));
DELETE FROM rm.bills WHERE stub AND vote_count = 0;
