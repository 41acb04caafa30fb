import { promSample } from '../infra/testing/prometheus.ts';
import { loadQueryConfig } from './config.ts';
import { startQueryService } from './index.ts';

/** Helpers for the query service's integration specs: one instance on a test database, and its metrics. */
export type TestQueryService = Awaited<ReturnType<typeof startQueryService>>;

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A query service on `databaseUrl`, any free port, silent, with the test Redis; `env` overrides any of it. */
export const startTestQueryService = (
  databaseUrl: string,
  env: Record<string, string> = {},
  deps?: Parameters<typeof startQueryService>[1],
) =>
  startQueryService(
    loadQueryConfig({
      DATABASE_URL: databaseUrl,
      QUERY_PORT: '0',
      REDIS_URL: TEST_REDIS_URL,
      LOG_LEVEL: 'silent',
      QUERY_RATE_LIMIT_RPS: '0',
      ...env,
    }),
    deps,
  );

/** One sample of a Prometheus series of the instance, 0 when absent. */
export const metricSample = async (svc: TestQueryService, series: string) =>
  promSample(await svc.metrics.registry.metrics(), series) ?? 0;

/** Cache lookups of one level with one result (`memory`/`redis`/`db`, `hit`/`miss`/...). */
export const cacheLookups = (svc: TestQueryService, level: string, result: string) =>
  metricSample(svc, `openpolicy_cache_lookups_total{level="${level}",result="${result}"}`);
