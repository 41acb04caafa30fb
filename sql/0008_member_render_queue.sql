-- Up Migration
-- Members whose documents must be re-rendered. A roll call changes the counters of every member who voted in it
-- (about 430 in the House); rendering all of them inside the vote's own transaction made a new vote visible
-- only after ~0.4 s and capped the projector at a few House votes per second. The batch now records the keys
-- here, in its transaction, and a renderer drains them right after, coalescing members touched by many votes.
CREATE TABLE rm.member_dirty (
  key       text PRIMARY KEY,
  position  text NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

