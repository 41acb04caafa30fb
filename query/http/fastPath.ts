import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from 'pino';
import type { Freshness } from '../cache/freshness.ts';
import type { ReadCache } from '../cache/readCache.ts';
import type { HistogramSeries } from '../metrics/fastHistogram.ts';
import type { QueryMetrics } from '../metrics/queryMetrics.ts';
import type { ClientLimiter } from './clientLimiter.ts';
import { chooseVariant, notModified, prepare } from './preparedEntry.ts';
import { CORS_HEADERS, securityHeaderPairs } from './publicApi.ts';
import { requestIdOf } from './requestId.ts';
import type { RouteMemo } from './routeMemo.ts';

export type FastPathDeps = Readonly<{
  cache: ReadCache;
  freshness: Freshness;
  memo: RouteMemo;
  metrics: QueryMetrics;
  logger: Logger;
  /** The per-client token bucket shared with express; null: no limit. */
  limiter: ClientLimiter | null;
  /** What express's `req.ip` would be for this request (it honours `trust proxy`). */
  clientIp: (req: IncomingMessage) => string | undefined;
  now?: () => number;
}>;

type Series = Readonly<{ duration: HistogramSeries; size: HistogramSeries }>;

/**
 * A plain node:http handler in front of express for the hot reads: a GET or HEAD of an /api URL that express
 * has already answered from the cache (so its cache key is known, see routeMemo.ts) and whose entry is in the
 * in-process cache is written here, directly from the entry's prepared bytes and headers. Everything else
 * (a miss, another method, a URL not seen yet, a client past its rate limit) returns false, and express takes
 * the request as if this did not exist.
 *
 * The response is the one express would send, header for header (security headers captured from helmet,
 * CORS, X-Request-Id, freshness, ETag / 304, Vary, Cache-Control, the coding chosen from Accept-Encoding):
 * `fastPath.int.spec.ts` compares the two. What it saves is express's middleware chain, pino-http's per-request
 * child logger, per-header setHeader calls and per-request negotiation. The HTTP metrics get the same series
 * and labels (duration to the last byte handed to the socket, size), the cache its memory hit, and the log the
 * line pino-http would write (at debug, as pino-http does for a success), only when that level is enabled.
 */
export const createFastPath = (d: FastPathDeps) => {
  const fixed = [...securityHeaderPairs(), ...CORS_HEADERS];
  const now = d.now ?? Date.now;

  // Per tail (a variant's 200 or 304 headers): the whole header list with slots for the request id (1) and
  // the freshness values (FRESH, FRESH + 2, FRESH + 4), copied and filled per request.
  const FRESH = 2 + fixed.length + 1;
  const templates = new WeakMap<readonly string[], readonly string[]>();
  const templateOf = (tail: readonly string[]) => {
    let t = templates.get(tail);
    if (!t) {
      t = [
        'X-Request-Id',
        '',
        ...fixed,
        'X-Data-Position',
        '',
        'X-Data-As-Of',
        '',
        'X-Projection-Lag-Ms',
        '',
        ...tail,
      ];
      templates.set(tail, t);
    }
    return t;
  };

  // The metric series of each route, method and status, resolved once.
  const seriesByRoute = new Map<string, Record<string, Series>>();
  const seriesOf = (route: string, method: string, status: number) => {
    let byRoute = seriesByRoute.get(route);
    if (!byRoute) {
      byRoute = {};
      seriesByRoute.set(route, byRoute);
    }
    const k = `${method}${status}`;
    let s = byRoute[k];
    if (!s) {
      const labels = { method, route, status: String(status) };
      s = { duration: d.metrics.httpDuration.series(labels), size: d.metrics.responseSize.series(labels) };
      byRoute[k] = s;
    }
    return s;
  };

  const done = (
    req: IncomingMessage,
    res: ServerResponse,
    started: number,
    series: Series,
    size: number,
    headers: readonly string[],
    id: string,
  ) => {
    const ms = performance.now() - started;
    series.duration.observe(ms / 1_000);
    series.size.observe(size);
    if (d.logger.isLevelEnabled('debug')) {
      const out: Record<string, string> = {};
      for (let i = 0; i < headers.length; i += 2) out[headers[i]!.toLowerCase()] = headers[i + 1]!;
      d.logger.debug(
        {
          req: {
            id,
            method: req.method,
            url: req.url,
            // As pino-http logs an express request: its query parsed as express's "simple" parser does, no params
            // yet (it serialises the request before routing).
            query: parseQuery(req.url?.split('?')[1] ?? ''),
            params: {},
            headers: req.headers,
            remoteAddress: req.socket.remoteAddress,
            remotePort: req.socket.remotePort,
          },
          res: { statusCode: res.statusCode, headers: out },
          responseTime: Math.round(ms),
        },
        'request completed',
      );
    }
  };

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const started = performance.now();
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const url = req.url;
    if (url === undefined || !url.startsWith('/api/')) return false;
    const route = d.memo.get(url);
    if (!route) return false;
    const entry = d.cache.peek(route.key);
    if (!entry) return false;
    if (d.limiter && !d.limiter.allows(req, d.clientIp(req))) return false;
    d.cache.servedFromMemory();
    d.metrics.fastPath.inc();

    const id = requestIdOf(req);
    const f = d.freshness.headers(route.readModel, now());
    const p = prepare(entry, route.policy);
    const v = chooseVariant(p, req.headers['accept-encoding']);
    const is304 = notModified(p, req.headers['if-none-match']);
    const tail = is304 ? v.notModified : v.ok;
    let headers: string[];
    if (f) {
      headers = templateOf(tail).slice();
      headers[1] = id;
      headers[FRESH] = f.position;
      headers[FRESH + 2] = f.asOf;
      headers[FRESH + 4] = String(f.lagMs);
    } else headers = ['X-Request-Id', id, ...fixed, ...tail]; // no snapshot of rm.freshness yet
    const status = is304 ? 304 : 200;
    res.writeHead(status, headers);
    if (is304) res.end();
    else res.end(v.bytes);

    const series = seriesOf(route.route, method, status);
    const size = is304 ? 0 : v.bytes.length;
    // As express's metrics do, time to the last byte handed to the socket: now, unless some wait for it to drain.
    if (res.socket && res.socket.writableLength > 0) {
      res.once('finish', () => done(req, res, started, series, size, headers, id));
    } else done(req, res, started, series, size, headers, id);
    return true;
  };
};

export type FastPath = ReturnType<typeof createFastPath>;
