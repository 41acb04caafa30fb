import type pg from 'pg';
import pgListen from 'pg-listen';
import type { Logger } from 'pino';
import { EVENTS_CHANNEL } from '../../command/log/eventLog.ts';
import { createMemberRenderer } from '../members/memberQueue.ts';
import { type Cursor, decodeAhead, type RawEvent, StaleBatch } from '../runner/applyBatch.ts';
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
  /** `behind`: more of the log was waiting when the batch committed (a backlog, e.g. a bulk load). */
  onBatch?: (r: { applied: number; dead: number; position: string; behind: boolean }) => void;
  /** A batch said `behind` (it was full) and the next read found nothing: the backlog is over after all. */
  onCaughtUp?: () => void;
}>;

// Only one projector applies the embedded log at a time; a second instance waits as a hot standby.
export const LEADER_LOCK = 7_254_002;
// A leader asks pg_locks at most this often whether its session still holds the lock (before a batch).
const LEADER_CHECK_MS = 2_000;
// A lock check that takes longer means a dead (half-open) connection: give it up and reconnect.
const LEADER_CHECK_TIMEOUT_MS = 5_000;
const backoffMs = (failures: number) => Math.min(250 * 2 ** Math.max(0, failures - 1), 5_000);

/**
 * The session-level advisory lock on a dedicated connection. The lock lives as long as that connection: when
 * the connection ends (Postgres restart, terminated backend), leadership is lost, and `ensure` re-takes it on
 * a fresh connection (or finds another instance holds it and reports false).
 */
const createLeadership = (pool: pg.Pool, logger: Logger, onLost: () => void) => {
  let client: pg.PoolClient | null = null;
  let lost = false;
  let leader = false;
  let checkedAt = 0;
  const markLost = () => {
    lost = true;
    onLost();
  };
  const drop = (destroy: boolean) => {
    const c = client;
    client = null;
    if (leader) logger.warn('lost the embedded-log leader lock (connection closed); re-acquiring');
    leader = false;
    if (!c) return;
    c.removeListener('end', markLost);
    c.removeListener('error', markLost);
    c.release(destroy ? true : undefined);
  };
  const isStillLocked = async (c: pg.PoolClient) => {
    // A failed check counts as lost: the caller drops the connection and competes for the lock again.
    const check = c
      .query<{ ok: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
           AND classid = 0 AND objid = $1::bigint::oid AND objsubid = 1 AND granted) AS ok`,
        [LEADER_LOCK],
      )
      .then(
        (r) => r.rows[0]?.ok === true,
        () => false,
      );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), LEADER_CHECK_TIMEOUT_MS);
    });
    try {
      return await Promise.race([check, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    /** True when this instance holds the lock now; takes it if free. Throws (transient) while Postgres is away. */
    async ensure() {
      if (client && lost) drop(true);
      try {
        if (!client) {
          lost = false;
          client = await pool.connect();
          client.once('end', markLost);
          client.on('error', markLost);
        }
        if (leader) {
          if (Date.now() - checkedAt < LEADER_CHECK_MS) return true;
          if (!(await isStillLocked(client))) {
            drop(true);
            return false;
          }
        } else {
          const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
            LEADER_LOCK,
          ]);
          leader = got.rows[0]?.ok === true;
          if (leader) logger.info('took the embedded-log leader lock');
        }
        checkedAt = Date.now();
        return leader;
      } catch (err) {
        drop(true);
        throw err;
      }
    },
    /** Whether the lock's connection is known to be gone (checked before committing to a batch). */
    get lost() {
      return lost;
    },
    async release() {
      if (client && !lost) {
        await client.query('SELECT pg_advisory_unlock_all()').catch(() => {
          lost = true;
        });
      }
      leader = false;
      drop(lost);
    },
  };
};

/**
 * Follows the embedded log by position: reads a batch after the checkpoint, applies it in one transaction,
 * and sleeps until a NOTIFY from an append (or a slow poll, in case a notification is missed). Only the holder
 * of the leader lock applies; an instance that loses it (its connection died) stops applying and competes for
 * it again on a new connection, backing off while Postgres is unreachable.
 */
export const runPgLogSource = async (o: PgLogSourceOptions) => {
  const cursor: Cursor = { consumer: o.consumer, source: 'postgres', partition: 0 };
  const wakeup = createWakeup();
  // pg-listen is CommonJS; its factory is the `default` member of module.exports.
  // It reconnects by itself, with backoff and without giving up (its default stops after 3 s of outage).
  const subscriber = pgListen.default(
    { connectionString: o.listenUrl },
    { retryInterval: backoffMs, retryTimeout: 0 },
  );
  subscriber.notifications.on(EVENTS_CHANNEL, () => wakeup.wake());
  subscriber.events.on('error', (err: Error) => o.logger.error({ err }, 'event-log listener failed'));
  subscriber.events.on('reconnect', () => wakeup.wake());
  await subscriber.connect();
  await subscriber.listenTo(EVENTS_CHANNEL);

  let running = true;
  const leadership = o.leaderLock === false ? null : createLeadership(o.pool, o.logger, () => wakeup.wake());
  const members = createMemberRenderer({ pool: o.pool, logger: o.logger });
  type Row = {
    position: number;
    eventId: string;
    streamId: string;
    type: string;
    schemaVersion: number;
    data: unknown;
    metadata: unknown;
  };
  // The columns as they are, the envelope put together here: building it in SQL (jsonb_build_object) made Postgres
  // copy every event's data into a new value before sending it, a large share of the read's time in Postgres.
  const readRaws = async (from: number): Promise<RawEvent[]> =>
    (
      await o.pool.query<Row>(
        `SELECT position, event_id AS "eventId", stream_id AS "streamId", type, schema_version AS "schemaVersion",
                data, metadata
         FROM events.log WHERE position >= $1 ORDER BY position LIMIT $2`,
        [from, o.batchSize],
      )
    ).rows.map(({ position, ...envelope }) => ({
      offset: position,
      position: String(position),
      payload: envelope,
    }));
  const loop = (async () => {
    let failures = 0;
    let deferred = false;
    let prefetched: { from: number; raws: Promise<RawEvent[] | null> } | null = null;
    try {
      while (running) {
        try {
          if (leadership && !(await leadership.ensure())) {
            failures = 0;
            // Leadership lost while a backlog was being applied: this renderer was told to wait for the catch-up that
            // only the leader now sees (it postpones member renders, and the deferred voter indexes, up to 10
            // minutes). Release it: the members this instance queued are rendered now.
            if (deferred) {
              deferred = false;
              members.kick();
            }
            await wakeup.wait(o.idlePollMs);
            continue;
          }
          const stored = await readCheckpoint(o.pool, cursor);
          const next = stored ?? 1;
          // The log is append-only and positions become visible in order, so rows read ahead from `next` are
          // what a read now would return, unless more arrived since a short read (then read again).
          const ahead: RawEvent[] | null = prefetched?.from === next ? await prefetched.raws : null;
          prefetched = null;
          const raws: RawEvent[] = ahead?.length === o.batchSize ? ahead : await readRaws(next);
          failures = 0;
          if (raws.length === 0) {
            // Caught up after a full batch: its members and views were deferred; render and refresh them now.
            if (deferred) {
              members.kick();
              o.onCaughtUp?.();
            }
            deferred = false;
            await wakeup.wait(o.idlePollMs);
            continue;
          }
          // The lock's connection went away while we read: another instance may be leader by now.
          if (leadership?.lost) continue;
          // A full batch: read the next one while this one is applied (its rows arrive, are parsed and validated
          // meanwhile, while this batch waits for Postgres).
          if (raws.length === o.batchSize) {
            const from: number = raws.at(-1)!.offset + 1;
            prefetched = { from, raws: readRaws(from).then(decodeAhead, () => null) };
          }
          const result = await processBatch(o.pool, cursor, raws, stored);
          // A full batch means more of the log is probably waiting (a bulk load): its batches share a render.
          deferred = raws.length === o.batchSize;
          if (deferred) members.defer();
          else members.kick();
          o.onBatch?.({ ...result, position: raws.at(-1)!.position, behind: deferred });
        } catch (err) {
          if (!isTransient(err)) throw err;
          failures += 1;
          if (!(err instanceof StaleBatch))
            o.logger.warn({ err, failures }, 'projector batch failed; retrying');
          await wakeup.wait(backoffMs(failures));
        }
      }
    } finally {
      await leadership?.release();
    }
  })();

  return {
    done: loop,
    async stop() {
      running = false;
      wakeup.wake();
      await loop.catch(() => undefined);
      await members.stop();
      await subscriber.close();
    },
  };
};
