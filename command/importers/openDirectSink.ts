import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createKafka } from '../../infra/kernel/kafka.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { loadCommandConfig } from '../config.ts';
import { createKafkaEventLog } from '../log/kafkaEventLog.ts';
import { createPgEventLog } from '../log/pgEventLog.ts';
import { createDirectSink } from './directSink.ts';
import { type Sink, sleep } from './sink.ts';

/**
 * The event log the command service itself would use, from the same configuration: Kafka when KAFKA_BROKERS
 * is set, else the Postgres log, through the command role (the one allowed to append).
 */
export const openDirectSink = async (env: NodeJS.ProcessEnv): Promise<Sink & { kind: string }> => {
  const config = loadCommandConfig(env);
  const pool = createPgPool({
    connectionString:
      config.COMMAND_DATABASE_URL ??
      withCredentials(config.DATABASE_URL, 'openpolicy_command', config.COMMAND_DB_PASSWORD),
    applicationName: 'openpolicy-ingest',
    max: 4,
    statementTimeoutMs: 120_000,
  });
  try {
    const log = config.KAFKA_BROKERS
      ? await createKafkaEventLog({
          kafka: createKafka(
            'openpolicy-ingest',
            config.KAFKA_BROKERS,
            createLogger('ingest', config.LOG_LEVEL),
          ),
          pool,
          topic: config.KAFKA_TOPIC,
          partitions: config.KAFKA_PARTITIONS,
        })
      : createPgEventLog(pool);
    const close = async () => {
      await log.close();
      await pool.end();
    };
    return { kind: log.kind, ...createDirectSink({ log, now: () => new Date(), sleep, close }) };
  } catch (err) {
    await pool.end();
    throw err;
  }
};
