-- Up Migration
-- The day a vote was held, in the legislature's own time: the date its source wrote. A US evening vote at 21:51
-- Eastern on 2021-12-07 is on the 8th in UTC, so filters on voted_at::date listed it a day late (found by review:
-- 280 of the 832 Canadian divisions of the sample are at 19:00 or later). Vote lists and vote search filter on it.
ALTER TABLE rm.votes ADD COLUMN vote_date date;
UPDATE rm.votes SET vote_date = left(summary ->> 'date', 10)::date;
ALTER TABLE rm.votes ALTER COLUMN vote_date SET NOT NULL;
