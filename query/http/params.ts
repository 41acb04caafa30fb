import type { Request } from 'express';
import { BadRequest, NotFound } from '../../infra/kernel/errors.ts';
import { fieldErrors } from '../../infra/kernel/zodErrors.ts';

const ID = /^[A-Za-z0-9._-]{1,200}$/;

/** Route ids that cannot exist are a 404 without touching the database. */
export const idParam = (req: Request, what: string) => {
  const id = String(req.params.id ?? '');
  if (!ID.test(id)) throw new NotFound(`no ${what} '${id.slice(0, 200)}'`);
  return id;
};

/** What the parsers here need of a schema; zod v3 and v4 schemas both fit. */
export type SafeParser<T> = Readonly<{
  safeParse: (
    input: unknown,
  ) => { success: true; data: T } | { success: false; error: Parameters<typeof fieldErrors>[0] };
}>;

/** Parses the query string with a strict schema: an unknown or malformed parameter is a 400 naming it. */
// Postgres text cannot hold NUL: such a parameter is the client's error, not a database failure.
const hasNul = (v: unknown): boolean =>
  typeof v === 'string'
    ? v.includes('\0')
    : Array.isArray(v)
      ? v.some(hasNul)
      : typeof v === 'object' &&
        v !== null &&
        Object.entries(v).some(([k, x]) => k.includes('\0') || hasNul(x));

export const queryParams = <T>(req: Request, schema: SafeParser<T>): T => {
  if (hasNul(req.query)) {
    throw new BadRequest('invalid query parameters', [
      { path: '(query)', message: 'contains a NUL character' },
    ]);
  }
  const q = schema.safeParse(req.query);
  if (!q.success) throw new BadRequest('invalid query parameters', fieldErrors(q.error));
  return q.data;
};

/** A canonical cache key for a parsed query: same parameters in any order, same key. */
export const cacheKey = (path: string, params: Record<string, unknown>) => {
  const entries = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length
    ? `${path}?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}`
    : path;
};
