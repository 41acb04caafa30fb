import { expect } from 'chai';
import type { Command } from '../../command/contract/commands.ts';
import { createPgEventLog } from '../../command/log/pgEventLog.ts';
import { useProjectorDatabase } from '../../infra/testing/projectorDatabase.ts';
import { asEvent, usVoteCommand } from '../../infra/testing/usEvents.ts';
import type { RawEvent } from '../runner/applyBatch.ts';
import { processBatch } from '../runner/processBatch.ts';

type VoteCommand = Extract<Command, { type: 'RecordVote' }>;

/** One member's ballot on House roll call 49 of 2021, sent live (merged into the roll call), optionally revised. */
const live = (position: 'Yea' | 'Nay', revision?: string): VoteCommand => {
  const c = usVoteCommand('2021/h49') as VoteCommand;
  const ballot = {
    ...c.data.ballots[0]!,
    position,
    positionClass: position === 'Yea' ? 'yea' : 'nay',
  } as const;
  return {
    ...c,
    data: { ...c.data, ballotsComplete: false, ballots: [ballot], ...(revision ? { revision } : {}) },
  };
};

describe('a live ballot changed and changed back (real Postgres: embedded log and projector)', () => {
  const t = useProjectorDatabase();

  /** Appends the commands (as roll call `number`, a stream of their own) to the log and projects them. */
  const appendAndProject = async (number: number, commands: VoteCommand[]) => {
    const events = commands.map((c) => asEvent({ ...c, data: { ...c.data, number } }));
    const appended = await createPgEventLog(t.admin).append(events);
    const cursor = { consumer: 'projector-test', source: 'postgres', partition: 0 };
    const checkpoint = await t.admin.query('SELECT next_offset FROM projector.checkpoints');
    const next: number | null = checkpoint.rows[0]?.next_offset ?? null;
    const rows = await t.admin.query(
      `SELECT position, event_id AS "eventId", stream_id AS "streamId", type, schema_version AS "schemaVersion",
              data, metadata FROM events.log WHERE position >= $1 ORDER BY position`,
      [next ?? 1],
    );
    const raws: RawEvent[] = rows.rows.map(({ position, ...e }) => ({
      offset: Number(position),
      position: String(position),
      payload: e,
    }));
    await processBatch(t.pool, cursor, raws, next);
    const ballot = await t.admin.query('SELECT position FROM rm.ballots WHERE vote_id = $1', [
      events[0]!.streamId,
    ]);
    return { duplicates: appended.map((a) => a.duplicate), final: ballot.rows[0]?.position };
  };

  it('lands the change back when the source gives each version a revision', async () => {
    const r = await appendAndProject(9001, [live('Yea', '1'), live('Nay', '2'), live('Yea', '3')]);
    expect(r).to.deep.equal({ duplicates: [false, false, false], final: 'Yea' });
  });

  it('without revisions, the same content again is a duplicate (the content is the identity)', async () => {
    const r = await appendAndProject(9002, [live('Yea'), live('Nay'), live('Yea')]);
    expect(r).to.deep.equal({ duplicates: [false, false, true], final: 'Nay' });
  });

  it('leaves the revision out of a record without one, so its event id is what it was', () => {
    const parsed = asEvent(usVoteCommand('2021/h49'));
    expect(JSON.stringify(parsed.data)).to.not.include('revision');
  });
});
