import { expect } from 'chai';
import type { Command } from '../../command/contract/commands.ts';
import type { EventEnvelope } from '../../command/contract/events.ts';
import { createPgEventLog } from '../../command/log/pgEventLog.ts';
import { inTransaction } from '../../infra/kernel/db.ts';
import { useProjectorDatabase } from '../../infra/testing/projectorDatabase.ts';
import { asEvent, usVoteCommand } from '../../infra/testing/usEvents.ts';
import { drainWholeMemberQueue } from '../members/memberQueue.ts';
import { processBatch } from '../runner/processBatch.ts';
import { replayDeadLetters } from './deadLetters.ts';

type VoteCommand = Extract<Command, { type: 'RecordVote' }>;
const VOTE = 'us-117-2021-h49';
const ADERHOLT = 'us-A000055';

/** House roll call 49 of 2021, and the same with Aderholt's Nay corrected to Yea. */
const original = () => asEvent(usVoteCommand('2021/h49'));
const corrected = () => {
  const c = usVoteCommand('2021/h49') as VoteCommand;
  const ballots = c.data.ballots.map((b) =>
    `us-${b.voter.id}` === ADERHOLT ? { ...b, position: 'Yea', positionClass: 'yea' as const } : b,
  );
  return asEvent({ ...c, data: { ...c.data, ballots } });
};

describe('replaying a dead letter never undoes a later event of its stream (real Postgres, projector role)', () => {
  const t = useProjectorDatabase();
  const deadLetter = (source: string, position: string, e: EventEnvelope) =>
    t.admin.query(
      `INSERT INTO projector.dead_letters (consumer, source, position, event_id, payload, reason)
       VALUES ('projector-main', $1, $2, $3, $4, 'failed before a fix') RETURNING id`,
      [source, position, e.eventId, JSON.stringify(e)],
    );
  const ballot = async () =>
    (
      await t.admin.query<{ position: string }>(
        'SELECT position FROM rm.ballots WHERE vote_id = $1 AND voter = $2',
        [VOTE, ADERHOLT],
      )
    ).rows[0]?.position;

  afterEach(() =>
    t.admin.query(
      `TRUNCATE projector.dead_letters, projector.checkpoints, command.published, rm.ballots, rm.votes,
                rm.voter_stats, rm.party_stats, rm.bills, rm.members, rm.member_dirty`,
    ),
  );

  it('embedded log: projects the later events of the stream again after it, so the correction stays', async () => {
    const [older, newer] = [original(), corrected()];
    await createPgEventLog(t.admin).append([older, newer]); // positions 1 and 2
    // Position 1 failed and was dead-lettered; position 2 (the correction) was applied.
    await deadLetter('postgres', '1', older);
    const cursor = { consumer: 'projector-main', source: 'postgres', partition: 0 };
    await t.admin.query(
      "INSERT INTO projector.checkpoints (consumer, source, partition, next_offset) VALUES ('projector-main', 'postgres', 0, 2)",
    );
    await processBatch(
      t.pool,
      cursor,
      [{ offset: 2, position: '2', payload: JSON.parse(JSON.stringify(newer)) }],
      2,
    );
    await inTransaction(t.pool, (c) => drainWholeMemberQueue(c));
    expect(await ballot()).to.equal('Yea');

    const results = await replayDeadLetters(t.pool);
    expect(results.map((r) => r.replayed)).to.deep.equal([true]);
    expect(await ballot()).to.equal('Yea');
    const vote = await t.admin.query('SELECT position FROM rm.votes WHERE id = $1', [VOTE]);
    expect(vote.rows[0].position).to.equal('2');
  });

  it('Kafka: refuses, with the reason, a replay that later applied events of the stream would lose', async () => {
    const [older, newer] = [original(), corrected()];
    await t.admin.query(
      `INSERT INTO command.published (event_id, stream_id, position) VALUES ($1, $3, '0:5'), ($2, $3, '0:7')`,
      [older.eventId, newer.eventId, VOTE],
    );
    await t.admin.query(
      "INSERT INTO projector.checkpoints (consumer, source, partition, next_offset) VALUES ('projector-main', 'openpolicy.events', 0, 8)",
    );
    await deadLetter('openpolicy.events', '0:5', older);
    const [result] = await replayDeadLetters(t.pool);
    expect(result!.replayed).to.equal(false);
    expect(result!.reason).to.match(
      /^not replayed: 1 later event\(s\) of us-117-2021-h49 .*\(0:7\).*rebuild/,
    );
    expect(await ballot()).to.equal(undefined);
  });

  it('Kafka: replays a dead letter whose stream had nothing after it', async () => {
    const older = original();
    await t.admin.query(
      `INSERT INTO command.published (event_id, stream_id, position) VALUES ($1, $2, '0:5')`,
      [older.eventId, VOTE],
    );
    await t.admin.query(
      "INSERT INTO projector.checkpoints (consumer, source, partition, next_offset) VALUES ('projector-main', 'openpolicy.events', 0, 8)",
    );
    await deadLetter('openpolicy.events', '0:5', older);
    const [result] = await replayDeadLetters(t.pool);
    expect(result!.replayed).to.equal(true);
    expect(await ballot()).to.equal('Nay');
  });
});
