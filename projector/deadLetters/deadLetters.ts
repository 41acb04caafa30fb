import type pg from 'pg';
import { upcast } from '../../command/contract/upcast.ts';
import { inTransaction } from '../../infra/kernel/db.ts';
import { drainWholeMemberQueue } from '../members/memberQueue.ts';
import { CHANGES_CHANNEL, projectEvents, SWITCH_LOCK } from '../runner/applyBatch.ts';

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

/**
 * Projects dead-lettered events again (after the projection or the data was fixed), oldest first, each in its own
 * transaction with its change notification; one that still fails stays with its new reason. Projections are
 * guarded by position, so a replayed event never overwrites what a later event of the same aggregate wrote.
 */
export const replayDeadLetters = async (pool: pg.Pool, o: { ids?: readonly number[] } = {}) => {
  const pending = await pool.query<{ id: number; position: string; payload: string }>(
    `SELECT id, position, payload FROM projector.dead_letters
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
        const changed = await projectEvents(client, [event], row.position);
        // The replay renders the members it touched itself: a running projector's renderer is not told.
        await drainWholeMemberQueue(client);
        await client.query('UPDATE projector.dead_letters SET replayed_at = now() WHERE id = $1', [row.id]);
        await client.query('SELECT pg_notify($1, $2)', [
          CHANGES_CHANNEL,
          JSON.stringify({
            position: row.position,
            votes: changed.votes,
            bills: changed.dirtyBills,
            members: changed.dirtyMembers,
          }),
        ]);
      });
      results.push({ id: row.id, position: row.position, replayed: true });
    } catch (err) {
      const reason = `replay failed: ${(err as Error).message}`.slice(0, 4_000);
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
