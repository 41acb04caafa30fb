import { LRUCache } from 'lru-cache';

export type TokenBucketOptions = Readonly<{
  /** Tokens added per second: the sustained request rate. */
  ratePerSec: number;
  /** Bucket size: how many requests may come at once after a quiet spell. */
  burst: number;
  /** How many clients to remember; the least recently seen are forgotten first (they start full again). */
  maxClients?: number;
  now?: () => number;
}>;

export type Take = Readonly<{ allowed: boolean; remaining: number; retryAfterMs: number }>;

type Bucket = { tokens: number; at: number };

/**
 * One token bucket per client key. A bucket left alone refills completely in `burst / rate` seconds, after
 * which it is no different from a new one, so it expires from memory then: the map holds only the clients
 * seen in the last few seconds, bounded by `maxClients`.
 */
export const createTokenBuckets = (o: TokenBucketOptions) => {
  const now = o.now ?? Date.now;
  const refillMs = Math.ceil((o.burst / o.ratePerSec) * 1_000);
  const buckets = new LRUCache<string, Bucket>({ max: o.maxClients ?? 100_000, ttl: Math.max(1, refillMs) });
  return {
    take(key: string): Take {
      const t = now();
      const b = buckets.get(key) ?? { tokens: o.burst, at: t };
      const tokens = Math.min(o.burst, b.tokens + ((t - b.at) * o.ratePerSec) / 1_000);
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at: t });
        return { allowed: true, remaining: Math.floor(tokens - 1), retryAfterMs: 0 };
      }
      buckets.set(key, { tokens, at: t });
      return { allowed: false, remaining: 0, retryAfterMs: Math.ceil(((1 - tokens) * 1_000) / o.ratePerSec) };
    },
    size: () => buckets.size,
  };
};
