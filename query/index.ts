import type { AddressInfo } from 'node:net';
import { sql } from 'slonik';
import { withCredentials } from '../infra/kernel/db.ts';
import { gracefulClose } from '../infra/kernel/gracefulClose.ts';
import { createLogger } from '../infra/kernel/logger.ts';
import { isMain, onShutdown, runMain } from '../infra/kernel/main.ts';
import { createChangeFeed } from './cache/changeFeed.ts';
import { parseChange, parseProgress } from './cache/changes.ts';
import { createFreshness } from './cache/freshness.ts';
import { createFreshnessSync, readFreshness } from './cache/freshnessSync.ts';
import { createMemoryCache } from './cache/memoryCache.ts';
import { createReadCache } from './cache/readCache.ts';
import { createRedisLevel } from './cache/redisLevel.ts';
import { loadQueryConfig, type QueryConfig } from './config.ts';
import { createReadPool } from './db.ts';
import { createDocuments } from './documents.ts';
import { createCachedServe } from './http/cachedServe.ts';
import { createRouteMemo } from './http/routeMemo.ts';
import { createQueryMetrics } from './metrics/queryMetrics.ts';
import { createMeiliSearch } from './search/meiliSearch.ts';
import { createPgSearch } from './search/pgSearch.ts';
import { createQueryServer } from './server.ts';

/** Default Redis prefix: one namespace per database, so deployments and test databases never share keys. */
const redisPrefix = (databaseUrl: string) =>
  `op:${decodeURIComponent(new URL(databaseUrl).pathname.slice(1))}:`;

/** `fastPath: false` sends every request through express (specs compare the two). */
export const startQueryService = async (config: QueryConfig, options: { fastPath?: boolean } = {}) => {
  const logger = createLogger('query', config.LOG_LEVEL);
  const databaseUrl =
    config.QUERY_DATABASE_URL ??
    withCredentials(config.DATABASE_URL, 'openpolicy_query', config.QUERY_DB_PASSWORD);
  const pool = await createReadPool(databaseUrl);
  const metrics = createQueryMetrics();
  const freshness = createFreshness();
  let listening = false;
  const redis = config.REDIS_URL
    ? createRedisLevel({
        url: config.REDIS_URL,
        prefix: config.QUERY_REDIS_PREFIX ?? redisPrefix(databaseUrl),
        ttlMs: config.QUERY_CACHE_TTL_S * 1_000,
        commandTimeoutMs: config.QUERY_REDIS_TIMEOUT_MS,
        logger: logger.child({ component: 'redis' }),
        listening: () => listening,
        onFlush: () => metrics.redisFlushes.inc(),
      })
    : null;
  const cache = createReadCache({
    memory: createMemoryCache(config.QUERY_CACHE_MAX_BYTES),
    redis,
    events: metrics.cacheEvents,
  });
  const sync = createFreshnessSync({
    read: () => readFreshness(pool),
    freshness,
    logger,
  });
  const feed = createChangeFeed({
    connectionString: databaseUrl,
    logger,
    onChange: (payload) => {
      // The projector's progress (a batch read and being applied, or settled): freshness only, no cache change.
      const progress = parseProgress(payload);
      if (progress) {
        if (progress.kind === 'pending') freshness.notePending(progress.head, progress.since);
        else freshness.noteSettled(progress.position);
        return;
      }
      const change = parseChange(payload);
      cache.invalidate(change);
      if (freshness.noteChange(change.position)) void sync.request();
    },
    onListening: (up) => {
      listening = up;
      cache.listening(up);
      freshness.setConnected(up);
      if (up) void sync.restart();
    },
  });
  await feed.start();
  // Serve with the freshness of the first snapshot when Postgres answers quickly; never wait long for it.
  await Promise.race([sync.request(), new Promise((r) => setTimeout(r, 2_000).unref())]);

  metrics.attach({ cache, freshness, listening: feed.listening, poolState: () => pool.state() });
  const pgSearch = createPgSearch(databaseUrl);
  const memo = createRouteMemo();
  const server = createQueryServer({
    docs: createDocuments(pool),
    search: config.MEILI_HOST
      ? createMeiliSearch({
          host: config.MEILI_HOST,
          prefix: config.MEILI_INDEX_PREFIX,
          ...(config.MEILI_API_KEY ? { apiKey: config.MEILI_API_KEY } : {}),
        })
      : pgSearch,
    logger,
    ping: async () => {
      await pool.query(sql.unsafe`SELECT 1`);
    },
    serve: createCachedServe({ cache, freshness, memo }),
    cache,
    freshness,
    memo,
    fastPath: options.fastPath ?? true,
    metrics,
    rateLimit: { ratePerSec: config.QUERY_RATE_LIMIT_RPS, burst: config.QUERY_RATE_LIMIT_BURST },
    trustProxy: config.QUERY_TRUST_PROXY,
    status: () => ({
      cache: { listening: feed.listening(), memory: cache.memoryStats(), redis: cache.redisStatus() },
    }),
  });
  const close = gracefulClose(server);
  server.listen(config.QUERY_PORT, config.QUERY_HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.QUERY_HOST}:${port}`;
  logger.info({ url, redis: !!redis }, 'query service listening');
  return {
    url,
    metrics,
    async stop() {
      // Answers what is in flight (closeAllConnections() first cut those requests off), then every connection.
      await close();
      await feed.stop();
      sync.stop();
      await redis?.close();
      await pool.end();
      await pgSearch.end();
    },
  };
};

if (isMain(import.meta.url)) {
  await runMain(
    async () => {
      const service = await startQueryService(loadQueryConfig());
      onShutdown(service.stop);
    },
    { portVariables: 'QUERY_PORT' },
  );
}
