import type { Request, Response } from 'express';
import { NotFound } from '../../infra/kernel/errors.ts';
import type { DocRow } from '../documents.ts';

export type CachePolicy = Readonly<{ maxAge: number; staleWhileRevalidate: number }>;

export const DETAIL_CACHE: CachePolicy = { maxAge: 5, staleWhileRevalidate: 60 };
export const LIST_CACHE: CachePolicy = { maxAge: 2, staleWhileRevalidate: 30 };

const ID = /^[A-Za-z0-9._-]{1,200}$/;

/** Route ids that cannot exist are a 404 without touching the database. */
export const idParam = (req: Request, what: string) => {
  const id = String(req.params.id ?? '');
  if (!ID.test(id)) throw new NotFound(`no ${what} '${id.slice(0, 200)}'`);
  return id;
};

export const cacheControl = (p: CachePolicy) =>
  `public, max-age=${p.maxAge}, stale-while-revalidate=${p.staleWhileRevalidate}`;

/** Writes a precomputed document: strong ETag, 304 on a match, the log position it reflects. */
export const sendDocument = (
  req: Request,
  res: Response,
  row: DocRow | null,
  what: string,
  policy = DETAIL_CACHE,
) => {
  if (!row) throw new NotFound(`no ${what} '${String(req.params.id).slice(0, 200)}'`);
  res.setHeader('ETag', row.etag);
  res.setHeader('Cache-Control', cacheControl(policy));
  res.setHeader('X-Data-Position', row.position);
  const inm = req.headers['if-none-match'];
  if (inm?.split(/\s*,\s*/).some((t) => t === row.etag || t === `W/${row.etag}` || t === '*')) {
    res.status(304).end();
    return;
  }
  res.status(200).type('application/json').send(row.body);
};
