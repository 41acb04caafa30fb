import type { Request, Response } from 'express';
import type { CacheEntry } from '../cache/entry.ts';
import type { FreshnessHeaders } from '../cache/freshness.ts';
import type { CachePolicy } from './httpCaching.ts';
import { chooseVariant, notModified, prepare } from './preparedEntry.ts';

export const setFreshnessHeaders = (res: Response, f: FreshnessHeaders | null) => {
  if (!f) return;
  res.setHeader('X-Data-Position', f.position);
  res.setHeader('X-Data-As-Of', f.asOf);
  res.setHeader('X-Projection-Lag-Ms', String(f.lagMs));
};

const setPairs = (res: Response, pairs: readonly string[]) => {
  for (let i = 0; i < pairs.length; i += 2) res.setHeader(pairs[i]!, pairs[i + 1]!);
};

/**
 * Writes one prepared answer: the coding the client prefers among those we hold, its own ETag,
 * `Vary: Accept-Encoding`, Cache-Control from the route's policy, and 304 when If-None-Match names any
 * variant of this body (see preparedEntry.ts, shared with the fast path).
 */
export const writeEntry = (req: Request, res: Response, entry: CacheEntry, policy: CachePolicy) => {
  const p = prepare(entry, policy);
  const v = chooseVariant(p, req.headers['accept-encoding']);
  if (notModified(p, req.headers['if-none-match'])) {
    setPairs(res, v.notModified);
    res.status(304).end();
    return;
  }
  setPairs(res, v.ok);
  res.status(200);
  res.end(v.bytes);
};
