import { eventually } from '../../infra/testing/eventually.ts';
import { freePort, spawnService, stopService } from '../../infra/testing/stack.ts';
import { spread } from '../lib/context.ts';
import { type LoadResult, runLoad, startHelper, stopHelper } from '../lib/processes.ts';
import { ingestDirect, startSystem, waitForProjection } from '../lib/system.ts';

/**
 * A fixed query mix of what people type into a bill search: single words, quoted phrases, misspellings,
 * prefixes as typed letter by letter, and filtered queries. Each query is one path, equally weighted.
 */
const typed = (text: string) => Array.from({ length: text.length - 2 }, (_, i) => text.slice(0, i + 3));
export const SEARCH_MIX: readonly string[] = [
  ...['health', 'veterans', 'energy', 'tax', 'infrastructure', 'border', 'climate', 'education'].map(
    (q) => `q=${q}`,
  ),
  ...['"student loan"', '"postal service"', '"small business"', '"social security"'].map(
    (q) => `q=${encodeURIComponent(q)}`,
  ),
  ...['helthcare', 'infrastucture', 'educaton', 'imigration'].map((q) => `q=${q}`),
  ...[...typed('inflation reduction'), ...typed('clean water')].map((q) => `q=${encodeURIComponent(q)}`),
  'q=health&status=enacted',
  'q=veterans&chamber=upper',
  'q=tax&sponsorParty=R&becameLaw=false',
  'q=energy&policyArea=Energy&introducedFrom=2022-01-01',
].map((qs) => `/api/v1/bills/search?${qs}`);

const PER_QUERY_WARMUP = 2;
const PER_QUERY_RUNS = 9;
const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Bill search on the 17,817 bills of the 117th Congress at 1, 8 and 32 concurrent clients, three targets in
 * one run, alternating: the query service as deployed (cached answers), the same service with every cache
 * off (each request runs the Postgres full-text query), and a naive ILIKE '%term%' server (the baseline).
 */
export const searchScenario = async (o: { seconds: number; warmup: number; runs: number }) => {
  const system = await startSystem('postgres');
  const ilikePort = await freePort();
  const enginePort = await freePort();
  const helper = await startHelper('benchmarks/lib/liveSqlServer.ts', [system.db.url, String(ilikePort)]);
  const engine = spawnService('query-uncached', 'query/index.ts', {
    DATABASE_URL: system.db.url,
    QUERY_PORT: String(enginePort),
    QUERY_CACHE_MAX_BYTES: '0',
    REDIS_URL: '',
    QUERY_RATE_LIMIT_RPS: '0',
    LOG_LEVEL: 'warn',
  });
  try {
    const loaded = await ingestDirect(system, ['us/archive/117-bills-billstatus.tar.gz']);
    await waitForProjection(system);
    const engineUrl = `http://127.0.0.1:${enginePort}`;
    await eventually(async () => ((await fetch(`${engineUrl}/readyz`)).ok ? true : undefined), 30_000);
    const targets = {
      service: system.stack.queryUrl,
      engine: engineUrl,
      ilike: `http://127.0.0.1:${ilikePort}`,
    };
    // What each query returns, once, so the report can say how broad the mix is.
    const totals = await Promise.all(
      SEARCH_MIX.map(
        async (p) => ((await (await fetch(`${engineUrl}${p}`)).json()) as { total: number }).total,
      ),
    );
    // Each query alone, one at a time on the uncached engine: which queries the mix's latency is made of.
    const perQuery: { path: string; medianMs: number; minMs: number }[] = [];
    for (const path of SEARCH_MIX) {
      const ms: number[] = [];
      for (let i = 0; i < PER_QUERY_WARMUP + PER_QUERY_RUNS; i++) {
        const started = performance.now();
        await (await fetch(`${engineUrl}${path}`)).arrayBuffer();
        if (i >= PER_QUERY_WARMUP) ms.push(performance.now() - started);
      }
      ms.sort((a, b) => a - b);
      perQuery.push({ path, medianMs: round2(ms[ms.length >> 1]!), minMs: round2(ms[0]!) });
    }
    const paths = SEARCH_MIX.map((path) => ({ path, weight: 1 }));
    const raw: Record<string, Record<string, LoadResult[]>> = {};
    for (let run = 0; run < o.runs; run++) {
      for (const clients of [1, 8, 32]) {
        for (const [target, base] of Object.entries(targets)) {
          const r = await runLoad({
            mode: 'closed',
            base,
            paths,
            connections: clients,
            seconds: o.seconds,
            warmupSeconds: o.warmup,
          });
          const key = String(clients);
          raw[key] ??= {};
          raw[key][target] = [...(raw[key][target] ?? []), r];
          process.stderr.write(
            `  search ${clients} clients ${target} run ${run + 1}: ${Math.round(r.rps ?? 0)} q/s p50 ${r.latencyMs.p50} ms p99 ${r.latencyMs.p99} ms errors ${r.errors}\n`,
          );
        }
      }
    }
    const byClients = Object.fromEntries(
      Object.entries(raw).map(([clients, byTarget]) => [
        clients,
        Object.fromEntries(
          Object.entries(byTarget).map(([t, rs]) => [
            t,
            {
              qps: spread(rs.map((r) => r.rps ?? 0)),
              p50Ms: spread(rs.map((r) => r.latencyMs.p50)),
              p99Ms: spread(rs.map((r) => r.latencyMs.p99)),
              errors: rs.reduce((s, r) => s + r.errors, 0),
            },
          ]),
        ),
      ]),
    );
    return {
      params: { ...o, corpus: 'us/archive/117-bills-billstatus.tar.gz', queries: SEARCH_MIX.length },
      ingestSeconds: loaded.ms / 1_000,
      mix: SEARCH_MIX.map((path, i) => ({ path, total: totals[i], ...perQuery[i] })),
      byClients,
    };
  } finally {
    await stopService(engine);
    await stopHelper(helper);
    await system.stop();
  }
};
