import { z } from 'zod';

/** The projector's channel (projector/runner/applyBatch.ts; query/ may not import it). */
export const CHANGES_CHANNEL = 'openpolicy_rm_changed';

/**
 * What one notification changed: the cache tags it touches, or everything. `position` is the read models'
 * new log position, or null when the notification does not move it (a view refresh announces the position
 * it covers, already reached) or does not say.
 */
export type Change =
  | Readonly<{ position: string | null; all: true }>
  | Readonly<{ position: string | null; all: false; tags: ReadonlySet<string> }>;

/**
 * About the projector's progress rather than a change: it read a batch ending at `head`, its oldest event
 * recorded at `since` (ms), and is applying it; or a batch was settled up to `position` without moving a read
 * model (its last event dead-lettered).
 */
export type Progress =
  | Readonly<{ kind: 'pending'; head: string; since: number }>
  | Readonly<{ kind: 'settled'; position: string }>;
const PendingPayload = z.object({ pending: z.object({ head: z.string(), since: z.string() }) });
const SettledPayload = z.object({ settled: z.string() });

/** A progress notification, or null for any other payload (parseChange reads those). */
export const parseProgress = (raw: string | undefined): Progress | null => {
  if (!raw || !(raw.startsWith('{"pending"') || raw.startsWith('{"settled"'))) return null;
  try {
    const json: unknown = JSON.parse(raw);
    const p = PendingPayload.safeParse(json);
    if (p.success)
      return { kind: 'pending', head: p.data.pending.head, since: Date.parse(p.data.pending.since) };
    const d = SettledPayload.safeParse(json);
    return d.success ? { kind: 'settled', position: d.data.settled } : null;
  } catch {
    return null;
  }
};

const Ids = z.array(z.string()).default([]);
const All = z.object({ position: z.string(), all: z.literal(true) });
const Views = z.object({ position: z.string(), views: z.array(z.string()).min(1) });
const Batch = z.object({ position: z.string(), votes: Ids, bills: Ids, members: Ids });

/**
 * Turns a notification payload into tags.
 * - a projected batch `{position, votes, bills, members}`: `vote:<id>` / `bill:<id>` / `member:<id or alias>`
 *   per row, the list tag of each kind that changed (`votes`, `bills`, `members`), and `dashboard` on any
 *   change (aggregates read every kind);
 * - a materialized-view refresh `{position, views}`: `dashboard` (the routes reading views carry it) and
 *   `view:<name>` per view;
 * - `{position, all: true}` (too many keys, or a rebuild switched schemas): everything.
 * A payload that matches none of them counts as "everything changed": a missed invalidation serves stale data.
 */
export const parseChange = (raw: string | undefined): Change => {
  let json: unknown;
  try {
    json = JSON.parse(raw ?? '');
  } catch {
    return { position: null, all: true };
  }
  const all = All.safeParse(json);
  if (all.success) return { position: all.data.position, all: true };
  const views = Views.safeParse(json);
  if (views.success) {
    return {
      position: null,
      all: false,
      tags: new Set(['dashboard', ...views.data.views.map((v) => `view:${v}`)]),
    };
  }
  const batch = Batch.safeParse(json);
  if (!batch.success) return { position: null, all: true };
  const tags = new Set<string>();
  const kinds = [
    ['vote', 'votes', batch.data.votes],
    ['bill', 'bills', batch.data.bills],
    ['member', 'members', batch.data.members],
  ] as const;
  for (const [one, list, ids] of kinds) {
    if (ids.length === 0) continue;
    tags.add(list);
    for (const id of ids) tags.add(`${one}:${id}`);
  }
  if (tags.size > 0) tags.add('dashboard');
  return { position: batch.data.position, all: false, tags };
};
