import type { CachePolicy } from './httpCaching.ts';

/** What express worked out for one request URL that it answered from the cache. */
export type MemoRoute = Readonly<{
  /** The cache key the route computed from the URL (path and normalised query). */
  key: string;
  /** Whose freshness headers the answer carries. */
  readModel: string | undefined;
  policy: CachePolicy;
  /** The express route path, the `route` label of the HTTP metrics (`/api/v1/votes/:id`). */
  route: string;
}>;

/**
 * Raw request URL -> the route's cache key and response policy, learnt each time express serves a cached
 * answer. Routing and query parsing depend on nothing but the method and the URL, so for a GET the mapping never
 * changes: the fast path can find the cache entry of a URL it has seen without parsing or validating it again
 * (and without a second copy of every route's rules). Bounded: when full it starts over, and the URLs still in
 * use are learnt again from their next request (a plain Map is cheaper per lookup than an LRU).
 */
export const createRouteMemo = (max = 20_000) => {
  const routes = new Map<string, MemoRoute>();
  return {
    get: (url: string) => routes.get(url),
    remember: (url: string, route: MemoRoute) => {
      if (routes.has(url)) return;
      if (routes.size >= max) routes.clear();
      routes.set(url, route);
    },
    size: () => routes.size,
  };
};

export type RouteMemo = ReturnType<typeof createRouteMemo>;
