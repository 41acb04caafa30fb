import { Router } from 'express';
import { z } from 'zod/v4';
import { decodeCursor, encodeCursor } from '../http/cursor.ts';
import { day, daysInOrder } from '../http/dates.ts';
import { handle } from '../http/handle.ts';
import { pageLimit } from '../http/paging.ts';
import { cacheKey, queryParams, type SafeParser } from '../http/params.ts';
import { LIST_CACHE, type Serve } from '../http/serve.ts';
import {
  BILL_FACETS,
  type BillFacet,
  type SearchEngine,
  type SearchPage,
  VOTE_FACETS,
  type VoteFacet,
} from './engine.ts';

export const MAX_SEARCH_PAGE = 50;
/** Relevance pages are offsets; past this depth a refined query serves better than paging. */
export const MAX_SEARCH_OFFSET = 1_000;

const CHAMBERS: Record<string, string> = {
  lower: 'lower',
  upper: 'upper',
  house: 'lower',
  commons: 'lower',
  senate: 'upper',
};

/**
 * `a,b`: any of the values. A comma followed by a space is part of a value, not a separator: policy areas are
 * named "Science, Technology, Communications". The parameter may also be repeated (`policyArea=a&policyArea=b`).
 * Values are sorted so that the same filter in any order is one cache entry.
 */
const anyOf = (each: z.ZodType<string, string> = z.string().min(1).max(200)) =>
  z
    .union([z.string().max(2_000), z.array(z.string().max(2_000)).max(20)])
    .transform((s) => [
      ...new Set(
        [s]
          .flat()
          .flatMap((x) => x.split(/,(?!\s)/))
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(each).min(1).max(20))
    .transform((values) => [...new Set(values)].sort());

const chamber = anyOf(
  z
    .string()
    .transform((s) => CHAMBERS[s.toLowerCase()] ?? s)
    .pipe(z.enum(['lower', 'upper'], { message: 'expected lower, upper (or house, commons, senate)' })),
);

const facetList = <T extends readonly [string, ...string[]]>(names: T) =>
  z
    .string()
    .max(500)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(names)))
    .transform((f) => [...new Set(f)].sort());

const common = {
  q: z.string().max(200).default(''),
  limit: pageLimit(MAX_SEARCH_PAGE),
  cursor: z.string().max(100).optional(),
};

export const BillSearchQuery = z
  .object({
    ...common,
    chamber: chamber.optional(),
    status: anyOf().optional(),
    policyArea: anyOf().optional(),
    sponsorParty: anyOf().optional(),
    session: anyOf().optional(),
    becameLaw: z.enum(['true', 'false']).optional(),
    introducedFrom: day.optional(),
    introducedTo: day.optional(),
    facets: facetList(BILL_FACETS).optional(),
  })
  .strict()
  .superRefine(daysInOrder('introducedFrom', 'introducedTo'));

export const VoteSearchQuery = z
  .object({
    ...common,
    chamber: chamber.optional(),
    session: anyOf().optional(),
    result: anyOf().optional(),
    category: anyOf().optional(),
    from: day.optional(),
    to: day.optional(),
    facets: facetList(VOTE_FACETS).optional(),
  })
  .strict()
  .superRefine(daysInOrder('from', 'to'));

const Cursor = z.tuple([z.number().int().min(1).max(MAX_SEARCH_OFFSET)]);

const body = (engine: SearchEngine, q: string, page: SearchPage, limit: number, offset: number) => {
  const nextOffset = offset + limit;
  const next = nextOffset < page.total && nextOffset <= MAX_SEARCH_OFFSET ? encodeCursor([nextOffset]) : null;
  return (
    `{"engine":${JSON.stringify(engine.name)},"q":${JSON.stringify(q)},"corrected":${JSON.stringify(page.corrected)},` +
    `"total":${page.total},"hits":[${page.hits.join(',')}],"facets":${JSON.stringify(page.facets)},` +
    `"nextCursor":${JSON.stringify(next)},"limit":${limit}}`
  );
};

const keyOf = (path: string, q: Record<string, unknown>) =>
  cacheKey(
    path,
    Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
  );

/**
 * Full-text search over bills and votes, answered by the configured engine (Postgres full text by default,
 * Meilisearch when MEILI_HOST is set) in one response shape. Cached like lists: any bill (vote) change
 * invalidates bill (vote) searches.
 */
export const searchRoutes = (engine: SearchEngine, serve: Serve) => {
  const r = Router();
  /** One search route: parse, page by offset cursor, serve cached under the kind's list tag. */
  const route = <
    P extends { q: string; limit: number; cursor?: string | undefined; facets?: string[] | undefined },
  >(
    path: string,
    schema: SafeParser<P>,
    tag: 'bills' | 'votes',
    allFacets: readonly string[],
    run: (p: P, facets: string[], offset: number) => Promise<SearchPage>,
  ) =>
    r.get(
      path,
      handle(async (req, res) => {
        const p = queryParams(req, schema);
        const offset = p.cursor ? decodeCursor(p.cursor, Cursor)[0] : 0;
        const facets = p.facets ?? [...allFacets];
        await serve(req, res, {
          key: keyOf(path, { ...p, facets }),
          tags: [tag],
          policy: LIST_CACHE,
          notFound: 'no search results',
          load: async () => ({ body: body(engine, p.q, await run(p, facets, offset), p.limit, offset) }),
        });
      }),
    );
  route('/api/v1/bills/search', BillSearchQuery, 'bills', BILL_FACETS, (p, facets, offset) => {
    const { cursor: _c, becameLaw, ...filters } = p;
    return engine.bills({
      ...filters,
      ...(becameLaw ? { becameLaw: becameLaw === 'true' } : {}),
      facets: facets as BillFacet[],
      offset,
    });
  });
  route('/api/v1/votes/search', VoteSearchQuery, 'votes', VOTE_FACETS, (p, facets, offset) => {
    const { cursor: _c, ...filters } = p;
    return engine.votes({ ...filters, facets: facets as VoteFacet[], offset });
  });
  return r;
};
