import pg from 'pg';
import { spread } from '../lib/context.ts';
import { DATASETS, ingestDirect, type LogKind, startSystem, waitForProjection } from '../lib/system.ts';

const counts = async (url: string) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM rm.votes)::int AS votes, (SELECT count(*) FROM rm.ballots)::int AS ballots,
              (SELECT count(*) FROM rm.bills WHERE NOT stub)::int AS bills,
              (SELECT count(*) FROM rm.members WHERE NOT stub)::int AS members,
              (SELECT count(*) FROM events.log)::int AS events_in_pg_log`,
    );
    return r.rows[0]!;
  } finally {
    await c.end();
  }
};

/**
 * Loads a dataset into an empty system through the bulk path (importer straight to the event log) and times
 * until the projector has applied the last event, i.e. until the last record is queryable.
 */
export const ingestScenario = async (o: { dataset: string; logs: LogKind[]; runs: number }) => {
  const runs: Record<string, unknown>[] = [];
  for (let run = 0; run < o.runs; run++) {
    for (const log of o.logs) {
      const system = await startSystem(log);
      try {
        const t0 = performance.now();
        const ingest = await ingestDirect(system, DATASETS[o.dataset]!);
        await waitForProjection(system);
        const seconds = (performance.now() - t0) / 1_000;
        const c = await counts(system.db.url);
        runs.push({
          log,
          run,
          seconds,
          importerSeconds: ingest.ms / 1_000,
          projectorTailSeconds: seconds - ingest.ms / 1_000,
          ...c,
          ballotsPerSecond: c.ballots! / seconds,
          microsecondsPerBallot: (seconds * 1e6) / c.ballots!,
          importerSummary: ingest.output.trim().split('\n').slice(-6).join('\n'),
        });
        process.stderr.write(
          `  ingest ${o.dataset} ${log} run ${run + 1}: ${seconds.toFixed(1)} s, ${c.ballots} ballots\n`,
        );
      } finally {
        await system.stop();
      }
    }
  }
  const summary = Object.fromEntries(
    o.logs.map((log) => {
      const mine = runs.filter((r) => r.log === log);
      return [
        log,
        {
          seconds: spread(mine.map((r) => r.seconds as number)),
          ballotsPerSecond: spread(mine.map((r) => r.ballotsPerSecond as number)),
          microsecondsPerBallot: spread(mine.map((r) => r.microsecondsPerBallot as number)),
        },
      ];
    }),
  );
  return { params: o, summary, runs };
};
