import { expect } from 'chai';
import type pg from 'pg';
import type { Command } from '../../command/contract/commands.ts';
import { createKafkaEventLog } from '../../command/log/kafkaEventLog.ts';
import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createKafka } from '../../infra/kernel/kafka.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { requireKafka, TEST_KAFKA_BROKERS, uniqueName } from '../../infra/testing/kafka.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { asEvent, usVoteCommand, usVoteEvent } from '../../infra/testing/usEvents.ts';
import { createProjectorPool } from '../projectorPool.ts';
import { runKafkaSource } from './kafkaSource.ts';

const logger = createLogger('test', 'silent');
type VoteCommand = Extract<Command, { type: 'RecordVote' }>;

/** House roll call 49 of 2021 as recorded, and with Aderholt's Nay corrected to Yea. */
const original = () => asEvent(usVoteCommand('2021/h49'));
const corrected = () => {
  const c = usVoteCommand('2021/h49') as VoteCommand;
  const ballots = c.data.ballots.map((b) =>
    b.voter.id === 'A000055' ? { ...b, position: 'Yea', positionClass: 'yea' as const } : b,
  );
  return asEvent({ ...c, data: { ...c.data, ballots } });
};

describe('Kafka source recovers what the topic and the checkpoints disagree on (real broker)', function () {
  this.timeout(120_000);
  const kafka = createKafka('openpolicy-test', TEST_KAFKA_BROKERS, logger);
  let db: TestDatabase;
  let admin: pg.Pool;
  let pool: pg.Pool;

  before(async function () {
    await requireKafka(this);
  });
  beforeEach(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test' });
    pool = createProjectorPool(withCredentials(db.url, 'openpolicy_projector', 'openpolicy_projector'));
  });
  afterEach(async () => {
    await pool?.end();
    await admin?.end();
    await db?.drop();
  });

  const checkpoint = async () =>
    (await admin.query("SELECT next_offset FROM projector.checkpoints WHERE consumer = 'projector-test'"))
      .rows[0]?.next_offset;
  const project = async (topic: string, groupId: string, until: number) => {
    const source = await runKafkaSource({
      kafka,
      pool,
      topic,
      partitions: 1,
      groupId,
      consumer: 'projector-test',
      batchSize: 1,
      logger,
    });
    try {
      await eventually(async () => ((await checkpoint()) === until ? true : undefined), 60_000);
    } finally {
      await source.stop();
    }
  };

  it('applies an event published twice once: its second copy never undoes a newer event', async () => {
    const topic = uniqueName('openpolicy-dup');
    const log = await createKafkaEventLog({ kafka, pool: admin, topic, partitions: 1 });
    const [older, newer] = [original(), corrected()];
    try {
      await log.append([older]);
      await log.append([newer]);
      // The bookkeeping of the first publish lost (rolled back after the broker's acknowledgement): the client's
      // retry publishes the same event again, after the correction.
      await admin.query('DELETE FROM command.published WHERE event_id = $1', [older.eventId]);
      const [retry] = await log.append([older]);
      expect(retry!.position).to.equal('0:2');
    } finally {
      await log.close();
    }
    await project(topic, uniqueName('group'), 3);
    const ballot = await admin.query(
      "SELECT position FROM rm.ballots WHERE vote_id = 'us-117-2021-h49' AND voter = 'us-A000055'",
    );
    expect(ballot.rows[0].position).to.equal('Yea');
  });

  it('reads again from the checkpoint when the group offset is past it', async () => {
    const topic = uniqueName('openpolicy-seek');
    const groupId = uniqueName('group');
    const log = await createKafkaEventLog({ kafka, pool: admin, topic, partitions: 1 });
    try {
      await log.append(['2021/h49', '2021/h48', '2021/s419'].map(usVoteEvent));
      await project(topic, groupId, 3);
      // The checkpoint that counts goes back to 1 (an older checkpoint handed over, a restored database) while the
      // group's committed offset stays at 3; the read models match the checkpoint.
      await admin.query("UPDATE projector.checkpoints SET next_offset = 1 WHERE consumer = 'projector-test'");
      await admin.query("DELETE FROM rm.ballots WHERE vote_id <> 'us-117-2021-h49'");
      await admin.query("DELETE FROM rm.votes WHERE id <> 'us-117-2021-h49'");
      await admin.query('DELETE FROM rm.applied_events WHERE event_id = ANY($1::uuid[])', [
        ['2021/h48', '2021/s419'].map((v) => usVoteEvent(v).eventId),
      ]);
      await log.append(['2021/h1', '2022/s287'].map(usVoteEvent));
    } finally {
      await log.close();
    }
    await project(topic, groupId, 5);
    const votes = await admin.query('SELECT id FROM rm.votes ORDER BY id');
    expect(votes.rows.map((r) => r.id)).to.deep.equal([
      'us-117-2021-h1',
      'us-117-2021-h48',
      'us-117-2021-h49',
      'us-117-2021-s419',
      'us-117-2022-s287',
    ]);
  });
});
