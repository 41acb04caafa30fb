import { createServer, type IncomingMessage } from 'node:http';
import type { Express } from 'express';
import { answerClientErrors } from '../infra/kernel/problem.ts';
import { createQueryApp, type QueryAppDeps, queryLimiter } from './app.ts';
import type { Freshness } from './cache/freshness.ts';
import type { ReadCache } from './cache/readCache.ts';
import { createFastPath } from './http/fastPath.ts';
import type { RouteMemo } from './http/routeMemo.ts';
import type { QueryMetrics } from './metrics/queryMetrics.ts';

/**
 * Express's own `req.ip` (it honours `trust proxy`: X-Forwarded-For from trusted hops), for a request express has
 * not seen. The getter lives on the prototype chain of `app.request`; it reads only `app`, `headers` and `socket`.
 */
const expressIp = (app: Express) => {
  for (let p: object | null = app.request; p; p = Object.getPrototypeOf(p)) {
    const get = Object.getOwnPropertyDescriptor(p, 'ip')?.get;
    if (get) {
      return (req: IncomingMessage) =>
        get.call({ app, headers: req.headers, socket: req.socket, connection: req.socket }) as
          | string
          | undefined;
    }
  }
  throw new Error("express's request has no `ip` getter: the fast path cannot charge clients behind a proxy");
};

export type QueryServerDeps = QueryAppDeps &
  Readonly<{
    metrics: QueryMetrics;
    cache: ReadCache;
    freshness: Freshness;
    memo: RouteMemo;
    /** False: every request goes through express (to compare the two). */
    fastPath?: boolean;
  }>;

/**
 * The query service's HTTP server: the fast path for in-process cache hits (http/fastPath.ts), express for
 * everything else. Both share the metrics, the rate limiter's buckets and the cache.
 */
export const createQueryServer = (deps: QueryServerDeps) => {
  const limiter = queryLimiter(deps.rateLimit, deps.metrics);
  const app = createQueryApp({ ...deps, limiter });
  if (deps.fastPath === false) return answerClientErrors(createServer(app));
  const clientIp =
    (deps.trustProxy ?? false) === false
      ? (req: IncomingMessage) => req.socket.remoteAddress
      : expressIp(app);
  const fast = createFastPath({
    cache: deps.cache,
    freshness: deps.freshness,
    memo: deps.memo,
    metrics: deps.metrics,
    logger: deps.logger,
    limiter,
    clientIp,
  });
  const server = createServer((req, res) => {
    let served = false;
    try {
      served = fast(req, res);
    } catch (err) {
      deps.logger.error({ err, url: req.url }, 'fast path failed');
      // Before anything was written express can still answer; after, the response is beyond repair.
      if (res.headersSent) return void res.destroy();
    }
    if (!served) app(req, res);
  });
  return answerClientErrors(server);
};
