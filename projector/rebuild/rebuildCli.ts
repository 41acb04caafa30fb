import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createKafka } from '../../infra/kernel/kafka.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { loadProjectorConfig } from '../config.ts';
import { type RebuildReport, rebuildReadModels } from './rebuild.ts';

/**
 * Progress lines: redrawn in place on a terminal; elsewhere (a log) a line only when the count moved, at most
 * every `everyMs`, and the same line again only after `quietMs` (the rebuild is still alive, just not moving).
 */
export const createRebuildProgress = (o: {
  write: (text: string) => unknown;
  tty: boolean;
  now: () => number;
  everyMs?: number;
  quietMs?: number;
}) => {
  let lastAt = Number.NEGATIVE_INFINITY;
  let lastLine = '';
  return ({ applied, total }: { applied: number; total: number }) => {
    const pct = total ? ((100 * applied) / total).toFixed(1) : '100.0';
    const line = `rebuild: ${applied.toLocaleString('en-US')}/${total.toLocaleString('en-US')} events (${pct}%)`;
    if (o.tty) {
      o.write(`\r${line}   `);
      return;
    }
    const t = o.now();
    const done = applied >= total;
    const due =
      line !== lastLine ? done || t - lastAt >= (o.everyMs ?? 2_000) : t - lastAt >= (o.quietMs ?? 30_000);
    if (!due) return;
    lastAt = t;
    lastLine = line;
    o.write(`${line}\n`);
  };
};

/** One line a person reads before the JSON: did it switch, and how the rebuilt models compared. */
export const rebuildSummary = (r: RebuildReport) => {
  const took = `${(r.ms / 1_000).toFixed(1)}s`;
  const comparison = !r.compared
    ? 'not compared (the live projector had moved on)'
    : r.identical
      ? 'identical to the live ones'
      : `different from the live ones in ${r.differences.join(', ')}`;
  return r.switched
    ? `rebuild: switched to the rebuilt read models in ${took}, ${comparison}; the old ones are kept as ${r.oldSchema}`
    : `rebuild: NOT switched after ${took}: the rebuilt read models are ${comparison} (--require-identical)`;
};

/** `openpolicy rebuild`: progress and a summary on stderr, the report as JSON on stdout; exit 1 if it did not switch. */
export const runRebuildCli = async (o: { requireIdentical: boolean }) => {
  const config = loadProjectorConfig();
  const logger = createLogger('rebuild', config.LOG_LEVEL);
  const admin = createPgPool({
    connectionString: config.DATABASE_URL,
    applicationName: 'openpolicy-rebuild',
    max: 3,
  });
  const tty = process.stderr.isTTY === true;
  const progress = createRebuildProgress({ write: (t) => process.stderr.write(t), tty, now: Date.now });
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
      progress,
    });
    if (tty) process.stderr.write('\n');
    process.stderr.write(`${rebuildSummary(report)}\n`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.switched ? 0 : 1;
  } finally {
    await admin.end();
  }
};
