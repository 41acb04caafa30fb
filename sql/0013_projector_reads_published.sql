-- Up Migration
-- Replaying a dead letter must not undo later events of its stream that were applied meanwhile. From the embedded
-- log the projector reads those events and projects them again after it; of a Kafka topic it can only learn that
-- they exist, from the command side's record of what it published (event id, stream, position: no data), and then
-- refuses the replay with the reason (projector/deadLetters/deadLetters.ts).
GRANT USAGE ON SCHEMA command TO openpolicy_projector;
GRANT SELECT ON command.published TO openpolicy_projector;
