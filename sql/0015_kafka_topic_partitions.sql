-- Up Migration
-- The partition count each Kafka topic had when this database first published to it (command/log/kafkaEventLog.ts):
-- a stream's partition is a hash of its id modulo that count, so a topic given more partitions later would send a
-- stream's next events to another partition than its earlier ones. The command service refuses to start then.
CREATE TABLE command.kafka_topics (
  topic      text PRIMARY KEY,
  partitions int         NOT NULL,
  pinned_at  timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON command.kafka_topics TO openpolicy_command;
