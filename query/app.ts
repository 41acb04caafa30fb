import express from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { notFoundRoute, problemDetails } from '../infra/kernel/problem.ts';
import { billRoutes } from './bills/billRoutes.ts';
import { dashboardRoutes } from './dashboard/dashboardRoutes.ts';
import type { Documents } from './documents.ts';
import { handle } from './http/handle.ts';
import { directServe, type Serve } from './http/serve.ts';
import { memberRoutes } from './members/memberRoutes.ts';
import { voteRoutes } from './votes/voteRoutes.ts';

export type QueryAppDeps = Readonly<{
  docs: Documents;
  logger: Logger;
  ping: () => Promise<void>;
  serve?: Serve;
}>;

/** The read service: serves precomputed documents and nothing else. */
export const createQueryApp = (deps: QueryAppDeps) => {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(pinoHttp({ logger: deps.logger, autoLogging: false }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get(
    '/readyz',
    handle(async (_req, res) => {
      await deps.ping();
      const freshness = await deps.docs.freshness();
      res.json({ status: 'ready', readModels: freshness });
    }),
  );
  const serve = deps.serve ?? directServe;
  app.use(billRoutes(deps.docs, serve));
  app.use(voteRoutes(deps.docs, serve));
  app.use(memberRoutes(deps.docs, serve));
  app.use(dashboardRoutes(deps.docs, serve));
  app.use(notFoundRoute);
  app.use(problemDetails(deps.logger));
  return app;
};
