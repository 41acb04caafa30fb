-- Up Migration
-- Read models: every served row carries its response body, already serialised, and an ETag.
CREATE SCHEMA IF NOT EXISTS rm;
CREATE SCHEMA IF NOT EXISTS projector;

-- Projector bookkeeping: one checkpoint per consumer and source partition, written in the batch's transaction.
CREATE TABLE projector.checkpoints (
  consumer   text        NOT NULL,
  source     text        NOT NULL,
  partition  int         NOT NULL,
  next_offset bigint     NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, source, partition)
);

CREATE TABLE projector.dead_letters (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  consumer    text        NOT NULL,
  source      text        NOT NULL,
  position    text        NOT NULL,
  event_id    text,
  payload     text        NOT NULL,
  reason      text        NOT NULL,
  failed_at   timestamptz NOT NULL DEFAULT now(),
  replayed_at timestamptz,
  UNIQUE (consumer, source, position)
);

-- Projection state that documents are rendered from (not served directly).
CREATE TABLE rm.member_state (
  id       text PRIMARY KEY,
  profile  jsonb NOT NULL
);

CREATE TABLE rm.member_aliases (
  alias     text PRIMARY KEY,
  member_id text NOT NULL
);
CREATE INDEX member_aliases_member_idx ON rm.member_aliases (member_id);

CREATE TABLE rm.bill_state (
  id    text PRIMARY KEY,
  data  jsonb NOT NULL
);

-- One row per ballot; with_party is fixed when the vote is projected (party at the time of the vote).
CREATE TABLE rm.ballots (
  vote_id        text        NOT NULL,
  voter          text        NOT NULL,
  name           text        NOT NULL,
  region         text,
  position       text        NOT NULL,
  position_class text        NOT NULL,
  party          text,
  with_party     boolean,
  voted_at       timestamptz NOT NULL,
  PRIMARY KEY (vote_id, voter)
);
CREATE INDEX ballots_voter_idx ON rm.ballots (voter, voted_at DESC, vote_id);

-- Per-voter counters maintained by deltas (old ballots subtracted, new ones added): replay-safe.
CREATE TABLE rm.voter_stats (
  voter          text PRIMARY KEY,
  ballots        int NOT NULL DEFAULT 0,
  yea            int NOT NULL DEFAULT 0,
  nay            int NOT NULL DEFAULT 0,
  present        int NOT NULL DEFAULT 0,
  not_voting     int NOT NULL DEFAULT 0,
  paired         int NOT NULL DEFAULT 0,
  other          int NOT NULL DEFAULT 0,
  with_party     int NOT NULL DEFAULT 0,
  against_party  int NOT NULL DEFAULT 0
);

-- Served documents.
CREATE TABLE rm.votes (
  id           text PRIMARY KEY,
  jurisdiction text        NOT NULL,
  session      text        NOT NULL,
  chamber      text        NOT NULL,
  voted_at     timestamptz NOT NULL,
  bill_id      text,
  category     text,
  result       text        NOT NULL,
  summary      jsonb       NOT NULL,
  body         text        NOT NULL,
  etag         text        NOT NULL,
  position     text        NOT NULL
);
CREATE INDEX votes_bill_idx ON rm.votes (bill_id, voted_at) WHERE bill_id IS NOT NULL;
CREATE INDEX votes_date_idx ON rm.votes (voted_at DESC, id DESC);

CREATE TABLE rm.bills (
  id                 text PRIMARY KEY,
  jurisdiction       text NOT NULL,
  session            text NOT NULL,
  status             text,
  introduced_date    date,
  latest_action_date date,
  vote_count         int  NOT NULL DEFAULT 0,
  stub               boolean NOT NULL,
  list_item          text NOT NULL,
  body               text NOT NULL,
  etag               text NOT NULL,
  position           text NOT NULL
);
-- Keyset pagination of the default list order: latest action first, id as the tie-break.
CREATE INDEX bills_latest_idx ON rm.bills ((coalesce(latest_action_date, '0001-01-01'::date)) DESC, id DESC);

CREATE TABLE rm.members (
  id       text PRIMARY KEY,
  stub     boolean NOT NULL,
  body     text NOT NULL,
  etag     text NOT NULL,
  position text NOT NULL
);

-- Freshness: the last log position and event time each read model has applied.
CREATE TABLE rm.freshness (
  read_model text PRIMARY KEY,
  position   text        NOT NULL,
  event_time timestamptz,
  applied_at timestamptz NOT NULL
);
