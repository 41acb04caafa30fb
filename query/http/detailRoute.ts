import type { RequestHandler } from 'express';
import type { DocRow } from '../documents.ts';
import { handle } from './handle.ts';
import { idParam } from './params.ts';
import { DETAIL_CACHE, type Serve } from './serve.ts';

/** GET <prefix>/:id for one stored document, cached under `<what>:<id>` (plus any extra tags). */
export const detailRoute = (
  serve: Serve,
  what: string,
  prefix: string,
  load: (id: string) => Promise<DocRow | null>,
  extraTags: readonly string[] = [],
): RequestHandler =>
  handle(async (req, res) => {
    const id = idParam(req, what);
    await serve(req, res, {
      key: `${prefix}/${id}`,
      tags: [`${what}:${id}`, ...extraTags],
      policy: DETAIL_CACHE,
      notFound: `no ${what} '${id}'`,
      load: () => load(id),
    });
  });
