import type { Request, Response } from 'express';
import { NotFound } from '../../infra/kernel/errors.ts';
import { buildEntry } from '../cache/entry.ts';
import { type CachePolicy, strongEtag } from './httpCaching.ts';
import { writeEntry } from './writeEntry.ts';

export { type CachePolicy, cacheControl, strongEtag } from './httpCaching.ts';

export const DETAIL_CACHE: CachePolicy = { maxAge: 5, staleWhileRevalidate: 60 };
export const LIST_CACHE: CachePolicy = { maxAge: 2, staleWhileRevalidate: 30 };

/** What a loader returns: the response bytes, and if the projector stored them, their ETag and log position. */
export type Loaded = Readonly<{
  body: string;
  etag?: string;
  position?: string;
  /**
   * Tags the loader learnt while loading. The cache cannot guard a load against changes to tags it did not
   * know when the load began, so an answer with tags beyond the spec's is served but never cached: put every
   * tag in the spec instead.
   */
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
  /** Whose rm.freshness row the freshness headers report; by default the read model named by the first tag. */
  readModel?: string;
}>;

export type Serve = (req: Request, res: Response, spec: ServeSpec) => Promise<void>;

/** The plain serve, without cache or freshness: load, then write with ETag / 304 and Cache-Control. */
export const directServe: Serve = async (req, res, spec) => {
  const loaded = await spec.load();
  if (!loaded) throw new NotFound(spec.notFound);
  if (loaded.position) res.setHeader('X-Data-Position', loaded.position);
  const entry = await buildEntry(loaded.body, loaded.etag ?? strongEtag(loaded.body), null, false);
  writeEntry(req, res, entry, spec.policy);
};
