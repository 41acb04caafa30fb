import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { NotFound } from '../../infra/kernel/errors.ts';

export type CachePolicy = Readonly<{ maxAge: number; staleWhileRevalidate: number }>;

export const DETAIL_CACHE: CachePolicy = { maxAge: 5, staleWhileRevalidate: 60 };
export const LIST_CACHE: CachePolicy = { maxAge: 2, staleWhileRevalidate: 30 };

/** What a loader returns: the response bytes, and if the projector stored them, their ETag and log position. */
export type Loaded = Readonly<{
  body: string;
  etag?: string;
  position?: string;
  tags?: readonly string[];
}> | null;

/**
 * One response of the read side. `key` identifies the answer (path and normalised query), `tags` name the
 * read-model rows it was built from (`vote:<id>`, `bills`...), so that a change notification can find it.
 */
export type ServeSpec = Readonly<{
  key: string;
  tags: readonly string[];
  policy: CachePolicy;
  notFound: string;
  load: () => Promise<Loaded>;
}>;

export type Serve = (req: Request, res: Response, spec: ServeSpec) => Promise<void>;

export const cacheControl = (p: CachePolicy) =>
  `public, max-age=${p.maxAge}, stale-while-revalidate=${p.staleWhileRevalidate}`;

export const strongEtag = (body: string) =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

export const etagMatches = (header: string | undefined, etag: string) =>
  !!header && header.split(/\s*,\s*/).some((t) => t === etag || t === `W/${etag}` || t === '*');

/** The plain serve: load, then write with ETag / 304 and Cache-Control. The cache layer wraps the same contract. */
export const directServe: Serve = async (req, res, spec) => {
  const loaded = await spec.load();
  if (!loaded) throw new NotFound(spec.notFound);
  const etag = loaded.etag ?? strongEtag(loaded.body);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', cacheControl(spec.policy));
  if (loaded.position) res.setHeader('X-Data-Position', loaded.position);
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.status(304).end();
    return;
  }
  res.status(200).type('application/json').send(loaded.body);
};
