-- Up Migration
-- Every event id the projector applied, in the read-model schema (a rebuild starts with an empty copy). A Kafka
-- topic can hold an event twice: the command service publishes, then records the position in Postgres; when that
-- record fails after the broker's acknowledgement, the client's retry publishes the event again (found by review).
-- Applied twice, an older event delivered again after a newer one of its stream undid it. The projector applies
-- the first delivery of an id only (projector/runner/applyBatch.ts). The embedded log never holds an id twice.
CREATE TABLE rm.applied_events (event_id uuid PRIMARY KEY);
GRANT SELECT, INSERT, UPDATE, DELETE ON rm.applied_events TO openpolicy_projector;
