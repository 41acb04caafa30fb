import { createLogger } from '../../infra/kernel/logger.ts';
import { loadCommandConfig } from '../config.ts';
import { openEventLog } from '../log/openEventLog.ts';
import { createDirectSink } from './directSink.ts';
import { type Sink, sleep } from './sink.ts';

/**
 * The event log the command service itself would use, from the same configuration: Kafka when KAFKA_BROKERS
 * is set, else the Postgres log, through the command role (the one allowed to append).
 */
export const openDirectSink = async (env: NodeJS.ProcessEnv): Promise<Sink & { kind: string }> => {
  const config = loadCommandConfig(env);
  const { pool, log } = await openEventLog(config, {
    logger: createLogger('ingest', config.LOG_LEVEL),
    applicationName: 'openpolicy-ingest',
    clientId: 'openpolicy-ingest',
    maxConnections: 4,
    statementTimeoutMs: 120_000,
  });
  const close = async () => {
    await log.close();
    await pool.end();
  };
  return { kind: log.kind, ...createDirectSink({ log, now: () => new Date(), sleep, close }) };
};
