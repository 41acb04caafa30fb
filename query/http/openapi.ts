import { z } from 'zod/v4';
import { openApiDocument, problemResponses, queryParameters } from '../../infra/kernel/openapi.ts';
import { ListQuery as BillListQuery, SummaryQuery } from '../bills/billRoutes.ts';
import { RecordQuery } from '../members/memberRoutes.ts';
import { BillSearchQuery, VoteSearchQuery } from '../search/searchRoutes.ts';
import { ListQuery as VoteListQuery } from '../votes/voteRoutes.ts';

type JsonObject = { properties?: Record<string, unknown>; required?: readonly string[] };

const params = (schema: z.ZodType) =>
  queryParameters(z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as JsonObject);

const ID = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,200}$' },
};

const read = (operationId: string, parameters: unknown[], what: string) => ({
  get: {
    operationId,
    parameters,
    responses: {
      200: { description: what, content: { 'application/json': { schema: { type: 'object' } } } },
      304: { description: 'If-None-Match matched the current ETag' },
      ...problemResponses({
        400: 'an unknown or malformed query parameter',
        404: 'no such document',
        429: 'rate limited (Retry-After)',
        503: 'the database is unreachable',
      }),
    },
  },
});

/** The query service's OpenAPI 3.1 document; query parameters come from the routes' own zod schemas. */
export const queryOpenApi = () =>
  openApiDocument({
    title: 'OpenPolicy query service',
    description: 'Reads: precomputed documents by key. Every error is application/problem+json.',
    paths: {
      '/api/v1/bills': read('listBills', params(BillListQuery), 'a page of bills, or the bills named by ids'),
      '/api/v1/bills/search': read(
        'searchBills',
        params(BillSearchQuery),
        'ranked bills with facets and highlights',
      ),
      '/api/v1/votes/search': read('searchVotes', params(VoteSearchQuery), 'ranked roll calls with facets'),
      '/api/v1/bills/summary': read('billSummary', params(SummaryQuery), 'bills voted on, with tallies'),
      '/api/v1/bills/{id}': read('getBill', [ID], 'a bill with its roll calls'),
      '/api/v1/votes': read('listVotes', params(VoteListQuery), 'a page of roll calls, newest first'),
      '/api/v1/votes/{id}': read('getVote', [ID], 'a roll call with every ballot'),
      '/api/v1/members/{id}': read('getMember', [ID], 'a member by any of their ids'),
      '/api/v1/members/{id}/votes': read(
        'memberVotes',
        [ID, ...params(RecordQuery)],
        "a page of the member's voting record",
      ),
      '/api/v1/dashboard/summary': read('dashboard', [], 'the dashboard aggregates'),
      '/healthz': { get: { operationId: 'healthz', responses: { 200: { description: 'alive' } } } },
      '/readyz': {
        get: {
          operationId: 'readyz',
          responses: { 200: { description: 'ready' }, ...problemResponses({ 503: 'database unreachable' }) },
        },
      },
      '/metrics': { get: { operationId: 'metrics', responses: { 200: { description: 'Prometheus text' } } } },
      '/openapi.json': {
        get: { operationId: 'openapi', responses: { 200: { description: 'this document' } } },
      },
    },
  });
