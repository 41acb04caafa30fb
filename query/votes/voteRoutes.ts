import { Router } from 'express';
import { z } from 'zod/v4';
import type { Documents } from '../documents.ts';
import { decodeCursor, keysetPage } from '../http/cursor.ts';
import { day, daysInOrder, instant } from '../http/dates.ts';
import { detailRoute } from '../http/detailRoute.ts';
import { handle } from '../http/handle.ts';
import { pageLimit } from '../http/paging.ts';
import { cacheKey, queryParams } from '../http/params.ts';
import { LIST_CACHE, type Serve } from '../http/serve.ts';

const token = z.string().min(1).max(200);

export const ListQuery = z
  .object({
    limit: pageLimit(100),
    cursor: z.string().max(400).optional(),
    chamber: z.enum(['lower', 'upper', 'joint']).optional(),
    session: token.optional(),
    category: token.optional(),
    result: token.optional(),
    bill: token.optional(),
    from: day.optional(),
    to: day.optional(),
  })
  .strict()
  .superRefine(daysInOrder('from', 'to'));

const Cursor = z.tuple([instant, z.string().max(200)]);

/** Votes: newest first with filters (chamber, session, category, result, bill, date range), and the detail. */
export const voteRoutes = (docs: Documents, serve: Serve) => {
  const r = Router();
  r.get(
    '/api/v1/votes',
    handle(async (req, res) => {
      const q = queryParams(req, ListQuery);
      const { limit, cursor, ...filters } = q;
      const after = cursor ? decodeCursor(cursor, Cursor) : null;
      await serve(req, res, {
        key: cacheKey('/api/v1/votes', q),
        tags: ['votes'],
        policy: LIST_CACHE,
        notFound: 'no votes',
        load: async () => {
          const rows = await docs.votePage(filters, after ? { date: after[0], id: after[1] } : null, limit);
          return keysetPage(
            rows,
            limit,
            (row) => row.list_item,
            (row) => [row.voted_at, row.id],
          );
        },
      });
    }),
  );
  r.get(
    '/api/v1/votes/:id',
    detailRoute(serve, 'vote', '/api/v1/votes', (id) => docs.vote(id)),
  );
  return r;
};
