import { Router } from 'express';
import type { Documents } from '../documents.ts';
import { handle } from '../http/handle.ts';
import { idParam } from '../http/params.ts';
import { DETAIL_CACHE, type Serve } from '../http/serve.ts';

export const voteRoutes = (docs: Documents, serve: Serve) =>
  Router().get(
    '/api/v1/votes/:id',
    handle(async (req, res) => {
      const id = idParam(req, 'vote');
      await serve(req, res, {
        key: `/api/v1/votes/${id}`,
        tags: [`vote:${id}`],
        policy: DETAIL_CACHE,
        notFound: `no vote '${id}'`,
        load: () => docs.vote(id),
      });
    }),
  );
