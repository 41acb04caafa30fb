import type pg from 'pg';
import type { BillRecorded } from '../../command/bill/bill.ts';
import type { LoggedEvent } from '../../command/contract/events.ts';
import { upcast } from '../../command/contract/upcast.ts';
import type { MemberRecorded } from '../../command/member/member.ts';
import type { VoteRecorded } from '../../command/vote/vote.ts';
import { evolveBills } from '../bills/billProjection.ts';
import { renderBills } from '../bills/renderBills.ts';
import { evolveMembers } from '../members/memberProjection.ts';
import { memberQueueEmpty, queueMembers } from '../members/queueMembers.ts';
import type { Sql } from '../sql.ts';
import { deferBallotIndexes } from '../votes/ballotIndexes.ts';
import { evolveVotes, type StoredBallot, type StoredVote, type VoteState } from '../votes/voteProjection.ts';

/** An event's payload upcast and validated, or why it is not a valid event (a poison event). */
type Decoded = Readonly<{ event: LoggedEvent } | { error: string }>;

/**
 * One event as a source delivers it: where it sits in the log, its undecoded payload, and, when the source decoded
 * it ahead (`decodeAhead`), the result.
 */
export type RawEvent = Readonly<{ offset: number; position: string; payload: unknown; decoded?: Decoded }>;

/** Which checkpoint a batch advances: a consumer name, a log (`postgres` or a Kafka topic) and a partition. */
export type Cursor = Readonly<{ consumer: string; source: string; partition: number }>;

export const CHANGES_CHANNEL = 'openpolicy_rm_changed';

/** Held shared by every batch and view refresh, exclusively by a rebuild's schema switch. */
export const SWITCH_LOCK = 7_254_003;

/**
 * Held by each batch while it projects and renders (with the schema, so a rebuild's shadow run is not held up).
 * Renders read across aggregates (a member's stats from every ballot, a stub merged by a later alias), so two
 * instances projecting different partitions at once could each miss the other's uncommitted rows.
 */
export const PROJECTION_LOCK = 7_254_004;

/** The checkpoint moved under a batch (a rebuild switched schemas): the batch is dropped and re-read. */
export class StaleBatch extends Error {}

/**
 * Opens a batch's write: holds the switch lock shared (a rebuild's schema switch waits for us) and locks the
 * checkpoint row, failing if it is not where the batch was read from (compare-and-set).
 */
export const claimCheckpoint = async (client: pg.ClientBase, cursor: Cursor, expectedNext: number | null) => {
  await client.query('SELECT pg_advisory_xact_lock_shared($1)', [SWITCH_LOCK]);
  const current = await client.query<{ next_offset: number }>(
    'SELECT next_offset FROM projector.checkpoints WHERE consumer = $1 AND source = $2 AND partition = $3 FOR UPDATE',
    [cursor.consumer, cursor.source, cursor.partition],
  );
  if ((current.rows[0]?.next_offset ?? null) !== expectedNext)
    throw new StaleBatch('checkpoint moved; re-reading');
};
/** Longer change notifications become `{position, all: true}` (Postgres caps a payload at 8,000 bytes). */
export const NOTIFY_LIMIT = 7_500;

/**
 * Tells the query services what changed, inside the caller's transaction: the ids, or that everything may have
 * (`all`) when the list is too long for a notification, which would otherwise fail the transaction.
 */
export const notifyChanges = async (
  client: pg.ClientBase,
  changes: Readonly<{ position: string | null; votes: unknown[]; bills: string[]; members: string[] }>,
) => {
  let payload = JSON.stringify(changes);
  if (payload.length > NOTIFY_LIMIT) payload = JSON.stringify({ position: changes.position, all: true });
  await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, payload]);
};

type DeadLetter = { raw: RawEvent; reason: string };

const decodeOne = (raw: RawEvent): Decoded => {
  try {
    return { event: { ...upcast(raw.payload), position: raw.position } };
  } catch (err) {
    return { error: (err as Error).message.slice(0, 4_000) };
  }
};

/**
 * Validates events before their batch is applied: a source that reads the next batch while one is applied decodes
 * it then, while this process mostly waits for Postgres, instead of at the start of its own batch.
 */
export const decodeAhead = (raws: readonly RawEvent[]): RawEvent[] =>
  raws.map((raw) => ({ ...raw, decoded: raw.decoded ?? decodeOne(raw) }));

const decode = (raws: readonly RawEvent[]) => {
  const events: LoggedEvent[] = [];
  const dead: DeadLetter[] = [];
  for (const raw of raws) {
    const d = raw.decoded ?? decodeOne(raw);
    if ('event' in d) events.push(d.event);
    else dead.push({ raw, reason: d.error });
  }
  return { events, dead };
};

/**
 * The events whose id this read model has not applied yet, each once, in order; their ids are recorded in the
 * batch's transaction. A Kafka topic can hold an event twice (a publish whose bookkeeping failed after the
 * broker's acknowledgement, then the client's retry): applied again after a newer event of its stream, the old
 * one undid it.
 */
export const firstDeliveries = async (client: pg.ClientBase, events: readonly LoggedEvent[]) => {
  if (events.length === 0) return [];
  const r = await client.query<{ event_id: string }>(
    `INSERT INTO applied_events (event_id) SELECT DISTINCT unnest($1::uuid[])
     ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
    [events.map((e) => e.eventId)],
  );
  const fresh = new Set(r.rows.map((row) => row.event_id));
  return events.filter((e) => fresh.delete(e.eventId.toLowerCase()));
};

const loadVoteState = async (client: pg.ClientBase, voteIds: string[]): Promise<VoteState> => {
  const ballots = new Map<string, StoredBallot[]>();
  const votes = new Map<string, StoredVote>();
  if (voteIds.length === 0) return { ballots, votes };
  const b = await client.query<StoredBallot & { voteId: string }>(
    `SELECT vote_id AS "voteId", voter, name, region, position, position_class AS "positionClass", party,
            with_party AS "withParty"
     FROM ballots WHERE vote_id = ANY($1::text[])`,
    [voteIds],
  );
  for (const { voteId, ...row } of b.rows) {
    const list = ballots.get(voteId) ?? [];
    list.push(row);
    ballots.set(voteId, list);
  }
  const v = await client.query<{ id: string; bill_id: string | null; voted_at: Date; question: string }>(
    `SELECT id, bill_id, voted_at, summary->>'question' AS question FROM votes WHERE id = ANY($1::text[])`,
    [voteIds],
  );
  for (const r of v.rows) {
    votes.set(r.id, { billId: r.bill_id, votedAtMs: r.voted_at.getTime(), question: r.question });
  }
  return { ballots, votes };
};

/** Ballots per chunk of a batch's roll calls (about 23 House roll calls). */
const VOTE_CHUNK_BALLOTS = 10_000;

/** The events in chunks of about `ballots` ballots, every event of one roll call in the same chunk, in order. */
export const wholeVoteChunks = <E extends { data: { voteId: string; ballots: readonly unknown[] } }>(
  events: readonly E[],
  ballots: number,
): E[][] => {
  const byVote = new Map<string, E[]>();
  for (const e of events) {
    const list = byVote.get(e.data.voteId);
    if (list) list.push(e);
    else byVote.set(e.data.voteId, [e]);
  }
  const chunks: E[][] = [];
  let chunk: E[] = [];
  let size = 0;
  for (const list of byVote.values()) {
    chunk.push(...list);
    size += list.reduce((n, e) => n + e.data.ballots.length, 0);
    if (size >= ballots) {
      chunks.push(chunk);
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
};

const run = async (client: pg.ClientBase, statements: readonly Sql[]) => {
  for (const s of statements) await client.query(s.text, s.values as unknown[]);
};

/**
 * Runs the pure projections over decoded events and re-renders the bill and vote documents they touched, inside
 * the caller's transaction; the members they touched are queued for the member renderer (memberQueue.ts), so a
 * new vote is visible without waiting for ~430 member documents. Returns what changed (for the change
 * notification). Batches and dead-letter replays share it.
 */
export const projectEvents = async (
  client: pg.ClientBase,
  events: readonly LoggedEvent[],
  position: string,
) => {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [PROJECTION_LOCK]);
  const votes: (VoteRecorded & { position: string })[] = [];
  const members: MemberRecorded[] = [];
  const bills: BillRecorded[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'VoteRecorded':
        votes.push(e);
        break;
      case 'MemberRecorded':
        members.push(e);
        break;
      case 'BillRecorded':
        bills.push(e);
        break;
      default: {
        const _exhaustive: never = e;
        throw new Error(`unhandled event ${JSON.stringify(_exhaustive)}`);
      }
    }
  }
  // A first load into an empty ballots table builds the voter indexes once, when the projector has caught up.
  await deferBallotIndexes(
    client,
    votes.reduce((n, e) => n + e.data.ballots.length, 0),
  );
  const state = votes.length
    ? await loadVoteState(client, [...new Set(votes.map((e) => e.data.voteId))])
    : null;
  const m = evolveMembers(members, position);
  const b = evolveBills(bills);
  await run(client, [...m.statements, ...b.statements]);
  // Roll calls in chunks of whole roll calls, each chunk's statements sent before the next chunk is projected: this
  // process projects a chunk while Postgres writes the one before (the ballots insert first), instead of the two
  // taking turns over the whole batch. The same events as consecutive batches would give the same rows: counters
  // add up and the "latest" columns do not depend on order (voteProjection.ts).
  const dirtyBills = new Set(b.dirtyBills);
  const dirtyMembers = new Set(m.dirtyMembers);
  const changedVotes: ReturnType<typeof evolveVotes>['votes'] = [];
  let writing: Promise<void> = Promise.resolve();
  for (const chunk of wholeVoteChunks(votes, VOTE_CHUNK_BALLOTS)) {
    const v = evolveVotes(chunk, state!);
    await writing;
    writing = run(client, v.statements);
    for (const id of v.dirtyBills) dirtyBills.add(id);
    for (const key of v.dirtyVoters) dirtyMembers.add(key);
    changedVotes.push(...v.votes);
  }
  await writing;

  await renderBills(client, [...dirtyBills], position);
  await queueMembers(client, [...dirtyMembers], position);
  return { votes: changedVotes, dirtyBills: [...dirtyBills], dirtyMembers: [...dirtyMembers] };
};

/**
 * Applies one batch inside the caller's transaction: decode (poison events to the dead-letter table), run the
 * pure projections, re-render the documents they touched, then advance the checkpoint and announce the change.
 */
export const applyBatch = async (
  client: pg.ClientBase,
  cursor: Cursor,
  raws: readonly RawEvent[],
  expectedNext: number | null,
) => {
  if (raws.length === 0) return { applied: 0, dead: 0 };
  await claimCheckpoint(client, cursor, expectedNext);
  const { events: decoded, dead } = decode(raws);
  const events = await firstDeliveries(client, decoded);
  const last = raws.at(-1)!;
  const {
    votes: changedVotes,
    dirtyBills,
    dirtyMembers,
  } = await projectEvents(client, events, last.position);

  if (dead.length) {
    await client.query(
      `INSERT INTO projector.dead_letters (consumer, source, position, event_id, payload, reason)
       SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (consumer, source, position) DO NOTHING`,
      [
        cursor.consumer,
        cursor.source,
        dead.map((d) => d.raw.position),
        dead.map((d) => (d.raw.payload as { eventId?: string } | null)?.eventId ?? null),
        dead.map((d) => JSON.stringify(d.raw.payload) ?? 'null'),
        dead.map((d) => d.reason),
      ],
    );
  }
  await client.query(
    `INSERT INTO projector.checkpoints (consumer, source, partition, next_offset, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (consumer, source, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
    [cursor.consumer, cursor.source, cursor.partition, last.offset + 1],
  );
  const membersCurrent = dirtyMembers.length === 0 && (await memberQueueEmpty(client));
  const eventTime =
    events
      .map((e) => e.metadata.recordedAt)
      .sort()
      .at(-1) ?? null;
  await client.query(
    `INSERT INTO freshness (read_model, position, event_time, applied_at)
     SELECT unnest($1::text[]), $2, $3::timestamptz, clock_timestamp()
     ON CONFLICT (read_model) DO UPDATE SET position = EXCLUDED.position,
       event_time = greatest(freshness.event_time, EXCLUDED.event_time), applied_at = EXCLUDED.applied_at`,
    // The members' row moves here only if no member waits for a render; otherwise when the renderer drains them.
    [membersCurrent ? ['votes', 'bills', 'members'] : ['votes', 'bills'], last.position, eventTime],
  );
  // Member documents change when the renderer drains the queue, and it announces them then.
  await notifyChanges(client, {
    position: last.position,
    votes: changedVotes,
    bills: dirtyBills,
    members: [],
  });
  return { applied: events.length, dead: dead.length };
};
