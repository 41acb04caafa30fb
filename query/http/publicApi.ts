import type { Request, RequestHandler, Response } from 'express';
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

/** What `cors` sets on every API response, as name / value pairs. */
export const CORS_HEADERS = [
  'Access-Control-Allow-Origin',
  '*',
  'Access-Control-Expose-Headers',
  EXPOSED_HEADERS,
] as const;

/**
 * CORS for a public, read-only API: GET / HEAD / OPTIONS from any origin, no credentials (a wildcard
 * origin forbids them, and reads need none). Preflights are answered here and cached by browsers for a day.
 */
export const cors: RequestHandler = (req, res, next) => {
  res.setHeader(CORS_HEADERS[0], CORS_HEADERS[1]);
  res.setHeader(CORS_HEADERS[2], CORS_HEADERS[3]);
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

/**
 * The headers `securityHeaders()` sets, as flat name / value pairs in the order helmet sets them, captured once
 * by running the middleware against a recorder (for writers that bypass express). Exact as long as no directive
 * depends on the request (no nonces), which is the case above.
 */
export const securityHeaderPairs = (): string[] => {
  const set = new Map<string, [string, string]>();
  const recorder = {
    setHeader: (name: string, value: unknown) => set.set(name.toLowerCase(), [name, String(value)]),
    removeHeader: (name: string) => set.delete(name.toLowerCase()),
  };
  let passed = false;
  securityHeaders()({} as Request, recorder as unknown as Response, (err?: unknown) => {
    if (err) throw err;
    passed = true;
  });
  if (!passed) throw new Error('helmet did not complete synchronously');
  return [...set.values()].flat();
};
