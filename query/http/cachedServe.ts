import { NotFound } from '../../infra/kernel/errors.ts';
import type { Freshness } from '../cache/freshness.ts';
import type { ReadCache } from '../cache/readCache.ts';
import type { RouteMemo } from './routeMemo.ts';
import type { Serve } from './serve.ts';
import { setFreshnessHeaders, writeEntry } from './writeEntry.ts';

const READ_MODELS: Record<string, string> = {
  vote: 'votes',
  votes: 'votes',
  bill: 'bills',
  bills: 'bills',
  member: 'members',
  members: 'members',
};

/** `bill:us-117-hr-1319` -> `bills`; a tag of another kind names its own read model (`dashboard`). */
export const readModelOf = (tags: readonly string[]) => {
  const kind = tags[0]?.split(':')[0];
  return kind ? (READ_MODELS[kind] ?? kind) : undefined;
};

/**
 * The serve contract through the cache. Freshness headers are taken before the lookup: every change up to
 * that position was already applied to the caches, so whatever the lookup returns reflects at least it.
 */
export const createCachedServe =
  (o: { cache: ReadCache; freshness: Freshness; now?: () => number; memo?: RouteMemo }): Serve =>
  async (req, res, spec) => {
    const now = o.now ?? Date.now;
    const readModel = spec.readModel ?? readModelOf(spec.tags);
    setFreshnessHeaders(res, o.freshness.headers(readModel, now()));
    const entry = await o.cache.get(spec);
    if (!entry) throw new NotFound(spec.notFound);
    writeEntry(req, res, entry, spec.policy);
    // Teach the fast path this URL's key (see fastPath.ts); only plain API paths, which it is limited to.
    const path = req.route?.path;
    if (o.memo && typeof path === 'string' && req.originalUrl.startsWith('/api/')) {
      o.memo.remember(req.originalUrl, {
        key: spec.key,
        readModel,
        policy: spec.policy,
        route: `${req.baseUrl}${path}`,
      });
    }
  };
