import express from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { notFoundRoute, problemDetails } from '../infra/kernel/problem.ts';
import { billRoutes } from './bills/billRoutes.ts';
import { dashboardRoutes } from './dashboard/dashboardRoutes.ts';
import type { Documents } from './documents.ts';
import { type ClientLimiter, createClientLimiter } from './http/clientLimiter.ts';
import { handle } from './http/handle.ts';
import { queryOpenApi } from './http/openapi.ts';
import { cors, securityHeaders } from './http/publicApi.ts';
import { requestId } from './http/requestId.ts';
import { directServe, type Serve } from './http/serve.ts';
import { webAssets } from './http/webAssets.ts';
import { memberRoutes } from './members/memberRoutes.ts';
import { httpMetrics } from './metrics/httpMetrics.ts';
import { createQueryMetrics, type QueryMetrics } from './metrics/queryMetrics.ts';
import type { SearchEngine } from './search/engine.ts';
import { searchRoutes } from './search/searchRoutes.ts';
import { voteRoutes } from './votes/voteRoutes.ts';

export type QueryAppDeps = Readonly<{
  docs: Documents;
  /** Full-text search over bills and votes; absent: no search routes. */
  search?: SearchEngine;
  logger: Logger;
  ping: () => Promise<void>;
  serve?: Serve;
  metrics?: QueryMetrics;
  /** Per-client token bucket on /api; absent or a zero rate: no limit. */
  rateLimit?: Readonly<{ ratePerSec: number; burst: number }>;
  /** The bucket itself, when something in front of express shares it (see queryLimiter); else built here. */
  limiter?: ClientLimiter | null;
  /** Express `trust proxy`, so that `req.ip` is the client behind a load balancer. */
  trustProxy?: boolean | number | string;
  /** Extra state for /readyz (cache levels, change feed). */
  status?: () => Record<string, unknown>;
}>;

/** The read service: serves precomputed documents and nothing else. */
export const createQueryApp = (deps: QueryAppDeps) => {
  const metrics = deps.metrics ?? createQueryMetrics();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: requestId,
      // Successful reads are too many to log at info; failures are what an operator looks for.
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode === 429 ? 'warn' : 'debug',
    }),
  );
  app.use(httpMetrics(metrics));
  app.use(securityHeaders());
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get(
    '/readyz',
    handle(async (_req, res) => {
      await deps.ping();
      const freshness = await deps.docs.freshness();
      res.json({ status: 'ready', readModels: freshness, ...deps.status?.() });
    }),
  );
  app.get(
    '/metrics',
    handle(async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    }),
  );
  const openApi = JSON.stringify(queryOpenApi());
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openApi);
  });
  app.use('/api', cors);
  const limiter = deps.limiter !== undefined ? deps.limiter : queryLimiter(deps.rateLimit, metrics);
  if (limiter) app.use('/api', limiter.middleware);
  const serve = deps.serve ?? directServe;
  // Before the bill and vote routes, which would take `search` for an id.
  if (deps.search) app.use(searchRoutes(deps.search, serve));
  app.use(billRoutes(deps.docs, serve));
  app.use(voteRoutes(deps.docs, serve));
  app.use(memberRoutes(deps.docs, serve));
  app.use(dashboardRoutes(deps.docs, serve));
  // The dashboard (web/dist): hashed assets and index.html for every non-API page URL.
  app.use(webAssets());
  app.use(notFoundRoute);
  app.use(problemDetails(deps.logger));
  return app;
};

/** The per-client token bucket the configuration asks for (null: no limit), counting its refusals in `metrics`. */
export const queryLimiter = (limit: QueryAppDeps['rateLimit'], metrics: QueryMetrics) =>
  limit && limit.ratePerSec > 0 && limit.burst > 0
    ? createClientLimiter({ ...limit, onLimited: () => metrics.rateLimited.inc() })
    : null;
