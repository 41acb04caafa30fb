import { isUtf8 } from 'node:buffer';
import express from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { AppError, NotFound } from '../infra/kernel/errors.ts';
import { notFoundRoute, problemDetails } from '../infra/kernel/problem.ts';
import { createVerifiedKeys, rateLimit } from '../infra/kernel/rateLimit.ts';
import { route } from '../infra/kernel/route.ts';
import { requireScope } from './auth/requireScope.ts';
import { commandsRoute } from './http/commandsRoute.ts';
import { type IngestLimits, ingestRoute } from './http/ingestRoute.ts';
import { commandOpenApi } from './http/openapi.ts';
import type { EventLog } from './log/eventLog.ts';
import type { CommandMetrics } from './metrics.ts';

export type CommandAppDeps = Readonly<{
  pool: pg.Pool;
  log: EventLog;
  logger: Logger;
  now: () => Date;
  maxBodyBytes: number;
  ingest: IngestLimits;
  /** Per-client token bucket on /api, before any key lookup; absent or a zero rate: no limit. */
  rateLimit?: Readonly<{ ratePerSec: number; burst: number }>;
  /** Prometheus metrics, served at GET /metrics (absent: no endpoint). */
  metrics?: CommandMetrics;
  /** Express `trust proxy` (COMMAND_TRUST_PROXY), so that `req.ip` is the client behind a load balancer. */
  trustProxy?: boolean | number | string;
}>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The write service: validate, decide, append; nothing here reads a projection. */
export const createCommandApp = (deps: CommandAppDeps) => {
  const app = express();
  app.disable('x-powered-by');
  // Off unless configured: trusting 'loopback' let any client on the same host pick its rate-limit bucket with
  // X-Forwarded-For.
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(pinoHttp({ logger: deps.logger, autoLogging: { ignore: (req) => req.url === '/healthz' } }));
  const metrics = deps.metrics;
  if (metrics) {
    app.use(metrics.middleware);
    app.get('/metrics', (_req, res, next) => {
      metrics.registry
        .metrics()
        .then((text) => res.type(metrics.registry.contentType).send(text))
        .catch(next);
    });
  }
  const acceptDeps = { log: deps.log, now: deps.now, ...(metrics ? { onAccepted: metrics.accepted } : {}) };

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get(
    '/readyz',
    route(async () => {
      await deps.pool.query('SELECT 1');
      return { status: 200, body: { status: 'ready', log: deps.log.kind } };
    }),
  );

  const openApi = JSON.stringify(commandOpenApi());
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openApi);
  });

  // Keys verified by this process get buckets of their own; every other request is charged to its address.
  const verified = createVerifiedKeys();
  const limit = deps.rateLimit;
  if (limit && limit.ratePerSec > 0 && limit.burst > 0) app.use('/api', rateLimit({ ...limit, verified }));

  const write = requireScope(deps.pool, 'write', verified);
  app.post(
    '/api/v1/commands',
    write,
    express.json({
      limit: deps.maxBodyBytes,
      // Not strict: its refusal of `null` said '"null" is not valid JSON'; the route refuses what is not an object.
      strict: false,
      type: ['application/json', 'application/*+json'],
      // JSON is UTF-8 (RFC 8259); decoding bad bytes to U+FFFD would silently change the record. The byte count
      // tells the route an empty chunked body (no Content-Length), which the parser turns into `{}`.
      verify: (_req, res, buf) => {
        (res as express.Response).locals.bodyBytes = buf.length;
        if (!isUtf8(buf)) throw new Error('request body is not valid UTF-8');
      },
    }),
    commandsRoute(acceptDeps),
  );
  app.post('/api/v1/ingest', write, ingestRoute(acceptDeps, deps.ingest));

  // Reading the write side (what became of an event) is for key holders, never public.
  app.get(
    '/api/v1/events/:eventId',
    requireScope(deps.pool, 'read', verified),
    route(async (req) => {
      const id = String(req.params.eventId);
      // Any other text would reach Postgres' uuid cast, which fails (36 dashes used to answer 500).
      if (!UUID.test(id)) throw new NotFound('no such event');
      const r = await deps.pool.query(
        deps.log.kind === 'postgres'
          ? 'SELECT event_id, stream_id, position::text, appended_at AS at FROM events.log WHERE event_id = $1'
          : 'SELECT event_id, stream_id, position, published_at AS at FROM command.published WHERE event_id = $1',
        [id],
      );
      if (!r.rows[0]) throw new NotFound('no such event');
      return { status: 200, body: r.rows[0] };
    }),
  );

  // The write endpoints exist for POST only: another method gets 405 with Allow, not a 404 that suggests a typo.
  app.all(['/api/v1/commands', '/api/v1/ingest'], (_req, _res, next) =>
    next(new AppError('method_not_allowed', 405, 'this endpoint takes POST', { headers: { Allow: 'POST' } })),
  );
  app.use(notFoundRoute);
  app.use(problemDetails(deps.logger));
  return app;
};
