import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createKafka } from '../../infra/kernel/kafka.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { loadProjectorConfig } from '../config.ts';
import { rebuildReadModels } from './rebuild.ts';

/** `openpolicy rebuild`: progress on stderr, the report as JSON on stdout; exit 1 if it did not switch. */
export const runRebuildCli = async (o: { requireIdentical: boolean }) => {
  const config = loadProjectorConfig();
  const logger = createLogger('rebuild', config.LOG_LEVEL);
  const admin = createPgPool({
    connectionString: config.DATABASE_URL,
    applicationName: 'openpolicy-rebuild',
    max: 3,
  });
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  try {
    const report = await rebuildReadModels({
      admin,
      projectorUrl:
        config.PROJECTOR_DATABASE_URL ??
        withCredentials(config.DATABASE_URL, 'openpolicy_projector', config.PROJECTOR_DB_PASSWORD),
      liveConsumer: `projector-${config.PROJECTOR_NAME}`,
      logger,
      batchSize: config.PROJECTOR_BATCH_SIZE,
      requireIdentical: o.requireIdentical,
      ...(config.KAFKA_BROKERS
        ? {
            kafka: {
              kafka: createKafka(config.KAFKA_CLIENT_ID, config.KAFKA_BROKERS, logger),
              topic: config.KAFKA_TOPIC,
              partitions: config.KAFKA_PARTITIONS,
              groupId: config.PROJECTOR_GROUP_ID,
            },
          }
        : {}),
      progress: ({ applied, total }) => {
        const pct = total ? ((100 * applied) / total).toFixed(1) : '100.0';
        if (tty) process.stderr.write(`\rrebuild: ${applied}/${total} events (${pct}%)   `);
        else if (Date.now() - lastLine > 2_000 || applied === total) {
          lastLine = Date.now();
          process.stderr.write(`rebuild: ${applied}/${total} events (${pct}%)\n`);
        }
      },
    });
    if (tty) process.stderr.write('\n');
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.switched ? 0 : 1;
  } finally {
    await admin.end();
  }
};
