import { createHash } from 'node:crypto';

export type CachePolicy = Readonly<{ maxAge: number; staleWhileRevalidate: number }>;

export const cacheControl = (p: CachePolicy) =>
  `public, max-age=${p.maxAge}, stale-while-revalidate=${p.staleWhileRevalidate}`;

export const strongEtag = (body: string) =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

export const etagMatches = (header: string | undefined, etag: string) =>
  !!header && header.split(/\s*,\s*/).some((t) => t === etag || t === `W/${etag}` || t === '*');
