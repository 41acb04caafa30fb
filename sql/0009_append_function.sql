-- Up Migration
-- One round trip per append. An append was BEGIN, lock, INSERT, NOTIFY, COMMIT: five round trips while holding
-- the append lock, so appends queued behind each other's network waits. Called outside a transaction, this
-- function is the whole transaction. The lock serialises appends so that positions become visible in order: a
-- reader that has seen position N can never later find a smaller position committed behind it.
CREATE FUNCTION events.append(batch jsonb)
RETURNS TABLE (appended_id uuid, appended_position bigint, is_new boolean)
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  any_new boolean := false;
BEGIN
  PERFORM pg_advisory_xact_lock(7254001);
  -- Both branches run on one snapshot: the second sees only events that were in the log before this append.
  FOR r IN
    WITH e AS (
      SELECT * FROM jsonb_to_recordset(batch) AS x("eventId" uuid, "streamId" text, type text,
                                                  "schemaVersion" int, data jsonb, metadata jsonb)
    ), inserted AS (
      INSERT INTO events.log AS l (event_id, stream_id, type, schema_version, data, metadata)
      SELECT e."eventId", e."streamId", e.type, e."schemaVersion", e.data, e.metadata FROM e
      ON CONFLICT (event_id) DO NOTHING
      RETURNING l.event_id, l.position
    )
    SELECT i.event_id, i.position, true AS fresh FROM inserted i
    UNION ALL
    SELECT l.event_id, l.position, false FROM events.log l WHERE l.event_id IN (SELECT e."eventId" FROM e)
  LOOP
    appended_id := r.event_id;
    appended_position := r.position;
    is_new := r.fresh;
    any_new := any_new OR r.fresh;
    RETURN NEXT;
  END LOOP;
  IF any_new THEN
    PERFORM pg_notify('openpolicy_events', '{}');
  END IF;
END $$;

REVOKE ALL ON FUNCTION events.append(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION events.append(jsonb) TO openpolicy_command;
