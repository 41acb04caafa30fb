import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { clientKey, RateLimited } from '../../infra/kernel/rateLimit.ts';
import { createTokenBuckets, type Take } from '../../infra/kernel/tokenBucket.ts';

/**
 * The query service's per-client token bucket, shared by the express middleware and the fast path in front of
 * express (same buckets, same client key). The fast path charges a request only when it is about to answer it;
 * one it refused goes on to express with its decision attached, and the middleware answers that 429 (problem+json,
 * Retry-After, counted once) without charging the client a second time.
 */
export const createClientLimiter = (o: { ratePerSec: number; burst: number; onLimited?: () => void }) => {
  const buckets = createTokenBuckets(o);
  const decided = new WeakMap<IncomingMessage, Take>();
  return {
    /**
     * Charges the client of a request express has not seen; `ip` is what express's `req.ip` would be. A refusal
     * is kept for the middleware, which answers it.
     */
    allows(req: IncomingMessage, ip: string | undefined) {
      const t = buckets.take(clientKey({ headers: req.headers, ip, socket: req.socket } as Request));
      if (!t.allowed) decided.set(req, t);
      return t.allowed;
    },
    middleware: ((req, _res, next) => {
      const t = decided.get(req) ?? buckets.take(clientKey(req));
      if (t.allowed) return next();
      o.onLimited?.();
      next(new RateLimited(Math.max(1, Math.ceil(t.retryAfterMs / 1_000))));
    }) satisfies RequestHandler as RequestHandler,
  };
};

export type ClientLimiter = ReturnType<typeof createClientLimiter>;
