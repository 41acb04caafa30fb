import type { Request, RequestHandler } from 'express';
import { AppError } from './errors.ts';
import { createTokenBuckets } from './tokenBucket.ts';

const API_KEY = /^Bearer\s+(\S{1,200})$/i;

/**
 * The client a request is charged to: its API key when it presents one (`Authorization: Bearer ...` or
 * `X-API-Key`), else its address (`req.ip`, which honours the app's `trust proxy`). The limit runs before any
 * key is checked (the query service cannot check them at all), so a key only separates clients, never raises
 * a limit, and a flood of bad keys costs no database lookup.
 */
export const clientKey = (req: Request) => {
  const bearer = API_KEY.exec(req.headers.authorization ?? '')?.[1];
  const header = req.headers['x-api-key'];
  const key = bearer ?? (typeof header === 'string' && header.length <= 200 ? header : undefined);
  return key ? `key:${key}` : `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
};

export class RateLimited extends AppError {
  constructor(retryAfterS: number) {
    super('rate_limited', 429, `too many requests; retry in ${retryAfterS} s`, {
      retriable: true,
      headers: { 'Retry-After': String(retryAfterS) },
    });
  }
}

/** A token bucket per client; past it, 429 problem+json with Retry-After (whole seconds, at least 1). */
export const rateLimit = (o: {
  ratePerSec: number;
  burst: number;
  onLimited?: () => void;
}): RequestHandler => {
  const buckets = createTokenBuckets(o);
  return (req, _res, next) => {
    const t = buckets.take(clientKey(req));
    if (t.allowed) return next();
    o.onLimited?.();
    next(new RateLimited(Math.max(1, Math.ceil(t.retryAfterMs / 1_000))));
  };
};
