import type { AddressInfo } from 'node:net';
import { sql } from 'slonik';
import { withCredentials } from '../infra/kernel/db.ts';
import { createLogger } from '../infra/kernel/logger.ts';
import { isMain, onShutdown } from '../infra/kernel/main.ts';
import { createQueryApp } from './app.ts';
import { loadQueryConfig, type QueryConfig } from './config.ts';
import { createReadPool } from './db.ts';
import { createDocuments } from './documents.ts';

export const startQueryService = async (config: QueryConfig) => {
  const logger = createLogger('query', config.LOG_LEVEL);
  const pool = await createReadPool(
    config.QUERY_DATABASE_URL ??
      withCredentials(config.DATABASE_URL, 'openpolicy_query', config.QUERY_DB_PASSWORD),
  );
  const app = createQueryApp({
    docs: createDocuments(pool),
    logger,
    ping: async () => {
      await pool.query(sql.unsafe`SELECT 1`);
    },
  });
  const server = app.listen(config.QUERY_PORT, config.QUERY_HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.QUERY_HOST}:${port}`;
  logger.info({ url }, 'query service listening');
  return {
    url,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
};

if (isMain(import.meta.url)) {
  const service = await startQueryService(loadQueryConfig());
  onShutdown(service.stop);
}
