import type pg from 'pg';
import type { Logger } from 'pino';
import { inTransaction } from '../../infra/kernel/db.ts';
import { notifyChanges, PROJECTION_LOCK, SWITCH_LOCK } from '../runner/applyBatch.ts';
import { deferredIndexes, MAX_INDEX_DEFER_MS, restoreDeferredIndexes } from '../votes/ballotIndexes.ts';
import { memberQueueEmpty } from './queueMembers.ts';
import { renderMembers } from './renderMembers.ts';

/** Members rendered per drain transaction: bounds one transaction's work while a backlog drains. */
const DRAIN_LIMIT = 2_000;
/** The longest a kick waits (after a bulk load's long render, the next live vote's members wait no longer). */
const MAX_KICK_DELAY_MS = 1_000;

/**
 * Renders up to `limit` queued members inside the caller's transaction and removes them from the queue. When
 * the queue is empty afterwards, every member document is as fresh as the votes, and the members' freshness
 * row says so. Returns the keys rendered (for the change notification) and whether more remain.
 */
export const drainMemberQueue = async (
  client: pg.ClientBase,
  o: { limit?: number; backlog?: boolean } = {},
) => {
  const limit = o.limit ?? DRAIN_LIMIT;
  // Nothing queued and no index to build: no lock, no write (a batch that queues nothing moves the members'
  // freshness itself).
  if ((await memberQueueEmpty(client)) && (await deferredIndexes(client)).n === 0)
    return { keys: [] as string[], more: false };
  // Batches and drains take the projection lock in turn: a render reads counters a batch may be changing.
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [PROJECTION_LOCK]);
  // A first load deferred the ballots' voter indexes (ballotIndexes.ts), which renders read by. While its backlog
  // lasts, renders wait for its end (up to MAX_INDEX_DEFER_MS); then the indexes are built, once, and renders go on.
  const deferred = await deferredIndexes(client);
  if (deferred.n > 0) {
    if (o.backlog && deferred.ms < MAX_INDEX_DEFER_MS) return { keys: [] as string[], more: false };
    await restoreDeferredIndexes(client);
    if (await memberQueueEmpty(client)) return { keys: [] as string[], more: false };
  }
  const taken = await client.query<{ key: string; position: string; queued_at: Date }>(
    `DELETE FROM member_dirty WHERE key IN (SELECT key FROM member_dirty ORDER BY queued_at, key LIMIT $1)
     RETURNING key, position, queued_at`,
    [limit],
  );
  const keys = taken.rows.map((r) => r.key);
  // The newest queued position is the one the documents now reflect (positions of different Kafka partitions
  // do not compare, so the order of queueing decides).
  const newest = taken.rows.reduce<(typeof taken.rows)[number] | null>(
    (a, r) => (a === null || r.queued_at > a.queued_at ? r : a),
    null,
  );
  const position = newest?.position ?? null;
  if (keys.length) await renderMembers(client, keys, position!);
  const more = keys.length === limit;
  if (!more) {
    await client.query(
      `INSERT INTO freshness (read_model, position, event_time, applied_at)
       SELECT 'members', position, event_time, clock_timestamp() FROM freshness WHERE read_model = 'votes'
       ON CONFLICT (read_model) DO UPDATE SET position = EXCLUDED.position, event_time = EXCLUDED.event_time,
         applied_at = EXCLUDED.applied_at`,
    );
  }
  if (keys.length) {
    await notifyChanges(client, { position, votes: [], bills: [], members: keys });
  }
  return { keys, more };
};

/** Renders everything queued inside the caller's transaction (a dead-letter replay, a rebuild's switch). */
export const drainWholeMemberQueue = async (client: pg.ClientBase) => {
  while ((await drainMemberQueue(client)).more);
};

/**
 * Drains the queue after each batch, on its own connection: one drain at a time, a new kick during a drain
 * runs another right after it. During a backlog (a bulk load) the source defers instead, and one drain per
 * `maxDeferMs` renders what many batches queued (measured on us/117: 18 drains -> 7 for the same members).
 * Starts with a drain, for keys a crash left between a batch and its render.
 */
export const createMemberRenderer = (o: {
  pool: pg.Pool;
  logger: Logger;
  onDrain?: (r: { members: number }) => void;
  /**
   * How long a kick waits at least before draining, so that batches arriving meanwhile share one render of the
   * members they have in common (a new vote is visible before it; only its members' documents wait). The wait
   * grows to twice the last render's duration (see `kick`).
   */
  delayMs?: number;
  /**
   * How long a batch with more of the log behind it may postpone the render (`defer`): during a backlog each
   * batch re-queues the same members, so one render per this interval replaces one per batch.
   */
  maxDeferMs?: number;
}) => {
  const delayMs = o.delayMs ?? 50;
  const maxDeferMs = o.maxDeferMs ?? 5_000;
  let wanted = true;
  let timer: NodeJS.Timeout | null = null;
  let timerDue = 0;
  let running: Promise<void> | null = null;
  let stopped = false;
  let failures = 0;
  let lastRenderMs = 0;

  // Whether the source said more of the log is waiting (defer) rather than that it caught up (kick).
  let backlog = false;

  const drainAll = async () => {
    const started = performance.now();
    let rendered = 0;
    for (;;) {
      const r = await inTransaction(o.pool, async (client) => {
        // A rebuild's schema switch waits for the drain, as it does for a batch.
        await client.query('SELECT pg_advisory_xact_lock_shared($1)', [SWITCH_LOCK]);
        return drainMemberQueue(client, { backlog });
      });
      if (r.keys.length) o.onDrain?.({ members: r.keys.length });
      rendered += r.keys.length;
      if (!r.more) break;
    }
    if (rendered > 0) lastRenderMs = performance.now() - started;
  };

  const run = () => {
    if (running || stopped || !wanted) return;
    wanted = false;
    running = drainAll()
      .then(() => {
        failures = 0;
      })
      .catch((err) => {
        failures += 1;
        o.logger.warn({ err, failures }, 'member render failed; retrying');
        wanted = true;
        return new Promise<void>((r) => setTimeout(r, Math.min(250 * 2 ** (failures - 1), 5_000)));
      })
      .finally(() => {
        running = null;
        // A kick or defer during the drain set a timer: it runs the next drain when due.
        if (!timer) run();
      });
  };
  /** Runs a drain in `ms` unless one is already due sooner. */
  const schedule = (ms: number) => {
    wanted = true;
    if (stopped) return;
    const due = Date.now() + ms;
    if (timer && timerDue <= due) return;
    if (timer) clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(() => {
      timer = null;
      run();
    }, ms);
  };
  run();

  return {
    /**
     * A batch committed: render what it queued, shortly (or right after the drain in flight). Shortly is at least
     * `delayMs` and twice the last render (at most 1 s): a House roll call re-renders the same ~430 members each
     * time, and at tens of roll calls a second a render after every vote held the projection lock from the next
     * vote's batch and took a large share of the machine; renders at most a third of the time leave the rest to
     * the votes. Member documents stay within a few hundred ms of the votes.
     */
    kick() {
      backlog = false;
      schedule(Math.min(maxDeferMs, Math.max(delayMs, Math.min(MAX_KICK_DELAY_MS, 2 * lastRenderMs))));
    },
    /**
     * A batch committed and the source knows more of the log is waiting: render its members with a later
     * batch's, at the latest after `maxDeferMs` (the keys are already in rm.member_dirty, so nothing is lost).
     */
    defer() {
      backlog = true;
      schedule(maxDeferMs);
    },
    /** Stops after rendering what is queued (unless Postgres is failing: the next start renders it then). */
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
      if (failures > 0) return;
      await drainAll().catch((err) =>
        o.logger.warn({ err }, 'member render at shutdown failed; the next start renders the rest'),
      );
    },
  };
};
