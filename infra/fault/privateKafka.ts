import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../testing/stack.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHARED_STATE = process.env.OPENPOLICY_STATE ?? join(ROOT, '.data');
const LIBS = join(SHARED_STATE, 'kafka', 'libs');
const run = promisify(execFile);

/** Why a private broker cannot run here, or null: it reuses the jars infra/kafka/start.sh fetched. */
export const privateKafkaUnavailable = () =>
  existsSync(join(LIBS, '.version')) ? null : `no Kafka jars in ${LIBS} (run infra/kafka/start.sh once)`;

/**
 * A throw-away single-node Kafka (KRaft) on its own ports and state dir, started and stopped by the same
 * scripts as the shared broker, so a test can crash it without touching the one on 9092 other specs use.
 */
export const startPrivateKafka = async () => {
  const state = mkdtempSync(join(tmpdir(), 'op-kafka-'));
  mkdirSync(join(state, 'kafka'), { recursive: true });
  symlinkSync(LIBS, join(state, 'kafka', 'libs'));
  const [port, controller] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    OPENPOLICY_STATE: state,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controller),
    KAFKA_HEAP_OPTS: '-Xmx320m -Xms128m',
  };
  const start = () => run(join(ROOT, 'infra/kafka/start.sh'), [], { env, maxBuffer: 1 << 24 });
  await start();
  return {
    broker: `127.0.0.1:${port}`,
    start,
    /** SIGKILL: a broker crash, no controlled shutdown. */
    crash: () => run(join(ROOT, 'infra/kafka/stop.sh'), [], { env: { ...env, KAFKA_STOP_SIGNAL: 'KILL' } }),
    async destroy() {
      await run(join(ROOT, 'infra/kafka/stop.sh'), [], { env: { ...env, KAFKA_STOP_SIGNAL: 'KILL' } }).catch(
        () => undefined,
      );
      rmSync(state, { recursive: true, force: true });
    },
  };
};
