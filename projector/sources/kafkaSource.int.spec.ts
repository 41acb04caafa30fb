import { expect } from 'chai';
import type pg from 'pg';
import type { EventLog } from '../../command/log/eventLog.ts';
import { createKafkaEventLog } from '../../command/log/kafkaEventLog.ts';
import { createPgEventLog } from '../../command/log/pgEventLog.ts';
import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createKafka } from '../../infra/kernel/kafka.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { requireKafka, TEST_KAFKA_BROKERS, uniqueName } from '../../infra/testing/kafka.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import { createProjectorPool } from '../projectorPool.ts';
import { readModelChecksums } from '../rebuild/readModelChecksums.ts';
import { runKafkaSource } from './kafkaSource.ts';
import { runPgLogSource } from './pgLogSource.ts';

const logger = createLogger('test', 'silent');
const ROLL_CALLS = ['2021/h49', '2021/h48', '2021/s419', '2021/h1', '2022/s287'];

describe('Kafka event log (real broker) and the embedded log produce the same read models', function () {
  this.timeout(90_000);
  let kafkaDb: TestDatabase;
  let pgDb: TestDatabase;
  let kafkaAdmin: pg.Pool;
  let pgAdmin: pg.Pool;
  let log: EventLog;
  const topic = uniqueName('openpolicy-test');
  const kafka = createKafka('openpolicy-test', TEST_KAFKA_BROKERS, logger);

  before(async function () {
    await requireKafka(this);
    [kafkaDb, pgDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    kafkaAdmin = createPgPool({ connectionString: kafkaDb.url, applicationName: 'test' });
    pgAdmin = createPgPool({ connectionString: pgDb.url, applicationName: 'test' });
    log = await createKafkaEventLog({ kafka, pool: kafkaAdmin, topic, partitions: 3 });
  });
  after(async () => {
    await log?.close();
    await kafkaAdmin?.end();
    await pgAdmin?.end();
    await kafkaDb?.drop();
    await pgDb?.drop();
  });

  it('publishes keyed by aggregate id, reporting partition:offset positions', async () => {
    const appended = await log.append(ROLL_CALLS.map(usVoteEvent));
    expect(appended.every((a) => /^[0-2]:\d+$/.test(a.position) && !a.duplicate)).to.equal(true);
    // Same stream id, same partition: the key decides it.
    const again = await log.append([usVoteEvent('2021/h49')]);
    expect(again[0]).to.include({ duplicate: true, position: appended[0]!.position });
  });

  it('projects the topic into read models equal to the embedded log projection of the same events', async () => {
    const projectorUrl = (url: string) =>
      withCredentials(url, 'openpolicy_projector', 'openpolicy_projector');
    const kPool = createProjectorPool(projectorUrl(kafkaDb.url));
    const consumer = await runKafkaSource({
      kafka,
      pool: kPool,
      topic,
      partitions: 3,
      groupId: uniqueName('group'),
      consumer: 'projector-test',
      batchSize: 2,
      logger,
    });
    await createPgEventLog(pgAdmin).append(ROLL_CALLS.map(usVoteEvent));
    const pPool = createProjectorPool(projectorUrl(pgDb.url));
    const source = await runPgLogSource({
      pool: pPool,
      listenUrl: projectorUrl(pgDb.url),
      consumer: 'projector-test',
      batchSize: 2,
      idlePollMs: 100,
      logger,
    });
    const votesIn = (p: pg.Pool) => async () =>
      (await p.query('SELECT count(*)::int AS n FROM rm.votes')).rows[0].n === ROLL_CALLS.length
        ? true
        : undefined;
    try {
      await eventually(votesIn(kafkaAdmin), 60_000);
      await eventually(votesIn(pgAdmin), 15_000);
    } finally {
      await consumer.stop();
      await source.stop();
      await kPool.end();
      await pPool.end();
    }
    expect(await readModelChecksums(kafkaAdmin)).to.deep.equal(await readModelChecksums(pgAdmin));
  });
});
