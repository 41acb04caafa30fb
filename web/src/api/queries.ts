import { keepPreviousData, type Query, queryOptions } from '@tanstack/react-query';
import { getJson, queryString } from './client.ts';
import type {
  Bill,
  BillHit,
  Dashboard,
  Loaded,
  Member,
  Page,
  RecordItem,
  SearchResult,
  Vote,
  VoteListItem,
} from './types.ts';

/** Query keys, one family per resource, so that a resource can be invalidated or prefetched by its key. */
export const keys = {
  bill: (id: string) => ['bill', id] as const,
  vote: (id: string) => ['vote', id] as const,
  member: (id: string) => ['member', id] as const,
  memberVotes: (id: string, cursor: string | null) => ['member', id, 'votes', cursor] as const,
  dashboard: () => ['dashboard'] as const,
  votes: (params: Readonly<{ limit: number }>) => ['votes', params] as const,
  billSearch: (params: BillSearchParams) => ['search', 'bills', params] as const,
};

// The query service's Cache-Control max-age: 5 s for documents, 2 s for lists (query/http/serve.ts).
const DETAIL_STALE_MS = 5_000;
const LIST_STALE_MS = 2_000;

/** Fresh for as long as the answer's own Cache-Control said, else the resource's default. */
const staleFor =
  (fallback: number) =>
  <T>(query: Query<Loaded<T>, Error, Loaded<T>, readonly unknown[]>) =>
    query.state.data?.meta.maxAgeMs ?? fallback;

const path = encodeURIComponent;

export const billQuery = (id: string) =>
  queryOptions({
    queryKey: keys.bill(id),
    queryFn: ({ signal }) => getJson<Bill>(`/api/v1/bills/${path(id)}`, signal),
    staleTime: staleFor(DETAIL_STALE_MS),
  });

export const voteQuery = (id: string) =>
  queryOptions({
    queryKey: keys.vote(id),
    queryFn: ({ signal }) => getJson<Vote>(`/api/v1/votes/${path(id)}`, signal),
    staleTime: staleFor(DETAIL_STALE_MS),
  });

export const memberQuery = (id: string) =>
  queryOptions({
    queryKey: keys.member(id),
    queryFn: ({ signal }) => getJson<Member>(`/api/v1/members/${path(id)}`, signal),
    staleTime: staleFor(DETAIL_STALE_MS),
  });

export const RECORD_PAGE = 20;

export const memberVotesQuery = (id: string, cursor: string | null) =>
  queryOptions({
    queryKey: keys.memberVotes(id, cursor),
    queryFn: ({ signal }) =>
      getJson<Page<RecordItem>>(
        `/api/v1/members/${path(id)}/votes${queryString({ limit: RECORD_PAGE, cursor })}`,
        signal,
      ),
    staleTime: staleFor(LIST_STALE_MS),
    // The previous page stays on screen (dimmed) while the next one loads: no jump, no spinner.
    placeholderData: keepPreviousData,
  });

/** How often the dashboard asks again; each ask is a conditional GET answered 304 when nothing changed. */
export const DASHBOARD_REFRESH_MS = 5_000;

export const dashboardQuery = () =>
  queryOptions({
    queryKey: keys.dashboard(),
    queryFn: ({ signal }) => getJson<Dashboard>('/api/v1/dashboard/summary', signal),
    staleTime: staleFor(LIST_STALE_MS),
    refetchInterval: DASHBOARD_REFRESH_MS,
  });

/** The newest roll calls, refreshed with the dashboard. */
export const recentVotesQuery = (limit = 8) =>
  queryOptions({
    queryKey: keys.votes({ limit }),
    queryFn: ({ signal }) => getJson<Page<VoteListItem>>(`/api/v1/votes${queryString({ limit })}`, signal),
    staleTime: staleFor(LIST_STALE_MS),
    refetchInterval: DASHBOARD_REFRESH_MS,
  });

export const FACETS = ['chamber', 'status', 'policyArea', 'sponsorParty', 'session', 'becameLaw'] as const;
export type FacetName = (typeof FACETS)[number];

export type BillSearchParams = Readonly<{ q: string } & Partial<Record<FacetName, string>>> & {
  cursor?: string;
};

export const SEARCH_PAGE = 20;

/** The longest `q` the query service takes (query/search/searchRoutes.ts); a longer one is a 400. */
export const MAX_QUERY = 200;

/**
 * The text searched for, at most MAX_QUERY characters: a pasted bill title can be longer, and its first 200
 * characters find it. Cut at a word's end, because the last word would be matched as a typed prefix.
 */
export const capQuery = (text: string) => {
  const q = text.trim();
  if (q.length <= MAX_QUERY) return q;
  const cut = q.slice(0, MAX_QUERY + 1).replace(/\s+\S*$/, '');
  return cut.length > 0 && cut.length <= MAX_QUERY ? cut : q.slice(0, MAX_QUERY);
};

/** The search of a /search URL's query string: its text, facet filters and page cursor. */
export const searchParamsOf = (p: URLSearchParams): BillSearchParams => {
  const out: Record<string, string> = { q: capQuery(p.get('q') ?? '') };
  for (const f of FACETS) {
    const v = p.get(f);
    if (v) out[f] = v;
  }
  const cursor = p.get('cursor');
  if (cursor) out.cursor = cursor;
  return out as BillSearchParams;
};

export const billSearchQuery = (params: BillSearchParams) =>
  queryOptions({
    queryKey: keys.billSearch(params),
    queryFn: ({ signal }) =>
      getJson<SearchResult<BillHit>>(
        `/api/v1/bills/search${queryString({ ...params, facets: FACETS.join(','), limit: SEARCH_PAGE })}`,
        signal,
      ),
    staleTime: staleFor(LIST_STALE_MS),
    placeholderData: keepPreviousData,
  });
