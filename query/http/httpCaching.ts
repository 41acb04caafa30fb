import { createHash } from 'node:crypto';

export type CachePolicy = Readonly<{ maxAge: number; staleWhileRevalidate: number }>;

export const cacheControl = (p: CachePolicy) =>
  `public, max-age=${p.maxAge}, stale-while-revalidate=${p.staleWhileRevalidate}`;

export const strongEtag = (body: string) =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
