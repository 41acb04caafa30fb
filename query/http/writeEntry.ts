import type { Request, Response } from 'express';
import { availableCodings, type CacheEntry, entryBytes, variantEtag } from '../cache/entry.ts';
import type { FreshnessHeaders } from '../cache/freshness.ts';
import { negotiateEncoding } from '../cache/negotiate.ts';
import { type CachePolicy, cacheControl, etagMatches } from './httpCaching.ts';

export const setFreshnessHeaders = (res: Response, f: FreshnessHeaders | null) => {
  if (!f) return;
  res.setHeader('X-Data-Position', f.position);
  res.setHeader('X-Data-As-Of', f.asOf);
  res.setHeader('X-Projection-Lag-Ms', String(f.lagMs));
};

/**
 * Writes one prepared answer: the coding the client prefers among those we hold, its own ETag,
 * `Vary: Accept-Encoding`, Cache-Control from the route's policy, and 304 when If-None-Match names any
 * variant of this body (weak comparison, as RFC 9110 §13.1.2 requires for If-None-Match).
 */
export const writeEntry = (req: Request, res: Response, entry: CacheEntry, policy: CachePolicy) => {
  const coding = negotiateEncoding(req.headers['accept-encoding'], availableCodings(entry));
  res.setHeader('ETag', variantEtag(entry.etag, coding));
  res.setHeader('Cache-Control', cacheControl(policy));
  res.setHeader('Vary', 'Accept-Encoding');
  const inm = req.headers['if-none-match'];
  if (
    inm &&
    (['identity', 'gzip', 'br'] as const).some((c) => etagMatches(inm, variantEtag(entry.etag, c)))
  ) {
    res.status(304).end();
    return;
  }
  const bytes = entryBytes(entry, coding);
  res.status(200);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (coding !== 'identity') res.setHeader('Content-Encoding', coding);
  res.setHeader('Content-Length', String(bytes.length));
  res.end(bytes);
};
