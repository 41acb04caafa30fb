import { Router } from 'express';
import { z } from 'zod';
import { BadRequest } from '../../infra/kernel/errors.ts';
import { fieldErrors } from '../../infra/kernel/zodErrors.ts';
import type { Documents } from '../documents.ts';
import { handle } from '../http/handle.ts';
import { cacheControl, idParam, LIST_CACHE, sendDocument } from '../http/sendDocument.ts';

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
export const billRoutes = (docs: Documents) => {
  const r = Router();
  r.get(
    '/api/v1/bills',
    handle(async (req, res) => {
      const q = ListQuery.safeParse(req.query);
      if (!q.success) throw new BadRequest('invalid query parameters', fieldErrors(q.error));
      res.setHeader('Cache-Control', cacheControl(LIST_CACHE));
      if (q.data.ids) {
        const rows = await docs.bills(q.data.ids);
        const byId = new Map(rows.map((row) => [row.id, row.body]));
        const found = q.data.ids.filter((id) => byId.has(id));
        const missing = q.data.ids.filter((id) => !byId.has(id));
        res
          .type('application/json')
          .send(
            `{"items":[${found.map((id) => byId.get(id)).join(',')}],"missing":${JSON.stringify(missing)}}`,
          );
        return;
      }
      const after = q.data.cursor ? decodeCursor(q.data.cursor) : null;
      const rows = await docs.billPage(after, q.data.limit);
      const page = rows.slice(0, q.data.limit);
      const last = page.at(-1);
      const next = rows.length > q.data.limit && last ? encodeCursor(last.sort_date, last.id) : null;
      res
        .type('application/json')
        .send(
          `{"items":[${page.map((row) => row.list_item).join(',')}],"nextCursor":${JSON.stringify(next)},"limit":${q.data.limit}}`,
        );
    }),
  );
  r.get(
    '/api/v1/bills/:id',
    handle(async (req, res) => sendDocument(req, res, await docs.bill(idParam(req, 'bill')), 'bill')),
  );
  return r;
};
