import type { Logger } from 'pino';
import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createKafka } from '../../infra/kernel/kafka.ts';
import type { CommandConfig } from '../config.ts';
import type { EventLog } from './eventLog.ts';
import { type AppendGroup, withGroupCommit } from './groupCommit.ts';
import { createKafkaEventLog } from './kafkaEventLog.ts';
import { createPgEventLog } from './pgEventLog.ts';

/**
 * The event log a configuration asks for, through the command role (the one allowed to append): Kafka when
 * KAFKA_BROKERS is set, else the Postgres log, with group commit. Used by the command service and by bulk ingest.
 */
export const openEventLog = async (
  config: CommandConfig,
  o: {
    logger: Logger;
    applicationName: string;
    clientId: string;
    maxConnections: number;
    statementTimeoutMs?: number;
    /** Told of every append the log does (group commit's metrics). */
    onGroup?: (g: AppendGroup) => void;
  },
) => {
  const pool = createPgPool({
    connectionString:
      config.COMMAND_DATABASE_URL ??
      withCredentials(config.DATABASE_URL, 'openpolicy_command', config.COMMAND_DB_PASSWORD),
    applicationName: o.applicationName,
    max: o.maxConnections,
    ...(o.statementTimeoutMs ? { statementTimeoutMs: o.statementTimeoutMs } : {}),
  });
  try {
    const log: EventLog = config.KAFKA_BROKERS
      ? await createKafkaEventLog({
          kafka: createKafka(o.clientId, config.KAFKA_BROKERS, o.logger),
          pool,
          topic: config.KAFKA_TOPIC,
          partitions: config.KAFKA_PARTITIONS,
        })
      : createPgEventLog(pool);
    return { pool, log: withGroupCommit(log, o.onGroup ? { onGroup: o.onGroup } : {}) };
  } catch (err) {
    await pool.end();
    throw err;
  }
};
