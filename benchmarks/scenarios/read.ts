import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { freePort } from '../../infra/testing/stack.ts';
import { spread } from '../lib/context.ts';
import { type LoadResult, runLoad, startHelper, stopHelper } from '../lib/processes.ts';
import { DATASETS, ingestDirect, startSystem, waitForProjection } from '../lib/system.ts';
import { SEARCH_MIX } from './search.ts';

type Endpoint = { name: string; paths: { path: string; weight: number }[] };

const sample = async (url: string) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const ids = async (q: string) => (await c.query<{ id: string }>(q)).rows.map((r) => r.id);
    return {
      // A realistic spread: every bill that was voted on, 300 votes and 300 members drawn evenly.
      bills: await ids('SELECT id FROM rm.bills WHERE NOT stub AND vote_count > 0 ORDER BY id'),
      votes: await ids('SELECT id FROM rm.votes ORDER BY md5(id) LIMIT 300'),
      members: await ids(
        `SELECT m.id FROM rm.members m WHERE NOT m.stub
           AND EXISTS (SELECT 1 FROM rm.voter_stats s WHERE s.voter = ANY(m.aliases) AND s.ballots > 0)
         ORDER BY md5(m.id) LIMIT 300`,
      ),
    };
  } finally {
    await c.end();
  }
};

/**
 * Waits until nothing else queries the database (no other active client backend for half a second, at most a
 * minute): the projector's view refresh after the load, or the live-SQL baseline's last queries, would
 * otherwise run into the next measurement.
 */
const quiet = async (url: string) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const deadline = Date.now() + 60_000;
    let calm = 0;
    while (calm < 5 && Date.now() < deadline) {
      const r = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'active' AND backend_type = 'client backend'
           AND pid <> pg_backend_pid()`,
      );
      calm = r.rows[0]?.n === 0 ? calm + 1 : 0;
      await new Promise((res) => setTimeout(res, 100));
    }
  } finally {
    await c.end();
  }
};

/** Waits until the live-SQL server has finished (or dropped) every request of the run that just ended. */
const liveIdle = async (base: string) => {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const { inflight } = (await (await fetch(`${base}/_inflight`)).json()) as { inflight: number };
    if (inflight === 0) return;
    await new Promise((res) => setTimeout(res, 100));
  }
};

const each = (prefix: string, ids: string[]) => ids.map((id) => ({ path: `${prefix}${id}`, weight: 1 }));

/**
 * Each endpoint against three servers in one run, alternating: the query service, a raw node:http server
 * returning the same bytes (the ceiling) and the same express stack computing answers with live SQL (the
 * baseline). Closed loop for maximum throughput; then open loop at half the service's maximum for latency,
 * on the service and, as a control, on the ceiling at the same rate.
 */
export const readScenario = async (o: {
  dataset: string;
  seconds: number;
  warmup: number;
  runs: number;
  connections: number;
}) => {
  const system = await startSystem('postgres');
  const helpers: ChildProcess[] = [];
  try {
    await ingestDirect(system, DATASETS[o.dataset]!);
    await waitForProjection(system);
    const ids = await sample(system.db.url);
    const endpoints: Endpoint[] = [
      { name: 'bill detail', paths: each('/api/v1/bills/', ids.bills) },
      { name: 'vote detail', paths: each('/api/v1/votes/', ids.votes) },
      { name: 'member detail', paths: each('/api/v1/members/', ids.members) },
      { name: 'bill list', paths: [{ path: '/api/v1/bills?limit=20', weight: 1 }] },
      { name: 'dashboard', paths: [{ path: '/api/v1/dashboard/summary', weight: 1 }] },
      { name: 'bill search', paths: SEARCH_MIX.map((path) => ({ path, weight: 1 })) },
    ];
    // The seed's load-test mix: list bills 10, bill detail 5, search 3, dashboard summary 2.
    const mix: Endpoint = {
      name: 'seed mix (list 10, detail 5, search 3, dashboard 2)',
      paths: [
        { path: '/api/v1/bills?limit=20', weight: 10 },
        ...ids.bills.slice(0, 50).map((id) => ({ path: `/api/v1/bills/${id}`, weight: 5 / 50 })),
        ...SEARCH_MIX.map((path) => ({ path, weight: 3 / SEARCH_MIX.length })),
        { path: '/api/v1/dashboard/summary', weight: 2 },
      ],
    };
    const all = [...endpoints, mix];
    const rawPort = await freePort();
    const livePort = await freePort();
    const allPaths = [...new Set(all.flatMap((e) => e.paths.map((p) => p.path)))];
    helpers.push(
      await startHelper('benchmarks/lib/rawServer.ts', [
        system.stack.queryUrl,
        String(rawPort),
        JSON.stringify(allPaths),
      ]),
    );
    helpers.push(await startHelper('benchmarks/lib/liveSqlServer.ts', [system.db.url, String(livePort)]));
    const targets = {
      ceiling: `http://127.0.0.1:${rawPort}`,
      service: system.stack.queryUrl,
      liveSql: `http://127.0.0.1:${livePort}`,
    };
    const results: Record<string, Record<string, LoadResult[]>> = {};
    await quiet(system.db.url);
    for (let run = 0; run < o.runs; run++) {
      for (const e of all) {
        for (const [target, base] of Object.entries(targets)) {
          const r = await runLoad({
            mode: 'closed',
            base,
            paths: e.paths,
            connections: o.connections,
            seconds: o.seconds,
            warmupSeconds: o.warmup,
          });
          const byTarget = results[e.name] ?? {};
          results[e.name] = byTarget;
          byTarget[target] = [...(byTarget[target] ?? []), r];
          process.stderr.write(
            `  read ${e.name} ${target} run ${run + 1}: ${Math.round(r.rps ?? 0)} req/s p99 ${r.latencyMs.p99} ms\n`,
          );
          if (target === 'liveSql') {
            await liveIdle(base);
            await quiet(system.db.url);
          }
        }
      }
    }
    const closed = Object.fromEntries(
      Object.entries(results).map(([name, byTarget]) => [
        name,
        Object.fromEntries(
          Object.entries(byTarget).map(([t, rs]) => [
            t,
            {
              rps: spread(rs.map((r) => r.rps ?? 0)),
              p99Ms: spread(rs.map((r) => r.latencyMs.p99)),
              errors: rs.reduce((s, r) => s + r.errors, 0),
            },
          ]),
        ),
      ]),
    );
    // Honest latency: a fixed arrival rate at half of the service's measured maximum, per endpoint. The raw
    // ceiling at the same rate is the control: what the tail is on this machine with this generator when the
    // server does nothing but write bytes. Alternating, so that both see the same background load, and as many
    // runs as the closed loop: one run's p99 is a handful of requests, and the machine is shared.
    const openRuns: Record<'service' | 'ceiling', Record<string, LoadResult[]>> = {
      service: {},
      ceiling: {},
    };
    for (let run = 0; run < o.runs; run++) {
      for (const e of all) {
        const max = closed[e.name]?.service?.rps.median ?? 100;
        const rate = Math.max(50, Math.round(max / 2));
        for (const target of ['service', 'ceiling'] as const) {
          const r = await runLoad({
            mode: 'open',
            base: targets[target],
            paths: e.paths,
            connections: 64,
            seconds: o.seconds,
            warmupSeconds: 1,
            rate,
          });
          const byName = openRuns[target];
          byName[e.name] = [...(byName[e.name] ?? []), r];
          // The open loop also reports how late the generator itself was (see loadgen.ts).
          process.stderr.write(
            `  open-loop ${e.name} ${target} @${rate}/s run ${run + 1}: p50 ${r.latencyMs.p50} p99 ${r.latencyMs.p99} ms (generator lag p99 ${r.generatorLagMs?.p99} ms)\n`,
          );
        }
      }
    }
    /** Per endpoint: the run with the median p99 (kept whole), and p50/p99 over all runs. */
    const summarize = (byName: Record<string, LoadResult[]>) => ({
      median: Object.fromEntries(
        Object.entries(byName).map(([name, rs]) => [
          name,
          [...rs].sort((a, b) => a.latencyMs.p99 - b.latencyMs.p99)[Math.floor((rs.length - 1) / 2)]!,
        ]),
      ),
      spread: Object.fromEntries(
        Object.entries(byName).map(([name, rs]) => [
          name,
          { p50: spread(rs.map((r) => r.latencyMs.p50)), p99: spread(rs.map((r) => r.latencyMs.p99)) },
        ]),
      ),
    });
    const service = summarize(openRuns.service);
    const ceiling = summarize(openRuns.ceiling);
    const open = service.median;
    const openCeiling = ceiling.median;
    // Many keep-alive clients at once, closed loop: every connection always has a request waiting, so the
    // latency is the queue (Little's law: connections / throughput), and what counts is that none fails.
    const thousand = await runLoad({
      mode: 'closed',
      base: targets.service,
      paths: endpoints[1]!.paths,
      connections: 1_000,
      seconds: Math.max(3, o.seconds / 2),
      warmupSeconds: 0,
    });
    return {
      params: o,
      closed,
      open,
      openCeiling,
      openSpread: { service: service.spread, ceiling: ceiling.spread },
      openRuns,
      thousandConnections: { ...thousand, littleMs: thousand.rps ? 1_000_000 / thousand.rps : null },
    };
  } finally {
    for (const h of helpers) await stopHelper(h);
    await system.stop();
  }
};
