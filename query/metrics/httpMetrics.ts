import type { RequestHandler } from 'express';
import { requestLabels } from '../../infra/kernel/requestLabels.ts';
import type { QueryMetrics } from './queryMetrics.ts';

/** Duration and size of every response, labelled by route, method and status (`requestLabels`). */
export const httpMetrics =
  (m: QueryMetrics): RequestHandler =>
  (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = requestLabels(req, res);
      m.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      m.responseSize.observe(labels, Number(res.getHeader('content-length') ?? 0));
    });
    next();
  };
