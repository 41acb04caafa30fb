import { withCredentials } from '../infra/kernel/db.ts';
import { createKafka } from '../infra/kernel/kafka.ts';
import { createLogger } from '../infra/kernel/logger.ts';
import { isMain, onShutdown, runMain } from '../infra/kernel/main.ts';
import { loadProjectorConfig, type ProjectorConfig } from './config.ts';
import { createProjectorMetrics, startMetricsServer } from './metrics/metricsServer.ts';
import { createProjectorPool } from './projectorPool.ts';
import { createMeiliIndex, startMeiliIndexer } from './search/meiliIndex.ts';
import { runKafkaSource } from './sources/kafkaSource.ts';
import { runPgLogSource } from './sources/pgLogSource.ts';
import { createViewRefresher, viewsBehind } from './views/viewRefresher.ts';

/** Starts the projector on Kafka (KAFKA_BROKERS set) or on the embedded Postgres log. */
export const startProjector = async (config: ProjectorConfig) => {
  const logger = createLogger('projector', config.LOG_LEVEL);
  const url =
    config.PROJECTOR_DATABASE_URL ??
    withCredentials(config.DATABASE_URL, 'openpolicy_projector', config.PROJECTOR_DB_PASSWORD);
  const pool = createProjectorPool(url, config.PROJECTOR_SCHEMA);
  const refresher = createViewRefresher({
    pool,
    logger,
    debounceMs: config.VIEW_REFRESH_DEBOUNCE_MS,
    maxDelayMs: config.VIEW_REFRESH_MAX_DELAY_MS,
    onRefresh: (r) => logger.debug({ views: r }, 'views refreshed'),
  });
  const behind = await viewsBehind(pool);
  if (behind !== null) refresher.markStale(behind);
  const onBatch = (r: { applied: number; dead: number; position: string; behind: boolean }) => {
    logger.debug(r, 'batch applied');
    refresher.markStale(r.position, r.behind);
  };
  const consumer = `projector-${config.PROJECTOR_NAME}`;
  const source = config.KAFKA_BROKERS
    ? await runKafkaSource({
        kafka: createKafka(config.KAFKA_CLIENT_ID, config.KAFKA_BROKERS, logger),
        pool,
        topic: config.KAFKA_TOPIC,
        partitions: config.KAFKA_PARTITIONS,
        groupId: config.PROJECTOR_GROUP_ID,
        consumer,
        batchSize: config.PROJECTOR_BATCH_SIZE,
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        logger,
        onBatch,
      })
    : await runPgLogSource({
        pool,
        listenUrl: url,
        consumer,
        batchSize: config.PROJECTOR_BATCH_SIZE,
        idlePollMs: config.PROJECTOR_IDLE_POLL_MS,
        logger,
        onBatch,
        onCaughtUp: () => refresher.caughtUp(),
      });
  const projectorMetrics = createProjectorMetrics(pool);
  const meili = config.MEILI_HOST
    ? await startMeiliIndexer({
        index: createMeiliIndex({
          host: config.MEILI_HOST,
          prefix: config.MEILI_INDEX_PREFIX,
          logger,
          onTaskFailure: () => projectorMetrics.searchTaskFailures.inc(),
          ...(config.MEILI_API_KEY ? { apiKey: config.MEILI_API_KEY } : {}),
        }),
        pool,
        listenUrl: url,
        logger,
      })
    : null;
  const metrics =
    config.PROJECTOR_METRICS_PORT === undefined
      ? null
      : await startMetricsServer(
          projectorMetrics,
          config.PROJECTOR_METRICS_PORT,
          config.PROJECTOR_METRICS_HOST,
        );
  logger.info(
    { log: config.KAFKA_BROKERS ? 'kafka' : 'postgres', meilisearch: !!meili, metrics: metrics?.url },
    'projector running',
  );
  return {
    async stop() {
      await metrics?.close();
      await meili?.stop();
      await source.stop();
      await refresher.stop();
      await pool.end();
    },
  };
};

if (isMain(import.meta.url)) {
  await runMain(
    async () => {
      const projector = await startProjector(loadProjectorConfig());
      onShutdown(projector.stop);
    },
    { portVariables: 'PROJECTOR_METRICS_PORT' },
  );
}
