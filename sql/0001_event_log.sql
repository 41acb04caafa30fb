-- Up Migration
-- The embedded event log: append-only, totally ordered by position, deduplicated by deterministic event id.
CREATE SCHEMA IF NOT EXISTS events;

CREATE TABLE events.log (
  position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id       uuid        NOT NULL UNIQUE,
  stream_id      text        NOT NULL,
  type           text        NOT NULL,
  schema_version int         NOT NULL,
  data           jsonb       NOT NULL,
  metadata       jsonb       NOT NULL,
  appended_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX log_stream_idx ON events.log (stream_id, position);

-- Append-only by construction: nothing may rewrite history, whatever role asks.
CREATE FUNCTION events.forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events.log is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events.log
  FOR EACH STATEMENT EXECUTE FUNCTION events.forbid_change();

-- Write side bookkeeping: API keys (hashed) and, for Kafka, which event ids were already published.
CREATE SCHEMA IF NOT EXISTS command;

CREATE TABLE command.api_keys (
  id          text PRIMARY KEY,
  name        text        NOT NULL,
  secret_hash bytea       NOT NULL,
  scopes      text[]      NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE TABLE command.published (
  event_id     uuid PRIMARY KEY,
  stream_id    text        NOT NULL,
  position     text,
  published_at timestamptz NOT NULL DEFAULT now()
);
