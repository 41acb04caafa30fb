import type pg from 'pg';
import type { Appended, EventLog } from './eventLog.ts';

/**
 * The embedded event log: one table, positions from an identity column, NOTIFY on every append that added
 * something. `events.append` (sql/0009) takes the append lock, inserts, reports and notifies in one round trip.
 */
export const createPgEventLog = (pool: pg.Pool): EventLog => ({
  kind: 'postgres',
  async append(events) {
    if (events.length === 0) return [];
    // One JSON text parameter: array parameters would escape every quote of every event body.
    const { rows } = await pool.query<{ appended_id: string; appended_position: string; is_new: boolean }>(
      'SELECT appended_id, appended_position, is_new FROM events.append($1::jsonb)',
      [JSON.stringify(events)],
    );
    const positions = new Map(rows.map((r) => [r.appended_id, r]));
    const seen = new Set<string>();
    return events.map((e): Appended => {
      const row = positions.get(e.eventId)!;
      // The same event twice in one append: the first copy is the append, the second a duplicate.
      const isNew = row.is_new && !seen.has(e.eventId);
      seen.add(e.eventId);
      return {
        eventId: e.eventId,
        streamId: e.streamId,
        position: String(row.appended_position),
        duplicate: !isNew,
      };
    });
  },
  async close() {},
});
