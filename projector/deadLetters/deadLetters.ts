import type pg from 'pg';
import { upcast } from '../../command/contract/upcast.ts';
import { inTransaction } from '../../infra/kernel/db.ts';
import { drainWholeMemberQueue } from '../members/memberQueue.ts';
import { notifyChanges, projectEvents, SWITCH_LOCK } from '../runner/applyBatch.ts';

export type DeadLetter = Readonly<{
  id: number;
  consumer: string;
  source: string;
  position: string;
  eventId: string | null;
  reason: string;
  failedAt: string;
  replayedAt: string | null;
}>;

/** Dead letters, oldest first; only those not yet replayed unless `all`. */
export const listDeadLetters = async (pool: pg.Pool, o: { all?: boolean } = {}) =>
  (
    await pool.query<DeadLetter>(
      `SELECT id, consumer, source, position, event_id AS "eventId", reason, failed_at AS "failedAt",
              replayed_at AS "replayedAt"
       FROM projector.dead_letters WHERE $1 OR replayed_at IS NULL ORDER BY id`,
      [o.all ?? false],
    )
  ).rows;

export type ReplayResult = Readonly<{ id: number; position: string; replayed: boolean; reason?: string }>;

type Pending = { id: number; consumer: string; source: string; position: string; payload: string };

/** A later event of a dead letter's stream that its consumer already applied. */
type Later = { position: string; event: Record<string, unknown> };

/**
 * The events of the dead letter's stream after it that its consumer already applied (not themselves waiting as
 * dead letters), in log order. The embedded log is read here; of a Kafka topic only the positions are known (from
 * the command side's record of what it published), so the events come back without a body.
 */
const appliedAfter = async (client: pg.ClientBase, row: Pending, streamId: string): Promise<Later[]> => {
  if (row.source === 'postgres') {
    const r = await client.query<{ position: string; envelope: Record<string, unknown> }>(
      `SELECT l.position::text AS position, jsonb_build_object('eventId', l.event_id, 'streamId', l.stream_id,
                'type', l.type, 'schemaVersion', l.schema_version, 'data', l.data, 'metadata', l.metadata) AS envelope
       FROM events.log l
       WHERE l.stream_id = $1 AND l.position > $2::bigint
         AND l.position < (SELECT c.next_offset FROM projector.checkpoints c
                           WHERE c.consumer = $3 AND c.source = 'postgres' AND c.partition = 0)
         AND NOT EXISTS (SELECT 1 FROM projector.dead_letters d WHERE d.consumer = $3 AND d.source = 'postgres'
                           AND d.position = l.position::text AND d.replayed_at IS NULL)
       ORDER BY l.position`,
      [streamId, row.position, row.consumer],
    );
    return r.rows.map((x) => ({ position: x.position, event: x.envelope }));
  }
  const [partition, offset] = row.position.split(':').map(Number);
  const r = await client.query<{ position: string }>(
    `SELECT p.position FROM command.published p
     WHERE p.stream_id = $1 AND split_part(p.position, ':', 1) = $2
       AND split_part(p.position, ':', 2)::bigint > $3
       AND split_part(p.position, ':', 2)::bigint < (SELECT c.next_offset FROM projector.checkpoints c
                                                     WHERE c.consumer = $4 AND c.source = $5 AND c.partition = $6)
     ORDER BY split_part(p.position, ':', 2)::bigint`,
    [streamId, String(partition), offset, row.consumer, row.source, partition],
  );
  return r.rows.map((x) => ({ position: x.position, event: {} }));
};

/** Refused without a change: the replay would have overwritten what later events of the stream wrote. */
class Superseded extends Error {}

/**
 * Projects dead-lettered events again (after the projection or the data was fixed), oldest first, each in its own
 * transaction with its change notification; one that still fails stays with its new reason. Read models must end
 * as if the event had never failed, so a later event of the same stream that was applied meanwhile (a corrected
 * ballot) must win: from the embedded log those events are projected again after it, in order, in the same
 * transaction. From Kafka they cannot be read here, so such a dead letter is not replayed and says why (a rebuild
 * projects the whole topic in order).
 */
export const replayDeadLetters = async (pool: pg.Pool, o: { ids?: readonly number[] } = {}) => {
  const pending = await pool.query<Pending>(
    `SELECT id, consumer, source, position, payload FROM projector.dead_letters
     WHERE replayed_at IS NULL AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[])) ORDER BY id`,
    [o.ids?.length ? o.ids : null],
  );
  const results: ReplayResult[] = [];
  for (const row of pending.rows) {
    try {
      await inTransaction(pool, async (client) => {
        // A rebuild's schema switch waits for the replay, as it does for a batch.
        await client.query('SELECT pg_advisory_xact_lock_shared($1)', [SWITCH_LOCK]);
        const event = { ...upcast(JSON.parse(row.payload)), position: row.position };
        const later = await appliedAfter(client, row, String(event.streamId));
        if (row.source !== 'postgres' && later.length) {
          throw new Superseded(
            `not replayed: ${later.length} later event(s) of ${String(event.streamId)} were applied after it ` +
              `(${later.map((l) => l.position).join(', ')}); replaying it alone would undo them, so run a rebuild`,
          );
        }
        // Applied now: a second delivery of it (a Kafka duplicate) is skipped like any other (applyBatch.ts).
        await client.query('INSERT INTO applied_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING', [
          event.eventId,
        ]);
        const events = [event, ...later.map((l) => ({ ...upcast(l.event), position: l.position }))];
        const changed = await projectEvents(client, events, events.at(-1)!.position);
        // The replay renders the members it touched itself: a running projector's renderer is not told.
        await drainWholeMemberQueue(client);
        await client.query('UPDATE projector.dead_letters SET replayed_at = now() WHERE id = $1', [row.id]);
        // A replayed House roll call names ~430 members: over the notification's limit it says `all`.
        await notifyChanges(client, {
          position: row.position,
          votes: changed.votes,
          bills: changed.dirtyBills,
          members: changed.dirtyMembers,
        });
      });
      results.push({ id: row.id, position: row.position, replayed: true });
    } catch (err) {
      const reason = (
        err instanceof Superseded ? err.message : `replay failed: ${(err as Error).message}`
      ).slice(0, 4_000);
      await pool.query('UPDATE projector.dead_letters SET reason = $2 WHERE id = $1', [row.id, reason]);
      results.push({ id: row.id, position: row.position, replayed: false, reason });
    }
  }
  return results;
};

/** Dead letters per consumer and state, for the projector's /metrics. */
export const deadLetterCounts = async (pool: pg.Pool) =>
  (
    await pool.query<{ consumer: string; state: string; n: number }>(
      `SELECT consumer, CASE WHEN replayed_at IS NULL THEN 'pending' ELSE 'replayed' END AS state, count(*)::int AS n
       FROM projector.dead_letters GROUP BY 1, 2`,
    )
  ).rows;
