import { Router } from 'express';
import { z } from 'zod';
import { BadRequest } from '../../infra/kernel/errors.ts';
import type { Documents } from '../documents.ts';
import { handle } from '../http/handle.ts';
import { cacheKey, idParam, queryParams } from '../http/params.ts';
import { DETAIL_CACHE, LIST_CACHE, type Serve } from '../http/serve.ts';

export const MAX_PAGE = 100;

const ListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(20),
    cursor: z.string().max(400).optional(),
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
  .strict();

const Cursor = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.string().max(200)]);

const encodeCursor = (date: string, id: string) =>
  Buffer.from(JSON.stringify([date, id])).toString('base64url');
const decodeCursor = (cursor: string) => {
  try {
    const [date, id] = Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { date, id };
  } catch {
    throw new BadRequest('invalid cursor', [
      { path: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  }
};

/** Bills: the list (keyset pages, latest action first), a multi-get by ids, and the detail document. */
export const billRoutes = (docs: Documents, serve: Serve) => {
  const r = Router();
  r.get(
    '/api/v1/bills',
    handle(async (req, res) => {
      const q = queryParams(req, ListQuery);
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
      const after = q.cursor ? decodeCursor(q.cursor) : null;
      await serve(req, res, {
        key,
        tags: ['bills'],
        policy: LIST_CACHE,
        notFound: 'no bills',
        load: async () => {
          const rows = await docs.billPage(after, q.limit);
          const page = rows.slice(0, q.limit);
          const last = page.at(-1);
          const next = rows.length > q.limit && last ? encodeCursor(last.sort_date, last.id) : null;
          const items = page.map((row) => row.list_item).join(',');
          return { body: `{"items":[${items}],"nextCursor":${JSON.stringify(next)},"limit":${q.limit}}` };
        },
      });
    }),
  );
  r.get(
    '/api/v1/bills/:id',
    handle(async (req, res) => {
      const id = idParam(req, 'bill');
      await serve(req, res, {
        key: `/api/v1/bills/${id}`,
        tags: [`bill:${id}`],
        policy: DETAIL_CACHE,
        notFound: `no bill '${id}'`,
        load: () => docs.bill(id),
      });
    }),
  );
  return r;
};
