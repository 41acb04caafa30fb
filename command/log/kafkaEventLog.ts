import kafkajs, { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import type pg from 'pg';
import { inTransaction } from '../../infra/kernel/db.ts';
import type { EventEnvelope } from '../contract/events.ts';
import type { Appended, EventLog } from './eventLog.ts';

export type KafkaLogOptions = Readonly<{ kafka: Kafka; pool: pg.Pool; topic: string; partitions: number }>;

const MAX_REQUEST_BYTES = 4 << 20;

const eventIdOf = (m: Message) => String((m.headers as Record<string, string>)['event-id']);

/** Splits messages into consecutive chunks whose values add up to at most `limit` bytes (one message at least). */
export const chunksBySize = (messages: Message[], limit: number): Message[][] => {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const m of messages) {
    const bytes = Buffer.byteLength(m.value as string);
    if (current.length && size + bytes > limit) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(m);
    size += bytes;
  }
  if (current.length) chunks.push(current);
  return chunks;
};

export const toKafkaMessage = (e: EventEnvelope, partition: number): Message => ({
  key: e.streamId,
  value: JSON.stringify(e),
  partition,
  headers: { 'event-type': e.type, 'event-id': e.eventId, 'schema-version': String(e.schemaVersion) },
});

/** Creates the topic if needed (idempotent) and returns its partition count. */
export const ensureTopic = async (kafka: Kafka, topic: string, partitions: number): Promise<number> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Created only when missing: asked to create a topic that exists, the broker answers with an error that
    // kafkajs logs at error level on every start of every service (found by review).
    if (!(await admin.listTopics()).includes(topic))
      await admin.createTopics({
        // The topic is the event log of record: rebuilds replay it from the start, so it is never trimmed.
        topics: [
          {
            topic,
            numPartitions: partitions,
            replicationFactor: 1,
            configEntries: [
              { name: 'retention.ms', value: '-1' },
              // A roll call with its ballots is ~80 KB; requests are chunked well below this limit.
              { name: 'max.message.bytes', value: String(16 << 20) },
            ],
          },
        ],
        waitForLeaders: true,
      });
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0]!.partitions.length;
  } finally {
    await admin.disconnect();
  }
};

/**
 * A topic that already existed keeps its own settings: one that trims events or refuses a chunk is no log of
 * record (a rebuild would miss what was trimmed; an oversized chunk fails after earlier ones were sent). Checked
 * by the writer, which refuses to start; a reader takes the topic as it is.
 */
const checkTopicConfig = async (kafka: Kafka, topic: string) => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [config] = (
      await admin.describeConfigs({
        resources: [
          {
            type: kafkajs.ConfigResourceTypes.TOPIC,
            name: topic,
            configNames: ['retention.ms', 'max.message.bytes'],
          },
        ],
        includeSynonyms: false,
      })
    ).resources;
    const value = (name: string) => config?.configEntries.find((e) => e.configName === name)?.configValue;
    if (value('retention.ms') !== '-1')
      throw new Error(
        `topic ${topic} deletes events after retention.ms=${value('retention.ms')}: the event log must keep them (-1)`,
      );
    if (Number(value('max.message.bytes')) < MAX_REQUEST_BYTES + (64 << 10))
      throw new Error(
        `topic ${topic} takes messages of at most ${value('max.message.bytes')} bytes: ${MAX_REQUEST_BYTES} and more are sent`,
      );
  } finally {
    await admin.disconnect();
  }
};

/**
 * The partition count the topic had when this database first used it. Streams are placed by a hash of their id
 * modulo the count: with partitions added later, a stream's next events would land in another partition than
 * its earlier ones and could be applied before them. Refused, with the reason, instead.
 */
const pinPartitionCount = async (pool: pg.Pool, topic: string, partitions: number) => {
  const r = await pool.query<{ partitions: number }>(
    `INSERT INTO command.kafka_topics (topic, partitions) VALUES ($1, $2)
     ON CONFLICT (topic) DO UPDATE SET topic = EXCLUDED.topic RETURNING partitions`,
    [topic, partitions],
  );
  const pinned = r.rows[0]!.partitions;
  if (pinned !== partitions)
    throw new Error(
      `topic ${topic} has ${partitions} partitions but had ${pinned} when events were first published: streams ` +
        'would move to other partitions and lose their order',
    );
};

/**
 * Kafka as the event log: idempotent producer, acks from all in-sync replicas, key = aggregate id so each
 * stream stays ordered in one partition. Event ids already published are skipped (recorded in Postgres in
 * the same transaction that is committed only after Kafka acknowledged), so a re-ingest adds nothing.
 */
export const createKafkaEventLog = async (o: KafkaLogOptions): Promise<EventLog> => {
  const partitionCount = await ensureTopic(o.kafka, o.topic, o.partitions);
  await checkTopicConfig(o.kafka, o.topic);
  await pinPartitionCount(o.pool, o.topic, partitionCount);
  const partitionMetadata = Array.from({ length: partitionCount }, (_, i) => ({
    partitionId: i,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  const partitioner = Partitioners.DefaultPartitioner();
  const producer: Producer = o.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();

  return {
    kind: 'kafka',
    async append(events) {
      if (events.length === 0) return [];
      return inTransaction(o.pool, async (client) => {
        const claimed = await client.query<{ event_id: string }>(
          `INSERT INTO command.published (event_id, stream_id)
           SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
          [events.map((e) => e.eventId), events.map((e) => e.streamId)],
        );
        const fresh = new Set(claimed.rows.map((r) => r.event_id));
        const once = new Set<string>();
        const toSend = events.filter(
          (e) => fresh.has(e.eventId) && !once.has(e.eventId) && once.add(e.eventId),
        );
        const positions = new Map<string, string>();
        if (toSend.length > 0) {
          const messages = toSend.map((e) =>
            toKafkaMessage(
              e,
              partitioner({ topic: o.topic, partitionMetadata, message: { key: e.streamId, value: null } }),
            ),
          );
          // Chunks of at most ~4 MB per request, sent in order (the producer keeps one request in flight).
          for (const chunk of chunksBySize(messages, MAX_REQUEST_BYTES)) {
            const metadata = await producer.sendBatch({
              acks: -1,
              topicMessages: [{ topic: o.topic, messages: chunk }],
            });
            const base = new Map(metadata.map((m) => [m.partition, BigInt(m.baseOffset ?? '0')]));
            const seenPerPartition = new Map<number, bigint>();
            for (const m of chunk) {
              const p = m.partition!;
              const n = seenPerPartition.get(p) ?? 0n;
              seenPerPartition.set(p, n + 1n);
              positions.set(eventIdOf(m), `${p}:${(base.get(p) ?? 0n) + n}`);
            }
          }
          await client.query(
            'UPDATE command.published p SET position = u.position FROM unnest($1::uuid[], $2::text[]) AS u(event_id, position) WHERE p.event_id = u.event_id',
            [[...positions.keys()], [...positions.values()]],
          );
        }
        const dupIds = events.filter((e) => !positions.has(e.eventId)).map((e) => e.eventId);
        const known = dupIds.length
          ? await client.query<{ event_id: string; position: string | null }>(
              'SELECT event_id, position FROM command.published WHERE event_id = ANY($1::uuid[])',
              [dupIds],
            )
          : { rows: [] };
        const knownPos = new Map(known.rows.map((r) => [r.event_id, r.position ?? 'unknown']));
        const reported = new Set<string>();
        return events.map((e): Appended => {
          const isNew = positions.has(e.eventId) && !reported.has(e.eventId);
          reported.add(e.eventId);
          return {
            eventId: e.eventId,
            streamId: e.streamId,
            position: positions.get(e.eventId) ?? knownPos.get(e.eventId) ?? 'unknown',
            duplicate: !isNew,
          };
        });
      });
    },
    async close() {
      await producer.disconnect();
    },
  };
};
