import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Headers a browser script on another origin may read: validators and freshness. */
export const EXPOSED_HEADERS = [
  'ETag',
  'X-Data-Position',
  'X-Data-As-Of',
  'X-Projection-Lag-Ms',
  'X-Request-Id',
  'Retry-After',
].join(', ');

/**
 * CORS for a public, read-only API: GET / HEAD / OPTIONS from any origin, no credentials (a wildcard
 * origin forbids them, and reads need none). Preflights are answered here and cached by browsers for a day.
 */
export const cors: RequestHandler = (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, X-API-Key, If-None-Match, X-Request-Id');
  res.setHeader('Access-Control-Max-Age', '86400');
  res.setHeader('Allow', 'GET, HEAD, OPTIONS');
  res.status(204).end();
};

/**
 * Security headers for JSON responses: nothing may be framed, scripted or embedded from them
 * (CSP `default-src 'none'`), but other origins may read them (CORP cross-origin, since CORS allows it).
 */
export const securityHeaders = (): RequestHandler =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
