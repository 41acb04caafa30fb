import { Router } from 'express';
import type { Documents } from '../documents.ts';
import { handle } from '../http/handle.ts';
import { idParam } from '../http/params.ts';
import { DETAIL_CACHE, type Serve } from '../http/serve.ts';

/** A member by id or by any of their ids in another scheme (`us-lis-S354`). */
export const memberRoutes = (docs: Documents, serve: Serve) =>
  Router().get(
    '/api/v1/members/:id',
    handle(async (req, res) => {
      const id = idParam(req, 'member');
      await serve(req, res, {
        key: `/api/v1/members/${id}`,
        tags: [`member:${id}`, 'members'],
        policy: DETAIL_CACHE,
        notFound: `no member '${id}'`,
        load: () => docs.member(id),
      });
    }),
  );
