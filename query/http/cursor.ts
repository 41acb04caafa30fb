import type { z } from 'zod';
import { BadRequest } from '../../infra/kernel/errors.ts';

/** Opaque keyset cursors: base64url JSON of the last row's sort key, validated on the way back in. */
export const encodeCursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

export const decodeCursor = <S extends z.ZodTypeAny>(cursor: string, schema: S): z.infer<S> => {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new BadRequest('invalid cursor', [
      { path: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  }
};

/** Assembles a page from precomputed JSON items without parsing them. */
export const pageBody = (items: readonly string[], nextCursor: string | null, limit: number) =>
  `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(nextCursor)},"limit":${limit}}`;
