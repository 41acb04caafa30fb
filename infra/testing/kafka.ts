import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';

export const TEST_KAFKA_BROKERS = (process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** True if the first broker accepts TCP connections. */
export const kafkaReachable = () =>
  new Promise<boolean>((resolve) => {
    const [host, port] = TEST_KAFKA_BROKERS[0]!.split(':');
    const socket = createConnection({ host, port: Number(port) });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });

/**
 * Kafka specs need the real broker (infra/kafka/start.sh). In CI its absence is a failure; on a developer
 * machine the spec is skipped and says why.
 */
export const requireKafka = async (ctx: Mocha.Context) => {
  if (await kafkaReachable()) return;
  const why = `no Kafka broker at ${TEST_KAFKA_BROKERS.join(',')} (start it with infra/kafka/start.sh)`;
  if (process.env.CI) throw new Error(why);
  console.warn(`      skipped: ${why}`);
  ctx.skip();
};

/** Random topic and group names keep Kafka specs independent (as kafkajs's own tests do). */
export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
