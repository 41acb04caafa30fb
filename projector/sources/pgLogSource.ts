import type pg from 'pg';
import pgListen from 'pg-listen';
import type { Logger } from 'pino';
import { EVENTS_CHANNEL } from '../../command/log/eventLog.ts';
import { type Cursor, type RawEvent, StaleBatch } from '../runner/applyBatch.ts';
import { isTransient, processBatch, readCheckpoint } from '../runner/processBatch.ts';
import { createWakeup } from './wakeup.ts';

export type PgLogSourceOptions = Readonly<{
  pool: pg.Pool;
  listenUrl: string;
  consumer: string;
  batchSize: number;
  idlePollMs: number;
  logger: Logger;
  /** Take the leader lock so only one live projector applies the log (false for a rebuild's shadow run). */
  leaderLock?: boolean;
  onBatch?: (r: { applied: number; dead: number; position: string }) => void;
}>;

// Only one projector applies the embedded log at a time; a second instance waits as a hot standby.
const LEADER_LOCK = 7_254_002;

/**
 * Follows the embedded log by position: reads a batch after the checkpoint, applies it in one transaction,
 * and sleeps until a NOTIFY from an append (or a slow poll, in case a notification is missed).
 */
export const runPgLogSource = async (o: PgLogSourceOptions) => {
  const cursor: Cursor = { consumer: o.consumer, source: 'postgres', partition: 0 };
  const wakeup = createWakeup();
  // pg-listen is CommonJS; its factory is the `default` member of module.exports.
  const subscriber = pgListen.default({ connectionString: o.listenUrl });
  subscriber.notifications.on(EVENTS_CHANNEL, () => wakeup.wake());
  subscriber.events.on('error', (err: Error) => o.logger.error({ err }, 'event-log listener failed'));
  subscriber.events.on('reconnect', () => wakeup.wake());
  await subscriber.connect();
  await subscriber.listenTo(EVENTS_CHANNEL);

  let running = true;
  const leader = await o.pool.connect();
  const loop = (async () => {
    try {
      while (running && o.leaderLock !== false) {
        const got = await leader.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          LEADER_LOCK,
        ]);
        if (got.rows[0]?.ok) break;
        await wakeup.wait(o.idlePollMs);
      }
      while (running) {
        try {
          const stored = await readCheckpoint(o.pool, cursor);
          const next = stored ?? 1;
          const { rows } = await o.pool.query<{ position: number; envelope: unknown }>(
            `SELECT position, jsonb_build_object('eventId', event_id, 'streamId', stream_id, 'type', type,
                      'schemaVersion', schema_version, 'data', data, 'metadata', metadata) AS envelope
             FROM events.log WHERE position >= $1 ORDER BY position LIMIT $2`,
            [next, o.batchSize],
          );
          if (rows.length === 0) {
            await wakeup.wait(o.idlePollMs);
            continue;
          }
          const raws: RawEvent[] = rows.map((r) => ({
            offset: r.position,
            position: String(r.position),
            payload: r.envelope,
          }));
          const result = await processBatch(o.pool, cursor, raws, stored);
          o.onBatch?.({ ...result, position: raws.at(-1)!.position });
        } catch (err) {
          if (!isTransient(err)) throw err;
          if (!(err instanceof StaleBatch)) o.logger.warn({ err }, 'projector batch failed; retrying');
          await wakeup.wait(500);
        }
      }
    } finally {
      await leader.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      leader.release();
    }
  })();

  return {
    done: loop,
    async stop() {
      running = false;
      wakeup.wake();
      await loop.catch(() => undefined);
      await subscriber.close();
    },
  };
};
