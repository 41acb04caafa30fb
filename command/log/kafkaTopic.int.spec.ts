import { expect } from 'chai';
import type pg from 'pg';
import { createPgPool } from '../../infra/kernel/db.ts';
import { createKafka } from '../../infra/kernel/kafka.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { requireKafka, TEST_KAFKA_BROKERS, uniqueName } from '../../infra/testing/kafka.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import { createKafkaEventLog } from './kafkaEventLog.ts';

const kafka = createKafka('openpolicy-test', TEST_KAFKA_BROKERS, createLogger('test', 'silent'));

describe('the Kafka topic as a log of record (real broker)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let pool: pg.Pool;

  before(async function () {
    await requireKafka(this);
    db = await createTestDatabase();
    pool = createPgPool({ connectionString: db.url, applicationName: 'test' });
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  const refusal = (topic: string, partitions = 1) =>
    createKafkaEventLog({ kafka, pool, topic, partitions }).then(
      async (log) => {
        await log.close();
        return 'started';
      },
      (err: Error) => err.message,
    );

  it('refuses a topic that already exists and trims events (retention)', async () => {
    const topic = uniqueName('openpolicy-trimmed');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }] }],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
    expect(await refusal(topic)).to.equal(
      `topic ${topic} deletes events after retention.ms=3600000: the event log must keep them (-1)`,
    );
  });

  it('refuses a topic given more partitions after events were published to it', async () => {
    const topic = uniqueName('openpolicy-grown');
    const log = await createKafkaEventLog({ kafka, pool, topic, partitions: 1 });
    await log.append([usVoteEvent('2021/h49')]);
    await log.close();
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] });
    } finally {
      await admin.disconnect();
    }
    expect(await refusal(topic, 2)).to.equal(
      `topic ${topic} has 2 partitions but had 1 when events were first published: streams would move to other ` +
        'partitions and lose their order',
    );
  });
});
