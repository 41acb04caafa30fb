import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { withDatabase } from '../infra/kernel/db.ts';
import { runProcess } from '../infra/kernel/runProcess.ts';
import { eventually } from '../infra/testing/eventually.ts';
import { freePort, type Service, spawnService, stopService } from '../infra/testing/stack.ts';
import { ADMIN_URL } from '../infra/testing/testDatabase.ts';
import { spread } from './lib/context.ts';
import { type LoadResult, runLoad } from './lib/processes.ts';
import { DATA, ROOT } from './lib/system.ts';
import { SEARCH_MIX } from './scenarios/search.ts';

/** A headline figure more than this much worse than the reference is flagged. */
const WORSE = 0.1;

type Side = Readonly<{
  name: string;
  root: string;
  db: string;
  url: string;
  services: Service[];
  queryUrl: string;
}>;

const run = async (root: string, args: string[], env: NodeJS.ProcessEnv) => {
  const r = await runProcess(`${ROOT}node_modules/.bin/tsx`, [`${root}infra/bin/openpolicy.ts`, ...args], {
    cwd: root,
    env: { LOG_LEVEL: 'warn', ...env },
  });
  // Exit 1 from ingest means some records were rejected (reported), not that the load failed.
  if (r.code !== 0 && !(args[0] === 'ingest' && r.code === 1)) {
    throw new Error(`openpolicy ${args[0]} exited ${r.code}: ${r.stderr.slice(-5_000)}`);
  }
};

const admin = async <T>(f: (c: pg.Client) => Promise<T>) => {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
};

/** One version of the platform: its own database migrated by its own code, its projector and query service. */
const startSide = async (name: string, root: string, paths: readonly string[]): Promise<Side> => {
  const db = `op_cmp_${Math.random().toString(36).slice(2, 10)}`;
  await admin((c) => c.query(`CREATE DATABASE ${db}`));
  const url = withDatabase(ADMIN_URL, db);
  await run(root, ['migrate'], { DATABASE_URL: url });
  await run(root, ['ingest', '--direct', ...paths.map((p) => `${DATA}${p}`)], {
    DATABASE_URL: url,
    KAFKA_BROKERS: '',
  });
  const port = await freePort();
  const env = {
    DATABASE_URL: url,
    QUERY_PORT: String(port),
    QUERY_RATE_LIMIT_RPS: '0',
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS: '',
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  const services = [
    spawnService(`projector (${name})`, `${root}projector/index.ts`, env),
    spawnService(`query (${name})`, `${root}query/index.ts`, env),
  ];
  const queryUrl = `http://127.0.0.1:${port}`;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await eventually(
      async () => {
        const r = await c.query<{ done: boolean }>(
          `SELECT coalesce((SELECT max(next_offset) FROM projector.checkpoints), 1)
                  > coalesce((SELECT max(position) FROM events.log), 0) AS done`,
        );
        if (!r.rows[0]?.done) return undefined;
        // Versions with the member render queue have caught up when it is empty too.
        const q = await c.query<{ t: string | null }>("SELECT to_regclass('rm.member_dirty')::text AS t");
        if (q.rows[0]?.t && (await c.query('SELECT 1 FROM rm.member_dirty LIMIT 1')).rowCount)
          return undefined;
        return true;
      },
      600_000,
      200,
    );
    await eventually(async () => ((await fetch(`${queryUrl}/readyz`)).ok ? true : undefined), 30_000);
  } finally {
    await c.end();
  }
  return { name, root, db, url, services, queryUrl };
};

const stopSide = async (s: Side) => {
  await Promise.all(s.services.map((x) => stopService(x)));
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${s.db} WITH (FORCE)`));
};

/** The seed's read mix, limited to what both versions answer (an older ref may lack an endpoint). */
const readMix = async (sides: readonly Side[]) => {
  const c = new pg.Client({ connectionString: sides[0]!.url });
  await c.connect();
  const bills = (
    await c.query<{ id: string }>(
      'SELECT id FROM rm.bills WHERE NOT stub AND vote_count > 0 ORDER BY id LIMIT 50',
    )
  ).rows.map((r) => r.id);
  await c.end();
  const answeredByAll = async (path: string) =>
    (await Promise.all(sides.map(async (s) => (await fetch(`${s.queryUrl}${path}`)).status))).every(
      (x) => x === 200,
    );
  const search = (await answeredByAll(SEARCH_MIX[0]!)) ? SEARCH_MIX : [];
  return [
    { path: '/api/v1/bills?limit=20', weight: 10 },
    ...bills.map((id) => ({ path: `/api/v1/bills/${id}`, weight: 5 / bills.length })),
    ...search.map((path) => ({ path, weight: 3 / search.length })),
    { path: '/api/v1/dashboard/summary', weight: 2 },
  ];
};

/**
 * `npm run bench -- --compare <ref>`: the read mix against the working tree and against `ref` in one session,
 * each on its own database loaded with the same data, runs alternating between them; prints per-metric ratios
 * and flags a headline figure more than 10% worse. Never fails on the numbers (noisy shared machines).
 */
export const compareRead = async (o: {
  ref: string;
  paths: readonly string[];
  seconds: number;
  warmup: number;
  runs: number;
  connections: number;
}) => {
  const sha = execFileSync('git', ['rev-parse', '--short', o.ref], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = `${mkdtempSync(join(tmpdir(), 'op-compare-'))}/`;
  execFileSync('git', ['worktree', 'add', '--detach', dir, o.ref], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(`${dir}node_modules`)) symlinkSync(`${ROOT}node_modules`, `${dir}node_modules`);
  const sides: Side[] = [];
  try {
    process.stderr.write(`  loading the working tree and ${o.ref} (${sha}), each on its own database\n`);
    sides.push(await startSide('working tree', ROOT, o.paths));
    sides.push(await startSide(o.ref, dir, o.paths));
    const paths = await readMix(sides);
    const samples: Record<string, { closed: LoadResult[]; open: LoadResult[] }> = {};
    for (const s of sides) samples[s.name] = { closed: [], open: [] };
    // One unmeasured pass each first: caches filled and code warm on both sides before anything counts.
    for (const s of sides) {
      await runLoad({
        mode: 'closed',
        base: s.queryUrl,
        paths,
        connections: o.connections,
        seconds: 2,
        warmupSeconds: 0,
      });
    }
    for (let i = 0; i < o.runs; i++) {
      for (const s of i % 2 ? [...sides].reverse() : sides) {
        const r = await runLoad({
          mode: 'closed',
          base: s.queryUrl,
          paths,
          connections: o.connections,
          seconds: o.seconds,
          warmupSeconds: o.warmup,
        });
        samples[s.name]!.closed.push(r);
        process.stderr.write(
          `  ${s.name} run ${i + 1}: ${Math.round(r.rps ?? 0)} req/s p99 ${r.latencyMs.p99} ms\n`,
        );
      }
    }
    // Latency at one fixed arrival rate for both: half the slower side's median maximum.
    const medianRps = (name: string) => spread(samples[name]!.closed.map((r) => r.rps ?? 0)).median;
    const rate = Math.max(50, Math.round(Math.min(...sides.map((s) => medianRps(s.name))) / 2));
    for (let i = 0; i < o.runs; i++) {
      for (const s of i % 2 ? [...sides].reverse() : sides) {
        samples[s.name]!.open.push(
          await runLoad({
            mode: 'open',
            base: s.queryUrl,
            paths,
            connections: 64,
            seconds: o.seconds,
            warmupSeconds: 0,
            rate,
          }),
        );
      }
    }
    const metric = (name: string) => {
      const x = samples[name]!;
      return {
        'closed-loop req/s': spread(x.closed.map((r) => r.rps ?? 0)).median,
        'closed-loop p99 ms': spread(x.closed.map((r) => r.latencyMs.p99)).median,
        [`open-loop p50 ms @${rate}/s`]: spread(x.open.map((r) => r.latencyMs.p50)).median,
        [`open-loop p99 ms @${rate}/s`]: spread(x.open.map((r) => r.latencyMs.p99)).median,
        errors: [...x.closed, ...x.open].reduce((sum, r) => sum + r.errors, 0),
      };
    };
    const now = metric(sides[0]!.name);
    const then = metric(sides[1]!.name);
    const rows = Object.keys(now).map((k) => {
      const a = now[k]!;
      const b = then[k]!;
      const higherIsBetter = k.includes('req/s');
      const ratio = b === 0 ? (a === 0 ? 1 : Number.POSITIVE_INFINITY) : a / b;
      const worse = k === 'errors' ? a > b : higherIsBetter ? ratio < 1 - WORSE : ratio > 1 + WORSE;
      return { metric: k, workingTree: a, ref: b, ratio, flagged: worse };
    });
    const lines = [
      `read mix (list 10, detail 5${paths.some((p) => p.path.includes('/search')) ? ', search 3' : ''}, dashboard 2), ${o.connections} connections, ${o.runs} alternating runs of ${o.seconds} s; medians`,
      '',
      `| metric | working tree | ${o.ref} (${sha}) | ratio | |`,
      '| --- | --- | --- | --- | --- |',
      ...rows.map(
        (r) =>
          `| ${r.metric} | ${r.workingTree.toFixed(r.metric.includes('ms') ? 2 : 0)} | ${r.ref.toFixed(r.metric.includes('ms') ? 2 : 0)} | ${Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : '∞'} | ${r.flagged ? `**worse by more than ${WORSE * 100}%**` : ''} |`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return { ref: o.ref, sha, params: { ...o }, rate, rows, samples };
  } finally {
    for (const s of sides) await stopSide(s).catch(() => undefined);
    execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: ROOT, stdio: 'ignore' });
  }
};
