import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

/** One kafkajs client per process, logging through pino. */
export const createKafka = (clientId: string, brokers: string[], logger: Logger) =>
  new Kafka({
    clientId,
    brokers,
    connectionTimeout: 5_000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        if (level <= logLevel.ERROR) logger.error(extra, `kafka: ${message}`);
        else if (level === logLevel.WARN) logger.warn(extra, `kafka: ${message}`);
      },
  });
