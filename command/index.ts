import type { AddressInfo } from 'node:net';
import { gracefulClose } from '../infra/kernel/gracefulClose.ts';
import { createLogger } from '../infra/kernel/logger.ts';
import { isMain, onShutdown, runMain } from '../infra/kernel/main.ts';
import { answerClientErrors } from '../infra/kernel/problem.ts';
import { createCommandApp } from './app.ts';
import { type CommandConfig, loadCommandConfig } from './config.ts';
import { openEventLog } from './log/openEventLog.ts';
import { createCommandMetrics } from './metrics.ts';

/**
 * Starts the command service; returns its URL and a stop function, which answers the requests in flight and waits
 * for them at most `shutdownGraceMs`.
 */
export const startCommandService = async (
  config: CommandConfig,
  options: { shutdownGraceMs?: number } = {},
) => {
  const logger = createLogger('command', config.LOG_LEVEL);
  const metrics = createCommandMetrics();
  const logKind = config.KAFKA_BROKERS ? 'kafka' : 'postgres';
  const { pool, log } = await openEventLog(config, {
    logger,
    applicationName: 'openpolicy-command',
    clientId: config.KAFKA_CLIENT_ID,
    maxConnections: 10,
    onGroup: (g) => metrics.group(logKind, g),
  });
  const app = createCommandApp({
    pool,
    log,
    logger,
    now: () => new Date(),
    metrics,
    maxBodyBytes: config.COMMAND_MAX_BODY_BYTES,
    rateLimit: { ratePerSec: config.COMMAND_RATE_LIMIT_RPS, burst: config.COMMAND_RATE_LIMIT_BURST },
    trustProxy: config.COMMAND_TRUST_PROXY,
    ingest: {
      maxLineBytes: config.INGEST_MAX_LINE_BYTES,
      maxTotalBytes: config.INGEST_MAX_BODY_BYTES,
      chunk: 500,
    },
  });
  const server = answerClientErrors(app.listen(config.COMMAND_PORT, config.COMMAND_HOST));
  const close = gracefulClose(server, options.shutdownGraceMs);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.COMMAND_HOST}:${port}`;
  logger.info({ url, log: log.kind }, 'command service listening');
  return {
    url,
    async stop() {
      await close();
      await log.close();
      await pool.end();
    },
  };
};

if (isMain(import.meta.url)) {
  await runMain(
    async () => {
      const service = await startCommandService(loadCommandConfig());
      onShutdown(service.stop);
    },
    { portVariables: 'COMMAND_PORT' },
  );
}
