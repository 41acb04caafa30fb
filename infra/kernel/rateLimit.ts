import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { LRUCache } from 'lru-cache';
import { AppError } from './errors.ts';
import { createTokenBuckets } from './tokenBucket.ts';

/** The API key a request presents (`X-API-Key`, or `Authorization: Bearer ...`), unchecked. */
export const presentedKey = (req: Pick<Request, 'headers'>) => {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header.trim()) return header.trim();
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
};

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * The API keys this process has checked recently, by a digest of the whole presented token (never the token),
 * bounded and expiring. Only these separate clients in the rate limit: anything else is charged to its address.
 */
export const createVerifiedKeys = (o: { max?: number; ttlMs?: number } = {}) => {
  const ids = new LRUCache<string, string>({ max: o.max ?? 10_000, ttl: o.ttlMs ?? 5 * 60_000 });
  return {
    remember: (token: string, keyId: string) => void ids.set(digest(token), keyId),
    forget: (token: string) => void ids.delete(digest(token)),
    idOf: (token: string) => ids.get(digest(token)),
  };
};
export type VerifiedKeys = ReturnType<typeof createVerifiedKeys>;

/**
 * The client a request is charged to: a key this process has verified (see `createVerifiedKeys`) when the
 * request presents one, else its address (`req.ip`, which honours the app's `trust proxy`). The limit runs
 * before any key lookup, so that a flood costs no database read; an unverified key (a new one, a wrong one, or a
 * fresh random one on every request) is charged to the address, so inventing keys cannot mint fresh buckets.
 * The query service cannot check keys at all and charges every request to its address.
 */
export const clientKey = (req: Pick<Request, 'headers' | 'ip' | 'socket'>, verified?: VerifiedKeys) => {
  const token = verified ? presentedKey(req) : null;
  const id = token ? verified?.idOf(token) : undefined;
  return id ? `key:${id}` : `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
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
  verified?: VerifiedKeys;
}): RequestHandler => {
  const buckets = createTokenBuckets(o);
  return (req, _res, next) => {
    const t = buckets.take(clientKey(req, o.verified));
    if (t.allowed) return next();
    o.onLimited?.();
    next(new RateLimited(Math.max(1, Math.ceil(t.retryAfterMs / 1_000))));
  };
};
