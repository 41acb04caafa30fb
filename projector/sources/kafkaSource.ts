import type { Consumer, Kafka } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from 'pino';
import { ensureTopic } from '../../command/log/kafkaEventLog.ts';
import { createMemberRenderer } from '../members/memberQueue.ts';
import type { Cursor, RawEvent } from '../runner/applyBatch.ts';
import { processBatch, readCheckpoint } from '../runner/processBatch.ts';

export type KafkaSourceOptions = Readonly<{
  kafka: Kafka;
  pool: pg.Pool;
  topic: string;
  partitions: number;
  groupId: string;
  consumer: string;
  batchSize: number;
  /** How long the group waits for a silent (crashed) member before giving its partitions to the others. */
  sessionTimeoutMs?: number;
  logger: Logger;
  /** `behind`: more of the log was waiting when the batch committed (a backlog, e.g. a bulk load). */
  onBatch?: (r: { applied: number; dead: number; position: string; behind: boolean }) => void;
}>;

const payloadOf = (value: Buffer | null): unknown => {
  if (!value) return null;
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return { unparseable: value.toString('base64') };
  }
};

/** The oldest offset a partition still holds (retention may have removed what came before). */
const lowOffset = async (kafka: Kafka, topic: string, partition: number) => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.find((p) => p.partition === partition)?.low ?? '0';
  } finally {
    await admin.disconnect();
  }
};

/**
 * Consumes the topic in a consumer group. The checkpoint that counts is the one in Postgres, written in the
 * batch's transaction; messages below it (redelivered after a crash or rebalance) are skipped, and Kafka's own
 * offset is committed afterwards only to shorten the redelivery.
 */
export const runKafkaSource = async (o: KafkaSourceOptions) => {
  // The projector may start before any command service created the topic; subscribing needs it to exist.
  await ensureTopic(o.kafka, o.topic, o.partitions);
  let stopped = false;
  const members = createMemberRenderer({ pool: o.pool, logger: o.logger });
  let current: Consumer | null = null;
  const start = async () => {
    const consumer = o.kafka.consumer({
      groupId: o.groupId,
      allowAutoTopicCreation: false,
      // Fetches large enough for a batch of hundreds of roll calls (one is ~70 KB): with kafkajs's default 10 MB
      // per fetch a bulk load came in batches of ~100, each paying its own bill renders and member queueing.
      maxBytesPerPartition: 32 << 20,
      maxBytes: 64 << 20,
      ...(o.sessionTimeoutMs
        ? {
            sessionTimeout: o.sessionTimeoutMs,
            heartbeatInterval: Math.max(100, Math.floor(o.sessionTimeoutMs / 6)),
          }
        : {}),
    });
    current = consumer;
    // kafkajs gives up on some errors (no group coordinator while a broker restarts): start a new consumer then.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || stopped) return;
      o.logger.error({ err: payload.error }, 'kafka consumer stopped; starting a new one');
      void (async () => {
        await consumer.disconnect().catch(() => undefined);
        while (!stopped) {
          await new Promise((r) => setTimeout(r, 1_000));
          try {
            await start();
            return;
          } catch (err) {
            o.logger.warn({ err }, 'kafka consumer restart failed; retrying');
            await current?.disconnect().catch(() => undefined);
          }
        }
      })();
    });
    await consumer.connect();
    await consumer.subscribe({ topic: o.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const cursor: Cursor = { consumer: o.consumer, source: batch.topic, partition: batch.partition };
        const stored = await readCheckpoint(o.pool, cursor);
        const from = stored ?? 0;
        const first = batch.messages[0];
        if (first && Number(first.offset) > from && isRunning() && !isStale()) {
          // Kafka's committed offset is past what was applied (a rebuild handed over an older checkpoint, a restored
          // database): the events in between would be skipped for good. The checkpoint counts: read from there.
          const low = await lowOffset(o.kafka, o.topic, batch.partition);
          if (from >= Number(low)) {
            o.logger.warn(
              { partition: batch.partition, checkpoint: from, fetched: first.offset },
              'kafka offset ahead of the projector checkpoint; seeking back to the checkpoint',
            );
            consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(from) });
            return;
          }
          o.logger.error(
            { partition: batch.partition, checkpoint: from, low },
            'events between the checkpoint and the topic start are gone (retention); going on from the topic start',
          );
        }
        const fresh = batch.messages.filter((m) => Number(m.offset) >= from);
        let expected = stored;
        for (let i = 0; i < fresh.length && isRunning() && !isStale(); i += o.batchSize) {
          const chunk = fresh.slice(i, i + o.batchSize);
          const raws: RawEvent[] = chunk.map((m) => ({
            offset: Number(m.offset),
            position: `${batch.partition}:${m.offset}`,
            payload: payloadOf(m.value),
          }));
          const result = await processBatch(o.pool, cursor, raws, expected);
          expected = raws.at(-1)!.offset + 1;
          // More of the partition is waiting (a bulk load): batches share a render, at most maxDeferMs apart.
          const behind = expected < Number(batch.highWatermark);
          if (behind) members.defer();
          else members.kick();
          o.onBatch?.({ ...result, position: raws.at(-1)!.position, behind });
          resolveOffset(chunk.at(-1)!.offset);
          await heartbeat();
        }
        const last = batch.messages.at(-1);
        if (last && isRunning() && !isStale()) {
          resolveOffset(last.offset);
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: String(Number(last.offset) + 1) },
          ]);
        }
      },
    });
  };
  await start();
  return {
    async stop() {
      stopped = true;
      await current?.disconnect();
      await members.stop();
    },
  };
};
