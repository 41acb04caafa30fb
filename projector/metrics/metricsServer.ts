import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { deadLetterCounts } from '../deadLetters/deadLetters.ts';

/**
 * The projector's Prometheus registry: dead letters per consumer and state, read at scrape time, and the
 * Meilisearch tasks that failed or were never confirmed (with MEILI_HOST).
 */
export const createProjectorMetrics = (pool: pg.Pool) => {
  const registry = new Registry();
  const searchTaskFailures = new Counter({
    name: 'openpolicy_search_index_task_failures_total',
    help: 'Meilisearch tasks (document upserts, reindexes) that failed or were not confirmed',
    registers: [registry],
  });
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'openpolicy_dead_letters',
    help: 'Events in projector.dead_letters: pending (not projected) or replayed (openpolicy deadletters replay)',
    labelNames: ['consumer', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await deadLetterCounts(pool)) this.set({ consumer: r.consumer, state: r.state }, r.n);
    },
  });
  return { registry, searchTaskFailures };
};

/** GET /metrics (and /healthz) on a small node:http server; the projector has no other HTTP surface. */
export const startMetricsServer = async (
  { registry }: { registry: Registry },
  port: number,
  host: string,
) => {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
      );
      return;
    }
    const ok = req.method === 'GET' && req.url === '/healthz';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not found\n');
  });
  server.listen(port, host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
