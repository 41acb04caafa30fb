import { billStreamId } from '../bill/bill.ts';
import { memberStreamId } from '../member/member.ts';
import { voteBillId, voteStreamId } from '../vote/vote.ts';
import type { Command } from './commands.ts';
import { type DomainEvent, type EventEnvelope, type EventMetadata, SCHEMA_VERSION } from './events.ts';
import { eventId } from './ids.ts';

const toEvent = (command: Command): { streamId: string; event: DomainEvent } => {
  switch (command.type) {
    case 'RecordMember': {
      const streamId = memberStreamId(command.data);
      return { streamId, event: { type: 'MemberRecorded', data: { ...command.data, memberId: streamId } } };
    }
    case 'RecordBill': {
      const streamId = billStreamId(command.data);
      return { streamId, event: { type: 'BillRecorded', data: { ...command.data, billId: streamId } } };
    }
    case 'RecordVote': {
      const streamId = voteStreamId(command.data);
      const data = { ...command.data, voteId: streamId, billId: voteBillId(command.data) };
      return { streamId, event: { type: 'VoteRecorded', data } };
    }
    default: {
      const _exhaustive: never = command;
      throw new Error(`unhandled command ${JSON.stringify(_exhaustive)}`);
    }
  }
};

/**
 * Turns a validated command into its event. Records are facts reported by a legislature, so there is no
 * state to consult: the event id is derived from the stream and the content, which makes re-ingest a no-op.
 */
export const decide = (command: Command, metadata: EventMetadata): EventEnvelope => {
  const { streamId, event } = toEvent(command);
  return {
    ...event,
    eventId: eventId(event.type, streamId, event.data),
    streamId,
    schemaVersion: SCHEMA_VERSION,
    metadata,
  } as EventEnvelope;
};
