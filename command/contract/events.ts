import { z } from 'zod/v4';
import { BillData, type BillRecorded } from '../bill/bill.ts';
import { MemberData, type MemberRecorded } from '../member/member.ts';
import { VoteData, type VoteRecorded } from '../vote/vote.ts';

/** Bump when an event's data shape changes; older versions are upcast in `upcast.ts`, never rewritten. */
export const SCHEMA_VERSION = 1;

export type DomainEvent = MemberRecorded | BillRecorded | VoteRecorded;
export type EventType = DomainEvent['type'];

export type EventMetadata = Readonly<{
  recordedAt: string;
  source?: string | null;
  requestId?: string | null;
}>;

/** What travels on the log: the event plus its identity; `streamId` is the aggregate id and the Kafka key. */
export type EventEnvelope<E extends DomainEvent = DomainEvent> = Readonly<{
  eventId: string;
  streamId: string;
  schemaVersion: number;
  metadata: EventMetadata;
}> &
  E;

/** A consumed event with where it came from in the log. */
export type LoggedEvent = EventEnvelope & Readonly<{ position: string }>;

const envelope = {
  eventId: z.string().uuid(),
  streamId: z.string().min(1).max(200),
  schemaVersion: z.literal(SCHEMA_VERSION),
  metadata: z.object({
    recordedAt: z.string(),
    source: z.string().nullish(),
    requestId: z.string().nullish(),
  }),
};

/** Validates an event read back from a log; a failure makes it a poison event for the dead-letter store. */
export const EventEnvelopeSchema = z.discriminatedUnion('type', [
  z.object({
    ...envelope,
    type: z.literal('MemberRecorded'),
    data: MemberData.and(z.object({ memberId: z.string() })),
  }),
  z.object({
    ...envelope,
    type: z.literal('BillRecorded'),
    data: BillData.and(z.object({ billId: z.string() })),
  }),
  z.object({
    ...envelope,
    type: z.literal('VoteRecorded'),
    data: VoteData.and(z.object({ voteId: z.string(), billId: z.string().nullable() })),
  }),
]);
