/** One row of rm.freshness, times in epoch milliseconds. */
export type FreshnessRow = Readonly<{
  readModel: string;
  position: string;
  appliedAt: number;
  eventTime: number | null;
}>;

export type FreshnessHeaders = Readonly<{ position: string; asOf: string; lagMs: number }>;

const REMEMBERED = 4_096;
/** Batches read but not yet applied that this instance remembers (one per Kafka partition in flight, at most). */
const PENDING = 256;

/**
 * Whether a batch that ends at `head` is applied once the read models reached `position`: log positions
 * compare as numbers, Kafka's `partition:offset` within the partition; others only when equal.
 */
const reached = (head: string, position: string) => {
  if (/^\d+$/.test(head) && /^\d+$/.test(position)) return Number(position) >= Number(head);
  const h = /^(\d+):(\d+)$/.exec(head);
  const p = /^(\d+):(\d+)$/.exec(position);
  if (h && p && h[1] === p[1]) return BigInt(p[2]!) >= BigInt(h[2]!);
  return head === position;
};

/** The freshness row of materialized view `name` (its rm.view_refresh row). */
export const viewReadModel = (name: string) => `view:${name}`;
const isView = (readModel: string) => readModel.startsWith('view:');

/**
 * What this instance knows about how fresh the read models are, kept in memory and moved only by change
 * notifications (never a query per request).
 *
 * A snapshot of rm.freshness is *adopted* only once every change up to its newest position has been
 * processed here (its notification received and the caches invalidated), so the headers never claim a
 * position whose invalidation has not happened yet. A snapshot that is ahead of the notifications (a later
 * batch committed while we were reading) waits in `ahead` until its notification arrives. After a (re)connect
 * of the listener the first snapshot is adopted as the baseline: LISTEN was already active when it was read.
 *
 * The headers, for a read model R (its rm.freshness row in the adopted snapshot; a materialized view V is the
 * row `view:V`, from rm.view_refresh):
 * - `X-Data-Position`: R's position. The body reflects at least this position: every change up to it had been
 *   applied to the caches before the response was chosen (it may reflect a little more).
 * - `X-Data-As-Of`: R's `applied_at`, when the projector committed that position (ISO 8601, ms).
 * - `X-Projection-Lag-Ms`: how far R is behind the newest change this instance knows of. 0 when R is caught up,
 *   i.e. the listener is connected and R's own position is the newest announced one (the newest adopted one
 *   before any notification); otherwise (a newer change is known but R does not reflect it yet: a member render
 *   or a view refresh still pending, or the listener is down so changes may be missed) `now - applied_at`: the
 *   age of the state being served, which grows until R catches up. Each read model is judged on its own row:
 *   member documents and views trail the votes. While the projector is applying a batch it has read (it says so
 *   before it starts: `notePending`), the lag is at least the age of that batch's oldest event: accepted
 *   events that are not visible yet count, as a backlog after a bulk load does.
 */
export const createFreshness = () => {
  let adopted = new Map<string, FreshnessRow>();
  let newest: FreshnessRow | null = null;
  // ISO strings computed once per adoption, not per response.
  let asOf = new Map<FreshnessRow, string>();
  const processed = new Set<string>();
  const ahead = new Map<string, readonly FreshnessRow[]>();
  let last: string | null = null;
  let baseline = false;
  let connected = false;
  // Batches the projector has read and is applying (their last position -> when their oldest event was
  // recorded): events accepted and not visible yet, which no applied position tells of.
  const pending = new Map<string, number>();
  const backlogMs = (now: number) => {
    let oldest = Number.POSITIVE_INFINITY;
    for (const since of pending.values()) oldest = Math.min(oldest, since);
    return pending.size ? Math.max(0, Math.round(now - oldest)) : 0;
  };

  // View rows are left out: a refresh is newer than the batch it covers but announces no new position.
  const newestOf = (rows: readonly FreshnessRow[]) =>
    rows.reduce<FreshnessRow | null>(
      (a, r) => (isView(r.readModel) || (a && r.appliedAt <= a.appliedAt) ? a : r),
      null,
    );

  const adopt = (rows: readonly FreshnessRow[]) => {
    adopted = new Map(rows.map((r) => [r.readModel, r]));
    asOf = new Map(rows.map((r) => [r, new Date(r.appliedAt).toISOString()]));
    newest = newestOf(rows);
    baseline = true;
  };

  const current = (row: FreshnessRow) => connected && baseline && row.position === (last ?? newest?.position);
  // Every read model and view: one that trails (members waiting for a render, a view for its refresh) keeps
  // rm.freshness being read, once a second at most, until it catches up.
  const caughtUp = () => {
    if (!connected || !baseline) return false;
    for (const row of adopted.values()) if (!current(row)) return false;
    return true;
  };

  return {
    /** The listener (re)connected or dropped: what we learnt before no longer tells what we missed. */
    setConnected(up: boolean) {
      connected = up;
      processed.clear();
      pending.clear();
      ahead.clear();
      last = null;
      baseline = false;
    },
    /** A change notification was processed (caches invalidated). True if rm.freshness should be read. */
    noteChange(position: string | null) {
      if (position === null) return true;
      for (const head of pending.keys()) if (reached(head, position)) pending.delete(head);
      // A position announced again: the member renderer names the batch that queued its members, which may be
      // older than the newest batch processed since. It must not move `last` back (caught up would never be true
      // again, and the lag would grow until the next batch); rm.freshness is read again for the members' row.
      if (processed.has(position)) return true;
      processed.add(position);
      if (processed.size > REMEMBERED) processed.delete(processed.values().next().value as string);
      last = position;
      const waiting = ahead.get(position);
      if (waiting) {
        ahead.delete(position);
        adopt(waiting);
      }
      return !caughtUp();
    },
    /** A snapshot of rm.freshness, read after the notifications processed so far. */
    offer(rows: readonly FreshnessRow[]) {
      const top = newestOf(rows);
      if (!baseline || !top || processed.has(top.position)) {
        adopt(rows);
        return;
      }
      ahead.set(top.position, rows);
      if (ahead.size > 16) ahead.delete(ahead.keys().next().value as string);
    },
    /**
     * The projector read a batch ending at `head` whose oldest event was recorded at `since` (ms), and is applying
     * it: until a change at or past `head` is announced, every read model is at least that far behind.
     */
    notePending(head: string, since: number) {
      if (!connected || !Number.isFinite(since) || (last !== null && reached(head, last))) return;
      if (!pending.has(head) && pending.size >= PENDING)
        pending.delete(pending.keys().next().value as string);
      pending.set(head, Math.min(since, pending.get(head) ?? since));
    },
    /** A batch was settled up to `position` without moving a read model (its last event dead-lettered). */
    noteSettled(position: string) {
      for (const head of pending.keys()) if (reached(head, position)) pending.delete(head);
    },
    caughtUp,
    /** See the class comment: X-Data-Position, X-Data-As-Of, X-Projection-Lag-Ms for read model R. */
    headers(readModel: string | undefined, now: number): FreshnessHeaders | null {
      const own = readModel ? adopted.get(readModel) : undefined;
      // A view never refreshed has no position to claim; another read model without a row reports the newest.
      const row = own ?? (readModel && isView(readModel) ? null : newest);
      if (!row) return null;
      return {
        position: row.position,
        asOf: asOf.get(row) ?? new Date(row.appliedAt).toISOString(),
        lagMs: Math.max(current(row) ? 0 : Math.max(0, Math.round(now - row.appliedAt)), backlogMs(now)),
      };
    },
    rows: () => [...adopted.values()],
  };
};

export type Freshness = ReturnType<typeof createFreshness>;
