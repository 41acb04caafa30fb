import { Router } from 'express';
import { z } from 'zod/v4';
import { BadRequest } from '../../infra/kernel/errors.ts';
import { viewReadModel } from '../cache/freshness.ts';
import type { Documents } from '../documents.ts';
import { decodeCursor, keysetPage } from '../http/cursor.ts';
import { day, daysInOrder } from '../http/dates.ts';
import { detailRoute } from '../http/detailRoute.ts';
import { handle } from '../http/handle.ts';
import { pageLimit } from '../http/paging.ts';
import { cacheKey, queryParams } from '../http/params.ts';
import { LIST_CACHE, type Serve } from '../http/serve.ts';
import { BILL_SORTS } from './billList.ts';

export const MAX_PAGE = 100;

const token = z.string().min(1).max(200);

export const ListQuery = z
  .object({
    limit: pageLimit(MAX_PAGE),
    cursor: z.string().max(400).optional(),
    sort: z.enum(BILL_SORTS).default('latest'),
    chamber: z.enum(['lower', 'upper']).optional(),
    session: token.optional(),
    status: token.optional(),
    sponsor: token.optional(),
    subject: token.optional(),
    policyArea: token.optional(),
    introducedFrom: day.optional(),
    introducedTo: day.optional(),
    ids: z
      .string()
      .max(20_000)
      .transform((s) => [
        ...new Set(
          s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(
        z
          .array(z.string().regex(/^[A-Za-z0-9._-]{1,200}$/))
          .min(1)
          .max(MAX_PAGE),
      )
      .optional(),
  })
  .strict()
  .superRefine(daysInOrder('introducedFrom', 'introducedTo'));

export const SummaryQuery = z.object({ status: token.optional(), limit: pageLimit(MAX_PAGE) }).strict();

// The sort value's type follows the sort: a day for latest / introduced, a count for votes.
const Cursor = z.union([
  z.tuple([z.enum(['latest', 'introduced']), day, z.string().max(200)]),
  z.tuple([z.literal('votes'), z.number().int().min(0).max(2_147_483_647), z.string().max(200)]),
]);

/** Bills: the filtered list (keyset pages), a multi-get by ids, the seed's summary, and the detail document. */
export const billRoutes = (docs: Documents, serve: Serve) => {
  const r = Router();
  r.get(
    '/api/v1/bills',
    handle(async (req, res) => {
      const q = queryParams(req, ListQuery);
      // A multi-get names its bills: a filter, sort or page beside it would be silently ignored.
      const beside = q.ids ? Object.keys(req.query).filter((k) => k !== 'ids') : [];
      if (beside.length)
        throw new BadRequest(
          'ids takes no other parameter',
          beside.map((path) => ({ path, message: 'not allowed with ids' })),
        );
      const key = cacheKey('/api/v1/bills', { ...q, ids: q.ids?.join(',') });
      if (q.ids) {
        const ids = q.ids;
        await serve(req, res, {
          key,
          tags: ['bills', ...ids.map((id) => `bill:${id}`)],
          policy: LIST_CACHE,
          notFound: 'no bills',
          load: async () => {
            const byId = new Map((await docs.bills(ids)).map((row) => [row.id, row.body]));
            const found = ids.filter((id) => byId.has(id)).map((id) => byId.get(id));
            const missing = ids.filter((id) => !byId.has(id));
            return { body: `{"items":[${found.join(',')}],"missing":${JSON.stringify(missing)}}` };
          },
        });
        return;
      }
      const { limit, cursor, sort, ids: _ids, ...filters } = q;
      const after = cursor ? decodeCursor(cursor, Cursor) : null;
      if (after && after[0] !== sort) {
        throw new BadRequest('cursor belongs to another sort', [
          { path: 'cursor', message: `cursor is for sort=${after[0]}` },
        ]);
      }
      await serve(req, res, {
        key,
        tags: ['bills'],
        policy: LIST_CACHE,
        notFound: 'no bills',
        load: async () => {
          const rows = await docs.billPage(
            filters,
            sort,
            after ? { value: after[1], id: after[2] } : null,
            limit,
          );
          return keysetPage(
            rows,
            limit,
            (row) => row.list_item,
            (row) => [sort, row.sort_value, row.id],
          );
        },
      });
    }),
  );
  r.get(
    '/api/v1/bills/summary',
    handle(async (req, res) => {
      const q = queryParams(req, SummaryQuery);
      await serve(req, res, {
        key: cacheKey('/api/v1/bills/summary', q),
        tags: ['bills', 'dashboard'],
        // The view's own refresh, not the bills' row: the view trails the batches by the refresh debounce.
        readModel: viewReadModel('bill_summary_mv'),
        policy: LIST_CACHE,
        notFound: 'no summary',
        load: async () => {
          const [rows, refreshed] = await Promise.all([
            docs.billSummary(q.status, q.limit),
            docs.viewRefresh('bill_summary_mv'),
          ]);
          return {
            body: `{"items":[${rows.map((row) => row.item).join(',')}],"refreshedAt":${JSON.stringify(refreshed?.refreshed_at ?? null)}}`,
            ...(refreshed ? { position: refreshed.position } : {}),
          };
        },
      });
    }),
  );
  r.get(
    '/api/v1/bills/:id',
    detailRoute(serve, 'bill', '/api/v1/bills', (id) => docs.bill(id)),
  );
  return r;
};
