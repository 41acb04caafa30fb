import type pg from 'pg';
import { inTransaction } from '../../infra/kernel/db.ts';
import { type Appended, EVENTS_CHANNEL, type EventLog } from './eventLog.ts';

// Appends are serialised so that positions become visible in order: a reader that has seen position N
// can never later find a smaller position committed behind it.
const APPEND_LOCK = 7_254_001;

/** The embedded event log: one table, positions from an identity column, NOTIFY on every append. */
export const createPgEventLog = (pool: pg.Pool): EventLog => ({
  kind: 'postgres',
  async append(events) {
    if (events.length === 0) return [];
    return inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      // One JSON text parameter: array parameters would escape every quote of every event body.
      const inserted = await client.query<{ event_id: string; position: number }>(
        `INSERT INTO events.log (event_id, stream_id, type, schema_version, data, metadata)
         SELECT e."eventId", e."streamId", e.type, e."schemaVersion", e.data, e.metadata
         FROM jsonb_to_recordset($1::jsonb) AS e("eventId" uuid, "streamId" text, type text, "schemaVersion" int,
                                                  data jsonb, metadata jsonb)
         ON CONFLICT (event_id) DO NOTHING
         RETURNING event_id, position`,
        [JSON.stringify(events)],
      );
      const fresh = new Map(inserted.rows.map((r) => [r.event_id, r.position]));
      const missing = events.filter((e) => !fresh.has(e.eventId)).map((e) => e.eventId);
      const existing = missing.length
        ? await client.query<{ event_id: string; position: number }>(
            'SELECT event_id, position FROM events.log WHERE event_id = ANY($1::uuid[])',
            [missing],
          )
        : { rows: [] };
      const known = new Map(existing.rows.map((r) => [r.event_id, r.position]));
      if (fresh.size > 0) await client.query("SELECT pg_notify($1, '{}')", [EVENTS_CHANNEL]);
      const seen = new Set<string>();
      return events.map((e): Appended => {
        // The same event twice in one request: the first copy is the append, the second a duplicate.
        const isNew = fresh.has(e.eventId) && !seen.has(e.eventId);
        seen.add(e.eventId);
        return {
          eventId: e.eventId,
          streamId: e.streamId,
          position: String(fresh.get(e.eventId) ?? known.get(e.eventId)),
          duplicate: !isNew,
        };
      });
    });
  },
  async close() {},
});
