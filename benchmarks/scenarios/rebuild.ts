import { spawn } from 'node:child_process';
import pg from 'pg';
import { spread } from '../lib/context.ts';
import { DATASETS, ingestDirect, ROOT, startSystem, waitForProjection } from '../lib/system.ts';

const runRebuild = (databaseUrl: string) =>
  new Promise<{ ms: number; report: unknown }>((resolve, reject) => {
    const t = performance.now();
    const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['infra/bin/openpolicy.ts', 'rebuild'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, KAFKA_BROKERS: '', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve({ ms: performance.now() - t, report: JSON.parse(out.trim()) })
        : reject(new Error(`rebuild exited ${code}`)),
    );
  });

/** Replays the whole embedded log into a shadow schema and switches, with the live services running. */
export const rebuildScenario = async (o: { dataset: string; runs: number }) => {
  const system = await startSystem('postgres');
  try {
    await ingestDirect(system, DATASETS[o.dataset]!);
    await waitForProjection(system);
    const c = new pg.Client({ connectionString: system.db.url });
    await c.connect();
    const events = (await c.query('SELECT count(*)::int AS n FROM events.log')).rows[0].n as number;
    await c.end();
    const runs: { ms: number; report: unknown }[] = [];
    for (let i = 0; i < o.runs; i++) {
      runs.push(await runRebuild(system.db.url));
      process.stderr.write(
        `  rebuild ${o.dataset} run ${i + 1}: ${(runs.at(-1)!.ms / 1_000).toFixed(1)} s\n`,
      );
    }
    return { params: o, events, seconds: spread(runs.map((r) => r.ms / 1_000)), runs };
  } finally {
    await system.stop();
  }
};
