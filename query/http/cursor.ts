import { BadRequest } from '../../infra/kernel/errors.ts';
import type { SafeParser } from './params.ts';

/** Opaque keyset cursors: base64url JSON of the last row's sort key, validated on the way back in. */
export const encodeCursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

export const decodeCursor = <T>(cursor: string, schema: SafeParser<T>): T => {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = json === undefined ? null : schema.safeParse(json);
  if (!parsed?.success) {
    throw new BadRequest('invalid cursor', [
      { path: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  }
  return parsed.data;
};

/**
 * A keyset page from rows fetched with LIMIT limit+1: the extra row only says there is a next page, whose
 * cursor is built from the last row shown.
 */
export const keysetPage = <R>(
  rows: readonly R[],
  limit: number,
  item: (row: R) => string,
  cursorOf: (row: R) => unknown,
) => {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next = rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null;
  return { body: pageBody(page.map(item), next, limit) };
};

/** Assembles a page from precomputed JSON items without parsing them. */
export const pageBody = (items: readonly string[], nextCursor: string | null, limit: number) =>
  `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(nextCursor)},"limit":${limit}}`;
