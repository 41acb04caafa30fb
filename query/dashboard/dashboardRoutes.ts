import { Router } from 'express';
import { viewReadModel } from '../cache/freshness.ts';
import type { Documents } from '../documents.ts';
import { handle } from '../http/handle.ts';
import { LIST_CACHE, type Serve } from '../http/serve.ts';

/** The dashboard summary: one precomputed row of a materialized view, plus when it was refreshed. */
export const dashboardRoutes = (docs: Documents, serve: Serve) =>
  Router().get(
    '/api/v1/dashboard/summary',
    handle(async (req, res) => {
      await serve(req, res, {
        key: '/api/v1/dashboard/summary',
        tags: ['dashboard'],
        // The view's own refresh, not the newest batch: the view trails the batches by the refresh debounce.
        readModel: viewReadModel('dashboard_mv'),
        policy: LIST_CACHE,
        notFound: 'the dashboard has not been computed yet',
        load: async () => {
          const [row, refreshed] = await Promise.all([docs.dashboard(), docs.viewRefresh('dashboard_mv')]);
          if (!row) return null;
          // The stored body is a JSON object; the refresh time is spliced in without re-serialising it.
          const body = `{"refreshedAt":${JSON.stringify(refreshed?.refreshed_at ?? null)},${row.body.slice(1)}`;
          return { body, ...(refreshed ? { position: refreshed.position } : {}) };
        },
      });
    }),
  );
