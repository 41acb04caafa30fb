-- Up Migration
-- The large values (events' data, state, served bodies, search texts) compressed with lz4 instead of pglz. pglz
-- compression was a large share of the cost of writing them (a roll call's event and document hold hundreds of
-- ballots); lz4 compresses several times faster for somewhat larger values, and decompresses faster on every
-- read of a body. Values already stored keep their method; both are read transparently.
--
-- lz4 is a build option of Postgres: the Debian packages have it, the embedded binaries (npm start) do not. There
-- the columns keep pglz and the migration says so; nothing else depends on the method.
DO $$
BEGIN
  ALTER TABLE events.log ALTER COLUMN data SET COMPRESSION lz4;
  ALTER TABLE rm.member_state ALTER COLUMN profile SET COMPRESSION lz4;
  ALTER TABLE rm.bill_state ALTER COLUMN data SET COMPRESSION lz4;
  ALTER TABLE rm.votes
    ALTER COLUMN summary SET COMPRESSION lz4,
    ALTER COLUMN body SET COMPRESSION lz4,
    ALTER COLUMN list_item SET COMPRESSION lz4;
  ALTER TABLE rm.bills
    ALTER COLUMN body SET COMPRESSION lz4,
    ALTER COLUMN list_item SET COMPRESSION lz4;
  ALTER TABLE rm.members ALTER COLUMN body SET COMPRESSION lz4;
  ALTER TABLE rm.bill_search
    ALTER COLUMN summary SET COMPRESSION lz4,
    ALTER COLUMN hit SET COMPRESSION lz4,
    ALTER COLUMN document SET COMPRESSION lz4,
    ALTER COLUMN rank_vector SET COMPRESSION lz4;
  ALTER TABLE rm.bill_highlights
    ALTER COLUMN title_map SET COMPRESSION lz4,
    ALTER COLUMN summary_map SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'this Postgres has no lz4 (%): large values stay compressed with pglz', SQLERRM;
END $$;
