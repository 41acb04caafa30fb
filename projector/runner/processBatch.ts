import type pg from 'pg';
import { inTransaction } from '../../infra/kernel/db.ts';
import {
  applyBatch,
  CHANGES_CHANNEL,
  type Cursor,
  claimCheckpoint,
  type RawEvent,
  StaleBatch,
} from './applyBatch.ts';

/**
 * Connection loss, shutdowns, deadlocks, resource limits, refused logins (a password being rotated, pg_hba being
 * edited): retry the batch later, logging each failure; never dead-letter for these, never give up on them.
 */
export const isTransient = (err: unknown) => {
  if (err instanceof StaleBatch) return true;
  const code = (err as { code?: string })?.code;
  if (!code || typeof code !== 'string' || code.length !== 5) return true;
  return /^(08|28|40|53|57|58)/.test(code);
};

/**
 * Whether a failed batch is the events' fault (replayed one event at a time, the poison one dead-lettered) rather
 * than retried as a whole: what the database refuses for the data, and the projection code throwing on an event
 * (a TypeError on a shape it does not handle), which waiting does not cure. Retried for ever, one such event
 * stopped every later one. Only the batch decides this way: a source's loop keeps retrying whatever fails outside
 * a batch (isTransient), where a TypeError says nothing about an event.
 */
export const isEventFault = (err: unknown) =>
  err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || !isTransient(err);

const deadLetter = (
  pool: pg.Pool,
  cursor: Cursor,
  raw: RawEvent,
  reason: string,
  expectedNext: number | null,
) =>
  inTransaction(pool, async (client) => {
    await claimCheckpoint(client, cursor, expectedNext);
    await client.query(
      `INSERT INTO projector.dead_letters (consumer, source, position, event_id, payload, reason)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (consumer, source, position) DO NOTHING`,
      [
        cursor.consumer,
        cursor.source,
        raw.position,
        (raw.payload as { eventId?: string } | null)?.eventId ?? null,
        JSON.stringify(raw.payload) ?? 'null',
        reason,
      ],
    );
    await client.query(
      `INSERT INTO projector.checkpoints (consumer, source, partition, next_offset) VALUES ($1, $2, $3, $4)
       ON CONFLICT (consumer, source, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
      [cursor.consumer, cursor.source, cursor.partition, raw.offset + 1],
    );
    // No read model moved, but the batch announced as pending is settled up to here.
    await client.query('SELECT pg_notify($1, $2)', [
      CHANGES_CHANNEL,
      JSON.stringify({ settled: raw.position }),
    ]);
  });

/** When the oldest event of a batch was recorded (its envelopes' metadata.recordedAt), or null. */
const oldestRecorded = (raws: readonly RawEvent[]) => {
  let oldest: string | null = null;
  for (const r of raws) {
    const at = (r.payload as { metadata?: { recordedAt?: unknown } } | null)?.metadata?.recordedAt;
    if (typeof at === 'string' && (oldest === null || at < oldest)) oldest = at;
  }
  return oldest;
};

/**
 * Tells the query services, before the batch is applied, that events up to its last position are accepted but
 * not visible yet, and since when: their lag counts them (a bulk load's first batch takes seconds). Committed
 * before the batch's transaction starts, so it arrives before the batch's own notification. Best effort.
 */
const announcePending = async (pool: pg.Pool, raws: readonly RawEvent[]) => {
  const since = oldestRecorded(raws);
  if (since === null || raws.length === 0) return;
  await pool
    .query('SELECT pg_notify($1, $2)', [
      CHANGES_CHANNEL,
      JSON.stringify({ pending: { head: raws.at(-1)!.position, since } }),
    ])
    .catch(() => undefined);
};

/**
 * One transaction per batch. If the database refuses the batch for a reason that is not transient, the batch
 * is replayed one event per transaction so that only the poison event is dead-lettered and the rest land.
 */
export const processBatch = async (
  pool: pg.Pool,
  cursor: Cursor,
  raws: readonly RawEvent[],
  expectedNext: number | null,
): Promise<{ applied: number; dead: number }> => {
  await announcePending(pool, raws);
  return applyOrSplit(pool, cursor, raws, expectedNext);
};

const applyOrSplit = async (
  pool: pg.Pool,
  cursor: Cursor,
  raws: readonly RawEvent[],
  expectedNext: number | null,
): Promise<{ applied: number; dead: number }> => {
  try {
    return await inTransaction(pool, (client) => applyBatch(client, cursor, raws, expectedNext));
  } catch (err) {
    if (!isEventFault(err)) throw err;
    if (raws.length === 1) {
      await deadLetter(
        pool,
        cursor,
        raws[0]!,
        `projection failed: ${(err as Error).message}`.slice(0, 4_000),
        expectedNext,
      );
      return { applied: 0, dead: 1 };
    }
    let applied = 0;
    let dead = 0;
    let expected = expectedNext;
    for (const raw of raws) {
      const r = await applyOrSplit(pool, cursor, [raw], expected);
      applied += r.applied;
      dead += r.dead;
      expected = raw.offset + 1;
    }
    return { applied, dead };
  }
};

export const readCheckpoint = async (pool: pg.Pool, cursor: Cursor) => {
  const r = await pool.query<{ next_offset: number }>(
    'SELECT next_offset FROM projector.checkpoints WHERE consumer = $1 AND source = $2 AND partition = $3',
    [cursor.consumer, cursor.source, cursor.partition],
  );
  return r.rows[0]?.next_offset ?? null;
};
