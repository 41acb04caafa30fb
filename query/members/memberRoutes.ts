import { Router } from 'express';
import { z } from 'zod/v4';
import type { Documents } from '../documents.ts';
import { decodeCursor, keysetPage } from '../http/cursor.ts';
import { instant } from '../http/dates.ts';
import { detailRoute } from '../http/detailRoute.ts';
import { handle } from '../http/handle.ts';
import { pageLimit } from '../http/paging.ts';
import { cacheKey, idParam, queryParams } from '../http/params.ts';
import { LIST_CACHE, type Serve } from '../http/serve.ts';

export const RecordQuery = z
  .object({
    limit: pageLimit(100),
    cursor: z.string().max(400).optional(),
  })
  .strict();

const Cursor = z.tuple([instant, z.string().max(200)]);

/** A member by id or by any of their ids in another scheme (`us-lis-S354`), and their voting record. */
export const memberRoutes = (docs: Documents, serve: Serve) => {
  const r = Router();
  r.get(
    '/api/v1/members/:id',
    detailRoute(serve, 'member', '/api/v1/members', (id) => docs.member(id), ['members']),
  );
  r.get(
    '/api/v1/members/:id/votes',
    handle(async (req, res) => {
      const id = idParam(req, 'member');
      const q = queryParams(req, RecordQuery);
      const after = q.cursor ? decodeCursor(q.cursor, Cursor) : null;
      await serve(req, res, {
        key: cacheKey(`/api/v1/members/${id}/votes`, q),
        tags: [`member:${id}`, 'members', 'votes'],
        policy: LIST_CACHE,
        notFound: `no member '${id}'`,
        load: async () => {
          const member = await docs.memberAliases(id);
          if (!member) return null;
          const ballots = await docs.ballotPage(
            member.aliases,
            after ? { date: after[0], voteId: after[1] } : null,
            q.limit,
          );
          const shown = ballots.slice(0, q.limit).map((b) => b.vote_id);
          const votes = new Map((await docs.voteItems(shown)).map((v) => [v.id, v.list_item]));
          return keysetPage(
            ballots,
            q.limit,
            (b) =>
              `{"position":${JSON.stringify(b.position)},"party":${JSON.stringify(b.party)},"withParty":${JSON.stringify(b.with_party)},"vote":${votes.get(b.vote_id) ?? 'null'}}`,
            (b) => [b.voted_at, b.vote_id],
          );
        },
      });
    }),
  );
  return r;
};
