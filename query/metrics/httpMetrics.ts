import type { RequestHandler } from 'express';
import type { QueryMetrics } from './queryMetrics.ts';

/**
 * Duration and size of every response, labelled by the express route path (`/api/v1/bills/:id`, never the
 * raw URL, so one label per route), method and status. Requests no route took (404s, 429s) are `(none)`.
 */
export const httpMetrics =
  (m: QueryMetrics): RequestHandler =>
  (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const path = req.route?.path;
      const labels = {
        method: req.method,
        route: typeof path === 'string' ? `${req.baseUrl}${path}` : '(none)',
        status: String(res.statusCode),
      };
      m.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      m.responseSize.observe(labels, Number(res.getHeader('content-length') ?? 0));
    });
    next();
  };
