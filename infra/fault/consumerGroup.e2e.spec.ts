import { expect } from 'chai';
import type pg from 'pg';
import { createKafkaEventLog, toKafkaMessage } from '../../command/log/kafkaEventLog.ts';
import { VIEWS } from '../../projector/views/viewRefresher.ts';
import { createPgPool } from '../kernel/db.ts';
import { createKafka } from '../kernel/kafka.ts';
import { createLogger } from '../kernel/logger.ts';
import { eventually } from '../testing/eventually.ts';
import { requireKafka, TEST_KAFKA_BROKERS, uniqueName } from '../testing/kafka.ts';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';
import { allChecksums, us117Events } from './faultData.ts';
import { kill, type Proc, seeded, spawnTs } from './processes.ts';

const PARTITIONS = 3;
const SEED = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000);

// Test-only audit of every committed checkpoint move: it commits (or rolls back) with the batch it belongs to.
const AUDIT = `
CREATE TABLE public.fault_applied (id bigserial PRIMARY KEY, source text, partition int, from_offset bigint,
                                   to_offset bigint);
CREATE FUNCTION public.fault_log_checkpoint() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  INSERT INTO public.fault_applied (source, partition, from_offset, to_offset)
  VALUES (NEW.source, NEW.partition, CASE WHEN TG_OP = 'UPDATE' THEN OLD.next_offset ELSE 0 END, NEW.next_offset);
  RETURN NEW;
END $$;
CREATE TRIGGER fault_log AFTER INSERT OR UPDATE ON projector.checkpoints
  FOR EACH ROW EXECUTE FUNCTION public.fault_log_checkpoint();`;

/**
 * Kafka consumer groups: several projector instances share the partitions, one is SIGKILLed mid-way and the
 * group rebalances; and a topic carrying every event twice, scattered over the partitions in shuffled order.
 * Both must end with the read models of one instance reading the keyed, in-order topic.
 */
describe(`several projector instances in one Kafka consumer group (seed ${SEED})`, function () {
  this.timeout(240_000);
  const events = us117Events(32);
  const random = seeded(SEED);
  const kafka = createKafka('fault-test', TEST_KAFKA_BROKERS, createLogger('fault-test', 'silent'));
  const topic = uniqueName('op-fault');
  const dbs: { db: TestDatabase; admin: pg.Pool }[] = [];
  let expected: Record<string, string>;

  const setup = async () => {
    const db = await createTestDatabase();
    const admin = createPgPool({ connectionString: db.url, applicationName: 'fault-test', max: 3 });
    await admin.query(AUDIT);
    dbs.push({ db, admin });
    return { db, admin };
  };
  const projector = (db: TestDatabase, t: string, group: string) =>
    spawnTs('projector/index.ts', [], {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
      KAFKA_TOPIC: t,
      KAFKA_PARTITIONS: String(PARTITIONS),
      PROJECTOR_GROUP_ID: group,
      PROJECTOR_BATCH_SIZE: '10',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      VIEW_REFRESH_DEBOUNCE_MS: '0',
      LOG_LEVEL: 'error',
    });
  const highWatermarks = async (t: string) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return new Map((await admin.fetchTopicOffsets(t)).map((p) => [p.partition, Number(p.high)]));
    } finally {
      await admin.disconnect();
    }
  };
  const checkpoints = async (admin: pg.Pool, t: string) =>
    new Map(
      (
        await admin.query<{ partition: number; next_offset: number }>(
          'SELECT partition, next_offset FROM projector.checkpoints WHERE source = $1',
          [t],
        )
      ).rows.map((r) => [r.partition, r.next_offset]),
    );
  /** Every partition's checkpoint at its high watermark and the views refreshed at the last batch. */
  const untilCaughtUp = (admin: pg.Pool, t: string, procs: Proc[]) =>
    eventually(
      async () => {
        const [high, done] = [await highWatermarks(t), await checkpoints(admin, t)];
        if ([...high].some(([p, h]) => (done.get(p) ?? 0) < h)) return undefined;
        if ((await admin.query('SELECT 1 FROM rm.member_dirty LIMIT 1')).rowCount) return undefined;
        const views = await admin.query('SELECT position FROM rm.view_refresh');
        const at = await admin.query("SELECT position FROM rm.freshness WHERE read_model = 'votes'");
        return views.rows.length === VIEWS.length &&
          views.rows.every((v) => v.position === at.rows[0]?.position)
          ? true
          : undefined;
      },
      120_000,
      250,
    ).catch((err) => {
      throw new Error(`${String(err)}\n${procs.map((p) => p.output()).join('\n')}`);
    });
  /** The committed checkpoint moves of each partition chain from 0 to its end: nothing applied twice or skipped. */
  const expectExactlyOnce = async (admin: pg.Pool, t: string) => {
    const high = await highWatermarks(t);
    const moves = await admin.query<{ partition: number; from_offset: number; to_offset: number }>(
      'SELECT partition, from_offset::int, to_offset::int FROM public.fault_applied WHERE source = $1 ORDER BY id',
      [t],
    );
    for (const [partition, end] of high) {
      const chain = moves.rows.filter((m) => m.partition === partition);
      let at = 0;
      for (const m of chain) {
        expect(
          m.from_offset,
          `partition ${partition}: a batch starting at ${m.from_offset} after ${at}`,
        ).to.equal(at);
        expect(m.to_offset).to.be.greaterThan(m.from_offset);
        at = m.to_offset;
      }
      expect(at, `partition ${partition} applied up to`).to.equal(end);
    }
    return moves.rowCount ?? 0;
  };

  before(async function () {
    await requireKafka(this);
    const reference = await setup();
    const log = await createKafkaEventLog({ kafka, pool: reference.admin, topic, partitions: PARTITIONS });
    for (let i = 0; i < events.length; i += 200) await log.append(events.slice(i, i + 200));
    await log.close();
    const p = projector(reference.db, topic, uniqueName('op-fault-ref'));
    try {
      await untilCaughtUp(reference.admin, topic, [p]);
    } finally {
      await kill(p, 'SIGTERM');
    }
    await expectExactlyOnce(reference.admin, topic);
    expected = await allChecksums(reference.admin);
  });
  after(async () => {
    for (const d of dbs) {
      await d.admin.end();
      await d.db.drop();
    }
  });

  it('three instances, one SIGKILLed mid-way: the group rebalances and applies every event exactly once', async () => {
    const { db, admin } = await setup();
    const group = uniqueName('op-fault-group');
    const procs = [0, 1, 2].map(() => projector(db, topic, group));
    const high = await highWatermarks(topic);
    const total = [...high.values()].reduce((a, b) => a + b, 0);
    try {
      // Kill one instance while every partition still has events left, so whichever partition it held must be
      // finished by another instance after the rebalance.
      const left = await eventually(
        async () => {
          const done = await checkpoints(admin, topic);
          const applied = [...done.values()].reduce((a, b) => a + b, 0);
          if (applied < total * 0.1) return undefined;
          return [...high].every(([p, h]) => (done.get(p) ?? 0) < h) ? applied : null;
        },
        120_000,
        20,
      );
      expect(left, 'a partition finished before the kill; the data set is too small').to.not.equal(null);
      const victim = procs[Math.floor(random() * procs.length)]!;
      expect((await kill(victim)).signal).to.equal('SIGKILL');
      await untilCaughtUp(admin, topic, procs);
    } finally {
      for (const p of procs) await kill(p, 'SIGTERM');
    }
    const moves = await expectExactlyOnce(admin, topic);
    expect(moves).to.be.greaterThan(PARTITIONS);
    expect(await allChecksums(admin)).to.deep.equal(expected);
  });

  it('every event delivered twice, scattered over partitions in shuffled order: the same read models', async () => {
    const { db, admin } = await setup();
    const scattered = uniqueName('op-fault-dup');
    const messages = [...events, ...events].map((e) => ({
      e,
      sort: random(),
      partition: Math.floor(random() * PARTITIONS),
    }));
    messages.sort((a, b) => a.sort - b.sort);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const admin0 = kafka.admin();
    await admin0.connect();
    await admin0.createTopics({
      topics: [{ topic: scattered, numPartitions: PARTITIONS }],
      waitForLeaders: true,
    });
    await admin0.disconnect();
    await producer.connect();
    try {
      for (let i = 0; i < messages.length; i += 100) {
        await producer.send({
          topic: scattered,
          acks: -1,
          messages: messages.slice(i, i + 100).map((m) => toKafkaMessage(m.e, m.partition)),
        });
      }
    } finally {
      await producer.disconnect();
    }
    const p = projector(db, scattered, uniqueName('op-fault-dup'));
    try {
      await untilCaughtUp(admin, scattered, [p]);
    } finally {
      await kill(p, 'SIGTERM');
    }
    await expectExactlyOnce(admin, scattered);
    expect(await allChecksums(admin)).to.deep.equal(expected);
  });
});
